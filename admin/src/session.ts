/** The signed-in user's Authorization header, kept in sessionStorage (gone with the tab). */
const KEY = "kinto-edge-admin.session";

export interface Session {
  /** The full Authorization header value, e.g. `Basic …` or `Bearer …`. */
  authorization: string;
  /** How the user signed in, shown in the header bar. */
  method: string;
}

export function loadSession(): Session | null {
  const text = sessionStorage.getItem(KEY);
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as Partial<Session>;
    return typeof value.authorization === "string" && typeof value.method === "string"
      ? { authorization: value.authorization, method: value.method }
      : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}

export function basicAuthorization(user: string, password: string): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}
