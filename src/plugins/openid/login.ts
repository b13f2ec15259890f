/**
 * The OpenID Connect login flow (Kinto's `kinto/plugins/openid/views.py`):
 * `GET /openid/<p>/login?callback=&scope=[&prompt=none]` saves a single-use state and
 * redirects (307) to the provider's authorization endpoint; the provider sends the user to
 * `GET /openid/<p>/token?code=&state=`, which consumes the state, trades the code at the
 * token endpoint and redirects to the callback followed by the URL-quoted base64 of the
 * provider's answer. Beyond Kinto, the callback must be trusted (`trusted_callback_urls`,
 * else this server's origin), checked at login and again before redirecting.
 */
import type { AppContext } from "../../context";
import { SettingsError, variableName } from "../../config";
import { backendUnavailable, invalidParameters } from "../../errors";
import { base64OfText } from "../../http/base64";
import { empty, origin } from "../../http/respond";
import type { ValidationDetail } from "../../wire";
import { discover, exchangeCode, isHttpUrl, ProviderUnavailable } from "./remote";
import { providerOf, type OpenIDProvider } from "./settings";
import { consumeState, randomState, saveState } from "./states";
import { catalogOf } from "../../storage/shards";

const RETRY_AFTER_SECONDS = 30;

/** Python's `repr` of a short string, as Kinto's messages quote names. */
function pythonRepr(value: string): string {
  return value.includes("'") && !value.includes('"') ? `"${value}"` : `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** The provider of the path, or a detail saying it is unknown (Kinto's `provider_validator`, typo included). */
function providerOfPath(c: AppContext, details: ValidationDetail[]): OpenIDProvider | null {
  const name = c.req.param("provider") ?? "";
  const settings = c.get("settings");
  const provider = settings.multiauthPolicies.includes(name) ? providerOf(settings, name) : null;
  if (provider === null) details.push({ location: "path", name: "provider", description: `Unknow provider ${pythonRepr(name)}` });
  return provider;
}

/** The required querystring fields present, adding a `Required` detail for each missing one. */
function required(c: AppContext, names: string[], details: ValidationDetail[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of names) {
    const value = c.req.query(name);
    if (value === undefined) details.push({ location: "querystring", name, description: "Required" });
    else values[name] = value;
  }
  return values;
}

function patternRegExp(pattern: string): RegExp {
  const escaped = pattern.split("*").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`);
}

/** Whether the tokens may be sent to `callback`: a listed pattern matches, or (none listed) it is on this server's origin. */
export function isTrustedCallback(provider: OpenIDProvider, callback: string, serverOrigin: string): boolean {
  if (provider.trustedCallbackUrls.length === 0) {
    try {
      return new URL(callback).origin === serverOrigin;
    } catch {
      return false;
    }
  }
  return provider.trustedCallbackUrls.some((pattern) => patternRegExp(pattern).test(callback));
}

const untrusted = (): ValidationDetail => ({ location: "querystring", name: "callback", description: "Not a trusted callback URL" });

function requiredClientId(provider: OpenIDProvider): string {
  if (provider.clientId === null) {
    throw new SettingsError(variableName(`multiauth.policy.${provider.name}.client_id`), "required for the OpenID login flow");
  }
  return provider.clientId;
}

/** The provider's endpoint `field` from discovery; 503 when the provider cannot tell it. */
async function endpointOf(provider: OpenIDProvider, field: "authorization_endpoint"): Promise<string> {
  try {
    const endpoint = (await discover(provider))?.[field];
    if (endpoint !== undefined) return endpoint;
  } catch (error) {
    if (!(error instanceof ProviderUnavailable)) throw error;
  }
  throw backendUnavailable(RETRY_AFTER_SECONDS);
}

function tokenUri(c: AppContext, provider: OpenIDProvider): string {
  return `${origin(c)}/v1/openid/${encodeURIComponent(provider.name)}/token`;
}

export async function login(c: AppContext): Promise<Response> {
  const details: ValidationDetail[] = [];
  const provider = providerOfPath(c, details);
  const { callback, scope } = required(c, ["callback", "scope"], details);
  const prompt = c.req.query("prompt");
  if (callback !== undefined && !isHttpUrl(callback)) details.push({ location: "querystring", name: "callback", description: "Must be a URL" });
  if (prompt !== undefined && !prompt.startsWith("none")) {
    details.push({ location: "querystring", name: "prompt", description: "String does not match expected pattern" });
  }
  if (details.length > 0 || provider === null || callback === undefined || scope === undefined) throw invalidParameters(details);
  if (provider.useridField === "email" && !scope.includes("email")) {
    throw invalidParameters([{ location: "body", name: "scope", description: `Provider ${provider.name} requires 'email' scope` }]);
  }
  if (!isTrustedCallback(provider, callback, origin(c))) throw invalidParameters([untrusted()]);
  const clientId = requiredClientId(provider);
  const authorization = await endpointOf(provider, "authorization_endpoint");

  const state = randomState(provider.stateLength);
  await saveState(catalogOf(c.env), state, provider.name, callback, provider.stateTtlSeconds);
  const params = new URLSearchParams({ client_id: clientId, response_type: "code", scope, redirect_uri: tokenUri(c, provider), state });
  if (prompt) params.set("prompt", prompt);
  // Providers such as Auth0 issue an access token for an API (a JWT) only when asked for its audience.
  if (provider.audience !== null) params.set("audience", provider.audience);
  const location = new URL(authorization);
  for (const [name, value] of params) location.searchParams.set(name, value);
  return empty(307, { Location: location.toString() });
}

/** Python's `urllib.parse.quote` (safe `/`) of base64 text. */
function quote(text: string): string {
  return encodeURIComponent(text).replace(/%2F/g, "/");
}

export async function token(c: AppContext): Promise<Response> {
  const details: ValidationDetail[] = [];
  const provider = providerOfPath(c, details);
  const { code, state } = required(c, ["code", "state"], details);
  if (details.length > 0 || provider === null || code === undefined || state === undefined) throw invalidParameters(details);
  requiredClientId(provider);

  const callback = await consumeState(catalogOf(c.env), state, provider.name);
  if (callback === null) throw invalidParameters([{ location: "body", name: "state", description: "Invalid state", errno: 105 }]);
  if (!isTrustedCallback(provider, callback, origin(c))) throw invalidParameters([untrusted()]);

  let answer: { body: string };
  try {
    answer = await exchangeCode(provider, code, tokenUri(c, provider));
  } catch (error) {
    if (error instanceof ProviderUnavailable) throw backendUnavailable(RETRY_AFTER_SECONDS);
    throw error;
  }
  // The provider's answer goes to the client as is, errors included (Kinto does the same).
  return empty(307, { Location: `${callback}${quote(base64OfText(answer.body))}` });
}
