/**
 * `GET /__api__` describes the routes this server has under the request's settings, in the
 * shape of Kinto's `kinto/core/openapi.py` (Swagger 2.0 via cornice_swagger); `/contribute.json`
 * and `/__version__` describe the project.
 */
import { describe, expect, test } from "vitest";
import packageJson from "../../package.json";
import { call } from "../permissions/helpers";

interface Doc {
  swagger: string;
  info: { title: string; version: string };
  basePath: string;
  host: string;
  schemes: string[];
  securityDefinitions: Record<string, { type: string }>;
  paths: Record<string, Record<string, { operationId: string; tags: string[]; parameters: { name: string }[] }>>;
}

describe("GET /__api__", () => {
  test("Kinto's document shape, with the routes and operation ids of this server", async () => {
    const res = await call({ url: "/__api__" });
    expect(res.status).toBe(200);
    const doc = res.body as Doc;
    expect(doc).toMatchObject({ swagger: "2.0", info: { title: "kinto", version: "1.23" }, basePath: "/v1", host: "localhost", schemes: ["http"] });
    expect(doc.securityDefinitions).toEqual({ account: { type: "basic" }, basicauth: { type: "basic" } });
    const record = doc.paths["/buckets/{bid}/collections/{cid}/records/{id}"];
    expect(Object.keys(record ?? {}).sort()).toEqual(["delete", "get", "head", "patch", "put"]);
    expect(record?.put).toMatchObject({ operationId: "update_record", tags: ["Records"] });
    expect(record?.get?.parameters.map((p) => p.name)).toEqual(["bid", "cid", "id"]);
    expect(doc.paths["/buckets"]?.post?.operationId).toBe("create_bucket");
    expect(doc.paths["/buckets"]?.get?.operationId).toBe("get_buckets");
    expect(doc.paths["/"]?.get?.operationId).toBe("server_info");
    expect(doc.paths["/batch"]?.post?.operationId).toBe("batch");
    expect(doc.paths["/accounts/{id}"]).toBeDefined();
    expect(doc.paths["/__flush__"]).toBeDefined();
  });

  test("only routes enabled by the settings are listed", async () => {
    const vars = { KINTO_INCLUDES: "kinto.plugins.default_bucket", KINTO_MULTIAUTH_POLICIES: "basicauth" };
    const doc = (await call({ url: "/__api__", vars })).body as Doc;
    expect(doc.paths["/__flush__"]).toBeUndefined();
    expect(doc.paths["/accounts"]).toBeUndefined();
    expect(doc.securityDefinitions).toEqual({ basicauth: { type: "basic" } });
  });
});

describe("project information", () => {
  test("/contribute.json exists", async () => {
    const res = await call({ url: "/contribute.json" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: "kinto-edge", participate: { docs: "https://kinto.readthedocs.io/" } });
  });

  test("/__version__ gives package.json's version, and the source and commit the deployment names", async () => {
    expect((await call({ url: "/__version__" })).body).toEqual({ name: "kinto-edge", version: packageJson.version, source: "unknown", commit: "unknown", build: "unknown" });
    const vars = { KINTO_VERSION_SOURCE: "https://git.example.com/kinto-edge", KINTO_VERSION_COMMIT: "abc123" };
    expect((await call({ url: "/__version__", vars })).body).toMatchObject({ source: "https://git.example.com/kinto-edge", commit: "abc123" });
    expect((await call({ url: "/contribute.json", vars })).body).toMatchObject({ repository: { url: "https://git.example.com/kinto-edge" } });
  });
});
