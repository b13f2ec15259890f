/** T01/T03: the timestamp assignment algorithm of contract §5.2, every branch. */
import { describe, expect, test } from "vitest";
import { assignTimestamp, forcedTimestamp } from "../../src/writer/timestamps";

describe("assignTimestamp", () => {
  test.each([
    { name: "no forced value, clock ahead: now", previous: 1000, now: 5000, forced: null, timestamp: 5000, list: 5000 },
    { name: "no forced value, clock equal to prev: prev + 1", previous: 5000, now: 5000, forced: null, timestamp: 5001, list: 5001 },
    { name: "no forced value, clock behind: prev + 1", previous: 9000, now: 5000, forced: null, timestamp: 9001, list: 9001 },
    { name: "no forced value, fractional now is floored", previous: 1000, now: 5000.9, forced: null, timestamp: 5000, list: 5000 },
    { name: "never-initialised list: now", previous: null, now: 5000, forced: null, timestamp: 5000, list: 5000 },
    { name: "forced == prev: prev + 1", previous: 5000, now: 6000, forced: 5000, timestamp: 5001, list: 5001 },
    { name: "forced > prev: forced, list moves to it", previous: 5000, now: 6000, forced: 7000, timestamp: 7000, list: 7000 },
    { name: "forced > prev, even below now", previous: 5000, now: 9000, forced: 5500, timestamp: 5500, list: 5500 },
    { name: "forced < prev: forced, list unchanged", previous: 5000, now: 6000, forced: 100, timestamp: 100, list: 5000 },
    { name: "forced on a never-initialised list", previous: null, now: 6000, forced: 100, timestamp: 100, list: 100 },
  ])("$name", ({ previous, now, forced, timestamp, list }) => {
    expect(assignTimestamp(previous, now, forced)).toEqual({ timestamp, list });
  });

  test("the forced argument defaults to none", () => {
    expect(assignTimestamp(10, 5)).toEqual({ timestamp: 11, list: 11 });
  });

  test("a burst in one millisecond yields strictly increasing values", () => {
    let previous: number | null = null;
    const seen: number[] = [];
    for (let i = 0; i < 100; i++) {
      const { timestamp, list } = assignTimestamp(previous, 1_000_000);
      seen.push(timestamp);
      previous = list;
    }
    expect(new Set(seen).size).toBe(100);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBe(1_000_099);
  });
});

describe("forcedTimestamp", () => {
  test.each([
    { value: 1234, expected: 1234 },
    { value: 0, expected: 0 },
    { value: 1.5, expected: null },
    { value: "1234", expected: null },
    { value: null, expected: null },
    { value: undefined, expected: null },
    { value: true, expected: null },
    { value: [1], expected: null },
    { value: Number.MAX_SAFE_INTEGER + 2, expected: null },
  ])("$value → $expected", ({ value, expected }) => {
    expect(forcedTimestamp(value)).toBe(expected);
  });
});
