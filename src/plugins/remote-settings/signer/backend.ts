/**
 * Which backend signs a workflow: `signer.signer_backend` (refined per bucket or collection),
 * by Remote Settings' dotted names — `kinto_remote_settings.signer.backends.local_ecdsa` (the
 * default: a key held by this worker, keys.ts) or `kinto_remote_settings.signer.backends.autograph`
 * (autograph.ts); kinto-signer's `kinto_signer.signer.local_ecdsa` / `.autograph` too. Any
 * other value is a SettingsError (a 500 naming it on every request).
 */
import { SettingsError, variableName, type Settings } from "../../../config";
import { ERRNO, KintoError } from "../../../errors";
import { withTimeout } from "../../../http/timeout";
import { autographConfig, signWithAutograph } from "./autograph";
import type { SignatureEntry } from "./ecdsa";
import { signLocally } from "./keys";
import { refined, signerSettings } from "./settings";

export type Backend = "local_ecdsa" | "autograph";

const NAMES: Record<string, Backend> = {
  "kinto_remote_settings.signer.backends.local_ecdsa": "local_ecdsa",
  "kinto_remote_settings.signer.backends.autograph": "autograph",
  "kinto_signer.signer.local_ecdsa": "local_ecdsa",
  "kinto_signer.signer.autograph": "autograph",
};

type Source = { bucket: string; collection: string };

export function backendOf(settings: Settings, source: Source): Backend {
  const raw = refined(settings, source, "signer_backend");
  if (raw === undefined || raw.trim() === "") return "local_ecdsa";
  const backend = NAMES[raw.trim()];
  if (backend === undefined) throw new SettingsError(variableName("signer.signer_backend"), `unknown backend ${JSON.stringify(raw.trim())} (expected one of ${Object.keys(NAMES).join(", ")})`);
  return backend;
}

/** The sources whose settings may differ: the server's, and each workflow's. */
function sources(settings: Settings): Source[] {
  return [{ bucket: "", collection: "" }, ...signerSettings(settings).workflows.map((w) => ({ bucket: w.source.bucket, collection: w.source.collection ?? "" }))];
}

/** Throws SettingsError when a workflow names an unknown backend or lacks the Autograph settings it needs. */
export function validateBackends(settings: Settings): void {
  for (const source of sources(settings)) if (backendOf(settings, source) === "autograph") autographConfig(settings, source);
}

/** Signs `payload` for the workflow of `source`. Throws KintoError when signing is impossible (nothing is published then). */
export async function sign(settings: Settings, source: Source, payload: string, origin: string | null): Promise<SignatureEntry> {
  try {
    return backendOf(settings, source) === "autograph" ? await signWithAutograph(settings, source, payload) : await signLocally(settings, source, payload, origin);
  } catch (error) {
    if (error instanceof SettingsError) throw new KintoError({ status: 500, errno: ERRNO.UNDEFINED, message: error.message });
    throw error;
  }
}

/** `__heartbeat__`'s `signer`: every workflow's backend signs a test payload within `seconds`. */
export async function signerHeartbeat(settings: Settings, seconds: number): Promise<boolean> {
  const checks = sources(settings).slice(1);
  const results = await Promise.all(checks.map((source) => withTimeout(() => sign(settings, source, "This is a heartbeat test.", null), seconds)));
  return results.every(Boolean);
}
