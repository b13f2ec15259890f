/** The buckets the user can read, one page at a time, and a form creating one. */
import { useState } from "preact/hooks";
import type { KintoObject } from "../../../src/wire";
import { useApp } from "../app-context";
import { Crumbs, ErrorBox, useAction, when } from "../components";
import { usePager } from "../hooks";
import { go, href } from "../router";
import { PagerNav } from "./pager";

export function Buckets() {
  const { api } = useApp();
  const pager = usePager<KintoObject>(api, "/buckets", { _limit: 50, _sort: "id" });
  const [id, setId] = useState("");
  const action = useAction();
  const create = (event: Event): void => {
    event.preventDefault();
    void action.run(async () => {
      const answer = await api.put(`/buckets/${encodeURIComponent(id)}`, { data: {} }, null);
      go(href.bucket(answer.data.id));
    });
  };
  return (
    <main>
      <Crumbs />
      <h1>Buckets</h1>
      <form id="create-bucket" class="inline" onSubmit={create}>
        <input name="id" placeholder="new bucket id" value={id} onInput={(e) => setId(e.currentTarget.value)} required />
        <button type="submit" disabled={action.busy}>Create bucket</button>
      </form>
      <ErrorBox error={action.error} />
      <ErrorBox error={pager.error} />
      <table class="list" id="buckets">
        <thead>
          <tr><th>id</th><th>last modified</th></tr>
        </thead>
        <tbody>
          {pager.value?.data.map((bucket) => (
            <tr>
              <td><a href={href.bucket(bucket.id)}>{bucket.id}</a></td>
              <td>{when(bucket.last_modified)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <PagerNav pager={pager} />
    </main>
  );
}
