// Debian's chromium for the browser tests: /usr/bin/chromium, installed with apt-get when
// missing (CI runs on a fresh machine as root). playwright-core drives it; it downloads no
// browser of its own.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export const CHROMIUM = "/usr/bin/chromium";

/** Installs chromium when it is missing; throws with apt-get's output when that fails. */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update"], ["install", "-y", "--no-install-recommends", "chromium"]]) {
    const run = spawnSync("apt-get", args, { env, encoding: "utf8" });
    if (run.status !== 0) throw new Error(`apt-get ${args.join(" ")} failed (${run.status}): ${run.stderr || run.stdout}`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium, but ${CHROMIUM} is missing`);
  return CHROMIUM;
}
