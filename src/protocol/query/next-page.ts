/** The `Next-Page` header value (contract §4.6). */

/**
 * `requestUrl` is the absolute URL to continue from (scheme and host already adjusted for
 * the `http_scheme`/`http_host` settings). Every query parameter is kept, in order;
 * `_limit` and `_token` are replaced in place or appended. The fragment is dropped.
 */
export function nextPageUrl(requestUrl: URL, limit: number, token: string): string {
  const url = new URL(requestUrl.href);
  url.hash = "";
  url.searchParams.set("_limit", String(limit));
  url.searchParams.set("_token", token);
  return url.href;
}
