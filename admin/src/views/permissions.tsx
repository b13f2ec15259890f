/**
 * The permissions of one object (bucket, collection, group or record): one principal per line
 * for each permission, saved with a PATCH of `permissions` (each list given replaces the stored
 * one) under `If-Match`. Only writers of the object see its permissions (Kinto hides them).
 */
import { useState } from "preact/hooks";
import { etagOf, type ObjectAnswer } from "../api";
import { useApp } from "../app-context";
import { ErrorBox, useAction } from "../components";
import { useLoad } from "../hooks";
import { parseMembers } from "./group";

export function PermissionsEditor({ path, names }: { path: string; names: string[] }) {
  const { api } = useApp();
  const loaded = useLoad(() => api.get(path), path);
  const [saved, setSaved] = useState(false);
  const answer = loaded.value;
  return (
    <>
      <ErrorBox error={loaded.error} />
      {answer === undefined ? null : (
        <PermissionsForm
          key={answer.data.last_modified}
          path={path}
          names={names}
          answer={answer}
          saved={saved}
          onSaved={(done) => {
            setSaved(done);
            if (done) loaded.reload();
          }}
        />
      )}
    </>
  );
}

/** Keyed by the object's version: a new version starts a new form from its permissions. */
function PermissionsForm(props: { path: string; names: string[]; answer: ObjectAnswer; saved: boolean; onSaved: (done: boolean) => void }) {
  const { path, names, answer, saved, onSaved } = props;
  const { api } = useApp();
  const [texts, setTexts] = useState<Record<string, string>>(() =>
    Object.fromEntries(names.map((name) => [name, (answer.permissions[name] ?? []).join("\n")])),
  );
  const action = useAction();
  const save = (event: Event): void => {
    event.preventDefault();
    onSaved(false);
    void action.run(async () => {
      const permissions = Object.fromEntries(names.map((name) => [name, parseMembers(texts[name] ?? "")]));
      await api.patch(path, { permissions }, etagOf(answer.data));
      onSaved(true);
    });
  };
  return (
    <form id="permissions-form" class="stacked" onSubmit={save}>
      <p class="muted">One principal per line: <code>system.Everyone</code>, <code>system.Authenticated</code>, <code>account:alice</code>, a group URI <code>/buckets/b/groups/g</code>.</p>
      {names.map((name) => (
        <label class="permission">
          {name}
          <textarea name={name} rows={3} value={texts[name] ?? ""} onInput={(e) => setTexts({ ...texts, [name]: e.currentTarget.value })} />
        </label>
      ))}
      <button type="submit" disabled={action.busy}>Save permissions</button>
      {saved ? <span class="saved"> saved</span> : null}
      <ErrorBox error={action.error} />
    </form>
  );
}
