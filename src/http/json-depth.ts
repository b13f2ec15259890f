/**
 * Nesting depth of JSON (MAX_JSON_DEPTH): `1` is 0 levels, `{}` and `[1]` are 1, `{"a": []}`
 * is 2. Both measures are iterative, so any depth is measured without exhausting the stack.
 */
import { invalidParameter, type KintoError } from "../errors";
import { MAX_JSON_DEPTH } from "../limits";

/** The deepest nesting of brackets in JSON text, outside strings. Invalid text is measured too. */
export function textDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c) i += 1;
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b || char === 0x5b) deepest = Math.max(deepest, (depth += 1));
    else if (char === 0x7d || char === 0x5d) depth -= 1;
  }
  return deepest;
}

/** The nesting depth of a parsed value. */
export function valueDepth(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const [item, depth] = entry;
    if (item === null || typeof item !== "object") continue;
    deepest = Math.max(deepest, depth + 1);
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return deepest;
}

export function tooDeep(name: string): KintoError {
  return invalidParameter("body", name, `JSON is nested too deeply: at most ${MAX_JSON_DEPTH} levels`);
}
