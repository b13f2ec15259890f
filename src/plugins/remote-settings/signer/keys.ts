/**
 * The local backend (`local_ecdsa`): which key signs a workflow, and where its certificate chain
 * is published. Settings (each may be refined per bucket or collection, see settings.ts `refined`):
 * - `signer.ecdsa.private_key`: the PKCS#8 PEM text of a P-384 key (a Worker secret);
 * - `signer.ecdsa.certificate_chain`: the PEM chain, leaf first, served by this worker at
 *   `/v1/cert-chains/<sha256>.pem` (content-addressed, so cacheable for ever) and named by `x5u`;
 * - `signer.ecdsa.x5u`: a chain hosted elsewhere (wins over the served one);
 * - `signer.ecdsa.signer_id`: the `signer_id` published with each signature (the leaf's SAN).
 */
import { ERRNO, KintoError } from "../../../errors";
import { variableName, type Settings } from "../../../config";
import { sha256Hex, signingKey, signPayload, type SignatureEntry } from "./ecdsa";
import { refined, signerSettings } from "./settings";

export const CHAINS_PATH = "/cert-chains";

function noKey(source: { bucket: string; collection: string }): KintoError {
  return new KintoError({
    status: 500,
    errno: ERRNO.UNDEFINED,
    message: `Invalid setting ${variableName("signer.ecdsa.private_key")}: no signing key for /buckets/${source.bucket}/collections/${source.collection}; nothing was published.`,
  });
}

/** The path (below `/v1`) of a served chain. */
export async function chainPath(chain: string): Promise<string> {
  return `${CHAINS_PATH}/${(await sha256Hex(chain)).slice(0, 32)}.pem`;
}

/** Signs `payload` with the workflow's local key (`local_ecdsa`). Throws KintoError when no usable key is configured. */
export async function signLocally(settings: Settings, source: { bucket: string; collection: string }, payload: string, origin: string | null): Promise<SignatureEntry> {
  const pem = refined(settings, source, "ecdsa.private_key");
  if (pem === undefined || pem.trim() === "") throw noKey(source);
  let key;
  try {
    key = await signingKey(pem);
  } catch {
    throw noKey(source);
  }
  const chain = refined(settings, source, "ecdsa.certificate_chain");
  const hosted = refined(settings, source, "ecdsa.x5u");
  const x5u = hosted ?? (chain !== undefined && origin !== null ? `${origin}/v1${await chainPath(chain)}` : "");
  const signerId = refined(settings, source, "ecdsa.signer_id");
  return {
    mode: "p384ecdsa",
    signature: await signPayload(key, payload),
    x5u,
    public_key: key.publicKey,
    type: "contentsignature",
    ...(signerId !== undefined ? { signer_id: signerId } : {}),
    // Names this signing operation, as Autograph's `ref` does (logs, support requests).
    ref: crypto.randomUUID(),
  };
}

/** Every configured chain (global, and refined for a workflow's source), by served path. */
export async function servedChains(settings: Settings): Promise<Map<string, string>> {
  const chains = new Map<string, string>();
  const add = async (chain: string | undefined) => {
    if (chain !== undefined && chain.trim() !== "") chains.set(await chainPath(chain), chain);
  };
  await add(settings.lookup("signer.ecdsa.certificate_chain"));
  for (const workflow of signerSettings(settings).workflows) {
    await add(refined(settings, { bucket: workflow.source.bucket, collection: workflow.source.collection ?? "" }, "ecdsa.certificate_chain"));
  }
  return chains;
}
