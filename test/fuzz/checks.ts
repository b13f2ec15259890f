/**
 * What every fuzzed answer must hold: no 5xx; every answer ≥ 400 (but a HEAD's, which has no
 * body) is Kinto's error envelope with `code` equal to the status and a numeric `errno`; no
 * body shows a stack trace, SQL text or a file path. Batch answers hold it for each response.
 */
import { expect } from "vitest";
import type { Res } from "../resources/helpers";
import type { FuzzRequest } from "./harness";

/** What a leaked internal error looks like, by kind. The one place these are defined. */
const LEAKS: Record<string, RegExp> = {
  stackTrace: /\bat [\w.$<>]+ \(|^\s+at /m,
  // Case-sensitive: SQL as the storage writes it, not "select a field from the list".
  sql: /D1_ERROR|SQLITE_|\bjson_extract\(|\bSELECT\b.*\bFROM\b|\bINSERT INTO\b|: syntax error/,
  filePath: /\.(ts|js|mjs):\d+|node_modules|\/work\/|file:\/\//,
};

export function leaksIn(text: string): string[] {
  return Object.entries(LEAKS).flatMap(([kind, pattern]) => (pattern.test(text) ? [kind] : []));
}

interface Answer {
  status: number;
  body: unknown;
}

function checkEnvelope(answer: Answer, context: string): void {
  expect(answer.body, context).toMatchObject({ code: answer.status, errno: expect.any(Number), error: expect.any(String) });
}

export function checkAnswer(req: FuzzRequest, res: Res): void {
  const context = `${req.as}: ${req.method} ${req.url.slice(0, 200)} → ${res.status} ${res.text.slice(0, 300)}`;
  expect(res.status, context).toBeLessThan(500);
  expect(leaksIn(res.text), `leak: ${context}`).toEqual([]);
  if (res.status >= 400 && req.method.toUpperCase() !== "HEAD") {
    expect(res.headers.get("Content-Type"), context).toMatch(/^application\/json/);
    checkEnvelope(res, context);
  }
  if (res.status === 200 && /^\/batch\/?$/.test(req.url) && Array.isArray(res.body?.responses)) {
    for (const [index, response] of (res.body.responses as Answer[]).entries()) {
      const sub = `${context} (response ${index}: ${JSON.stringify(response).slice(0, 300)})`;
      expect(response.status, sub).toBeLessThan(500);
      if (response.status >= 400 && response.body !== undefined && response.body !== "") checkEnvelope(response, sub);
    }
  }
}
