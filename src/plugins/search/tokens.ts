/**
 * The tokens FTS5's `unicode61 tokenchars '.-'` tokenizer (migrations/0007) makes of a text:
 * runs of letters, digits, `.` and `-`, lower-cased. Query texts are tokenized here and each
 * token is quoted, so no FTS5 query syntax from a request is ever interpreted.
 * Limit: unicode61 also folds diacritics; a query token with one matches its folded form
 * only if FTS5 folds it the same way (it does for Latin scripts).
 */
const TOKEN = /[\p{L}\p{N}\p{Co}.-]+/gu;

export function tokensOf(text: string): string[] {
  return [...text.matchAll(TOKEN)].map((match) => match[0].toLowerCase());
}

/** An FTS5 string literal. */
function quoted(token: string): string {
  return `"${token.replace(/"/g, '""')}"`;
}

/**
 * The FTS5 expression of a `match`: every token (`and`) or any (`or`); with `prefix`, the
 * tokens as a phrase whose last token is a prefix (`match_phrase_prefix`). Null: no token.
 */
export function ftsExpression(tokens: readonly string[], operator: "and" | "or", prefix: boolean): string | null {
  if (tokens.length === 0) return null;
  if (prefix) return `${quoted(tokens.join(" "))}*`;
  return tokens.map(quoted).join(operator === "and" ? " AND " : " OR ");
}
