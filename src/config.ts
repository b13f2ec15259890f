/**
 * Settings, read from `KINTO_*` variables (Kinto's names, upper-cased, dots as `_`).
 * Lists are space- (or comma-) separated as in Kinto's ini files. Every value is parsed
 * and checked here once; `loadSettings` throws `SettingsError` naming the bad variable.
 */

import packageJson from "../package.json";

export class SettingsError extends Error {
  constructor(variable: string, problem: string) {
    super(`Invalid setting ${variable}: ${problem}`);
    this.name = "SettingsError";
  }
}

/** The raw environment: whatever `[vars]` and secrets hold. */
export type RawEnv = Record<string, unknown>;

export interface Settings {
  projectName: string;
  projectVersion: string;
  projectDocs: string;
  httpApiVersion: string;
  readonly: boolean;
  batchMaxRequests: number | null;
  paginateBy: number | null;
  storageMaxFetchSize: number;
  paginationTokenValiditySeconds: number;
  explicitPermissions: boolean;
  bucketCreatePrincipals: string[];
  userIdHmacSecret: string;
  /** `includes`: enabled plugins, with or without the `kinto.plugins.` prefix. */
  includes: string[];
  /** `multiauth.policies`: authentication policies, tried in order. */
  multiauthPolicies: string[];
  experimentalCollectionSchemaValidation: boolean;
  experimentalPermissionsEndpoint: boolean;
  corsOrigins: string[];
  corsMaxAgeSeconds: number;
  backoff: number | null;
  backoffPercentage: number | null;
  retryAfterSeconds: number;
  eos: string | null;
  eosMessage: string | null;
  eosUrl: string | null;
  rootCacheExpiresSeconds: number;
  trailingSlashRedirectEnabled: boolean;
  trailingSlashRedirectTtlSeconds: number;
  versionPrefixRedirectEnabled: boolean;
  versionPrefixRedirectTtlSeconds: number;
  httpScheme: string | null;
  httpHost: string | null;
  errorInfoLink: string;
  heartbeatTimeoutSeconds: number;
  /** Lookup of a dynamic setting by its Kinto name (e.g. `record_read_principals`). */
  lookup(name: string): string | undefined;
}

/** This server's version: package.json's, bundled at build time. */
export const PROJECT_VERSION: string = packageJson.version;
export const HTTP_API_VERSION = "1.23";

/** `foo.bar-baz` → `KINTO_FOO_BAR_BAZ`. */
export function variableName(setting: string): string {
  return `KINTO_${setting.replace(/[.-]/g, "_").toUpperCase()}`;
}

const TRUE = new Set(["true", "1", "yes", "on"]);
const FALSE = new Set(["false", "0", "no", "off", ""]);

class Reader {
  constructor(private readonly env: RawEnv) {}

  raw(setting: string): string | undefined {
    const value = this.env[variableName(setting)];
    if (value === undefined || value === null) return undefined;
    return typeof value === "string" ? value.trim() : String(value);
  }

  string(setting: string, fallback: string): string {
    return this.raw(setting) ?? fallback;
  }

  optionalString(setting: string): string | null {
    const value = this.raw(setting);
    return value === undefined || value === "" ? null : value;
  }

  boolean(setting: string, fallback: boolean): boolean {
    const value = this.raw(setting)?.toLowerCase();
    if (value === undefined) return fallback;
    if (TRUE.has(value)) return true;
    if (FALSE.has(value)) return false;
    throw new SettingsError(variableName(setting), `expected true or false, got ${JSON.stringify(value)}`);
  }

  integer(setting: string, fallback: number, min = Number.MIN_SAFE_INTEGER): number {
    const value = this.raw(setting);
    if (value === undefined || value === "") return fallback;
    return this.parseInteger(setting, value, min);
  }

  optionalInteger(setting: string, min = 0): number | null {
    const value = this.raw(setting);
    if (value === undefined || value === "" || value.toLowerCase() === "none" || value.toLowerCase() === "null") {
      return null;
    }
    return this.parseInteger(setting, value, min);
  }

  list(setting: string, fallback: string[]): string[] {
    const value = this.raw(setting);
    if (value === undefined) return fallback;
    return splitList(value);
  }

  private parseInteger(setting: string, value: string, min: number): number {
    if (!/^-?\d+$/.test(value)) {
      throw new SettingsError(variableName(setting), `expected an integer, got ${JSON.stringify(value)}`);
    }
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed) || parsed < min) {
      throw new SettingsError(variableName(setting), `expected an integer ≥ ${min}, got ${value}`);
    }
    return parsed;
  }
}

