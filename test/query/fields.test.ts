import { describe, expect, it } from "vitest";
import { projectFields } from "../../src/protocol/query/fields";
import type { JsonObject, KintoObject } from "../../src/wire";

const RECORD: KintoObject = {
  id: "r1",
  last_modified: 10,
  title: "t",
  author: { name: "Ben", age: 30 },
  a: { b: { c: 1, e: 2 }, d: 3, f: 4 },
  tags: ["x"],
  nothing: null,
};

const CASES: [string[], JsonObject][] = [
  [[], { id: "r1", last_modified: 10 }],
  [["title"], { id: "r1", last_modified: 10, title: "t" }],
  [["id"], { id: "r1", last_modified: 10 }],
  [["nothing", "tags"], { id: "r1", last_modified: 10, nothing: null, tags: ["x"] }],
  [["nope", "nope.deeper"], { id: "r1", last_modified: 10 }],
  [["author.name"], { id: "r1", last_modified: 10, author: { name: "Ben" } }],
  [["author.name", "author.age"], { id: "r1", last_modified: 10, author: { name: "Ben", age: 30 } }],
  [["author.missing"], { id: "r1", last_modified: 10, author: {} }],
  [["title.x"], { id: "r1", last_modified: 10, title: "t" }],
  [["tags.0"], { id: "r1", last_modified: 10, tags: ["x"] }],
  [["author", "author.name"], { id: "r1", last_modified: 10, author: { name: "Ben", age: 30 } }],
  [["author.name", "author"], { id: "r1", last_modified: 10, author: { name: "Ben", age: 30 } }],
  [["a.b.c", "a.d"], { id: "r1", last_modified: 10, a: { b: { c: 1 }, d: 3 } }],
  [["a.b.c", "a.b"], { id: "r1", last_modified: 10, a: { b: { c: 1, e: 2 } } }],
];

describe("projectFields", () => {
  it.each(CASES)("%j", (fields, expected) => {
    expect(projectFields(RECORD, fields)).toEqual(expected);
  });

  it("does not touch its input", () => {
    const copy = structuredClone(RECORD);
    projectFields(RECORD, ["a.b.c", "author"]);
    expect(RECORD).toEqual(copy);
  });

  it("drops a tombstone's deleted unless requested", () => {
    const tombstone = { id: "r2", last_modified: 11, deleted: true as const };
    expect(projectFields(tombstone, ["title"])).toEqual({ id: "r2", last_modified: 11 });
    expect(projectFields(tombstone, ["deleted"])).toEqual({ id: "r2", last_modified: 11, deleted: true });
  });

  it("keeps a __proto__ key as data", () => {
    const object = JSON.parse('{"id":"r3","last_modified":1,"__proto__":{"x":1,"y":2}}') as KintoObject;
    const projected = projectFields(object, ["__proto__.x"]);
    expect(JSON.stringify(projected)).toBe('{"__proto__":{"x":1},"id":"r3","last_modified":1}');
    expect(Object.getPrototypeOf(projected)).toBe(Object.prototype);
  });
});
