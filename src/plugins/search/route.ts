/**
 * `GET|POST /buckets/{bid}/collections/{cid}/search` (kinto-elasticsearch's endpoint): the
 * JSON body is an Elasticsearch search body (request.ts); a GET without body is `match_all`.
 * Read permission is exactly that of `GET …/records`: collection readers search every record,
 * others only the records shared with them. Two round trips: the access decision (with the
 * collection's `search` metadata), then the search batch.
 */
import { sql } from "drizzle-orm";
import type { AppContext } from "../../context";
import { backendUnavailable, invalidParameter } from "../../errors";
import { checkContentType, JSON_TYPES, parseJson, readBodyText } from "../../http/body";
import { json } from "../../http/respond";
import { locationOf } from "../../resources/location";
import { decideListRead } from "../../resources/list-read-access";
import { listTarget } from "../../resources/target";
import { D1Storage } from "../../storage/d1";
import type { JsonValue } from "../../wire";
import { storedSearchFields } from "./metadata";
import { usesText } from "./query-sql";
import { parseSearchRequest } from "./request";
import { runSearch } from "./run";
import { bucketDatabaseOf } from "../../http/route-database";

async function bodyOf(c: AppContext): Promise<JsonValue | undefined> {
  const text = await readBodyText(c.req.raw);
  if (text.trim() === "") return undefined;
  checkContentType(c.req.header("Content-Type"), JSON_TYPES);
  return parseJson(text);
}

export async function search(c: AppContext): Promise<Response> {
  const settings = c.get("settings");
  const identity = c.get("identity");
  const storage = new D1Storage(bucketDatabaseOf(c));
  const list = listTarget("record", locationOf(c));
  const collectionUri = list.parentId;
  const { state, access } = await decideListRead(storage, list, identity, settings, [sql`SELECT cursor FROM search_builds WHERE collection_uri = ${collectionUri}`]);
  if (new URL(c.req.url).searchParams.has("q")) throw invalidParameter("querystring", "q", "q: the query string syntax is not supported; send a JSON query body");
  const request = parseSearchRequest(await bodyOf(c), settings.storageMaxFetchSize);
  const collection = list.parent ? state.object(list.parent.uri).object : null;
  const fields = storedSearchFields(collection?.data.search);
  // While a rebuild of the text index runs (search.text changed), text clauses would miss records.
  if ((state.extra[0]?.length ?? 0) > 0 && usesText(request.query, fields)) throw backendUnavailable(settings.retryAfterSeconds);
  const scope = access.kind === "shared" ? access.scope : null;
  const target = { collectionUri, fields, bucketId: list.location.bucket ?? "", collectionId: list.location.collection ?? "", scope };
  const body = await runSearch(bucketDatabaseOf(c), access.kind === "empty" ? { ...request, query: { kind: "none" } } : request, target);
  return json(c, 200, body);
}
