/**
 * A record: its data as JSON in a textarea, checked against the collection's schema in the
 * browser before it is sent; its attachment (when the server has `attachments`); permissions.
 * Creation: POST (or PUT with `If-None-Match: *` when the JSON names an `id`). Edits and
 * deletion: `If-Match` the version shown, so a concurrent change answers 412, shown as is.
 */
import { useState } from "preact/hooks";
import type { KintoObject } from "../../../src/wire";
import { etagOf, type ObjectAnswer } from "../api";
import { useApp } from "../app-context";
import { Crumbs, ErrorBox, Tabs, useAction } from "../components";
import { useLoad } from "../hooks";
import { go, href, type ObjectTab } from "../router";
import { schemaErrors } from "../schema";
import { PermissionsEditor } from "./permissions";

interface Loaded {
  collection: KintoObject;
  record: ObjectAnswer | null;
}

/** The editable part of a record: everything but the server's fields and the attachment. */
function editable(record: KintoObject | undefined): string {
  if (record === undefined) return "{\n}";
  const { id: _id, last_modified: _lm, schema: _schema, attachment: _attachment, ...data } = record;
  return JSON.stringify(data, null, 2);
}

function parseData(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`Not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("The record must be a JSON object.");
  return value as Record<string, unknown>;
}

export function RecordView({ bid, cid, rid, tab }: { bid: string; cid: string; rid: string | null; tab: ObjectTab }) {
  const { api } = useApp();
  const collectionPath = `/buckets/${encodeURIComponent(bid)}/collections/${encodeURIComponent(cid)}`;
  const path = rid === null ? null : `${collectionPath}/records/${encodeURIComponent(rid)}`;
  const loaded = useLoad<Loaded>(
    async () => ({ collection: (await api.get(collectionPath)).data, record: path === null ? null : await api.get(path) }),
    `${collectionPath}|${path ?? ""}`,
  );
  const record = loaded.value?.record?.data;
  const tabs: [string, string, boolean][] =
    rid === null ? [] : [["Data", href.record(bid, cid, rid), tab === "data"], ["Permissions", href.record(bid, cid, rid, "permissions"), tab === "permissions"]];
  return (
    <main>
      <Crumbs bid={bid} cid={cid} last={rid ?? "new record"} />
      <h1>{rid === null ? "New record" : `Record ${rid}`}</h1>
      <Tabs items={tabs} />
      <ErrorBox error={loaded.error} />
      {tab === "permissions" && path !== null ? <PermissionsEditor path={path} names={["read", "write"]} /> : null}
      {tab === "data" && loaded.value !== undefined ? (
        <>
          <RecordForm key={record?.last_modified ?? "new"} bid={bid} cid={cid} collection={loaded.value.collection} record={record} onSaved={loaded.reload} />
          {record !== undefined && path !== null ? <Attachment path={path} record={record} onChange={loaded.reload} /> : null}
        </>
      ) : null}
    </main>
  );
}

interface FormProps {
  bid: string;
  cid: string;
  collection: KintoObject;
  /** The record edited, or undefined for a new one. */
  record: KintoObject | undefined;
  onSaved: () => void;
}

/** Keyed by the record's version: a new version starts a new form from its data. */
function RecordForm({ bid, cid, collection, record, onSaved }: FormProps) {
  const { api } = useApp();
  const collectionPath = `/buckets/${encodeURIComponent(bid)}/collections/${encodeURIComponent(cid)}`;
  const path = record === undefined ? null : `${collectionPath}/records/${encodeURIComponent(record.id)}`;
  const [text, setText] = useState(() => editable(record));
  const [invalid, setInvalid] = useState<string[]>([]);
  const action = useAction();

  const save = (event: Event): void => {
    event.preventDefault();
    setInvalid([]);
    void action.run(async () => {
      const data = parseData(text);
      const schema = collection.schema;
      if (typeof schema === "object" && schema !== null && !Array.isArray(schema) && Object.keys(schema).length > 0) {
        const errors = await schemaErrors(schema as Record<string, unknown>, data);
        if (errors.length > 0) {
          setInvalid(errors);
          return;
        }
      }
      if (record !== undefined && path !== null) {
        const kept = record.attachment === undefined ? {} : { attachment: record.attachment };
        await api.put(path, { data: { ...data, ...kept } }, etagOf(record));
        onSaved();
        return;
      }
      const answer: ObjectAnswer =
        typeof data.id === "string"
          ? await api.put(`${collectionPath}/records/${encodeURIComponent(data.id)}`, { data }, null)
          : await api.create(`${collectionPath}/records`, data);
      go(href.record(bid, cid, answer.data.id));
    });
  };
  const remove = (): void => {
    if (record === undefined || path === null || !confirm(`Delete the record ${record.id}?`)) return;
    void action.run(async () => {
      await api.remove(path, etagOf(record));
      go(href.collection(bid, cid));
    });
  };
  return (
    <>
      <form id="record-form" class="stacked" onSubmit={save}>
        <textarea name="data" class="json" rows={16} spellcheck={false} value={text} onInput={(e) => setText(e.currentTarget.value)} />
        <div>
          <button type="submit" disabled={action.busy}>{record === undefined ? "Create record" : "Save record"}</button>{" "}
          {record !== undefined ? <button type="button" class="danger" id="delete-record" onClick={remove}>Delete record</button> : null}
        </div>
      </form>
      {invalid.length > 0 ? (
        <div class="error" id="schema-errors" role="alert">
          <strong>Not sent: the record does not match the collection's schema.</strong>
          <ul>{invalid.map((message) => <li>{message}</li>)}</ul>
        </div>
      ) : null}
      <ErrorBox error={action.error} />
    </>
  );
}

interface AttachmentInfo {
  location: string;
  filename: string;
  size: number;
  mimetype: string;
}

/** kinto_attachment: upload (multipart `attachment` field), download link, deletion. */
function Attachment({ path, record, onChange }: { path: string; record: KintoObject; onChange: () => void }) {
  const { api, server } = useApp();
  const [file, setFile] = useState<File | null>(null);
  const action = useAction();
  const capability = server.capabilities.attachments;
  if (capability === undefined) return null;
  const attachment = record.attachment as AttachmentInfo | null | undefined;
  const upload = (event: Event): void => {
    event.preventDefault();
    if (file === null) return;
    void action.run(async () => {
      const form = new FormData();
      form.append("attachment", file, file.name);
      await api.call("POST", `${path}/attachment`, { form, headers: { "If-Match": etagOf(record) } });
      onChange();
    });
  };
  const remove = (): void => {
    if (!confirm("Delete the attachment?")) return;
    void action.run(async () => {
      await api.call("DELETE", `${path}/attachment`);
      onChange();
    });
  };
  const link = attachment ? (/^https?:/.test(attachment.location) ? attachment.location : `${capability.base_url}${attachment.location}`) : "";
  return (
    <section class="attachment">
      <h2>Attachment</h2>
      {attachment ? (
        <p>
          <a id="attachment-link" href={link} download={attachment.filename}>{attachment.filename}</a> ({attachment.mimetype}, {attachment.size} bytes){" "}
          <button class="danger" id="delete-attachment" onClick={remove}>Delete attachment</button>
        </p>
      ) : (
        <p class="muted">No attachment.</p>
      )}
      <form id="attachment-form" class="inline" onSubmit={upload}>
        <input type="file" name="attachment" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
        <button type="submit" disabled={action.busy || file === null}>Upload</button>
      </form>
      <ErrorBox error={action.error} />
    </section>
  );
}
