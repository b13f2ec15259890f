/** A collection's attributes: its JSON schema and the record list's columns (`displayFields`). */
import { useState } from "preact/hooks";
import type { KintoObject } from "../../../src/wire";
import { etagOf } from "../api";
import { useApp } from "../app-context";
import { ErrorBox, useAction } from "../components";
import { parseMembers } from "./group";

/** The schema typed in a textarea, or null when left empty; throws on invalid JSON. */
export function parseSchemaText(text: string): Record<string, unknown> | null {
  if (text.trim() === "") return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`The schema is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("The schema must be a JSON object.");
  return value as Record<string, unknown>;
}

/** Start it keyed by the collection's version, so that a new version starts a new form. */
export function Attributes({ path, collection, onSaved }: { path: string; collection: KintoObject; onSaved: () => void }) {
  const { api } = useApp();
  const [schema, setSchema] = useState(() => (collection.schema === undefined ? "" : JSON.stringify(collection.schema, null, 2)));
  const [fields, setFields] = useState(() => (Array.isArray(collection.displayFields) ? collection.displayFields.join(", ") : ""));
  const action = useAction();
  const save = (event: Event): void => {
    event.preventDefault();
    void action.run(async () => {
      const { id: _id, last_modified: _lm, schema: _schema, displayFields: _fields, ...data } = collection;
      const parsed = parseSchemaText(schema);
      const columns = parseMembers(fields);
      await api.put(path, { data: { ...data, ...(parsed ? { schema: parsed } : {}), ...(columns.length > 0 ? { displayFields: columns } : {}) } }, etagOf(collection));
      onSaved();
    });
  };
  return (
    <form id="attributes-form" class="stacked" onSubmit={save}>
      <label>JSON schema of the records<textarea name="schema" rows={12} value={schema} onInput={(e) => setSchema(e.currentTarget.value)} /></label>
      <label>columns of the records list<input name="displayFields" value={fields} onInput={(e) => setFields(e.currentTarget.value)} /></label>
      <button type="submit" disabled={action.busy}>Save attributes</button>
      <ErrorBox error={action.error} />
    </form>
  );
}
