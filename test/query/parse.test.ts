import { describe, expect, it } from "vitest";
import { KintoError } from "../../src/errors";
import { rawNumber } from "../../src/json/numbers";
import { parseListQuery } from "../../src/protocol/query/parse";
import { encodeToken } from "../../src/protocol/query/token";
import type { Filter, QueryOptions } from "../../src/protocol/query/types";
import type { JsonValue } from "../../src/wire";
import { DAY_MS, DEFAULTS, expect400, NOW } from "./helpers";

const parse = (query: string, options: Partial<QueryOptions> = {}) =>
  parseListQuery(new URLSearchParams(query), { ...DEFAULTS, ...options });

const STRICT: Partial<QueryOptions> = { strictFields: ["uri", "resource_name", "target"] };

type Expected = [Filter["operator"], string, JsonValue];

/** Querystring → the single filter it yields. */
const FILTERS: [string, Expected][] = [
  // §4.2 native values
  ["author=2", ["eq", "author", 2]],
  ['author="2"', ["eq", "author", "2"]],
  ["author=Ben", ["eq", "author", "Ben"]],
  // kept as Kinto prints it, equal to 1 in comparisons
  ["v=1.0", ["eq", "v", rawNumber("1.0")]],
  ["v=9007199254740993", ["eq", "v", rawNumber("9007199254740993")]],
  ['v="1.0"', ["eq", "v", "1.0"]],
  ["v=01", ["eq", "v", "01"]],
  ["v=NaN", ["eq", "v", "NaN"]],
  ["x=true", ["eq", "x", true]],
  ["x=false", ["eq", "x", false]],
  ["x=null", ["eq", "x", null]],
  ['x="null"', ["eq", "x", "null"]],
  ["x=[1,2]", ["eq", "x", [1, 2]]],
  ['x={"a":1}', ["eq", "x", { a: 1 }]],
  ["x=%22abc%22", ["eq", "x", "abc"]],
  ["x=", ["eq", "x", ""]],
  ["x=caf%C3%A9", ["eq", "x", "café"]],
  // in_/exclude_: split on commas first
  ["in_status=1,2", ["in", "status", [1, 2]]],
  ["in_name=a,b", ["in", "name", ["a", "b"]]],
  ['in_id="1","2"', ["in", "id", ["1", "2"]]],
  ["in_x=[1,2]", ["in", "x", ["[1", "2]"]]],
  ["in_x=a", ["in", "x", ["a"]]],
  ["exclude_x=", ["exclude", "x", [""]]],
  ["exclude_x=true,null,1.5", ["exclude", "x", [true, null, 1.5]]],
  // contains_/contains_any_: whole value, non-arrays wrapped
  ["contains_tags=a", ["contains", "tags", ["a"]]],
  ['contains_tags=["a","b"]', ["contains", "tags", ["a", "b"]]],
  ["contains_tags=a,b", ["contains", "tags", ["a,b"]]],
  ['contains_x={"a":1}', ["contains", "x", [{ a: 1 }]]],
  ["contains_any_n=1", ["contains_any", "n", [1]]],
  ["contains_any_n=[1,[2]]", ["contains_any", "n", [1, [2]]]],
  // §4.3 grammar, alternatives in order
  ["lt_age=1", ["lt", "age", 1]],
  ["min_age=1", ["min", "age", 1]],
  ["max_age=1", ["max", "age", 1]],
  ["not_age=1", ["not", "age", 1]],
  ["eq_age=1", ["eq", "age", 1]],
  ["gt_age=1", ["gt", "age", 1]],
  ["like_title=ab*", ["like", "title", "ab*"]],
  ["has_title=false", ["has", "title", false]],
  ["in_stock=true", ["in", "stock", [true]]],
  ["has_children=1", ["has", "children", 1]],
  ["not_before=5", ["not", "before", 5]],
  ["eq_in_stock=true", ["eq", "in_stock", true]],
  ["contains_any=1", ["contains", "any", [1]]],
  ["contains_any_tags=x", ["contains_any", "tags", ["x"]]],
  ["author.name=Ben", ["eq", "author.name", "Ben"]],
  ["lt_a.b.c=1", ["lt", "a.b.c", 1]],
  ["lt_=1", ["eq", "lt_", 1]],
  ["lt_a-b=1", ["eq", "lt_a-b", 1]],
  ["LT_age=1", ["eq", "LT_age", 1]],
  ["%20title%20=x", ["eq", "title", "x"]],
  ["title%20with%20spaces=x", ["eq", "title with spaces", "x"]],
  // id takes strings
  ["id=abc", ["eq", "id", "abc"]],
  ['id="123"', ["eq", "id", "123"]],
  ["exclude_id=a,b", ["exclude", "id", ["a", "b"]]],
  ["like_id=ab", ["like", "id", "ab"]],
  ["has_id=true", ["has", "id", true]],
  // last_modified: integer or digit string, quoted or not
  ["last_modified=123", ["eq", "last_modified", 123]],
  ['last_modified="123"', ["eq", "last_modified", 123]],
  ["gt_last_modified=%22123%22", ["gt", "last_modified", 123]],
  ["last_modified=0123", ["eq", "last_modified", 123]],
  ["min_last_modified=0", ["min", "last_modified", 0]],
  [`lt_last_modified=${NOW + DAY_MS - 1}`, ["lt", "last_modified", NOW + DAY_MS - 1]],
  ["has_last_modified=true", ["has", "last_modified", true]],
  ['like_last_modified="12"', ["like", "last_modified", "12"]],
  // polling parameters
  ["_since=123", ["gt", "last_modified", 123]],
  ['_since="123"', ["gt", "last_modified", 123]],
  ["_since=%22123%22", ["gt", "last_modified", 123]],
  ["_before=123", ["lt", "last_modified", 123]],
  ["_to=123", ["lt", "last_modified", 123]],
  ["_since=null", ["gt", "last_modified", null]],
  ["_before=null", ["lt", "last_modified", null]],
  // repeated names: the reference's list of raw strings
  ["x=1&x=2", ["eq", "x", ["1", "2"]]],
  ["in_x=1&in_x=a", ["in", "x", [1, "a"]]],
];

