/** Field-name checks for resources with declared fields (history, permissions). */

/** Always accepted, as in the reference (`id`, `last_modified`, `deleted`). */
const BUILT_IN = ["id", "last_modified", "deleted"];

/** True when the root segment of `path` is allowed; always true when `strict` is null. */
export function isKnownField(path: string, strict: readonly string[] | null | undefined): boolean {
  if (!strict) return true;
  const root = path.split(".")[0] ?? path;
  return BUILT_IN.includes(root) || strict.includes(root);
}
