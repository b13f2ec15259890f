/**
 * `like_` patterns (contract §4.3): `*` matches any run of characters, a pattern without
 * `*` is a substring match, every other character is literal, matching is case-insensitive.
 *
 * SQLite's LIKE folds ASCII letters only, so patterns compile to GLOB (case-sensitive, and
 * with character classes): each letter becomes the class of its single-code-point case
 * variants (`é` → `[éÉ]`), and GLOB's own metacharacters are bracketed (`?` → `[?]`).
 */

function wrapped(pattern: string): string {
  return pattern.includes("*") ? pattern : `*${pattern}*`;
}

/** The character and its upper/lower forms that are single code points (ß → SS is skipped). */
export function caseVariants(char: string): string[] {
  const lower = char.toLowerCase();
  const upper = char.toUpperCase();
  const candidates = [char, lower, upper, upper.toLowerCase(), lower.toUpperCase()];
  return [...new Set(candidates.filter((candidate) => [...candidate].length === 1))];
}

export function globPattern(pattern: string): string {
  let glob = "";
  for (const char of wrapped(pattern)) {
    if (char === "*") {
      glob += "*";
      continue;
    }
    const variants = caseVariants(char);
    glob += variants.length > 1 || char === "?" || char === "[" ? `[${variants.join("")}]` : char;
  }
  return glob;
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
