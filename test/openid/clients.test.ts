/**
 * Scoped identities: with `clients`, a token counts only for a listed client it was issued
 * to and that it grants the required scopes of; the user id is `<prefix>:<sub>`.
 */
import { describe, expect, test } from "vitest";
import { clientIdOf, expectedAudiences, scopedSubject, scopesOf } from "../../src/plugins/openid/clients";
import { provider } from "./helpers";

const CLIENTS = new Map([
  ["addon-a", { prefix: "a", scopes: ["kinto"] }],
  ["addon-b", { prefix: "b", scopes: [] }],
]);
const SCOPED = provider({ audience: null, clients: CLIENTS });

describe("the client of a token", () => {
  test.each([
    { claims: { azp: "addon-a", client_id: "addon-b", aud: "addon-b" }, client: "addon-a" },
    { claims: { client_id: "addon-b", aud: "api" }, client: "addon-b" },
    { claims: { aud: "addon-b" }, client: "addon-b" },
    { claims: { aud: ["api", "addon-a"] }, client: "addon-a" },
    { claims: { aud: ["addon-a", "addon-b"] }, client: null },
    { claims: { aud: "api" }, client: null },
    { claims: {}, client: null },
  ])("$claims → $client", ({ claims, client }) => {
    expect(clientIdOf(claims, CLIENTS)).toBe(client);
  });

  test("scopes from `scope` (space-separated) or `scp` (a list)", () => {
    expect([...scopesOf({ scope: "openid  kinto" })]).toEqual(["openid", "kinto"]);
    expect([...scopesOf({ scp: ["kinto", 3] })]).toEqual(["kinto"]);
    expect([...scopesOf({})]).toEqual([]);
  });
});

describe("scoped subjects", () => {
  test("no clients: the subject as is", () => {
    expect(scopedSubject(provider(), { azp: "whatever" }, "u1")).toBe("u1");
  });

  test("two clients of one person are two user ids", () => {
    expect(scopedSubject(SCOPED, { azp: "addon-a", scope: "kinto" }, "u1")).toBe("a:u1");
    expect(scopedSubject(SCOPED, { azp: "addon-b" }, "u1")).toBe("b:u1");
  });

  test.each([
    { name: "an unlisted client", claims: { azp: "addon-c", scope: "kinto" } },
    { name: "no client", claims: { scope: "kinto" } },
    { name: "a missing required scope", claims: { azp: "addon-a", scope: "openid" } },
  ])("$name → refused", ({ claims }) => {
    expect(scopedSubject(SCOPED, claims, "u1")).toBeNull();
  });

  test("expected audiences: audience, else the clients, else client_id", () => {
    expect(expectedAudiences(provider())).toEqual(["kinto-api"]);
    expect(expectedAudiences(SCOPED)).toEqual(["addon-a", "addon-b"]);
    expect(expectedAudiences(provider({ audience: null }))).toEqual(["kinto-client"]);
    expect(expectedAudiences(provider({ audience: null, clientId: null }))).toEqual([]);
  });
});
