/**
 * Every limit this server puts on client input, with the reason for each (the README's
 * "Limits" table mirrors this file). Each is enforced where the input arrives, with a 400
 * (413 for sizes) in Kinto's envelope naming the limit, so that nothing a client sends can
 * reach SQLite in a form it refuses (which would answer 500).
 */

/**
 * Nesting depth of a JSON body (and of every object stored after a PATCH). SQLite's json1
 * refuses documents nested deeper than 1,000 levels as "malformed JSON", and one such row
 * makes every filtered or sorted listing of its collection fail; 100 keeps every JSON
 * function (and the worker's own recursion) far from that.
 */
export const MAX_JSON_DEPTH = 100;

/**
 * Filters in one querystring (`_since`/`_before` count). SQLite in D1 parses expressions at
 * most 100 levels deep and binds at most 100 parameters per statement.
 */
export const MAX_FILTERS = 20;

/** Fields in `_sort`. Each becomes two ORDER BY terms and a level of the page-token condition. */
export const MAX_SORT_FIELDS = 10;

/**
 * Characters of one filter or sort field path. The path is written into the SQL several
 * times; D1 refuses statements beyond 100 KB.
 */
export const MAX_FIELD_LENGTH = 256;

/** Dot-separated segments of a field path: no stored value is deeper than MAX_JSON_DEPTH. */
export const MAX_FIELD_DEPTH = MAX_JSON_DEPTH;

/**
 * Bytes of a `like_` pattern once compiled to SQLite GLOB (ASCII letters 1 byte each, other
 * letters a class of their case variants). SQLite in D1 refuses LIKE/GLOB patterns longer
 * than 50 bytes ("pattern too complex"). Runs of `*` count as one.
 */
export const MAX_LIKE_PATTERN_BYTES = 50;

/** Bound parameters of one statement: D1's limit. */
export const MAX_BOUND_PARAMETERS = 100;

/** Bytes of one SQL statement: D1's limit. */
export const MAX_STATEMENT_BYTES = 100_000;

/** Indexes a collection may declare in its `indexes` metadata, and fields per index (storage/declared-indexes.ts). */
export const MAX_DECLARED_INDEXES = 8;
export const MAX_INDEXED_FIELDS = 4;
