/** A bucket: its collections, groups, history and permissions, in tabs. */
import { useState } from "preact/hooks";
import type { KintoObject } from "../../../src/wire";
import { useApp } from "../app-context";
import { Crumbs, ErrorBox, Tabs, cell, useAction, when } from "../components";
import { usePager } from "../hooks";
import { go, href, type BucketTab } from "../router";
import { History } from "./history";
import { PagerNav } from "./pager";
import { PermissionsEditor } from "./permissions";
import { parseMembers } from "./group";
import { parseSchemaText } from "./attributes";

export function Bucket({ bid, tab }: { bid: string; tab: BucketTab }) {
  const { api, server } = useApp();
  const path = `/buckets/${encodeURIComponent(bid)}`;
  const remove = useAction();
  const tabs: [string, string, boolean][] = [
    ["Collections", href.bucket(bid), tab === "collections"],
    ["Groups", href.bucket(bid, "groups"), tab === "groups"],
  ];
  if (server.capabilities.history !== undefined) tabs.push(["History", href.bucket(bid, "history"), tab === "history"]);
  tabs.push(["Permissions", href.bucket(bid, "permissions"), tab === "permissions"]);
  const deleteBucket = (): void => {
    if (!confirm(`Delete the bucket ${bid} and everything in it?`)) return;
    void remove.run(async () => {
      await api.remove(path);
      go(href.buckets());
    });
  };
  return (
    <main>
      <Crumbs bid={bid} />
      <h1>
        Bucket {bid}{" "}
        <button class="danger" id="delete-bucket" onClick={deleteBucket}>Delete bucket</button>
      </h1>
      <ErrorBox error={remove.error} />
      <Tabs items={tabs} />
      {tab === "collections" ? <Collections bid={bid} /> : null}
      {tab === "groups" ? <Groups bid={bid} /> : null}
      {tab === "history" ? <History bid={bid} filter={{}} /> : null}
      {tab === "permissions" ? <PermissionsEditor path={path} names={["read", "write", "collection:create", "group:create"]} /> : null}
    </main>
  );
}

function Collections({ bid }: { bid: string }) {
  const { api } = useApp();
  const base = `/buckets/${encodeURIComponent(bid)}/collections`;
  const pager = usePager<KintoObject>(api, base, { _limit: 50, _sort: "id" });
  const [id, setId] = useState("");
  const [schema, setSchema] = useState("");
  const [fields, setFields] = useState("");
  const action = useAction();
  const create = (event: Event): void => {
    event.preventDefault();
    void action.run(async () => {
      const data: Record<string, unknown> = {};
      const parsed = parseSchemaText(schema);
      if (parsed !== null) data.schema = parsed;
      const displayFields = parseMembers(fields);
      if (displayFields.length > 0) data.displayFields = displayFields;
      await api.put(`${base}/${encodeURIComponent(id)}`, { data }, null);
      go(href.collection(bid, id));
    });
  };
  return (
    <>
      <form id="create-collection" class="stacked" onSubmit={create}>
        <input name="id" placeholder="new collection id" value={id} onInput={(e) => setId(e.currentTarget.value)} required />
        <textarea name="schema" placeholder="JSON schema of its records (optional)" rows={4} value={schema} onInput={(e) => setSchema(e.currentTarget.value)} />
        <input name="displayFields" placeholder="columns shown in the records list, e.g. title, author" value={fields} onInput={(e) => setFields(e.currentTarget.value)} />
        <button type="submit" disabled={action.busy}>Create collection</button>
      </form>
      <ErrorBox error={action.error} />
      <ErrorBox error={pager.error} />
      <table class="list" id="collections">
        <thead><tr><th>id</th><th>last modified</th></tr></thead>
        <tbody>
          {pager.value?.data.map((collection) => (
            <tr>
              <td><a href={href.collection(bid, collection.id)}>{collection.id}</a></td>
              <td>{when(collection.last_modified)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <PagerNav pager={pager} />
    </>
  );
}

function Groups({ bid }: { bid: string }) {
  const { api } = useApp();
  const base = `/buckets/${encodeURIComponent(bid)}/groups`;
  const pager = usePager<KintoObject>(api, base, { _limit: 50, _sort: "id" });
  const [id, setId] = useState("");
  const [members, setMembers] = useState("");
  const action = useAction();
  const create = (event: Event): void => {
    event.preventDefault();
    void action.run(async () => {
      await api.put(`${base}/${encodeURIComponent(id)}`, { data: { members: parseMembers(members) } }, null);
      setId("");
      setMembers("");
      pager.reload();
    });
  };
  return (
    <>
      <form id="create-group" class="stacked" onSubmit={create}>
        <input name="id" placeholder="new group id" value={id} onInput={(e) => setId(e.currentTarget.value)} required />
        <textarea name="members" placeholder="members: one principal per line (account:alice)" rows={3} value={members} onInput={(e) => setMembers(e.currentTarget.value)} />
        <button type="submit" disabled={action.busy}>Create group</button>
      </form>
      <ErrorBox error={action.error} />
      <ErrorBox error={pager.error} />
      <table class="list" id="groups">
        <thead><tr><th>id</th><th>members</th><th>last modified</th></tr></thead>
        <tbody>
          {pager.value?.data.map((group) => (
            <tr>
              <td><a href={href.group(bid, group.id)}>{group.id}</a></td>
              <td class="members">{cell(group.members)}</td>
              <td>{when(group.last_modified)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <PagerNav pager={pager} />
    </>
  );
}
