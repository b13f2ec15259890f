/**
 * Record data checked in the browser against its collection's JSON schema (draft 7) before it
 * is sent, ignoring the fields the server ignores (`last_modified`, `schema`, and `id` unless
 * the schema declares it). The validator is loaded on first use, so it stays out of first paint.
 * The server checks again: this only saves a round trip and shows every failing field.
 */
type Json = Record<string, unknown>;

export async function schemaErrors(schema: Json, data: Json): Promise<string[]> {
  const { Validator } = await import("@cfworker/json-schema");
  const properties = schema.properties;
  const declaresId = typeof properties === "object" && properties !== null && "id" in properties;
  const skip = new Set(declaresId ? ["last_modified", "schema"] : ["last_modified", "schema", "id"]);
  const effective: Json = { ...schema };
  if (Array.isArray(schema.required)) effective.required = schema.required.filter((field) => !skip.has(String(field)));
  const instance = Object.fromEntries(Object.entries(data).filter(([key]) => !skip.has(key)));
  // `shortCircuit` off: report every failing field, not only the first.
  const result = new Validator(effective as never, "7", false).validate(instance);
  if (result.valid) return [];
  const leaves = result.errors.filter((unit) => !/^(properties|items|allOf|anyOf|oneOf|\$ref)$/.test(unit.keyword));
  return (leaves.length > 0 ? leaves : result.errors).map((unit) => `${unit.instanceLocation.replace(/^#/, "") || "/"}: ${unit.error}`);
}