/** Kinto lists: whitespace- or comma-separated, empty entries dropped. */
export function splitList(value: string): string[] {
  return value.split(/[\s,]+/).filter((entry) => entry !== "");
}

export function loadSettings(env: object): Settings {
  const read = new Reader(env as RawEnv);
  const backoffPercentage = read.optionalInteger("backoff_percentage");
  if (backoffPercentage !== null && backoffPercentage > 100) {
    throw new SettingsError(variableName("backoff_percentage"), "expected a percentage between 0 and 100");
  }
  const eos = read.optionalString("eos");
  if (eos !== null && Number.isNaN(Date.parse(eos))) {
    throw new SettingsError(variableName("eos"), `expected a date (YYYY-MM-DD), got ${JSON.stringify(eos)}`);
  }
  const batchMaxRequests = read.optionalInteger("batch_max_requests");
  return {
    projectName: read.string("project_name", "kinto"),
    projectVersion: read.string("project_version", PROJECT_VERSION),
    projectDocs: read.string("project_docs", "https://kinto.readthedocs.io/"),
    httpApiVersion: HTTP_API_VERSION,
    readonly: read.boolean("readonly", false),
    // 0 means unlimited, as in Kinto.
    batchMaxRequests: read.raw("batch_max_requests") === undefined ? 25 : batchMaxRequests || null,
    paginateBy: read.optionalInteger("paginate_by", 1),
    storageMaxFetchSize: read.integer("storage_max_fetch_size", 10000, 1),
    paginationTokenValiditySeconds: read.integer("pagination_token_validity_seconds", 600, 1),
    explicitPermissions: read.boolean("explicit_permissions", true),
    bucketCreatePrincipals: read.list("bucket_create_principals", ["system.Authenticated"]),
    userIdHmacSecret: read.string("userid_hmac_secret", ""),
    multiauthPolicies: read.list("multiauth.policies", []),
    includes: read.list("includes", []),
    experimentalCollectionSchemaValidation: read.boolean("experimental_collection_schema_validation", false),
    experimentalPermissionsEndpoint: read.boolean("experimental_permissions_endpoint", false),
    corsOrigins: read.list("cors_origins", ["*"]),
    corsMaxAgeSeconds: read.integer("cors_max_age_seconds", 3600, 0),
    backoff: read.optionalInteger("backoff"),
    backoffPercentage,
    retryAfterSeconds: read.integer("retry_after_seconds", 3, 0),
    eos,
    eosMessage: read.optionalString("eos_message"),
    eosUrl: read.optionalString("eos_url"),
    rootCacheExpiresSeconds: read.integer("root_cache_expires_seconds", 86400, 0),
    trailingSlashRedirectEnabled: read.boolean("trailing_slash_redirect_enabled", true),
    trailingSlashRedirectTtlSeconds: read.integer("trailing_slash_redirect_ttl_seconds", 3600, -1),
    versionPrefixRedirectEnabled: read.boolean("version_prefix_redirect_enabled", true),
    versionPrefixRedirectTtlSeconds: read.integer("version_prefix_redirect_ttl_seconds", -1, -1),
    httpScheme: read.optionalString("http_scheme"),
    httpHost: read.optionalString("http_host"),
    errorInfoLink: read.string("error_info_link", "https://github.com/Kinto/kinto/issues/"),
    heartbeatTimeoutSeconds: read.integer("heartbeat_timeout_seconds", 10, 1),
    lookup: (name) => read.raw(name),
  };
}

/** A map a parse result (or its SettingsError) is remembered in. */
interface ParseCache<K, V> {
  get(key: K): V | SettingsError | undefined;
  set(key: K, value: V | SettingsError): unknown;
}

/** `parse(key)`, computed once per key; a bad setting throws the same `SettingsError` every time. */
export function parsedOnce<K, V>(cache: ParseCache<K, V>, key: K, parse: (key: K) => V): V {
  let entry = cache.get(key);
  if (entry === undefined) {
    try {
      entry = parse(key);
    } catch (error) {
      if (!(error instanceof SettingsError)) throw error;
      entry = error;
    }
    cache.set(key, entry);
  }
  if (entry instanceof SettingsError) throw entry;
  return entry;
}

const cache = new WeakMap<object, Settings | SettingsError>();

/** Settings of this isolate's environment, parsed once. */
export function settingsOf(env: object): Settings {
  return parsedOnce(cache, env, loadSettings);
}
