// Canonical JSON as Firefox rebuilds it to verify a content signature, written here without the
// server's serializer: keys sorted, no whitespace, non-ASCII as \uXXXX (integers only).
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value as Record<string, unknown>)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, item]) => `${canonical(key)}:${canonical(item)}`)
      .join(",")}}`;
  }
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
