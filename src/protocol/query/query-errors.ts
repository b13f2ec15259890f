/** The 400s (errno 107, location `querystring`) raised while reading a list query. */
import { invalidParameter, type KintoError } from "../../errors";
import { MAX_FIELD_DEPTH, MAX_FIELD_LENGTH, MAX_FILTERS, MAX_LIKE_PATTERN_BYTES, MAX_SORT_FIELDS } from "../../limits";

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

/** A field path beyond MAX_FIELD_LENGTH characters or MAX_FIELD_DEPTH segments. */
export function fieldTooLong(param: string): KintoError {
  return invalidParameter(
    "querystring",
    param.slice(0, MAX_FIELD_LENGTH),
    `Field names are limited to ${MAX_FIELD_LENGTH} characters and ${MAX_FIELD_DEPTH} levels`,
  );
}

export function likeTooLong(param: string): KintoError {
  return invalidParameter(
    "querystring",
    param,
    `Pattern of ${param} is too long: at most ${MAX_LIKE_PATTERN_BYTES} bytes once compiled (about ${MAX_LIKE_PATTERN_BYTES - 2} ASCII characters, fewer for other letters)`,
  );
}

export function tooManyFilters(): KintoError {
  return invalidParameter("querystring", null, `Too many filters: at most ${MAX_FILTERS}`);
}

export function tooManySortFields(): KintoError {
  return invalidParameter("querystring", "_sort", `Too many sort fields: at most ${MAX_SORT_FIELDS}`);
}
