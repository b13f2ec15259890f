/**
 * A collection: its records (one page of `_limit` at a time, sorted by a column with `_sort`,
 * the total from a HEAD's `Total-Records`), attributes, permissions, history, and the signer's
 * review screen when it is a workflow's source.
 */
import { useState } from "preact/hooks";
import type { KintoObject } from "../../../src/wire";
import { etagOf } from "../api";
import { useApp } from "../app-context";
import { Crumbs, ErrorBox, Tabs, cell, useAction, when } from "../components";
import { useLoad, usePager } from "../hooks";
import { go, href, type CollectionTab } from "../router";
import { workflowOf } from "../server";
import { Attributes } from "./attributes";
import { History } from "./history";
import { PagerNav } from "./pager";
import { PermissionsEditor } from "./permissions";
import { Review } from "./review";

const PAGE_SIZE = 50;

export function Collection({ bid, cid, tab }: { bid: string; cid: string; tab: CollectionTab }) {
  const { api, server } = useApp();
  const path = `/buckets/${encodeURIComponent(bid)}/collections/${encodeURIComponent(cid)}`;
  const loaded = useLoad(() => api.get(path), path);
  const remove = useAction();
  const workflow = workflowOf(server, bid, cid);
  const collection = loaded.value?.data;
  const tabs: [string, string, boolean][] = [
    ["Records", href.collection(bid, cid), tab === "records"],
    ["Attributes", href.collection(bid, cid, "attributes"), tab === "attributes"],
    ["Permissions", href.collection(bid, cid, "permissions"), tab === "permissions"],
  ];
  if (server.capabilities.history !== undefined) tabs.push(["History", href.collection(bid, cid, "history"), tab === "history"]);
  if (workflow !== null) tabs.push(["Review", href.collection(bid, cid, "review"), tab === "review"]);
  const deleteCollection = (): void => {
    if (collection === undefined || !confirm(`Delete the collection ${cid} and its records?`)) return;
    void remove.run(async () => {
      await api.remove(path, etagOf(collection));
      go(href.bucket(bid));
    });
  };
  return (
    <main>
      <Crumbs bid={bid} cid={cid} />
      <h1>
        Collection {cid}{" "}
        {typeof collection?.status === "string" ? <span class="status" id="collection-status">{collection.status}</span> : null}{" "}
        <button class="danger" id="delete-collection" onClick={deleteCollection}>Delete collection</button>
      </h1>
      <ErrorBox error={loaded.error} />
      <ErrorBox error={remove.error} />
      <Tabs items={tabs} />
      {collection === undefined ? null : (
        <>
          {tab === "records" ? <Records bid={bid} cid={cid} collection={collection} /> : null}
          {tab === "attributes" ? <Attributes key={collection.last_modified} path={path} collection={collection} onSaved={loaded.reload} /> : null}
          {tab === "permissions" ? <PermissionsEditor path={path} names={["read", "write", "record:create"]} /> : null}
          {tab === "history" ? <History bid={bid} filter={{ collection_id: cid }} /> : null}
          {tab === "review" && workflow !== null ? <Review workflow={workflow} collection={collection} onChange={loaded.reload} /> : null}
        </>
      )}
    </main>
  );
}

function columnsOf(collection: KintoObject): string[] {
  const fields = collection.displayFields;
  const named = Array.isArray(fields) ? fields.filter((f): f is string => typeof f === "string" && f !== "") : [];
  return named.length > 0 ? named : ["id"];
}

function valueAt(record: KintoObject, field: string): unknown {
  let value: unknown = record;
  for (const part of field.split(".")) value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  return value;
}

function Records({ bid, cid, collection }: { bid: string; cid: string; collection: KintoObject }) {
  const { api } = useApp();
  const path = `/buckets/${encodeURIComponent(bid)}/collections/${encodeURIComponent(cid)}/records`;
  const [sort, setSort] = useState(typeof collection.sort === "string" ? collection.sort : "-last_modified");
  const pager = usePager<KintoObject>(api, path, { _limit: PAGE_SIZE, _sort: sort });
  const total = useLoad(() => api.total(path), `${path}@${collection.last_modified}`);
  const columns = [...columnsOf(collection), "last_modified"];
  const sortBy = (field: string): void => setSort(sort === field ? `-${field}` : field);
  const arrow = (field: string): string => (sort === field ? " ▲" : sort === `-${field}` ? " ▼" : "");
  return (
    <>
      <p>
        <a class="button" id="new-record" href={href.newRecord(bid, cid)}>New record</a>
      </p>
      <ErrorBox error={pager.error} />
      <table class="list" id="records">
        <thead>
          <tr>
            {columns.map((field) => (
              <th><button class="sort" data-field={field} onClick={() => sortBy(field)}>{field}{arrow(field)}</button></th>
            ))}
          </tr>
        </thead>
        <tbody>
          {pager.value?.data.map((record) => (
            <tr data-id={record.id}>
              {columns.map((field, index) => {
                const text = field === "last_modified" ? when(record.last_modified) : cell(valueAt(record, field));
                return <td>{index === 0 ? <a href={href.record(bid, cid, record.id)}>{text || record.id}</a> : text}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <PagerNav pager={pager} total={total.value} />
    </>
  );
}
