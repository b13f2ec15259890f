// A tiny OpenID Connect provider on 127.0.0.1 for the e2e tests: discovery, the JWKS of a
// freshly generated RS256 key, an authorization endpoint that signs in `login_hint` (default
// `alice`) at once, a token endpoint trading each code once for an opaque access token and
// a signed ID token, and userinfo for both kinds of token.
import { createServer, type Server } from "node:http";
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";
import { readBody } from "./read-body";

export interface OpenIDProviderInfo {
  /** The policy name: user ids are `<name>:<sub>`. */
  name: string;
  /** A second policy at the same issuer with scoped clients: user ids `<scopedName>:<client prefix>:<sub>`. */
  scopedName: string;
  /** Client ids of `scopedName` (prefix = client id), each requiring the `kinto` scope. */
  scopedClients: string[];
  issuer: string;
  audience: string;
  clientId: string;
  /** Private RS256 key (with `kid`) whose public half the JWKS serves. */
  privateJwk: JWK;
}

const CLIENT_ID = "kinto-e2e-client";
const CLIENT_SECRET = "kinto-e2e-secret";
/** Opaque access tokens are `opaque-<sub>`: userinfo knows them. */
const OPAQUE = /^opaque-([A-Za-z0-9_-]+)$/;

export async function startOpenIDProvider(port: number): Promise<{ server: Server; info: OpenIDProviderInfo }> {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
  const kid = "e2e-key";
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" }] };
  const issuer = `http://127.0.0.1:${port}`;
  const info: OpenIDProviderInfo = {
    name: "localidp",
    scopedName: "scopedidp",
    scopedClients: ["addon-a", "addon-b"],
    issuer,
    audience: "kinto-e2e",
    clientId: CLIENT_ID,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: "RS256" },
  };
  /** Issued codes → the user they sign in; deleted when traded. */
  const codes = new Map<string, { sub: string; redirectUri: string }>();

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", issuer);
    const send = (status: number, body: unknown): void => {
      response.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
    };
    const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "")?.[1] ?? "";
    switch (url.pathname) {
      case "/.well-known/openid-configuration":
        return send(200, {
          issuer,
          jwks_uri: `${issuer}/jwks`,
          userinfo_endpoint: `${issuer}/userinfo`,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
        });
      case "/jwks":
        return send(200, jwks);
      case "/authorize": {
        const redirectUri = url.searchParams.get("redirect_uri") ?? "";
        if (url.searchParams.get("client_id") !== CLIENT_ID || url.searchParams.get("response_type") !== "code" || !redirectUri) {
          return send(400, { error: "invalid_request" });
        }
        const code = `code-${crypto.randomUUID()}`;
        codes.set(code, { sub: url.searchParams.get("login_hint") ?? "alice", redirectUri });
        const back = new URL(redirectUri);
        back.searchParams.set("code", code);
        back.searchParams.set("state", url.searchParams.get("state") ?? "");
        response.writeHead(302, { Location: back.toString() }).end();
        return;
      }
      case "/token":
        void readBody(request).then(async (text) => {
          const form = new URLSearchParams(text);
          const grant = codes.get(form.get("code") ?? "");
          codes.delete(form.get("code") ?? "");
          const client = form.get("client_id") === CLIENT_ID && form.get("client_secret") === CLIENT_SECRET;
          if (!grant || !client || form.get("grant_type") !== "authorization_code" || form.get("redirect_uri") !== grant.redirectUri) {
            return send(400, { error: "invalid_grant" });
          }
          const now = Math.floor(Date.now() / 1000);
          const idToken = await new SignJWT({ iss: issuer, aud: CLIENT_ID, sub: grant.sub, email: `${grant.sub}@example.com`, iat: now, exp: now + 600 })
            .setProtectedHeader({ alg: "RS256", kid })
            .sign(privateKey);
          send(200, { access_token: `opaque-${grant.sub}`, id_token: idToken, token_type: "Bearer", expires_in: 600 });
        });
        return;
      case "/userinfo": {
        const opaque = OPAQUE.exec(bearer);
        if (opaque) return send(200, { sub: opaque[1], email: `${opaque[1]}@example.com` });
        try {
          const { sub, email } = decodeJwt(bearer);
          return send(200, { sub, email });
        } catch {
          return send(401, { error: "invalid_token" });
        }
      }
      default:
        return send(404, { error: "not found" });
    }
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { server, info };
}

/** The settings (wrangler `--var`s) of both policies of this provider, added to `policies` and `includes`. */
export function openIDVars(info: OpenIDProviderInfo, policies: string, includes: string): Record<string, string> {
  const prefix = (name: string) => `KINTO_MULTIAUTH_POLICY_${name.toUpperCase()}_`;
  const clients = Object.fromEntries(info.scopedClients.map((client) => [client, { prefix: client, scopes: ["kinto"] }]));
  return {
    KINTO_MULTIAUTH_POLICIES: `${policies} ${info.name} ${info.scopedName}`,
    KINTO_INCLUDES: `${includes} kinto.plugins.openid`,
    [`${prefix(info.name)}USE`]: "kinto.plugins.openid.OpenIDConnectPolicy",
    [`${prefix(info.name)}ISSUER`]: info.issuer,
    [`${prefix(info.name)}AUDIENCE`]: info.audience,
    [`${prefix(info.name)}CLIENT_ID`]: CLIENT_ID,
    [`${prefix(info.name)}CLIENT_SECRET`]: CLIENT_SECRET,
    [`${prefix(info.scopedName)}USE`]: "kinto.plugins.openid.OpenIDConnectPolicy",
    [`${prefix(info.scopedName)}ISSUER`]: info.issuer,
    [`${prefix(info.scopedName)}CLIENTS`]: JSON.stringify(clients),
  };
}
