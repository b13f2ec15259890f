/** A bucket's history (kinto.plugins.history), newest first, one page at a time, optionally filtered. */
import type { KintoObject } from "../../../src/wire";
import { useApp } from "../app-context";
import { ErrorBox, cell, when } from "../components";
import { usePager } from "../hooks";
import { PagerNav } from "./pager";

const PAGE = 20;

export function History({ bid, filter }: { bid: string; filter: Record<string, string> }) {
  const { api } = useApp();
  const pager = usePager<KintoObject>(api, `/buckets/${encodeURIComponent(bid)}/history`, { _limit: PAGE, _sort: "-last_modified", ...filter });
  return (
    <>
      <ErrorBox error={pager.error} />
      <table class="list" id="history">
        <thead><tr><th>date</th><th>action</th><th>resource</th><th>uri</th><th>by</th></tr></thead>
        <tbody>
          {pager.value?.data.map((entry) => (
            <tr>
              <td>{when(entry.last_modified)}</td>
              <td class="action">{cell(entry.action)}</td>
              <td>{cell(entry.resource_name)}</td>
              <td>{cell(entry.uri)}</td>
              <td>{cell(entry.user_id)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <PagerNav pager={pager} />
    </>
  );
}
