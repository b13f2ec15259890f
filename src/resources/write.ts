/** Write handlers: one op to the parent's Writer, its result rendered as the response. */
import type { AppContext } from "../context";
import { KintoError } from "../errors";
import { readBodyText } from "../http/body";
import { timestampHeaders } from "../http/preconditions";
import { renderError } from "../http/error-handler";
import { origin, publicUrl } from "../http/respond";
import { nextPageUrl } from "../protocol/query/next-page";
import { sendToWriter } from "../writer/client";
import type { WriteResult } from "../writer/protocol";
import { locationOf } from "./location";
import type { ResourceName } from "./spec";
import { writeOpOf, type WriteMethod } from "./write-op";

/** The response of a Writer result, errors included. */
export function renderResult(result: WriteResult, url: URL): Response {
  if (!result.ok) return renderError(KintoError.fromBody(result.error, result.headers));
  const headers: Record<string, string> = { "Content-Type": "application/json", ...timestampHeaders(result.timestamp) };
  if (result.nextToken !== undefined && result.limit !== undefined) {
    headers["Next-Page"] = nextPageUrl(url, result.limit, result.nextToken);
  }
  return new Response(JSON.stringify(result.body), { status: result.status, headers });
}

export function writeHandler(resource: ResourceName, method: WriteMethod, plural: boolean) {
  return async (c: AppContext): Promise<Response> => {
    const url = publicUrl(c);
    const op = await writeOpOf({
      method,
      resource,
      location: locationOf(c),
      id: plural ? null : (c.req.param("id") ?? ""),
      headers: c.req.raw.headers,
      body: method === "DELETE" ? "" : await readBodyText(c.req.raw),
      search: url.search,
    });
    const { userId, principals } = c.get("identity");
    const [result] = await sendToWriter(c.env, { author: { userId, principals }, ops: [op], origin: origin(c) });
    if (result === undefined) throw new Error("the writer answered no result");
    return renderResult(result, url);
  };
}
