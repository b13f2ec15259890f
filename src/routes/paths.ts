/** Route patterns, relative to `/v1`. */
export const PATHS = {
  hello: "/",
  heartbeat: "/__heartbeat__",
  lbheartbeat: "/__lbheartbeat__",
  version: "/__version__",
  openapi: "/__api__",
  contribute: "/contribute.json",
  buckets: "/buckets",
  bucket: "/buckets/:id",
  collections: "/buckets/:bid/collections",
  collection: "/buckets/:bid/collections/:id",
  groups: "/buckets/:bid/groups",
  group: "/buckets/:bid/groups/:id",
  records: "/buckets/:bid/collections/:cid/records",
  record: "/buckets/:bid/collections/:cid/records/:id",
} as const;

export const API_PREFIX = "/v1";
