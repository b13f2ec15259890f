/**
 * `…/collections/{cid}/changes/live`: `GET` with `Upgrade: websocket` (or `Accept:
 * text/event-stream`, for Server-Sent Events) subscribes to the collection's changes,
 * authenticated by the `Authorization` header or a `token`; `POST` gives a subscription token.
 * Authorization is the one of `GET …/records`; the collection's Writer holds the subscriber
 * (live/hub.ts).
 */
import { AUTHENTICATED, EVERYONE, type Identity } from "../../auth/identity";
import type { AppContext } from "../../context";
import { forbidden, invalidParameter, invalidParameters, missingResource, unauthorized } from "../../errors";
import { json } from "../../http/respond";
import { liveAccess, type LiveAccess } from "../../live/access";
import { reauthorizeAfterMs } from "../../live/hub";
import { SUBSCRIPTION_HEADER, type SubscribeRequest } from "../../live/subscription";
import { locationOf } from "../../resources/location";
import { D1Storage } from "../../storage/d1";
import { issueToken, tokenUser } from "./token";

function collectionUriOf(bucket: string, collection: string): string {
  return `/buckets/${bucket}/collections/${collection}`;
}

/** The caller's access to the collection's records, or the 401/403/404 a list read would answer. */
async function accessOf(c: AppContext, identity: Identity): Promise<LiveAccess> {
  const access = await liveAccess(new D1Storage(c.env.DB), c.get("settings"), locationOf(c), identity);
  if (access === null) throw identity.userId === null ? unauthorized() : forbidden();
  if (access === "missing") throw missingResource({ id: c.req.param("cid") ?? "", resource_name: "collection" });
  return access;
}

/** `_since` (else an event stream's `Last-Event-ID`): a list ETag (quoted or not) or a timestamp; null when absent. */
function sinceOf(c: AppContext): number | null {
  const raw = c.req.query("_since") ?? c.req.header("Last-Event-ID");
  if (raw === undefined) return null;
  const value = raw.replace(/^"(.*)"$/, "$1");
  if (!/^\d{1,16}$/.test(value)) throw invalidParameter("querystring", "_since", "The value should be integer.");
  return Number(value);
}

function transportOf(c: AppContext): SubscribeRequest["transport"] {
  if (c.req.header("Upgrade")?.toLowerCase() === "websocket") return "websocket";
  if ((c.req.header("Accept") ?? "").toLowerCase().includes("text/event-stream")) return "event-stream";
  throw invalidParameters(
    [{ location: "header", name: "Upgrade", description: "Expected a WebSocket upgrade (Upgrade: websocket) or Accept: text/event-stream" }],
    426,
  );
}

export async function subscribe(c: AppContext): Promise<Response> {
  reauthorizeAfterMs(c.get("settings")); // a malformed setting: a 500 naming it
  const transport = transportOf(c);
  const bucket = c.req.param("bid") ?? "";
  const collection = c.req.param("cid") ?? "";
  let identity = c.get("identity");
  const token = c.req.query("token");
  if (token !== undefined) {
    const userId = await tokenUser(c.get("settings").userIdHmacSecret, token, collectionUriOf(bucket, collection));
    if (userId === null) throw unauthorized();
    identity = { userId, principals: [userId, EVERYONE, AUTHENTICATED] };
  }
  const since = sinceOf(c);
  const access = await accessOf(c, identity);
  const request: SubscribeRequest = {
    subscription: { identity, bucket, collection, access, checkedAt: Date.now(), lastSent: since ?? 0 },
    catchUp: since !== null,
    transport,
  };
  const stub = c.env.WRITER.get(c.env.WRITER.idFromName(collectionUriOf(bucket, collection)));
  const headers: Record<string, string> = { [SUBSCRIPTION_HEADER]: JSON.stringify(request) };
  if (transport === "websocket") headers.Upgrade = "websocket";
  const accepted = await stub.fetch("https://writer/live", { headers });
  // A new Response: the Writer's has immutable headers, which the middlewares add to.
  if (transport === "websocket") return new Response(null, { status: accepted.status, webSocket: accepted.webSocket });
  return new Response(accepted.body, { status: accepted.status, headers: new Headers(accepted.headers) });
}

export async function subscriptionToken(c: AppContext): Promise<Response> {
  const identity = c.get("identity");
  if (identity.userId === null) throw unauthorized();
  await accessOf(c, identity);
  const uri = collectionUriOf(c.req.param("bid") ?? "", c.req.param("cid") ?? "");
  return json(c, 200, await issueToken(c.get("settings").userIdHmacSecret, identity.userId, uri));
}
