/** The core resources: buckets, collections, groups, records. */
import type { Hono } from "hono";
import type { AppEnv } from "../context";
import { readObject, readPlural } from "../resources/read";
import type { ResourceName } from "../resources/spec";
import { createObject, deleteObject, deletePlural, patchObject, putObject } from "../resources/write";
import { PATHS } from "./paths";
import { registerRoute } from "./register";

function registerResource(app: Hono<AppEnv>, resource: ResourceName, plural: string, object: string): void {
  registerRoute(app, plural, {
    GET: readPlural(resource),
    POST: createObject(resource),
    DELETE: deletePlural(resource),
  });
  registerRoute(app, object, {
    GET: readObject(resource),
    PUT: putObject(resource),
    PATCH: patchObject(resource),
    DELETE: deleteObject(resource),
  });
}

export function registerResources(app: Hono<AppEnv>): void {
  registerResource(app, "bucket", PATHS.buckets, PATHS.bucket);
  registerResource(app, "collection", PATHS.collections, PATHS.collection);
  registerResource(app, "group", PATHS.groups, PATHS.group);
  registerResource(app, "record", PATHS.records, PATHS.record);
}
