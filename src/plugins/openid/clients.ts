/**
 * Identities scoped per client application (kinto-fxa's per-client user ids): when a
 * provider lists `clients`, a token counts only for a listed client that it was issued to
 * and that it grants every required scope of, and its user id is `<prefix>:<sub>`, so two
 * applications of one person are two principals with two default buckets.
 */
import type { Profile } from "./remote";
import type { OpenIDProvider } from "./settings";

/** The OAuth client a token (claims or introspection answer) was issued to, if it says. */
export function clientIdOf(claims: Profile, known: ReadonlyMap<string, unknown>): string | null {
  for (const field of ["azp", "client_id"]) {
    const value = claims[field];
    if (typeof value === "string" && value !== "") return value;
  }
  // Without `azp`/`client_id`, an audience naming exactly one known client designates it.
  const audiences = typeof claims.aud === "string" ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
  const clients = audiences.filter((aud): aud is string => typeof aud === "string" && known.has(aud));
  return clients.length === 1 ? (clients[0] as string) : null;
}

/** The scopes a token grants: `scope` (space-separated, RFC 8693/9068) or `scp` (a list). */
export function scopesOf(claims: Profile): Set<string> {
  const { scope, scp } = claims;
  if (typeof scope === "string") return new Set(scope.split(" ").filter((name) => name !== ""));
  if (Array.isArray(scp)) return new Set(scp.filter((name): name is string => typeof name === "string"));
  if (typeof scp === "string") return new Set(scp.split(" ").filter((name) => name !== ""));
  return new Set();
}

/** `subject` in the identity space of the token's client; null when the token is for no listed client. */
export function scopedSubject(provider: OpenIDProvider, claims: Profile, subject: string): string | null {
  if (provider.clients.size === 0) return subject;
  const clientId = clientIdOf(claims, provider.clients);
  const client = clientId === null ? undefined : provider.clients.get(clientId);
  if (client === undefined) return null;
  const granted = scopesOf(claims);
  if (!client.scopes.every((scope) => granted.has(scope))) return null;
  return `${client.prefix}:${subject}`;
}

/** The audiences a JWT must name one of: `audience`, else the listed clients, else `client_id`. */
export function expectedAudiences(provider: OpenIDProvider): string[] {
  if (provider.audience !== null) return [provider.audience];
  if (provider.clients.size > 0) return [...provider.clients.keys()];
  return provider.clientId === null ? [] : [provider.clientId];
}
