/**
 * `…/changes/live` of a collection, a bucket, or the changes monitor: `GET` with `Upgrade:
 * websocket` (or `Accept: text/event-stream`, for Server-Sent Events) subscribes,
 * authenticated by the `Authorization` header or a `token`; `POST` gives a subscription token.
 * Authorization is the one of listing what the stream follows (the monitor is public); the
 * Durable Object that commits its writes holds the subscriber (live/hub.ts).
 */
import { AUTHENTICATED, EVERYONE, type Identity } from "../../auth/identity";
import type { AppContext } from "../../context";
import { forbidden, invalidParameter, invalidParameters, missingResource, unauthorized } from "../../errors";
import { json } from "../../http/respond";
import { liveAccess, type LiveAccess } from "../../live/access";
import { reauthorizeAfterMs } from "../../live/hub";
import { parseCursor, scopeDatabase, SUBSCRIPTION_HEADER, writerNameOf, type LiveScope, type SubscribeRequest, type Subscription } from "../../live/subscription";
import { D1Storage } from "../../storage/d1";
import { issueToken, tokenUser } from "./token";

/** The scope of a route: its parameters, or the feed it serves. */
export type ScopeOf = (c: AppContext) => LiveScope;

export const collectionScope: ScopeOf = (c) => ({ kind: "collection", bucket: c.req.param("bid") ?? "", collection: c.req.param("cid") ?? "" });
export const bucketScope: ScopeOf = (c) => ({ kind: "bucket", bucket: c.req.param("bid") ?? "" });

/** The caller's access, or the 401/403/404 a list read would answer. */
async function accessOf(c: AppContext, scope: LiveScope, identity: Identity): Promise<LiveAccess> {
  const access = await liveAccess(new D1Storage(scopeDatabase(c.env, scope)), c.get("settings"), scope, identity);
  if (access === null) throw identity.userId === null ? unauthorized() : forbidden();
  if (access === "missing") {
    const details = scope.kind === "collection" ? { id: scope.collection, resource_name: "collection" } : { id: scope.kind === "bucket" ? scope.bucket : "", resource_name: "bucket" };
    throw missingResource(details);
  }
  return access;
}

/** `_since` (else an event stream's `Last-Event-ID`) as `lastSent`; null when absent. */
function sinceOf(c: AppContext, scope: LiveScope): Subscription["lastSent"] | null {
  const raw = c.req.query("_since") ?? c.req.header("Last-Event-ID");
  if (raw === undefined) return null;
  const since = parseCursor(scope, raw);
  const expected = scope.kind === "bucket" ? "an integer, or two (collections,groups) joined by a comma" : "integer";
  if (since === null) throw invalidParameter("querystring", "_since", `The value should be ${expected}.`);
  return since;
}

function transportOf(c: AppContext): SubscribeRequest["transport"] {
  if (c.req.header("Upgrade")?.toLowerCase() === "websocket") return "websocket";
  if ((c.req.header("Accept") ?? "").toLowerCase().includes("text/event-stream")) return "event-stream";
  throw invalidParameters(
    [{ location: "header", name: "Upgrade", description: "Expected a WebSocket upgrade (Upgrade: websocket) or Accept: text/event-stream" }],
    426,
  );
}

export function subscribe(scopeOf: ScopeOf) {
  return async (c: AppContext): Promise<Response> => {
    reauthorizeAfterMs(c.get("settings")); // a malformed setting: a 500 naming it
    const transport = transportOf(c);
    const scope = scopeOf(c);
    const name = writerNameOf(scope);
    let identity = c.get("identity");
    const token = c.req.query("token");
    if (token !== undefined) {
      const userId = await tokenUser(c.get("settings").userIdHmacSecret, token, name);
      if (userId === null) throw unauthorized();
      identity = { userId, principals: [userId, EVERYONE, AUTHENTICATED] };
    }
    const since = sinceOf(c, scope);
    const access = await accessOf(c, scope, identity);
    const request: SubscribeRequest = {
      subscription: { identity, scope, access, checkedAt: Date.now(), lastSent: since ?? {} },
      catchUp: since !== null,
      transport,
    };
    const stub = c.env.WRITER.get(c.env.WRITER.idFromName(name));
    const headers: Record<string, string> = { [SUBSCRIPTION_HEADER]: JSON.stringify(request) };
    if (transport === "websocket") headers.Upgrade = "websocket";
    const accepted = await stub.fetch("https://writer/live", { headers });
    // A new Response: the Writer's has immutable headers, which the middlewares add to.
    if (transport === "websocket") return new Response(null, { status: accepted.status, webSocket: accepted.webSocket });
    return new Response(accepted.body, { status: accepted.status, headers: new Headers(accepted.headers) });
  };
}

export function subscriptionToken(scopeOf: ScopeOf) {
  return async (c: AppContext): Promise<Response> => {
    const identity = c.get("identity");
    if (identity.userId === null) throw unauthorized();
    const scope = scopeOf(c);
    await accessOf(c, scope, identity);
    return json(c, 200, await issueToken(c.get("settings").userIdHmacSecret, identity.userId, writerNameOf(scope)));
  };
}