describe("filters", () => {
  it.each(FILTERS)("%s", (query, [operator, field, value]) => {
    const { filters } = parse(query);
    expect(filters).toHaveLength(1);
    expect(filters[0]).toMatchObject({ operator, field });
    expect(filters[0]?.value).toEqual(value);
  });

  it("keeps the parameter name for errors", () => {
    expect(parse("_since=5").filters[0]?.param).toBe("_since");
    expect(parse("%20in_x%20=1").filters[0]?.param).toBe("in_x");
  });

  it("ignores unknown underscore parameters", () => {
    const { filters } = parse("_expected=123&_cachebust=x&_=1&_unknown&title=a");
    expect(filters.map((filter) => filter.field)).toEqual(["title"]);
  });

  it("keeps every filter, in order", () => {
    const { filters } = parse("a=1&_since=5&gt_b=2&exclude_id=x");
    expect(filters.map((filter) => filter.param)).toEqual(["a", "_since", "gt_b", "exclude_id"]);
  });
});

/** Querystring → [detail name, description] of the 400. */
const REJECTED: [string, string | null, string, Partial<QueryOptions>?][] = [
  ["title=a%00b", "title", "Invalid character 0x00"],
  ["ti%00tle=a", "ti\u0000tle", "Invalid character 0x00"],
  ['title="a\\u0000b"', "title", "Invalid character 0x00"],
  ['contains_x=[{"k\\u0000":1}]', "contains_x", "Invalid character 0x00"],
  ["in_x=a,b%00", "in_x", "Invalid character 0x00"],
  ["id=123", "id", "Invalid value for id"],
  ["id=true", "id", "Invalid value for id"],
  ["id=null", "id", "Invalid value for id"],
  ["not_id=5", "not_id", "Invalid value for not_id"],
  ["in_id=1,2", "in_id", "Invalid value for in_id"],
  ['exclude_id="a",2', "exclude_id", "Invalid value for exclude_id"],
  ["contains_id=a", "contains_id", "Field 'id' is not an array"],
  ["contains_any_last_modified=1", "contains_any_last_modified", "Field 'last_modified' is not an array"],
  ["like_title=10", "like_title", "Invalid value for like_title"],
  ["like_title=true", "like_title", "Invalid value for like_title"],
  ["like_title=[1]", "like_title", "Invalid value for like_title"],
  ["like_last_modified=12", "like_last_modified", "Invalid value for like_last_modified"],
  ["last_modified=-1", "last_modified", "Invalid value for last_modified"],
  ["last_modified=1.5", "last_modified", "Invalid value for last_modified"],
  ["last_modified=abc", "last_modified", "Invalid value for last_modified"],
  ["last_modified=", "last_modified", "Invalid value for last_modified"],
  ["last_modified=null", "last_modified", "Invalid value for last_modified"],
  ["last_modified=true", "last_modified", "Invalid value for last_modified"],
  ["last_modified=[1]", "last_modified", "Invalid value for last_modified"],
  [`gt_last_modified=${NOW + DAY_MS}`, "gt_last_modified", "Invalid value for gt_last_modified"],
  ["in_last_modified=1,2", "in_last_modified", "Invalid value for in_last_modified"],
  ["exclude_last_modified=1", "exclude_last_modified", "Invalid value for exclude_last_modified"],
  ["_since=abc", "_since", "Invalid value for _since"],
  ["_since=-1", "_since", "Invalid value for _since"],
  ["_since=1.5", "_since", "Invalid value for _since"],
  ["_since=", "_since", "Invalid value for _since"],
  ['_since="abc"', "_since", "Invalid value for _since"],
  [`_since=${NOW + DAY_MS}`, "_since", "Invalid value for _since"],
  ["_before=[1]", "_before", "Invalid value for _before"],
  ["_to=true", "_to", "Invalid value for _to"],
  ["_since=1&_since=2", "_since", "Invalid value for _since"],
  ["foo=1", "foo", "Unknown filter field 'foo'", STRICT],
  ["exclude_foo.bar=1", "exclude_foo.bar", "Unknown filter field 'exclude_foo.bar'", STRICT],
  ["_sort=foo", null, "Unknown sort field 'foo'", STRICT],
  ["_sort=uri,-foo.x", null, "Unknown sort field 'foo.x'", STRICT],
  ["_fields=uri,foo,bar.x,foo", "Invalid _fields parameter", "Fields foo,bar do not exist", STRICT],
  ["_limit=abc", "_limit", '"abc" is not a number'],
  ["_limit=true", "_limit", '"true" is not a number'],
  ["_limit=[1]", "_limit", '"[1]" is not a number'],
  ['_limit="1.5"', "_limit", '""1.5"" is not a number'],
  ["_limit=1&_limit=2", "_limit", '"1,2" is not a number'],
  ["_limit=-1", "_limit", "-1 is less than minimum value 0"],
  ["_limit=99999999999999999999", "_limit", "99999999999999999999 is greater than maximum value 9223372036854775808"],
  ["_token=abc", null, "_token has invalid content"],
  ["_token=%%%", null, "_token has invalid content"],
  ["_token=a&_token=b", null, "_token has invalid content"],
];

