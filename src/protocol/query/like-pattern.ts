/**
 * `like_` patterns (contract §4.3): `*` matches any run of characters, a pattern without
 * `*` is a substring match, every other character is literal, matching is case-insensitive.
 *
 * SQLite's LIKE folds ASCII letters only, so patterns compile to GLOB (case-sensitive, and
 * with character classes) matched against the value with its ASCII letters lowered
 * (`lower()`, ASCII-only in SQLite): an ASCII letter becomes its lower case, any other letter
 * the class of its single-code-point case variants (`é` → `[éÉ]`), and GLOB's own
 * metacharacters are bracketed (`?` → `[?]`). Runs of `*` collapse to one.
 *
 * SQLite in D1 refuses GLOB patterns longer than MAX_LIKE_PATTERN_BYTES: `globBytes` tells.
 */

function wrapped(pattern: string): string {
  const collapsed = pattern.replace(/\*{2,}/g, "*");
  return collapsed.includes("*") ? collapsed : `*${collapsed}*`.replace("**", "*");
}

/** The character and its upper/lower forms that are single code points (ß → SS is skipped). */
export function caseVariants(char: string): string[] {
  const lower = char.toLowerCase();
  const upper = char.toUpperCase();
  const candidates = [char, lower, upper, upper.toLowerCase(), lower.toUpperCase()];
  return [...new Set(candidates.filter((candidate) => [...candidate].length === 1))];
}

/** What SQLite's `lower()` does: ASCII letters only. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (char) => char.toLowerCase());
}

/** The GLOB pattern to match against `lower(value)`. */
export function globPattern(pattern: string): string {
  let glob = "";
  for (const char of wrapped(pattern)) {
    if (char === "*") {
      glob += "*";
      continue;
    }
    const variants = [...new Set(caseVariants(char).map(asciiLower))];
    glob += variants.length > 1 || char === "?" || char === "[" ? `[${variants.join("")}]` : (variants[0] ?? char);
  }
  return glob;
}

/** UTF-8 length of the compiled pattern, the measure of D1's LIKE/GLOB limit. */
export function globBytes(pattern: string): number {
  return new TextEncoder().encode(globPattern(pattern)).length;
}

/** The same match as a regular expression, for in-memory evaluation. */
export function likeRegExp(pattern: string): RegExp {
  let source = "";
  for (const char of wrapped(pattern)) {
    if (char === "*") source += ".*";
    else source += `[${caseVariants(char).map((variant) => variant.replace(/[\\\][^-]/g, "\\$&")).join("")}]`;
  }
  return new RegExp(`^${source}$`, "su");
}
