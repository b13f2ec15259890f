/** Settings from `KINTO_*` variables: defaults, list parsing, and errors naming the variable. */
import { describe, expect, test } from "vitest";
import { SettingsError, loadSettings, splitList, variableName } from "../../src/config";

describe("loadSettings defaults", () => {
  test("an empty environment gives Kinto's defaults", () => {
    const settings = loadSettings({});
    expect(settings).toMatchObject({
      projectName: "kinto",
      projectDocs: "https://kinto.readthedocs.io/",
      httpApiVersion: "1.23",
      readonly: false,
      batchMaxRequests: 25,
      paginateBy: null,
      storageMaxFetchSize: 10000,
      paginationTokenValiditySeconds: 600,
      explicitPermissions: true,
      bucketCreatePrincipals: ["system.Authenticated"],
      userIdHmacSecret: "",
      multiauthPolicies: [],
      experimentalCollectionSchemaValidation: false,
      experimentalPermissionsEndpoint: false,
      corsOrigins: ["*"],
      corsMaxAgeSeconds: 3600,
      backoff: null,
      backoffPercentage: null,
      retryAfterSeconds: 3,
      eos: null,
      rootCacheExpiresSeconds: 86400,
      trailingSlashRedirectEnabled: true,
      trailingSlashRedirectTtlSeconds: 3600,
      versionPrefixRedirectEnabled: true,
      versionPrefixRedirectTtlSeconds: -1,
      httpScheme: null,
      httpHost: null,
      errorInfoLink: "https://github.com/Kinto/kinto/issues/",
      heartbeatTimeoutSeconds: 10,
    });
  });

  test("values are read from KINTO_* variables", () => {
    const settings = loadSettings({
      KINTO_READONLY: "true",
      KINTO_PAGINATE_BY: "50",
      KINTO_BATCH_MAX_REQUESTS: "0",
      KINTO_EXPLICIT_PERMISSIONS: "false",
      KINTO_USERID_HMAC_SECRET: "s3cret",
      KINTO_MULTIAUTH_POLICIES: "basicauth",
      KINTO_BACKOFF: "10",
      KINTO_EOS: "2099-01-01",
      KINTO_TRAILING_SLASH_REDIRECT_TTL_SECONDS: "-1",
    });
    expect(settings).toMatchObject({
      readonly: true,
      paginateBy: 50,
      batchMaxRequests: null,
      explicitPermissions: false,
      userIdHmacSecret: "s3cret",
      multiauthPolicies: ["basicauth"],
      backoff: 10,
      eos: "2099-01-01",
      trailingSlashRedirectTtlSeconds: -1,
    });
  });

  test.each([
    ["yes", true],
    ["on", true],
    ["1", true],
    ["TRUE", true],
    ["no", false],
    ["off", false],
    ["0", false],
    ["False", false],
  ])("boolean %s → %s", (raw, expected) => {
    expect(loadSettings({ KINTO_READONLY: raw }).readonly).toBe(expected);
  });

  test("lookup reads dynamic settings by their Kinto name", () => {
    const settings = loadSettings({ KINTO_RECORD_READ_PRINCIPALS: "system.Everyone", "KINTO_B1_C1_RECORD_CACHE_EXPIRES_SECONDS": "5" });
    expect(settings.lookup("record_read_principals")).toBe("system.Everyone");
    expect(settings.lookup("b1.c1.record_cache_expires_seconds")).toBe("5");
    expect(settings.lookup("bucket_read_principals")).toBeUndefined();
  });
});

describe("lists", () => {
  test.each([
    ["system.Everyone system.Authenticated", ["system.Everyone", "system.Authenticated"]],
    ["a,b", ["a", "b"]],
    ["  a , b\n c\td  ", ["a", "b", "c", "d"]],
    ["", []],
  ])("splitList(%j)", (raw, expected) => {
    expect(splitList(raw)).toEqual(expected);
  });

  test("list settings use splitList", () => {
    const settings = loadSettings({
      KINTO_BUCKET_CREATE_PRINCIPALS: "system.Everyone, system.Authenticated",
      KINTO_CORS_ORIGINS: "https://a.example https://*.b.example",
    });
    expect(settings.bucketCreatePrincipals).toEqual(["system.Everyone", "system.Authenticated"]);
    expect(settings.corsOrigins).toEqual(["https://a.example", "https://*.b.example"]);
  });
});

describe("invalid settings", () => {
  test.each([
    ["KINTO_PAGINATE_BY", "ten"],
    ["KINTO_PAGINATE_BY", "1.5"],
    ["KINTO_PAGINATE_BY", "0"],
    ["KINTO_STORAGE_MAX_FETCH_SIZE", "lots"],
    ["KINTO_CORS_MAX_AGE_SECONDS", "-5"],
    ["KINTO_RETRY_AFTER_SECONDS", "3s"],
    ["KINTO_BATCH_MAX_REQUESTS", "many"],
    ["KINTO_READONLY", "maybe"],
    ["KINTO_EXPLICIT_PERMISSIONS", "nope"],
    ["KINTO_TRAILING_SLASH_REDIRECT_ENABLED", "2"],
    ["KINTO_BACKOFF_PERCENTAGE", "150"],
    ["KINTO_EOS", "not a date"],
  ])("%s=%j → SettingsError naming the variable", (variable, value) => {
    let thrown: unknown;
    try {
      loadSettings({ [variable]: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SettingsError);
    expect((thrown as Error).message).toContain(variable);
  });
});

describe("variableName", () => {
  test.each([
    ["paginate_by", "KINTO_PAGINATE_BY"],
    ["multiauth.policies", "KINTO_MULTIAUTH_POLICIES"],
    ["b1.c1.record_cache_expires_seconds", "KINTO_B1_C1_RECORD_CACHE_EXPIRES_SECONDS"],
    ["my-bucket.record_cache_expires_seconds", "KINTO_MY_BUCKET_RECORD_CACHE_EXPIRES_SECONDS"],
  ])("%s → %s", (setting, expected) => {
    expect(variableName(setting)).toBe(expected);
  });
});
