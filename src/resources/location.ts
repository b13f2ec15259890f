/** Reads the resource location from the route parameters. */
import type { AppContext } from "../context";
import type { Location } from "./spec";

export function locationOf(c: AppContext): Location {
  const location: Location = {};
  const bucket = c.req.param("bid");
  const collection = c.req.param("cid");
  if (bucket !== undefined) location.bucket = bucket;
  if (collection !== undefined) location.collection = collection;
  return location;
}
