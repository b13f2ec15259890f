/**
 * The benchmark floor: a minimal Hono worker on the same stack as kinto-edge.
 *   GET  /const  → a constant JSON body (no I/O): the cost of wrangler dev + workerd + Hono.
 *   POST /insert → one RPC to one Durable Object, which does one D1 INSERT (no batching):
 *                  the cost of kinto-edge's write path shape without any Kinto logic.
 *   POST /put/:key → the request body streamed into one R2 `put`: the cost of storing a file
 *                  without parsing, hashing or recording it.
 */
import { DurableObject } from "cloudflare:workers";
import { Hono } from "hono";

interface Env {
  DB: D1Database;
  INSERTER: DurableObjectNamespace<Inserter>;
  FILES: R2Bucket;
}

export class Inserter extends DurableObject<Env> {
  /** One D1 INSERT, one round trip. */
  async insert(id: string, data: string): Promise<number> {
    const result = await this.env.DB.prepare("INSERT INTO rows (id, data, created) VALUES (?, ?, ?)")
      .bind(id, data, Date.now())
      .run();
    return result.meta.changes;
  }
}

const CONSTANT = { project_name: "floor", project_version: "1.0.0", http_api_version: "1.23", url: "/const" };

const app = new Hono<{ Bindings: Env }>();

app.get("/const", (c) => c.json(CONSTANT));

app.post("/insert", async (c) => {
  const data = await c.req.text();
  const stub = c.env.INSERTER.get(c.env.INSERTER.idFromName("floor"));
  const changes = await stub.insert(crypto.randomUUID(), data || "{}");
  return c.json({ inserted: changes }, 201);
});

app.post("/put/:key", async (c) => {
  const body = c.req.raw.body;
  if (body === null) return c.json({ error: "no body" }, 400);
  const stored = await c.env.FILES.put(c.req.param("key"), body);
  return c.json({ size: stored?.size ?? 0 }, 201);
});

export default app;
