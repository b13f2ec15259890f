/**
 * OpenID Connect providers (contract §7.4), read from `multiauth.policy.<p>.*` settings.
 * A provider exists when `<p>` is listed in `multiauth.policies` and its `use` names
 * {@link OPENID_POLICY}. A provider with a missing or malformed value throws `SettingsError`
 * on every request (a 500 naming the variable), like the core settings.
 */
import { parsedOnce, SettingsError, splitList, variableName, type Settings } from "../../config";

export const OPENID_POLICY = "kinto.plugins.openid.OpenIDConnectPolicy";

export interface OpenIDProvider {
  /** The policy name: key of the settings and prefix of the user ids. */
  name: string;
  /** Exact `iss` of the tokens; discovery lives at `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string | null;
  clientSecret: string | null;
  audience: string | null;
  /** The claim (or userinfo field) that holds the user id. */
  useridField: string;
  /** Scheme of the `Authorization` header, compared case-insensitively. */
  headerType: string;
  /** How long a verified token is remembered (0: never), capped by its `exp`. */
  verificationTtlSeconds: number;
  /** Skips discovery for the key set when set. */
  jwksUri: string | null;
  /** Skips discovery for the userinfo endpoint when set. */
  userinfoEndpoint: string | null;
  /** RFC 7662 token introspection for opaque tokens; without it they go to userinfo. */
  introspectionEndpoint: string | null;
  /** How long a login `state` can be traded for tokens. */
  stateTtlSeconds: number;
  /** Random bytes in a login `state` (hex: twice as many characters). */
  stateLength: number;
  /**
   * Where `/openid/<p>/token` may send the tokens: `*` matches any run of characters.
   * Empty: callbacks on this server's own origin only.
   */
  trustedCallbackUrls: string[];
  /**
   * Client applications, by OAuth client id, each its own identity space: the user id is
   * `<p>:<prefix>:<sub>`. Empty: one identity space, `<p>:<sub>`.
   */
  clients: Map<string, ScopedClient>;
}

/** A client application whose users are principals of their own. */
export interface ScopedClient {
  prefix: string;
  /** Scopes a token of this client must all grant. */
  scopes: string[];
}

/** RFC 7230 `token`: what an auth scheme may contain. */
const SCHEME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function reader(settings: Settings, name: string) {
  const setting = (key: string) => `multiauth.policy.${name}.${key}`;
  const raw = (key: string): string | null => {
    const value = settings.lookup(setting(key));
    return value === undefined || value === "" ? null : value;
  };
  const fail = (key: string, problem: string): never => {
    throw new SettingsError(variableName(setting(key)), problem);
  };
  const url = (key: string): string | null => {
    const value = raw(key);
    if (value === null) return null;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      return fail(key, `expected an http(s) URL, got ${JSON.stringify(value)}`);
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
      fail(key, `expected an http(s) URL, got ${JSON.stringify(value)}`);
    }
    return value;
  };
  const integer = (key: string, fallback: number, min: number): number => {
    const value = raw(key) ?? String(fallback);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < min) {
      fail(key, `expected an integer ≥ ${min}, got ${JSON.stringify(value)}`);
    }
    return Number(value);
  };
  return { raw, fail, url, integer };
}

const PREFIX = /^[A-Za-z0-9_-]+$/;

/** `{"<client id>": {"prefix": "…", "scopes": ["…"]}}` → clients; throws through `fail`. */
function parseClients(value: string | null, fail: (problem: string) => never): Map<string, ScopedClient> {
  const clients = new Map<string, ScopedClient>();
  if (value === null) return clients;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return fail("expected a JSON object of client id → {prefix, scopes}");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return fail("expected a JSON object of client id → {prefix, scopes}");
  const prefixes = new Set<string>();
  for (const [clientId, entry] of Object.entries(parsed)) {
    const { prefix, scopes = [] } = (typeof entry === "object" && entry !== null ? entry : {}) as { prefix?: unknown; scopes?: unknown };
    if (typeof prefix !== "string" || !PREFIX.test(prefix)) fail(`client ${JSON.stringify(clientId)}: "prefix" must match ${PREFIX.source}`);
    if (prefixes.has(prefix as string)) fail(`client ${JSON.stringify(clientId)}: prefix ${JSON.stringify(prefix)} is used twice`);
    if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === "string" && scope !== "")) {
      fail(`client ${JSON.stringify(clientId)}: "scopes" must be a list of scope names`);
    }
    prefixes.add(prefix as string);
    clients.set(clientId, { prefix: prefix as string, scopes: scopes as string[] });
  }
  return clients;
}

/** Parses provider `name`; null when it is not an OpenID provider. */
export function parseProvider(settings: Settings, name: string): OpenIDProvider | null {
  const read = reader(settings, name);
  if (read.raw("use") !== OPENID_POLICY) return null;
  const issuer = read.url("issuer") ?? read.fail("issuer", "required for an OpenID Connect policy");
  const headerType = read.raw("header_type") ?? "Bearer";
  if (!SCHEME.test(headerType)) read.fail("header_type", `expected an auth scheme name, got ${JSON.stringify(headerType)}`);
  return {
    name,
    issuer,
    clientId: read.raw("client_id"),
    clientSecret: read.raw("client_secret"),
    audience: read.raw("audience"),
    useridField: read.raw("userid_field") ?? "sub",
    headerType,
    verificationTtlSeconds: read.integer("verification_ttl_seconds", 86400, 0),
    jwksUri: read.url("jwks_uri"),
    userinfoEndpoint: read.url("userinfo_endpoint"),
    introspectionEndpoint: read.url("introspection_endpoint"),
    stateTtlSeconds: read.integer("state_ttl_seconds", 3600, 1),
    stateLength: read.integer("state_length", 32, 16),
    trustedCallbackUrls: splitList(read.raw("trusted_callback_urls") ?? ""),
    clients: parseClients(read.raw("clients"), (problem) => read.fail("clients", problem)),
  };
}

type Parsed = OpenIDProvider | null | SettingsError;
const parsedBySettings = new WeakMap<Settings, Map<string, Parsed>>();

/** Provider `name` of these settings (parsed once per settings object), or null. */
export function providerOf(settings: Settings, name: string): OpenIDProvider | null {
  let parsed = parsedBySettings.get(settings);
  if (parsed === undefined) parsedBySettings.set(settings, (parsed = new Map()));
  return parsedOnce(parsed, name, (provider) => parseProvider(settings, provider));
}

/** The configured providers, in `multiauth.policies` order. */
export function providersOf(settings: Settings): OpenIDProvider[] {
  return settings.multiauthPolicies.flatMap((name) => providerOf(settings, name) ?? []);
}
