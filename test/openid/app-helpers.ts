/**
 * The OpenID plugin inside the app (`buildApp().fetch` with extra settings), with a fake
 * provider served by a stubbed global `fetch`. Every provider gets a fresh issuer, so the
 * per-isolate discovery and key set caches never leak between tests.
 */
import { env } from "cloudflare:workers";
import { afterEach, vi } from "vitest";
import { buildApp } from "../../src/app";
import { clearVerifications } from "../../src/plugins/openid/policy";
import { uid } from "../resources/helpers";
import { claims, fakeProviderFetch, jwksOf, providerVars, sign, type FakeEndpoints, type SigningKey } from "./helpers";

export const BASE = { KINTO_INCLUDES: "kinto.plugins.openid" };

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  clearVerifications();
});

export interface FakeProviderOptions {
  name?: string;
  /** `multiauth.policy.<name>.*` settings (lower-case keys). */
  extra?: Record<string, string>;
  userinfo?: Record<string, unknown>;
  endpoints?: FakeEndpoints;
}

/** A provider `<name>` at a fresh issuer whose tokens `key` signs. */
export function fakeProvider(key: SigningKey, { name = "idp", extra = {}, userinfo = {}, endpoints = {} }: FakeProviderOptions = {}) {
  const issuer = `https://${uid("idp")}.test`;
  const served = fakeProviderFetch(issuer, () => jwksOf(key), userinfo, endpoints);
  vi.stubGlobal("fetch", served.fetch);
  const vars = { ...BASE, KINTO_MULTIAUTH_POLICIES: `basicauth ${name}`, ...providerVars(name, issuer, { audience: "api", ...extra }) };
  const token = (overrides: Record<string, unknown> = {}, signer: SigningKey = key) => sign(signer, claims({ iss: issuer, aud: "api", ...overrides }));
  return { issuer, vars, token, requested: served.requested, posted: served.posted };
}

/** `path` (below `/v1`, query included) through the app with `vars`; redirects are not followed. */
export async function send(vars: Record<string, string>, path: string, init: { method?: string; authorization?: string; body?: unknown } = {}) {
  const headers = new Headers();
  if (init.authorization) headers.set("Authorization", init.authorization);
  if (init.body !== undefined) headers.set("Content-Type", "application/json");
  const request = new Request(`http://localhost/v1${path}`, {
    method: init.method ?? "GET",
    headers,
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const response = await buildApp().fetch(request, { ...(env as object), ...vars });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}
