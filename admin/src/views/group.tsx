/** A group: its members (edited as one principal per line), permissions, deletion. */
import { useEffect, useState } from "preact/hooks";
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
  const { api } = useApp();
  const path = `/buckets/${encodeURIComponent(bid)}/groups/${encodeURIComponent(gid)}`;
  const loaded = useLoad(() => api.get(path), path);
  const [members, setMembers] = useState("");
  const action = useAction();
  const group: KintoObject | undefined = loaded.value?.data;
  useEffect(() => {
    if (group !== undefined) setMembers((Array.isArray(group.members) ? group.members : []).join("\n"));
  }, [group]);
  const save = (event: Event): void => {
    event.preventDefault();
    if (group === undefined) return;
    const { id: _id, last_modified: _lm, ...data } = group;
    void action.run(async () => {
      await api.put(path, { data: { ...data, members: parseMembers(members) } }, etagOf(group));
      loaded.reload();
    });
  };
  const remove = (): void => {
    if (group === undefined || !confirm(`Delete the group ${gid}?`)) return;
    void action.run(async () => {
      await api.remove(path, etagOf(group));
      go(href.bucket(bid, "groups"));
    });
  };
  return (
    <main>
      <Crumbs bid={bid} last={`group ${gid}`} />
      <h1>Group {gid}</h1>
      <Tabs items={[["Members", href.group(bid, gid), tab === "data"], ["Permissions", href.group(bid, gid, "permissions"), tab === "permissions"]]} />
      <ErrorBox error={loaded.error} />
      {tab === "permissions" ? (
        <PermissionsEditor path={path} names={["read", "write"]} />
      ) : (
        <form id="group-form" class="stacked" onSubmit={save}>
          <textarea name="members" rows={8} value={members} onInput={(e) => setMembers(e.currentTarget.value)} />
          <div>
            <button type="submit" disabled={action.busy || group === undefined}>Save members</button>{" "}
            <button type="button" class="danger" id="delete-group" onClick={remove}>Delete group</button>
          </div>
        </form>
      )}
      <ErrorBox error={action.error} />
    </main>
  );
}
