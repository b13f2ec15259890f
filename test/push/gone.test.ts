/** A followed collection or bucket deleted: its subscribers are closed with 4004 (a sync client's 404). */
import { describe, expect, test } from "vitest";
import { CLOSE_GONE } from "../../src/live/subscription";
import { send } from "../resources/helpers";
import { collection, eventsOf, live, subscribe } from "./helpers";

describe("deleted while followed", () => {
  test("a deleted collection closes its subscribers with 4004", async () => {
    const path = await collection();
    const subscriber = await live(path);
    await send({ method: "POST", url: `${path}/records`, body: { data: {} } });
    await eventsOf(subscriber, 1);
    expect((await send({ method: "DELETE", url: path })).status).toBe(200);
    expect((await subscriber.closed).code).toBe(CLOSE_GONE);
  });

  test("a deleted bucket closes its stream's subscribers and those of its collections", async () => {
    const path = await collection();
    const bucket = path.split("/collections/")[0] ?? "";
    const [records, other, ofBucket] = [await live(path), await live(`${bucket}/collections/c`, "alice", "?_since=0"), await live(bucket)];
    expect((await send({ method: "DELETE", url: bucket })).status).toBe(200);
    expect((await records.closed).code).toBe(CLOSE_GONE);
    expect((await other.closed).code).toBe(CLOSE_GONE);
    expect((await ofBucket.closed).code).toBe(CLOSE_GONE);
    expect(((await subscribe(path)) as Response).status).toBe(403);
  });

  test("a collection created again under the same name can be followed again", async () => {
    const path = await collection();
    const first = await live(path);
    await send({ method: "DELETE", url: path });
    expect((await first.closed).code).toBe(CLOSE_GONE);
    expect((await send({ method: "PUT", url: path, body: {} })).status).toBe(201);
    const again = await live(path);
    const created = await send({ method: "POST", url: `${path}/records`, body: { data: {} } });
    expect((await eventsOf(again, 1))[0]).toMatchObject({ action: "create", data: created.body.data });
  });
});
