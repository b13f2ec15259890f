#!/usr/bin/env node
// Reads a vitest JSON report and prints one plain line:
//   "N passed, N failed" (+ ", N skipped" when some were skipped or todo).
// Exits 1 when the report is missing/unreadable, any test failed, vitest
// reported failure, or no test ran; 0 otherwise.
// Usage: node scripts/vitest-summary.mjs test-results/vitest.json
import { readFileSync } from "node:fs";

const file = process.argv[2];
if (!file) {
  console.error("usage: vitest-summary.mjs <vitest-json-report>");
  process.exit(2);
}

let report;
try {
  report = JSON.parse(readFileSync(file, "utf8"));
} catch (error) {
  console.error(`cannot read vitest JSON report ${file}: ${error.message}`);
  console.log("0 passed, 0 failed");
  process.exit(1);
}

const count = (key) => (Number.isFinite(report[key]) ? report[key] : 0);
const passed = count("numPassedTests");
let failed = count("numFailedTests");
const skipped = count("numPendingTests") + count("numTodoTests");
// A test file that fails to load (syntax error, failing setup) has no tests:
// count each such suite as one failure so the line never reads "0 failed".
const brokenFiles = (report.testResults ?? []).filter(
  (file) => file.status === "failed" && (file.assertionResults ?? []).every((t) => t.status !== "failed"),
).length;
failed += brokenFiles;

let line = `${passed} passed, ${failed} failed`;
if (skipped > 0) line += `, ${skipped} skipped`;
console.log(line);

const ok = report.success === true && failed === 0 && passed + failed > 0;
process.exit(ok ? 0 : 1);