describe("rejections", () => {
  it.each(REJECTED)("%s", (query, name, description, options) => {
    expect400(() => parse(query, options), name, description);
  });

  it("composes the message from the detail (§2.7)", () => {
    try {
      parse("foo=1", STRICT);
      expect.unreachable();
    } catch (error) {
      expect((error as KintoError).message).toBe("Unknown filter field 'foo'");
    }
    try {
      parse("_token=x");
      expect.unreachable();
    } catch (error) {
      expect((error as KintoError).message).toBe("querystring: _token has invalid content");
    }
  });

  it("accepts declared, built-in and nested fields on strict resources", () => {
    const query = parse("uri=a&in_resource_name=a,b&gt_target.data.last_modified=1&id=x&_since=1&_sort=-uri&_fields=id,target.data", STRICT);
    expect(query.filters).toHaveLength(5);
    expect(query.fields).toEqual(["id", "target.data"]);
  });
});

const token = (lastObject: Record<string, JsonValue>) => encodeToken({ lastObject, offset: 2, nonce: "n" });

describe("tokens", () => {
  const bad = (json: string) => btoa(json);
  it.each([
    ["not base64", "@@@"],
    ["not json", bad("{nope")],
    ["an array", bad("[]")],
    ["last_object not an object", bad('{"last_object":[],"offset":0,"nonce":"n"}')],
    ["last_object null", bad('{"last_object":null,"offset":0,"nonce":"n"}')],
    ["no offset", bad('{"last_object":{},"nonce":"n"}')],
    ["no nonce", bad('{"last_object":{},"offset":0}')],
    ["negative offset", bad('{"last_object":{},"offset":-1,"nonce":"n"}')],
  ])("rejects %s", (_label, raw) => {
    expect400(() => parse(`_token=${encodeURIComponent(raw)}`), null, "_token has invalid content");
  });

  it("decodes a token", () => {
    const raw = token({ title: "é", last_modified: 5 });
    expect(parse(`_token=${encodeURIComponent(raw)}`).token).toEqual({ lastObject: { title: "é", last_modified: 5 }, offset: 2, nonce: "n" });
  });

  it("treats an empty or absent _token as none", () => {
    expect(parse("_token=").token).toBeNull();
    expect(parse("").token).toBeNull();
  });
});

