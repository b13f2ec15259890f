/**
 * The local content-signature backend (Remote Settings' `local_ecdsa`): ECDSA P-384 / SHA-384
 * with WebCrypto, over `Content-Signature:\x00` + the canonical payload, encoded as the raw
 * 96-byte r‖s in base64url. The key is a PKCS#8 PEM text held in a Worker secret.
 */
import { base64OfBytes, base64urlOfBytes } from "../../../http/base64";
import { signedMessage } from "./canonical";

/** A collection's `signature`: `signature` and `x5u` always, the others as the backend gives them. */
export interface SignatureEntry {
  mode?: string;
  signature: string;
  x5u: string;
  public_key?: string;
  type?: string;
  signer_id?: string;
  ref?: string;
}

function pemBody(pem: string, label: string): Uint8Array {
  const match = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(pem);
  if (!match) throw new TypeError(`not a PEM ${label}`);
  const binary = atob((match[1] as string).replace(/\s+/g, ""));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

export interface SigningKey {
  privateKey: CryptoKey;
  /** Base64 of the DER SubjectPublicKeyInfo, as Autograph publishes `public_key`. */
  publicKey: string;
}

const keys = new Map<string, Promise<SigningKey>>();

/** The key of a PKCS#8 PEM (imported once per isolate). Throws TypeError when it is not a P-384 private key. */
export function signingKey(pem: string): Promise<SigningKey> {
  let key = keys.get(pem);
  if (key === undefined) {
    key = importKey(pem);
    keys.set(pem, key);
    key.catch(() => keys.delete(pem));
  }
  return key;
}

async function importKey(pem: string): Promise<SigningKey> {
  const algorithm = { name: "ECDSA", namedCurve: "P-384" };
  const privateKey = await crypto.subtle.importKey("pkcs8", pemBody(pem, "PRIVATE KEY"), algorithm, true, ["sign"]);
  const { d: _d, key_ops: _ops, ...publicJwk } = (await crypto.subtle.exportKey("jwk", privateKey)) as JsonWebKey;
  const publicKey = await crypto.subtle.importKey("jwk", { ...publicJwk, key_ops: ["verify"] }, algorithm, true, ["verify"]);
  const spki = new Uint8Array((await crypto.subtle.exportKey("spki", publicKey)) as ArrayBuffer);
  return { privateKey: await crypto.subtle.importKey("pkcs8", pemBody(pem, "PRIVATE KEY"), algorithm, false, ["sign"]), publicKey: base64OfBytes(spki) };
}

/** The base64url r‖s signature of `payload`. */
export async function signPayload(key: SigningKey, payload: string): Promise<string> {
  const signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-384" }, key.privateKey, signedMessage(payload));
  return base64urlOfBytes(signature);
}

/** Lowercase hex SHA-256 of a text (content-addressed chain URLs). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return [...digest].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}
