/**
 * The signer's review screen of a workflow's source collection: its status and who did what,
 * the changes waiting (source records against the destination's), and the status changes the
 * workflow allows: request review (to-review), approve (to-sign), reject (work-in-progress),
 * roll back (to-rollback). The server decides who may do what; its refusals are shown.
 * The diff reads at most DIFF_CAP records of each side (review collections are small).
 */
import type { KintoObject } from "../../../src/wire";
import { etagOf } from "../api";
import { useApp } from "../app-context";
import { ErrorBox, cell, useAction } from "../components";
import { useLoad } from "../hooks";
import type { Workflow } from "../server";

const DIFF_CAP = 1000;

interface Change {
  id: string;
  kind: "added" | "changed" | "removed";
  before: KintoObject | undefined;
  after: KintoObject | undefined;
}

function comparable(record: KintoObject | undefined): string {
  if (record === undefined) return "";
  const { last_modified: _lm, schema: _schema, ...data } = record;
  return JSON.stringify(Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : 1))));
}

function diff(source: KintoObject[], destination: KintoObject[]): Change[] {
  const published = new Map(destination.map((record) => [record.id, record]));
  const changes: Change[] = [];
  for (const record of source) {
    const before = published.get(record.id);
    published.delete(record.id);
    if (before === undefined) changes.push({ id: record.id, kind: "added", before, after: record });
    else if (comparable(before) !== comparable(record)) changes.push({ id: record.id, kind: "changed", before, after: record });
  }
  for (const before of published.values()) changes.push({ id: before.id, kind: "removed", before, after: undefined });
  return changes.sort((a, b) => (a.id < b.id ? -1 : 1));
}

const recordsOf = (place: { bucket: string; collection: string }): string =>
  `/buckets/${encodeURIComponent(place.bucket)}/collections/${encodeURIComponent(place.collection)}/records`;

export function Review({ workflow, collection, onChange }: { workflow: Workflow; collection: KintoObject; onChange: () => void }) {
  const { api } = useApp();
  const action = useAction();
  const changes = useLoad(async () => {
    const [source, destination] = await Promise.all([
      api.upTo<KintoObject>(recordsOf(workflow.source), { _sort: "id", _limit: DIFF_CAP }, DIFF_CAP),
      api.upTo<KintoObject>(recordsOf(workflow.destination), { _sort: "id", _limit: DIFF_CAP }, DIFF_CAP),
    ]);
    return { changes: diff(source.data, destination.data), complete: source.complete && destination.complete };
  }, `${recordsOf(workflow.source)}@${collection.last_modified}`);
  const status = typeof collection.status === "string" ? collection.status : "";
  const path = `/buckets/${encodeURIComponent(workflow.source.bucket)}/collections/${encodeURIComponent(workflow.source.collection)}`;
  const setStatus = (next: string): void => {
    void action.run(async () => {
      await api.patch(path, { data: { status: next } }, etagOf(collection));
      onChange();
    });
  };
  const button = (id: string, label: string, next: string) => (
    <button id={id} disabled={action.busy} onClick={() => setStatus(next)}>{label}</button>
  );
  const who = (field: string) => (collection[field] === undefined ? null : <li>{field.replaceAll("_", " ")}: {cell(collection[field])}</li>);
  return (
    <section class="review">
      <p>
        Status: <strong id="review-status">{status || "(none)"}</strong>. Published into{" "}
        <code>{workflow.destination.bucket}/{workflow.destination.collection}</code>
        {workflow.preview ? <> (preview <code>{workflow.preview.bucket}/{workflow.preview.collection}</code>)</> : null}.{" "}
        {workflow.review ? <>Editors: <code>{workflow.editors}</code>, reviewers: <code>{workflow.reviewers}</code>.</> : "No review needed."}
      </p>
      <ul class="muted">
        {who("last_edit_by")}
        {who("last_review_request_by")}
        {who("last_review_by")}
        {who("last_signature_by")}
      </ul>
      <div class="actions">
        {workflow.review && status !== "to-review" ? button("request-review", "Request review", "to-review") : null}
        {!workflow.review || status === "to-review" ? button("approve", workflow.review ? "Approve" : "Sign and publish", "to-sign") : null}
        {status === "to-review" ? button("reject", "Reject", "work-in-progress") : null}
        {status !== "signed" ? button("rollback", "Roll back changes", "to-rollback") : null}
      </div>
      <ErrorBox error={action.error} />
      <h2>Changes against the destination</h2>
      <ErrorBox error={changes.error} />
      {changes.value === undefined ? null : changes.value.changes.length === 0 ? (
        <p id="no-changes">No changes.</p>
      ) : (
        <table class="list" id="review-diff">
          <thead><tr><th>id</th><th>change</th><th>destination</th><th>source</th></tr></thead>
          <tbody>
            {changes.value.changes.map((change) => (
              <tr class={change.kind}>
                <td>{change.id}</td>
                <td>{change.kind}</td>
                <td><pre>{change.before ? comparable(change.before) : ""}</pre></td>
                <td><pre>{change.after ? comparable(change.after) : ""}</pre></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {changes.value?.complete === false ? <p class="muted">Only the first {DIFF_CAP} records of each side are compared.</p> : null}
    </section>
  );
}
