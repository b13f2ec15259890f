/**
 * Single-use login states (`openid_states`, storage/schema.ts). A state is saved with the
 * callback it will redirect to and consumed by one `DELETE … RETURNING`: D1 runs it once,
 * so two requests with the same state (in any isolates) cannot both get the callback.
 */

/** `length` random bytes, hex-encoded (Kinto's `random_bytes_hex`). */
export function randomState(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Saves `state` until `now + ttl`; expired states of every provider are swept in the same batch. */
export async function saveState(db: D1Database, state: string, provider: string, callback: string, ttlSeconds: number, now = Date.now()): Promise<void> {
  await db.batch([
    db.prepare("DELETE FROM openid_states WHERE expires_at <= ?").bind(now),
    db.prepare("INSERT INTO openid_states (state, provider, callback, expires_at) VALUES (?, ?, ?, ?)").bind(state, provider, callback, now + ttlSeconds * 1000),
  ]);
}

/** The callback of `state` for `provider`, consuming it; null when unknown, used, expired or another provider's. */
export async function consumeState(db: D1Database, state: string, provider: string, now = Date.now()): Promise<string | null> {
  const row = await db
    .prepare("DELETE FROM openid_states WHERE state = ? AND provider = ? RETURNING callback, expires_at")
    .bind(state, provider)
    .first<{ callback: string; expires_at: number }>();
  return row !== null && row.expires_at > now ? row.callback : null;
}
