// A tiny Autograph for the e2e tests: `POST /sign/data` checks the Hawk header on its own
// (Node's crypto: payload hash, MAC, clock skew, nonce replay) and signs each input as
// Autograph's content-signature signer does: ECDSA P-384 / SHA-384 over
// `Content-Signature:\x00` + the decoded input, r‖s in base64url. `GET /__signed__` lists
// what it signed, for the tests to compare.
import { createHash, createHmac, generateKeyPairSync, randomUUID, sign, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { readBody } from "./read-body";

export interface AutographInfo {
  url: string;
  hawkId: string;
  hawkSecret: string;
  keyId: string;
  /** Base64 DER SubjectPublicKeyInfo of the signing key, as Autograph's `public_key`. */
  publicKey: string;
  x5u: string;
  signerId: string;
}

export interface SignedByAutograph {
  keyid: string;
  ref: string;
  /** The signed payload (decoded input), e.g. canonical JSON. */
  input: string;
}

const SKEW_SECONDS = 60;

function hawkFields(header: string | undefined): Record<string, string> | null {
  if (header === undefined || !header.startsWith("Hawk ")) return null;
  const fields: Record<string, string> = {};
  for (const match of header.slice(5).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) fields[match[1] as string] = (match[2] as string).replace(/\\(.)/g, "$1");
  return fields;
}

/** Whether the request's Hawk header is valid for `secret` (RFC-less Hawk 1.x, as the hawk libraries do it). */
function validHawk(request: IncomingMessage, body: string, info: AutographInfo, seen: Set<string>): string | null {
  const fields = hawkFields(request.headers.authorization);
  if (fields === null) return "no Hawk header";
  if (fields.id !== info.hawkId) return "unknown id";
  const ts = Number(fields.ts);
  if (!Number.isInteger(ts) || Math.abs(ts - Date.now() / 1000) > SKEW_SECONDS) return "stale timestamp";
  if (!fields.nonce || seen.has(fields.nonce)) return "nonce replayed";
  const mediaType = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  const hash = createHash("sha256").update(`hawk.1.payload\n${mediaType}\n${body}\n`).digest("base64");
  if (fields.hash !== hash) return "payload hash mismatch";
  const [host, port] = (request.headers.host ?? "").split(":");
  const normalized = ["hawk.1.header", fields.ts, fields.nonce, request.method, request.url, host?.toLowerCase(), port ?? "80", hash, fields.ext ?? "", ""].join("\n");
  const mac = createHmac("sha256", info.hawkSecret).update(normalized).digest();
  const given = Buffer.from(fields.mac ?? "", "base64");
  if (given.length !== mac.length || !timingSafeEqual(given, mac)) return "bad MAC";
  seen.add(fields.nonce);
  return null;
}

export function startAutograph(port: number): { server: Server; info: AutographInfo } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "secp384r1" });
  const info: AutographInfo = {
    url: `http://127.0.0.1:${port}`,
    hawkId: "kinto-edge-e2e",
    hawkSecret: randomUUID(),
    keyId: "remote-settings-e2e",
    publicKey: publicKey.export({ type: "spki", format: "der" }).toString("base64"),
    x5u: "https://autograph.example/chains/remote-settings-e2e.pem",
    signerId: "remote-settings-e2e",
  };
  const seen = new Set<string>();
  const signed: SignedByAutograph[] = [];
  const server = createServer((request, response) => {
    void (async () => {
      const answer = (status: number, body: unknown) => {
        response.writeHead(status, { "Content-Type": "application/json" });
        response.end(JSON.stringify(body));
      };
      if (request.method === "GET" && request.url === "/__signed__") return answer(200, signed);
      if (request.method !== "POST" || request.url !== "/sign/data") return answer(404, { error: "not found" });
      const body = await readBody(request);
      const refusal = validHawk(request, body, info, seen);
      if (refusal !== null) return answer(401, { error: refusal });
      const inputs = JSON.parse(body) as { input: string; keyid: string }[];
      answer(
        201,
        inputs.map(({ input, keyid }) => {
          const payload = Buffer.from(input, "base64");
          const signature = sign("sha384", Buffer.concat([Buffer.from("Content-Signature:\x00"), payload]), { key: privateKey, dsaEncoding: "ieee-p1363" });
          const ref = randomUUID();
          signed.push({ keyid, ref, input: payload.toString("utf8") });
          return { ref, type: "contentsignature", mode: "p384ecdsa", signature: signature.toString("base64url"), public_key: info.publicKey, signer_id: info.signerId, x5u: info.x5u };
        }),
      );
    })();
  });
  server.listen(port, "127.0.0.1");
  return { server, info };
}

/**
 * Settings for two workflows signed by this Autograph (on top of wrangler.toml's, whose
 * `resources` are given): `ag-workspace -> ag-main`, and `ag-broken -> ag-broken-main` whose
 * Hawk secret is wrong (Autograph refuses it).
 */
export function autographVars(info: AutographInfo, resources: string): Record<string, string> {
  const backend = "kinto_remote_settings.signer.backends.autograph";
  return {
    KINTO_SIGNER_RESOURCES: [...resources.split(/\n/).map((line) => line.trim()).filter((line) => line !== ""), "/buckets/ag-workspace -> /buckets/ag-main", "/buckets/ag-broken -> /buckets/ag-broken-main"].join(","),
    KINTO_SIGNER_AUTOGRAPH_SERVER_URL: info.url,
    KINTO_SIGNER_AUTOGRAPH_HAWK_ID: info.hawkId,
    KINTO_SIGNER_AUTOGRAPH_HAWK_SECRET: info.hawkSecret,
    KINTO_SIGNER_AUTOGRAPH_KEY_ID: info.keyId,
    KINTO_SIGNER_AG_WORKSPACE_SIGNER_BACKEND: backend,
    KINTO_SIGNER_AG_WORKSPACE_TO_REVIEW_ENABLED: "false",
    KINTO_SIGNER_AG_BROKEN_SIGNER_BACKEND: backend,
    KINTO_SIGNER_AG_BROKEN_TO_REVIEW_ENABLED: "false",
    KINTO_SIGNER_AG_BROKEN_AUTOGRAPH_HAWK_SECRET: "not-the-secret",
  };
}
