// A `wrangler dev` of its own for a test file that measures the server's memory (the shared
// server of global-setup.ts carries whatever the other test files did to it, and they run
// alongside), or that needs another configuration (several D1 shards). Started as global-setup.ts starts its server: fresh --persist-to folder with the
// D1 migrations applied, its own process group (killed as a whole), a free port.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

/**
 * wrangler.toml with `shards - 1` more D1 bindings (DB_1, …) in its dev environment, written
 * beside it (its relative paths stay right); null for one shard.
 */
function shardedConfig(shards: number): string | null {
  if (shards <= 1) return null;
  const blocks = Array.from({ length: shards - 1 }, (_, i) => {
    const n = i + 1;
    return `\n[[env.dev.d1_databases]]\nbinding = "DB_${n}"\ndatabase_name = "kinto-shard-${n}"\ndatabase_id = "00000000-0000-0000-0000-00000000000${n}"\nmigrations_dir = "migrations"\n`;
  }).join("");
  const text = readFileSync(path.join(ROOT, "wrangler.toml"), "utf8").replace("\n[[env.dev.durable_objects.bindings]]", `${blocks}\n[[env.dev.durable_objects.bindings]]`);
  const file = path.join(ROOT, `wrangler.e2e-${process.pid}-${Date.now()}.toml`);
  writeFileSync(file, text);
  return file;
}

export interface ServerOptions {
  /** D1 shards (storage/shards.ts): 1 by default. */
  shards?: number;
}

export async function startWrangler(options: ServerOptions = {}): Promise<OwnServer & { config: string; persist: string }> {
  const folder = mkdtempSync(path.join(tmpdir(), "kinto-edge-own-"));
  const persist = path.join(folder, "state");
  const sharded = shardedConfig(options.shards ?? 1);
  const config = sharded ?? path.join(ROOT, "wrangler.toml");
  const migrate = spawnSync(process.execPath, [path.join(ROOT, "scripts/migrate-shards.mjs"), "--config", config, "--env", "dev", "--local", "--persist-to", persist], {
    cwd: ROOT,
    env: { ...env, CI: "true" },
    encoding: "utf8",
  });
  if (migrate.status !== 0) {
    if (sharded !== null) rmSync(sharded, { force: true });
    throw new Error(`migrations failed: ${migrate.stderr}`);
  }
  const [port, inspector] = [await freePort(), await freePort()];
  const log = path.join(folder, "wrangler.log");
  const fd = openSync(log, "a");
  const child = spawn(
    WRANGLER,
    ["dev", "--config", config, "--env", "dev", "--local", "--persist-to", persist, "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector),
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
    if (sharded !== null) rmSync(sharded, { force: true });
  };
  const url = `http://127.0.0.1:${port}/v1`;
  for (let deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    const ok = await fetch(`${url}/__lbheartbeat__`).then((r) => r.ok, () => false);
    if (ok && child.pid !== undefined) return { url, pid: child.pid, stop, config, persist };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const tail = readFileSync(log, "utf8").slice(-3000);
  await stop();
  throw new Error(`wrangler dev did not start:\n${tail}`);
}
