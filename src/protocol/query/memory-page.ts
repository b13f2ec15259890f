/** Paging of a list evaluated in memory (the permissions endpoint, the monitor of changes), as SQL listings page. */
import type { JsonObject, KintoObject } from "../../wire";
import { projectFields } from "./fields";
import { isAfterToken } from "./memory-order";
import { nextPageUrl } from "./next-page";
import { sortValuesOf } from "./compile";
import { encodeToken, newNonce } from "./token";
import type { ListQuery } from "./types";

export interface MemoryPage {
  /** The page, with `_fields` applied. */
  data: (KintoObject | JsonObject)[];
  /** The `Next-Page` URL when more objects follow, else null. */
  nextPage: string | null;
}

/** The page of `sorted` (filtered and sorted by `query`) after `query._token`; `url` is the public request URL. */
export function memoryPage(sorted: readonly KintoObject[], query: ListQuery, url: URL): MemoryPage {
  const token = query.token;
  const after = token ? sorted.filter((object) => isAfterToken(object, query.sort, token)) : sorted;
  const page = after.slice(0, query.limit);
  const last = page.at(-1);
  let nextPage: string | null = null;
  if (after.length > query.limit && last) {
    const next = encodeToken({ lastObject: sortValuesOf(last, query.sort), offset: (token?.offset ?? 0) + page.length, nonce: newNonce() });
    nextPage = nextPageUrl(url, query.limit, next);
  }
  const fields = query.fields;
  return { data: fields ? page.map((object) => projectFields(object, fields)) : page, nextPage };
}
