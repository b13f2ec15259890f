/**
 * The Autograph backend (Remote Settings' `autograph`): `POST {server_url}/sign/data` with
 * `[{input: base64(payload), keyid}]`, authenticated with Hawk, answering
 * `[{signature, x5u, mode, public_key, type, signer_id, ref}]`. Settings, refined per bucket or
 * collection like the others: `signer.autograph.server_url`, `.hawk_id`, `.hawk_secret`
 * (a Worker secret), `.key_id` (default `remote-settings`).
 * Limits: one attempt, {@link AUTOGRAPH_TIMEOUT_MS} at most; a failure refuses the commit
 * (503, nothing published), and neither the secret nor Autograph's answer reaches the client.
 */
import { variableName, SettingsError, type Settings } from "../../../config";
import { ERRNO, KintoError } from "../../../errors";
import { base64OfText } from "../../../http/base64";
import type { SignatureEntry } from "./ecdsa";
import { hawkHeader } from "./hawk";
import { refined } from "./settings";

export const AUTOGRAPH_TIMEOUT_MS = 10_000;
const OPTIONAL_FIELDS = ["mode", "public_key", "type", "signer_id", "ref"] as const;

interface AutographConfig {
  url: URL;
  hawkId: string;
  hawkSecret: string;
  keyId: string;
}

type Source = { bucket: string; collection: string };

function required(settings: Settings, source: Source, name: string): string {
  const value = refined(settings, source, `autograph.${name}`);
  if (value === undefined || value.trim() === "") throw new SettingsError(variableName(`signer.autograph.${name}`), "required by the autograph signer backend");
  return value.trim();
}

/** The Autograph settings of `source`'s workflow. Throws SettingsError when one is missing or malformed. */
export function autographConfig(settings: Settings, source: Source): AutographConfig {
  const server = required(settings, source, "server_url");
  let url: URL;
  try {
    url = new URL("/sign/data", server);
  } catch {
    throw new SettingsError(variableName("signer.autograph.server_url"), `${JSON.stringify(server)} is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new SettingsError(variableName("signer.autograph.server_url"), "expected an http(s) URL");
  return {
    url,
    hawkId: required(settings, source, "hawk_id"),
    hawkSecret: required(settings, source, "hawk_secret"),
    keyId: refined(settings, source, "autograph.key_id")?.trim() || "remote-settings",
  };
}

function failed(reason: string): KintoError {
  console.error(`autograph signing failed: ${reason}`);
  return new KintoError({ status: 503, errno: ERRNO.BACKEND, message: "The signing service is unavailable; nothing was published. Retry later.", headers: { "Retry-After": "30" } });
}

/** The signature entry of `payload` made by Autograph. Throws KintoError (503) when it fails, SettingsError when misconfigured. */
export async function signWithAutograph(settings: Settings, source: Source, payload: string): Promise<SignatureEntry> {
  const config = autographConfig(settings, source);
  const body = JSON.stringify([{ input: base64OfText(payload), keyid: config.keyId }]);
  const contentType = "application/json";
  const authorization = await hawkHeader({ id: config.hawkId, key: config.hawkSecret }, { method: "POST", url: config.url, contentType, payload: body });
  let response: Response;
  try {
    response = await fetch(config.url, { method: "POST", headers: { "Content-Type": contentType, Authorization: authorization }, body, signal: AbortSignal.timeout(AUTOGRAPH_TIMEOUT_MS) });
  } catch (error) {
    throw failed(error instanceof Error ? error.name : "network error");
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw failed(`HTTP ${response.status}`);
  }
  let answer: unknown;
  try {
    answer = await response.json();
  } catch {
    throw failed("the answer is not JSON");
  }
  const bundle = Array.isArray(answer) ? (answer[0] as unknown) : null;
  if (bundle === null || typeof bundle !== "object") throw failed("the answer is not a list of signatures");
  const fields = bundle as Record<string, unknown>;
  if (typeof fields.signature !== "string" || typeof fields.x5u !== "string") throw failed("the answer has no signature or x5u");
  const entry: SignatureEntry = { signature: fields.signature, x5u: fields.x5u };
  for (const field of OPTIONAL_FIELDS) {
    const value = fields[field];
    if (typeof value === "string") entry[field] = value;
  }
  return entry;
}
