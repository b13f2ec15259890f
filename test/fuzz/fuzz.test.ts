/**
 * The fuzz suite (issue 17), in one test file so that its properties share one fixture and one
 * start-up (each test file pays ≈ 3 s of migrations and imports), and run concurrently. Also
 * checks that the fuzz table covers every route the app registers (routes.ts).
 */
import { describe, expect, test } from "vitest";
import { buildApp } from "../../src/app";
import { routesOf } from "../../src/routes/register";
import { API_PREFIX } from "../../src/routes/paths";
import { leaksIn } from "./checks";
import { fuzz, type Fixture } from "./harness";
import { ATTACHMENT_PROPERTIES } from "./properties/attachments";
import { QUERY_PROPERTIES } from "./properties/queries";
import { REQUEST_PROPERTIES } from "./properties/requests";
import { routeTable, UNFUZZED } from "./routes";

const app = buildApp();
const sample: Fixture = { bid: "b1", cid: "c1", records: "/buckets/b1/collections/c1/records", playground: "p1", attachmentKey: "b1/c1/f.txt", attachmentEtag: '"e"', timestamp: 1 };

/** A route pattern as a RegExp over paths below `/v1` (`:name{re}` → re, `:name` → one segment). */
function patternOf(path: string): RegExp {
  const source = path
    .split(/(:\w+(?:\{[^}]+\})?)/)
    .map((part) => (part.startsWith(":") ? (/\{(.+)\}$/.exec(part)?.[1] ?? "[^/]+") : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`);
}

describe("the fuzz table", () => {
  test("every registered route is in the fuzz table or deliberately left out", () => {
    const registered = routesOf(app).map((route) => route.path);
    expect(new Set([...Object.keys(routeTable(sample)), ...Object.keys(UNFUZZED)])).toEqual(new Set(registered));
  });

  test("no route is registered around the catalog", () => {
    const catalog = new Set(routesOf(app).map((route) => `${API_PREFIX}${route.path}`));
    const direct = app.routes.map((route) => route.path).filter((path) => path !== "*" && path !== "/*");
    expect(direct).toContain(`${API_PREFIX}/batch`);
    expect(direct.filter((path) => !catalog.has(path))).toEqual([]);
  });

  test("each path of the table is one of its route's", () => {
    for (const [pattern, paths] of Object.entries(routeTable(sample))) {
      for (const path of paths) expect(path, pattern).toMatch(patternOf(pattern));
    }
  });
});

test("the leak patterns recognise what a leaked error looks like", () => {
  expect(leaksIn('{"message":"D1_ERROR: no such column: x: SQLITE_ERROR"}')).toEqual(["sql"]);
  expect(leaksIn("SELECT id FROM objects WHERE json_extract(data, '$.a') = 1")).toEqual(["sql"]);
  expect(leaksIn("TypeError: x is undefined\n    at handler (src/routes/batch.ts:12:3)")).toEqual(["stackTrace", "filePath"]);
  expect(leaksIn('{"code":400,"errno":107,"error":"Invalid parameters","message":"_sort: select a field from the list"}')).toEqual([]);
});

fuzz([...REQUEST_PROPERTIES, ...QUERY_PROPERTIES, ...ATTACHMENT_PROPERTIES]);
