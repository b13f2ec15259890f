// End to end, in a real browser: the live-changes demo page served by `wrangler dev`
// (`/v1/live-demo`), in two Chromium windows on one collection. A note added in one window
// appears in the other, and a deletion in the other disappears from the first. Screenshots of
// both windows go to test-results/live-demo/ (gitignored).
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverUrl, uniqueId } from "./client";
import { ensureChromium } from "./support/chromium";

const SHOTS = path.resolve(import.meta.dirname, "../../test-results/live-demo");

let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: ensureChromium(), args: ["--no-sandbox", "--disable-dev-shm-usage"] });
  mkdirSync(SHOTS, { recursive: true });
}, 600_000);

afterAll(async () => {
  await browser?.close();
});

async function open(bucket: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${serverUrl()}/live-demo`);
  await page.fill("#bucket", bucket);
  await page.click("#connect");
  await page.waitForSelector("#add-form:not([hidden])");
  await expect.poll(() => page.textContent("#status")).toContain("Following");
  return page;
}

const notesOf = (page: Page) => page.$$eval("#notes li span", (items) => items.map((item) => item.textContent));

describe("the live-changes demo page", () => {
  it("serves kinto-http's browser build as published (client/vendor/ follows the installed kinto-http)", () => {
    const root = path.resolve(import.meta.dirname, "../..");
    const published = readFileSync(path.join(root, "node_modules/kinto-http/dist/kinto-http.min.js"), "utf8").replace(/\n\/\/# sourceMappingURL=.*\n?$/, "\n");
    expect(readFileSync(path.join(root, "client/vendor/kinto-http.min.js"), "utf8")).toBe(published);
  });

  it("two windows on one collection see each other's changes", async () => {
    const bucket = uniqueId("demo");
    const first = await open(bucket);
    const second = await open(bucket);
    await first.fill("#note-text", "from the first window");
    await first.click("#add");
    await expect.poll(() => notesOf(second), { timeout: 10_000 }).toEqual(["from the first window"]);
    await second.fill("#note-text", "from the second window");
    await second.click("#add");
    await expect.poll(() => notesOf(first), { timeout: 10_000 }).toEqual(["from the first window", "from the second window"]);
    await first.screenshot({ path: path.join(SHOTS, "first.png") });
    await second.screenshot({ path: path.join(SHOTS, "second.png") });
    await second.click("#notes li:first-child button");
    await expect.poll(() => notesOf(first), { timeout: 10_000 }).toEqual(["from the second window"]);
    await first.screenshot({ path: path.join(SHOTS, "first-after-delete.png") });
  }, 120_000);
});
