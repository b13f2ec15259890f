/** Bytes of JSON per bound value of a multi-row statement: D1 binds values of at most 2,000,000 bytes. */
const JSON_PARAM_BYTES = 500_000;

/**
 * `items` as JSON array texts of at most JSON_PARAM_BYTES each (an item bigger than that alone),
 * in order: each is one bound value that a statement reads with `json_each`.
 */
export function jsonChunks(items: readonly unknown[]): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  let size = 0;
  for (const item of items) {
    const text = JSON.stringify(item);
    if (current.length > 0 && size + text.length > JSON_PARAM_BYTES) {
      chunks.push(`[${current.join(",")}]`);
      current = [];
      size = 0;
    }
    current.push(text);
    size += text.length + 1;
  }
  if (current.length > 0) chunks.push(`[${current.join(",")}]`);
  return chunks;
}
