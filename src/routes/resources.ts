/** The core resources: buckets, collections, groups, records. */
import type { Hono } from "hono";
import type { AppEnv } from "../context";
import { readObject, readPlural } from "../resources/read";
import type { ResourceName } from "../resources/spec";
import { writeHandler } from "../resources/write";
import { PATHS } from "./paths";
import { registerRoute } from "./register";

function registerResource(app: Hono<AppEnv>, resource: ResourceName, plural: string, object: string): void {
  registerRoute(app, plural, {
    GET: readPlural(resource),
    POST: writeHandler(resource, "POST", true),
    DELETE: writeHandler(resource, "DELETE", true),
  }, { negotiated: true });
  registerRoute(app, object, {
    GET: readObject(resource),
    PUT: writeHandler(resource, "PUT", false),
    PATCH: writeHandler(resource, "PATCH", false),
    DELETE: writeHandler(resource, "DELETE", false),
  }, { negotiated: true });
}

export function registerResources(app: Hono<AppEnv>): void {
  registerResource(app, "bucket", PATHS.buckets, PATHS.bucket);
  registerResource(app, "collection", PATHS.collections, PATHS.collection);
  registerResource(app, "group", PATHS.groups, PATHS.group);
  registerResource(app, "record", PATHS.records, PATHS.record);
}
