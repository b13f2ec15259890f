/** A group: its members (edited as one principal per line), permissions, deletion. */
import { useState } from "preact/hooks";
import type { KintoObject } from "../../../src/wire";
import { etagOf } from "../api";
import { useApp } from "../app-context";
import { Crumbs, ErrorBox, Tabs, useAction } from "../components";
import { useLoad } from "../hooks";
import { go, href, type ObjectTab } from "../router";
import { PermissionsEditor } from "./permissions";

/** Principals or field names typed one per line or separated by commas. */
export function parseMembers(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

export function Group({ bid, gid, tab }: { bid: string; gid: string; tab: ObjectTab }) {
  const path = `/buckets/${encodeURIComponent(bid)}/groups/${encodeURIComponent(gid)}`;
  const { api } = useApp();
  const loaded = useLoad(() => api.get(path), path);
  const group = loaded.value?.data;
  return (
    <main>
      <Crumbs bid={bid} last={`group ${gid}`} />
      <h1>Group {gid}</h1>
      <Tabs items={[["Members", href.group(bid, gid), tab === "data"], ["Permissions", href.group(bid, gid, "permissions"), tab === "permissions"]]} />
      <ErrorBox error={loaded.error} />
      {tab === "permissions" ? <PermissionsEditor path={path} names={["read", "write"]} /> : null}
      {tab === "data" && group !== undefined ? <MembersForm key={group.last_modified} bid={bid} path={path} group={group} onSaved={loaded.reload} /> : null}
    </main>
  );
}

/** Keyed by the group's version: a new version starts a new form from its members. */
function MembersForm({ bid, path, group, onSaved }: { bid: string; path: string; group: KintoObject; onSaved: () => void }) {
  const { api } = useApp();
  const [members, setMembers] = useState(() => (Array.isArray(group.members) ? group.members : []).join("\n"));
  const action = useAction();
  const save = (event: Event): void => {
    event.preventDefault();
    const { id: _id, last_modified: _lm, ...data } = group;
    void action.run(async () => {
      await api.put(path, { data: { ...data, members: parseMembers(members) } }, etagOf(group));
      onSaved();
    });
  };
  const remove = (): void => {
    if (!confirm(`Delete the group ${group.id}?`)) return;
    void action.run(async () => {
      await api.remove(path, etagOf(group));
      go(href.bucket(bid, "groups"));
    });
  };
  return (
    <form id="group-form" class="stacked" onSubmit={save}>
      <textarea name="members" rows={8} value={members} onInput={(e) => setMembers(e.currentTarget.value)} />
      <div>
        <button type="submit" disabled={action.busy}>Save members</button>{" "}
        <button type="button" class="danger" id="delete-group" onClick={remove}>Delete group</button>
      </div>
      <ErrorBox error={action.error} />
    </form>
  );
}
