/**
 * JSON Schema checks (contract §3.3, §3.4, §3.6) with @cfworker/json-schema (no eval).
 * Errors are reported as Kinto does: `name` the failing field, `description` a message in
 * the style of Python's jsonschema.
 */
import { Validator, type OutputUnit, type Schema } from "@cfworker/json-schema";
import { invalidParameter } from "../errors";
import { isJsonObject } from "../http/body";
import { withDoubles } from "../json/numbers";
import type { JsonObject, JsonValue } from "../wire";
import { DRAFT_07 } from "./draft-07";

const metaValidator = new Validator(DRAFT_07, "7", false);

/** Validators of recently used schemas, keyed by their JSON text. */
const cache = new Map<string, Validator>();
const CACHE_SIZE = 64;

function validatorFor(schema: JsonObject): Validator {
  const key = JSON.stringify(schema);
  let validator = cache.get(key);
  if (validator === undefined) {
    validator = new Validator(withDoubles(schema) as Schema, "7", true);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(key, validator);
  }
  return validator;
}

/** A value as Python's repr() shows it in jsonschema messages. */
function pythonRepr(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return "None";
  if (typeof value === "string") return `'${value}'`;
  if (typeof value === "boolean") return value ? "True" : "False";
  return JSON.stringify(value);
}

function valueAt(instance: JsonValue, segments: string[]): JsonValue | undefined {
  let current: JsonValue | undefined = instance;
  for (const segment of segments) {
    if (Array.isArray(current)) current = current[Number(segment)];
    else if (isJsonObject(current)) current = current[decodeURIComponent(segment)];
    else return undefined;
  }
  return current;
}

/** The deepest error, named and worded as Kinto's Python validator would. */
function describe(errors: OutputUnit[], instance: JsonValue): { name: string | number; description: string } {
  const additional = errors.find((error) => error.keyword === "additionalProperties");
  if (additional) {
    const extra = /Property "(.*)" does not match/.exec(additional.error)?.[1] ?? "";
    return { name: "additionalProperties", description: `Additional properties are not allowed ('${extra}' was unexpected)` };
  }
  const leaf = errors[errors.length - 1] as OutputUnit;
  const segments = leaf.instanceLocation.replace(/^#\/?/, "").split("/").filter((s) => s !== "");
  const last = segments.at(-1);
  if (leaf.keyword === "required") {
    const property = /required property "(.*)"/.exec(leaf.error)?.[1] ?? "";
    return { name: property, description: `'${property}' is a required property` };
  }
  const type = /Instance type "(.*)" is invalid\. Expected "(.*)"/.exec(leaf.error);
  const name = last === undefined ? leaf.keyword : /^\d+$/.test(last) ? Number(last) : last;
  if (type) return { name, description: `${pythonRepr(valueAt(instance, segments))} is not of type '${type[2] ?? ""}'` };
  return { name, description: leaf.error };
}

/** 400 unless `schema` is a valid draft-07 JSON Schema; `field` names it in the error. */
export function checkSchema(schema: JsonValue, field: string): void {
  const result = metaValidator.validate(withDoubles(schema));
  if (!result.valid) {
    const { description } = describe(result.errors, schema);
    throw invalidParameter("body", field, `${field}: ${description}`);
  }
}

/**
 * Validates `data` against `schema`, ignoring `ignored` fields (and `id` unless the schema
 * declares it), as Kinto's `validate_schema`. Throws 400 with the failing field.
 */
export function validateWithSchema(data: JsonObject, schema: JsonObject, ignored: readonly string[]): void {
  const properties = schema.properties;
  const declaresId = typeof properties === "object" && properties !== null && !Array.isArray(properties) && "id" in properties;
  const skip = new Set(declaresId ? ignored : [...ignored, "id"]);
  const required = Array.isArray(schema.required) ? schema.required.filter((f) => typeof f !== "string" || !skip.has(f)) : [];
  const effective: JsonObject = { ...schema };
  if (required.length > 0) effective.required = required;
  else delete effective.required;
  const instance = Object.fromEntries(Object.entries(data).filter(([key]) => !skip.has(key)));
  let errors: OutputUnit[];
  try {
    // Numbers as doubles: `maximum`, `enum` and `const` are approximate beyond 2^53.
    errors = validatorFor(effective).validate(withDoubles(instance)).errors;
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split("\n")[0] ?? error.message) : String(error);
    throw invalidParameter("body", "schema", reason);
  }
  if (errors.length > 0) {
    const { name, description } = describe(errors, instance);
    throw invalidParameter("body", name, description);
  }
}
