// A `wrangler dev` of its own for a test file that measures the server's memory: the shared
// server of global-setup.ts carries whatever the other test files did to it (and they run
// alongside). Started as global-setup.ts starts its server: fresh --persist-to folder with the
// D1 migrations applied, its own process group (killed as a whole), a free port.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const WRANGLER = path.join(ROOT, "node_modules", ".bin", "wrangler");
const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };

export interface OwnServer {
  /** e.g. http://127.0.0.1:41234/v1 */
  url: string;
  /** The top process of its tree. */
  pid: number;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

function alive(child: ChildProcess): boolean {
  try {
    process.kill(-(child.pid ?? 0), 0);
    return true;
  } catch {
    return false;
  }
}

export async function startWrangler(): Promise<OwnServer> {
  const folder = mkdtempSync(path.join(tmpdir(), "kinto-edge-own-"));
  const persist = path.join(folder, "state");
  const migrate = spawnSync(WRANGLER, ["d1", "migrations", "apply", "DB", "--env", "dev", "--local", "--persist-to", persist], {
    cwd: ROOT,
    env: { ...env, CI: "true" },
    encoding: "utf8",
  });
  if (migrate.status !== 0) throw new Error(`migrations failed: ${migrate.stderr}`);
  const [port, inspector] = [await freePort(), await freePort()];
  const log = path.join(folder, "wrangler.log");
  const fd = openSync(log, "a");
  const child = spawn(
    WRANGLER,
    ["dev", "--env", "dev", "--local", "--persist-to", persist, "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector),
      "--log-level", "warn", "--show-interactive-dev-session=false"],
    { cwd: ROOT, env, stdio: ["ignore", fd, fd], detached: true },
  );
  closeSync(fd);
  const stop = async (): Promise<void> => {
    for (const signal of ["SIGTERM", "SIGKILL"] as const) {
      try {
        process.kill(-(child.pid ?? 0), signal);
      } catch {
        break;
      }
      for (let i = 0; i < 50 && alive(child); i++) await new Promise((r) => setTimeout(r, 100));
      if (!alive(child)) break;
    }
    rmSync(folder, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}/v1`;
  for (let deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    const ok = await fetch(`${url}/__lbheartbeat__`).then((r) => r.ok, () => false);
    if (ok && child.pid !== undefined) return { url, pid: child.pid, stop };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const tail = readFileSync(log, "utf8").slice(-3000);
  await stop();
  throw new Error(`wrangler dev did not start:\n${tail}`);
}
