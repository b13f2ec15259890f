/** Invariant 3 (design.md): no lost update — N concurrent conditional writers, exactly one wins. */
import { describe, expect, test } from "vitest";
import { etagOf, ok, recordFixture, send } from "./helpers";

const N = 20;

describe("concurrent conditional writes", () => {
  test(`${N} concurrent PUTs with the same If-Match: one 200, the others 412 with details.existing`, async () => {
    const { record, rts } = await recordFixture();
    const responses = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        send({ method: "PUT", url: record, headers: { "If-Match": `"${rts}"` }, body: { data: { writer: i } } }),
      ),
    );
    const winners = responses.filter((res) => res.status === 200);
    const losers = responses.filter((res) => res.status === 412);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(N - 1);
    const winner = winners[0]!;
    for (const loser of losers) {
      expect(loser.body.errno).toBe(114);
      // The loser saw either the original or the winner's version, never something else.
      expect(loser.body.details.existing.id).toBe(winner.body.data.id);
      expect(loser.headers.get("ETag")).toMatch(/^"\d+"$/);
    }
    const final = await ok({ url: record });
    expect(final.body.data).toEqual(winner.body.data);
    expect(etagOf(final)).toBe(winner.body.data.last_modified);
  });

  test(`${N} concurrent PATCHes with the same If-Match: exactly one applies`, async () => {
    const { record, rts } = await recordFixture();
    const responses = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        send({ method: "PATCH", url: record, headers: { "If-Match": `"${rts}"` }, body: { data: { [`k${i}`]: i } } }),
      ),
    );
    const winners = responses.filter((res) => res.status === 200);
    expect(winners).toHaveLength(1);
    expect(responses.filter((res) => res.status === 412)).toHaveLength(N - 1);
    const final = await ok({ url: record });
    const keys = Object.keys(final.body.data).filter((key) => key.startsWith("k"));
    expect(keys).toHaveLength(1);
    expect(final.body.data).toEqual(winners[0]!.body.data);
  });

  test(`${N} concurrent safe creations (If-None-Match: *) of one id: one 201, the others 412`, async () => {
    const { records } = await recordFixture();
    const url = `${records}/contested`;
    const responses = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        send({ method: "PUT", url, headers: { "If-None-Match": "*" }, body: { data: { writer: i } } }),
      ),
    );
    const created = responses.filter((res) => res.status === 201);
    expect(created).toHaveLength(1);
    const losers = responses.filter((res) => res.status === 412);
    expect(losers).toHaveLength(N - 1);
    for (const loser of losers) expect(loser.body.details.existing).toEqual(created[0]!.body.data);
    expect((await ok({ url })).body.data).toEqual(created[0]!.body.data);
  });

  test(`${N} concurrent deletes with If-Match: one 200, the others 412 or 404`, async () => {
    const { record, rts } = await recordFixture();
    const responses = await Promise.all(
      Array.from({ length: N }, () => send({ method: "DELETE", url: record, headers: { "If-Match": `"${rts}"` } })),
    );
    expect(responses.filter((res) => res.status === 200)).toHaveLength(1);
    for (const res of responses.filter((r) => r.status !== 200)) expect([404, 412]).toContain(res.status);
    expect((await send({ url: record })).status).toBe(404);
  });
});
