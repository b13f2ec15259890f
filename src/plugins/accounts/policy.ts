/**
 * The `account` policy: Basic credentials checked with bcrypt against the stored hash.
 * A verified (hash, password) pair is remembered for `account_cache_ttl_seconds`; the key
 * contains the stored hash, so a changed password or a deleted account never hits it.
 */
import { compare } from "bcryptjs";
import { basicCredentials, hmacHex } from "../../auth/basicauth";
import type { AuthPolicy } from "../../auth/policy";
import { ACCOUNT_ID_PATTERN } from "../../resources/account-spec";

const MAX_ENTRIES = 1000;
/** `${stored hash} ${HMAC(secret, password)}` → expiry (ms). Per isolate. */
const verified = new Map<string, number>();

function remember(key: string, ttlSeconds: number): void {
  if (verified.size >= MAX_ENTRIES) verified.delete(verified.keys().next().value as string);
  verified.set(key, Date.now() + ttlSeconds * 1000);
}

export const accountPolicy: AuthPolicy = {
  prefix: "account",
  challenge: () => 'Basic realm="Realm"',
  async authenticate(authorization, settings, storage) {
    const credentials = basicCredentials(authorization);
    if (credentials === null || !ACCOUNT_ID_PATTERN.test(credentials.username)) return null;
    const state = await storage.readState({
      objects: [{ ref: { resourceName: "account", parentId: "", id: credentials.username }, uri: "" }],
      lists: [],
      grants: null,
    });
    const stored = state.object("").object?.data.password;
    if (typeof stored !== "string") return null;
    const key = `${stored} ${await hmacHex(settings.userIdHmacSecret, credentials.password)}`;
    const expiry = verified.get(key);
    if (expiry !== undefined && expiry > Date.now()) return credentials.username;
    if (!(await compare(credentials.password, stored))) return null;
    const ttl = Number(settings.lookup("account_cache_ttl_seconds") ?? "30");
    if (Number.isFinite(ttl) && ttl > 0) remember(key, ttl);
    return credentials.username;
  },
};
