// Reading lists the way clients do: `_since` polls and paginated walks that follow
// `Next-Page` verbatim. Every loop is bounded by a page cap.
import type { Api, ApiResponse, Json } from "./api";

export interface Listed {
  id: string;
  last_modified: number;
  deleted?: boolean;
  [key: string]: Json;
}

export interface Walk {
  /** The records of every page, in order. */
  pages: Listed[][];
  /** The ETag of the first page. */
  etag: number;
  /** Logical time the first page was requested / the last page was read. */
  sentAt: number;
  ackedAt: number;
}

/**
 * GETs `first` then follows `Next-Page` until it disappears (at most `maxPages` pages).
 * Throws on any non-200 page or a page without an ETag.
 */
export async function walk(api: Api, first: string, maxPages = 1_000): Promise<Walk> {
  const pages: Listed[][] = [];
  let response: ApiResponse = await api.get(first);
  const sentAt = response.sentAt;
  let etag: number | null = null;
  for (let page = 0; ; page++) {
    if (response.status !== 200 || !Array.isArray(response.body?.data)) {
      throw new Error(`GET ${response.url} (page ${page}) answered ${response.status}: ${JSON.stringify(response.body).slice(0, 400)}`);
    }
    if (response.etag === null) throw new Error(`GET ${response.url} (page ${page}) has no ETag`);
    etag ??= response.etag;
    pages.push(response.body.data as Listed[]);
    if (response.nextPage === null) break;
    if (page + 1 >= maxPages) throw new Error(`walk from ${first} did not end within ${maxPages} pages`);
    response = await api.get(response.nextPage);
  }
  return { pages, etag, sentAt, ackedAt: response.ackedAt };
}

export interface Poll {
  since: number;
  /** ETag of the first page: the next poll's `since` (as kinto.js does). */
  etag: number;
  records: Listed[];
  pages: number;
  sentAt: number;
  ackedAt: number;
}

/** One `_since` poll of `listPath`, all pages. */
export async function pollSince(api: Api, listPath: string, since: number, limit: number): Promise<Poll> {
  const result = await walk(api, `${listPath}?_since=${since}&_limit=${limit}`);
  return {
    since,
    etag: result.etag,
    records: result.pages.flat(),
    pages: result.pages.length,
    sentAt: result.sentAt,
    ackedAt: result.ackedAt,
  };
}

/** Every object of a list (tombstones included when `query` filters on last_modified). */
export async function listAll(api: Api, listPath: string, query = ""): Promise<Walk & { records: Listed[] }> {
  const separator = query === "" ? "" : "?";
  const result = await walk(api, `${listPath}${separator}${query}`);
  return { ...result, records: result.pages.flat() };
}