describe("tombstones and _to", () => {
  it.each([
    ["", false],
    ["title=a", false],
    ["exclude_id=a", false],
    ["last_modified.x=1", false],
    ["_since=1", true],
    ["_before=1", true],
    ["_to=1", true],
    ["_since=null", true],
    ["last_modified=1", true],
    ["not_last_modified=1", true],
    ["max_last_modified=1", true],
    ["has_last_modified=1", true],
  ])("%s → includeTombstones %s", (query, expected) => {
    expect(parse(query).includeTombstones).toBe(expected);
  });

  it("flags _to", () => {
    expect(parse("_to=5").deprecatedTo).toBe(true);
    expect(parse("_before=5").deprecatedTo).toBe(false);
  });

  it("keeps both null polling filters (Appendix D.5)", () => {
    expect(parse("_since=null&_before=null").filters.map((filter) => [filter.operator, filter.value])).toEqual([
      ["gt", null],
      ["lt", null],
    ]);
  });
});

const asc = (field: string) => ({ field, direction: "asc" });
const desc = (field: string) => ({ field, direction: "desc" });

describe("_sort", () => {
  it.each([
    ["", [desc("last_modified")]],
    ["_sort=", [desc("last_modified")]],
    ["_sort=title", [asc("title"), desc("last_modified")]],
    ["_sort=-title,+author", [desc("title"), asc("author"), desc("last_modified")]],
    ["_sort=last_modified", [asc("last_modified")]],
    ["_sort=-last_modified", [desc("last_modified")]],
    ["_sort=+last_modified", [asc("last_modified")]],
    ["_sort=title,last_modified", [asc("title"), asc("last_modified")]],
    ["_sort=title,%20last_modified", [asc("title"), asc("last_modified")]],
    ["_sort=a$b,title,,--x,t%20t", [asc("title"), desc("last_modified")]],
    ["_sort=author.name", [asc("author.name"), desc("last_modified")]],
    ["_sort=title,-title", [asc("title"), desc("last_modified")]],
    ["_sort=a&_sort=-b", [asc("a"), desc("b"), desc("last_modified")]],
    ["_sort=caf%C3%A9", [desc("last_modified")]],
  ])("%s", (query, expected) => {
    expect(parse(query).sort).toEqual(expected);
  });

  it.each([
    ["", [desc("uri")]],
    ["_sort=id", [asc("id"), desc("uri")]],
    ["_sort=last_modified,uri", [asc("uri")]],
    ["_sort=-last_modified", [desc("uri")]],
  ])("with the uri tie-breaker: %s", (query, expected) => {
    expect(parse(query, { tieBreaker: "uri" }).sort).toEqual(expected);
  });
});

describe("_limit", () => {
  const paginated = { settings: { paginateBy: 10, storageMaxFetchSize: 10_000 } };
  it.each([
    ["", {}, 10_000],
    ["_limit=5", {}, 5],
    ["_limit=0", {}, 10_000],
    ["_limit=1.5", {}, 1],
    ["_limit=-0.5", {}, 10_000],
    ['_limit="5"', {}, 5],
    ["_limit=%225%22", {}, 5],
    ["_limit=1e2", {}, 100],
    ["_limit=20000", {}, 10_000],
    ["_limit=9223372036854775808", {}, 10_000],
    ["_limit=", {}, 10_000],
    ["_limit=null", {}, 10_000],
    ["", paginated, 10],
    ["_limit=5", paginated, 5],
    ["_limit=50", paginated, 10],
    ["_limit=0", paginated, 10_000],
    ["_limit=", paginated, 10],
    ["_limit=3", { settings: { paginateBy: null, storageMaxFetchSize: 2 } }, 2],
  ])("%s %j → %d", (query, options, expected) => {
    expect(parse(query, options).limit).toBe(expected);
  });
});

describe("_fields", () => {
  it.each([
    ["", null],
    ["_fields=", null],
    ["_fields=title,author.name", ["title", "author.name"]],
    ["_fields=%20a%20,%20,b", ["a", "b"]],
    ["_fields=a&_fields=b", ["a", "b"]],
  ])("%s", (query, expected) => {
    expect(parse(query).fields).toEqual(expected);
  });
});
