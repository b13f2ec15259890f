// JSON that keeps numbers exactly, as the server does (README "Numbers"): a number whose
// text would change through a JS double (`9007199254740993`, `1.0`, `1e-05`) is parsed
// into a RawNumber holding its text, and written back as that text. Other numbers stay
// plain numbers. Parsing needs V8's JSON.parse source text access (on by default from
// Node 22; turned on here for Node 20).
import v8 from "node:v8";
import { CliError } from "./errors.mjs";

if (!("rawJSON" in JSON)) v8.setFlagsFromString("--harmony-json-parse-with-source");
const SOURCE_TEXT = JSON.parse("[1.0]", (_key, value, context) => context?.source ?? value)[0] === "1.0";
/** A number token that a double may not keep: a fraction, an exponent, or 16+ digits. */
const MAY_NEED_KEEPING = /(?:^|[:,[])\s*-?(?:\d{16}|\d+(?:\.\d+)?[eE]|\d+\.\d|0\.0000)/;

export class RawNumber {
  /** @param {string} text a JSON number */
  constructor(text) {
    this.text = text;
    Object.freeze(this);
  }

  /** Its value as a double (what JSON.parse would give). */
  valueOf() {
    return Number(this.text);
  }
}

/** A RawNumber when a double would not keep `text`, else the number. */
export function keptNumber(text, value = Number(text)) {
  return String(value) === text ? value : new RawNumber(text);
}

/** JSON.parse keeping numbers. */
export function parseJson(text) {
  if (!MAY_NEED_KEEPING.test(text)) return JSON.parse(text);
  if (!SOURCE_TEXT) throw new CliError("this Node.js cannot read numbers exactly (JSON.parse source text access); use Node.js 22 or later");
  return JSON.parse(text, (_key, value, context) => (typeof value === "number" && context?.source !== undefined ? keptNumber(context.source, value) : value));
}

/** JSON.stringify writing RawNumbers as their text (no indentation). */
export function stringifyJson(value) {
  if (value instanceof RawNumber) return value.text;
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? "null" : stringifyJson(item))).join(",")}]`;
  if (value !== null && typeof value === "object") {
    if (typeof value.toJSON === "function") return stringifyJson(value.toJSON());
    const members = Object.entries(value).filter(([, item]) => item !== undefined && typeof item !== "function");
    return `{${members.map(([key, item]) => `${JSON.stringify(key)}:${stringifyJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
