/** Identifier rules and generators (contract §3.2). */

export const OBJECT_ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;

const FIRST = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const REST = `${FIRST}_-`;

function pick(alphabet: string, byte: number): string {
  // 256 is not a multiple of 62/64; the bias of a modulo is acceptable for ids, not for secrets.
  return alphabet[byte % alphabet.length] as string;
}

/** 8 characters: one of [A-Za-z0-9], then 7 of [A-Za-z0-9_-]. */
export function generateName(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  let id = pick(FIRST, bytes[0] as number);
  for (let i = 1; i < 8; i++) id += pick(REST, bytes[i] as number);
  return id;
}

/** Lowercase UUID4 with dashes. */
export function generateUuid(): string {
  return crypto.randomUUID();
}
