// Global setup of the "e2e" vitest project (runs in Node, once per run).
//
// Starts `wrangler dev` on a free port with a fresh temporary --persist-to
// directory (D1 migrations applied there first), waits for
// GET /v1/__lbheartbeat__ to answer 200, and hands the base URL
// (http://127.0.0.1:<port>/v1) to the tests with `provide("kintoUrl", …)`;
// tests read it with `inject("kintoUrl")` (see ./client.ts).
//
// wrangler is started in its own process group (detached = setsid) and the
// teardown kills the whole group: a SIGTERM to wrangler's parent (npx/npm)
// would leave wrangler and its workerd children holding the port.
//
// Set KINTO_E2E_URL (e.g. http://127.0.0.1:8888/v1) to run the e2e tests
// against an already running server instead.
//
// OpenID Connect: before wrangler starts, a tiny provider is served on
// 127.0.0.1 (support/openid-provider.ts), and wrangler gets `--var` settings for
// its policies `localidp` and `scopedidp` (added to the policies and includes of
// wrangler.toml). Tests sign tokens with the private key from
// `inject("openidProvider")` (null with KINTO_E2E_URL).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { autographVars, startAutograph, type AutographInfo } from "./support/autograph";
import { openIDVars, startOpenIDProvider, type OpenIDProviderInfo } from "./support/openid-provider";

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the server under test, e.g. http://127.0.0.1:41234/v1 */
    kintoUrl: string;
    /** The local OpenID provider the server trusts, or null against an external server. */
    openidProvider: OpenIDProviderInfo | null;
    /** The local Autograph signing the `ag-*` workflows, or null against an external server. */
    autograph: AutographInfo | null;
  }
}

const ROOT = path.resolve(import.meta.dirname, "../..");
const WRANGLER = path.join(ROOT, "node_modules", ".bin", "wrangler");
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;

const wranglerEnv: NodeJS.ProcessEnv = {
  ...process.env,
  // No internet here: don't try to download Request.cf data or send metrics.
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("could not get a free port"));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

function tail(file: string, lines = 60): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

function isAlive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Signals the whole process group of a detached child; ignores "no such process". */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

function groupAlive(child: ChildProcess): boolean {
  if (child.pid === undefined) return false;
  try {
    process.kill(-child.pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopGroup(child: ChildProcess): Promise<void> {
  killGroup(child, "SIGTERM");
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (groupAlive(child) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  if (groupAlive(child)) killGroup(child, "SIGKILL");
}

async function waitUntilReady(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (!isAlive(child)) {
      throw new Error(
        `wrangler dev exited (code ${child.exitCode}, signal ${child.signalCode}) before ${url} answered.\n` +
          `--- wrangler log (${logFile}) ---\n${tail(logFile)}`,
      );
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
      await response.arrayBuffer().catch(() => undefined);
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `${url} did not answer 200 within ${READY_TIMEOUT_MS / 1000} s (last: ${last}).\n` +
      `--- wrangler log (${logFile}) ---\n${tail(logFile)}`,
  );
}

/** A value of wrangler.toml's `[env.dev.vars]` (`KEY = "value"` or `KEY = """lines"""`), or "". */
function tomlVar(name: string): string {
  const toml = readFileSync(path.join(ROOT, "wrangler.toml"), "utf8");
  const section = toml.slice(toml.indexOf("[env.dev.vars]")).split(/^\[(?!env\.dev\.vars\])/m)[0] ?? "";
  const match = new RegExp(`^${name}\\s*=\\s*(?:"""([\\s\\S]*?)"""|"([^"]*)")`, "m").exec(section);
  return match?.[1] ?? match?.[2] ?? "";
}

/** `--var` arguments enabling the local provider's policies on top of wrangler.toml's settings. */
function openIDArgs(info: OpenIDProviderInfo): string[] {
  const vars = openIDVars(info, tomlVar("KINTO_MULTIAUTH_POLICIES"), tomlVar("KINTO_INCLUDES"));
  return varArgs(vars);
}

function varArgs(vars: Record<string, string>): string[] {
  return Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value.trim()}`]);
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const external = process.env.KINTO_E2E_URL;
  if (external) {
    project.provide("kintoUrl", external.replace(/\/+$/, ""));
    project.provide("openidProvider", null);
    project.provide("autograph", null);
    return undefined;
  }

  const stateDir = mkdtempSync(path.join(tmpdir(), "kinto-edge-e2e-"));
  const persistTo = path.join(stateDir, "state");
  const logFile = path.join(stateDir, "wrangler.log");

  const migrate = spawnSync(
    WRANGLER,
    ["d1", "migrations", "apply", "DB", "--env", "dev", "--local", "--persist-to", persistTo],
    // CI=true: wrangler otherwise asks for confirmation when it has a TTY.
    { cwd: ROOT, env: { ...wranglerEnv, CI: "true" }, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" },
  );
  if (migrate.status !== 0) {
    rmSync(stateDir, { recursive: true, force: true });
    throw new Error(
      `wrangler d1 migrations apply failed (status ${migrate.status}):\n${migrate.stdout}\n${migrate.stderr}`,
    );
  }

  const openid = await startOpenIDProvider(await freePort());
  const autograph = startAutograph(await freePort());
  const port = await freePort();
  const inspectorPort = await freePort();
  const logFd = openSync(logFile, "a");
  const child = spawn(
    WRANGLER,
    [
      "dev",
      "--env", "dev",
      "--local",
      "--persist-to", persistTo,
      "--ip", "127.0.0.1",
      "--port", String(port),
      "--inspector-port", String(inspectorPort),
      "--log-level", "warn",
      "--show-interactive-dev-session=false",
      ...openIDArgs(openid.info),
      ...varArgs(autographVars(autograph.info, tomlVar("KINTO_SIGNER_RESOURCES"))),
    ],
    { cwd: ROOT, env: wranglerEnv, stdio: ["ignore", logFd, logFd], detached: true },
  );
  closeSync(logFd);

  // If vitest exits without running the teardown (crash, process.exit), still
  // take wrangler and workerd down: they are not in our process group.
  const onExit = (): void => killGroup(child, "SIGKILL");
  process.once("exit", onExit);

  const teardown = async (): Promise<void> => {
    process.off("exit", onExit);
    await stopGroup(child);
    openid.server.closeAllConnections();
    await new Promise((resolve) => openid.server.close(resolve));
    autograph.server.closeAllConnections();
    await new Promise((resolve) => autograph.server.close(resolve));
    rmSync(stateDir, { recursive: true, force: true });
  };

  const baseUrl = `http://127.0.0.1:${port}/v1`;
  try {
    await waitUntilReady(`${baseUrl}/__lbheartbeat__`, child, logFile);
  } catch (error) {
    await teardown();
    throw error;
  }
  project.provide("kintoUrl", baseUrl);
  project.provide("openidProvider", openid.info);
  project.provide("autograph", autograph.info);
  return teardown;
}
