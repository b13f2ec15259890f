/**
 * The permissions of one object (bucket, collection, group or record): one principal per line
 * for each permission, saved with a PATCH of `permissions` (each list given replaces the stored
 * one) under `If-Match`. Only writers of the object see its permissions (Kinto hides them).
 */
import { useEffect, useState } from "preact/hooks";
import { etagOf } from "../api";
import { useApp } from "../app-context";
import { ErrorBox, useAction } from "../components";
import { useLoad } from "../hooks";
import { parseMembers } from "./group";

export function PermissionsEditor({ path, names }: { path: string; names: string[] }) {
  const { api } = useApp();
  const loaded = useLoad(() => api.get(path), path);
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const action = useAction();
  useEffect(() => {
    const permissions = loaded.value?.permissions ?? {};
    setTexts(Object.fromEntries(names.map((name) => [name, (permissions[name] ?? []).join("\n")])));
  }, [loaded.value]);
  const save = (event: Event): void => {
    event.preventDefault();
    const object = loaded.value?.data;
    if (object === undefined) return;
    setSaved(false);
    void action.run(async () => {
      const permissions = Object.fromEntries(names.map((name) => [name, parseMembers(texts[name] ?? "")]));
      await api.patch(path, { permissions }, etagOf(object));
      setSaved(true);
      loaded.reload();
    });
  };
  return (
    <form id="permissions-form" class="stacked" onSubmit={save}>
      <ErrorBox error={loaded.error} />
      <p class="muted">One principal per line: <code>system.Everyone</code>, <code>system.Authenticated</code>, <code>account:alice</code>, a group URI <code>/buckets/b/groups/g</code>.</p>
      {names.map((name) => (
        <label class="permission">
          {name}
          <textarea name={name} rows={3} value={texts[name] ?? ""} onInput={(e) => setTexts({ ...texts, [name]: e.currentTarget.value })} />
        </label>
      ))}
      <button type="submit" disabled={action.busy || loaded.value === undefined}>Save permissions</button>
      {saved ? <span class="saved"> saved</span> : null}
      <ErrorBox error={action.error} />
    </form>
  );
}
