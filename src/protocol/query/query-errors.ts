/** The 400s (errno 107, location `querystring`) raised while reading a list query. */
import { invalidParameter, type KintoError } from "../../errors";

export function invalidValue(param: string): KintoError {
  return invalidParameter("querystring", param, `Invalid value for ${param}`);
}

export function invalidCharacter(param: string): KintoError {
  return invalidParameter("querystring", param, "Invalid character 0x00");
}

export function unknownFilterField(param: string): KintoError {
  return invalidParameter("querystring", param, `Unknown filter field '${param}'`);
}

/** The reference names no parameter here, so `name` is null. */
export function unknownSortField(field: string): KintoError {
  return invalidParameter("querystring", null, `Unknown sort field '${field}'`);
}

export function notAnArray(param: string, field: string): KintoError {
  return invalidParameter("querystring", param, `Field '${field}' is not an array`);
}

export function invalidToken(): KintoError {
  return invalidParameter("querystring", null, "_token has invalid content");
}

export function unknownFields(names: string[]): KintoError {
  return invalidParameter("querystring", "Invalid _fields parameter", `Fields ${names.join(",")} do not exist`);
}
