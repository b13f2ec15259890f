/**
 * OpenID Connect providers (contract §7.4), read from `multiauth.policy.<p>.*` settings.
 * A provider exists when `<p>` is listed in `multiauth.policies` and its `use` names
 * {@link OPENID_POLICY}. A provider with a missing or malformed value throws `SettingsError`
 * on every request (a 500 naming the variable), like the core settings.
 */
import { parsedOnce, SettingsError, variableName, type Settings } from "../../config";

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
  return { raw, fail, url };
}

/** Parses provider `name`; null when it is not an OpenID provider. */
export function parseProvider(settings: Settings, name: string): OpenIDProvider | null {
  const read = reader(settings, name);
  if (read.raw("use") !== OPENID_POLICY) return null;
  const issuer = read.url("issuer") ?? read.fail("issuer", "required for an OpenID Connect policy");
  const headerType = read.raw("header_type") ?? "Bearer";
  if (!SCHEME.test(headerType)) read.fail("header_type", `expected an auth scheme name, got ${JSON.stringify(headerType)}`);
  const ttl = read.raw("verification_ttl_seconds") ?? "86400";
  if (!/^\d+$/.test(ttl) || !Number.isSafeInteger(Number(ttl))) {
    read.fail("verification_ttl_seconds", `expected an integer ≥ 0, got ${JSON.stringify(ttl)}`);
  }
  return {
    name,
    issuer,
    clientId: read.raw("client_id"),
    clientSecret: read.raw("client_secret"),
    audience: read.raw("audience"),
    useridField: read.raw("userid_field") ?? "sub",
    headerType,
    verificationTtlSeconds: Number(ttl),
    jwksUri: read.url("jwks_uri"),
    userinfoEndpoint: read.url("userinfo_endpoint"),
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
