#!/usr/bin/env node
// `npm run bench`: load-tests kinto-edge under `wrangler dev` next to a floor worker of the
// same stack (bench/floor), with wrk, and prints one markdown table (also written to
// bench/last-run.md). See bench/README.md for the scenarios, targets and knobs.
//
// Plain Node ESM, no build step. Every wrangler process is started in its own process group
// (detached = setsid) and the whole group is killed at exit, on SIGINT/SIGTERM and on errors,
// so no workerd is left behind. State lives in fresh temporary --persist-to directories.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, cpSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { closeAll, latency, shortOf, subscribe } from "./fanout.mjs";
import { searchScenario } from "./search.mjs";

const ROOT = path.resolve(import.meta.dirname, "..");
const BENCH = path.join(ROOT, "bench");
const WRK_DIR = path.join(BENCH, "wrk");
const FLOOR_CONFIG = path.join(BENCH, "floor", "wrangler.toml");
const PROBE_ENTRY = path.join(BENCH, "probe", "index.ts");
const WRANGLER = path.join(ROOT, "node_modules", ".bin", "wrangler");

// ---------------------------------------------------------------- settings (env knobs)

function intFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw.replace(/[_,]/g, ""));
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got ${raw}`);
  return value;
}

const QUICK = process.env.BENCH_QUICK === "1";
const CFG = {
  quick: QUICK,
  seconds: intFromEnv("BENCH_SECONDS", QUICK ? 3 : 10),
  warmup: intFromEnv("BENCH_WARMUP_SECONDS", 1),
  connections: intFromEnv("BENCH_CONNECTIONS", 10),
  threads: intFromEnv("BENCH_THREADS", 2),
  /** Collections written at once in (g), each by its own wrk with `connections` connections. */
  spreadCollections: intFromEnv("BENCH_SPREAD_COLLECTIONS", 10),
  /** Records of the bucket `kinto-edge import` copies in (k). */
  importRecords: intFromEnv("BENCH_IMPORT_RECORDS", QUICK ? 5000 : 100000),
  timeout: intFromEnv("BENCH_WRK_TIMEOUT_SECONDS", 10),
  smallRecords: intFromEnv("BENCH_SMALL_RECORDS", 10_000),
  bigRecords: intFromEnv("BENCH_BIG_RECORDS", QUICK ? 20_000 : 1_000_000),
  seedBatch: intFromEnv("BENCH_SEED_BATCH", 1000),
  seedConcurrency: intFromEnv("BENCH_SEED_CONCURRENCY", 2),
  restartEvery: intFromEnv("BENCH_RESTART_EVERY", 250_000),
  /** A seeding restarts the server sooner when its processes hold more than this (MiB; 0 = no limit). */
  restartMiB: intFromEnv("BENCH_RESTART_MIB", 1500),
  freshServers: process.env.BENCH_FRESH_SERVERS !== "0",
  deepPage: intFromEnv("BENCH_DEEP_PAGE", 1000),
  bigQuery: process.env.BENCH_BIG_QUERY ?? "group=3&_sort=-n",
  /** The `indexes` the big collection declares after seeding (#13 f); `[]` measures without. */
  bigIndexes: JSON.parse(process.env.BENCH_BIG_INDEXES ?? '[["group", "n"]]'),
  deepSamples: intFromEnv("BENCH_F_SAMPLES", QUICK ? 10 : 20),
  pageSize: 100,
  batchSize: 25,
  uploadBytes: intFromEnv("BENCH_UPLOAD_BYTES", 1024 * 1024),
  fanoutSubscribers: intFromEnv("BENCH_FANOUT_SUBSCRIBERS", QUICK ? 100 : 1000),
  fanoutSamples: intFromEnv("BENCH_FANOUT_SAMPLES", QUICK ? 10 : 50),
  scenarios: new Set((process.env.BENCH_SCENARIOS ?? "a,b,c,d,e,g,k,f,h,i,u,j,p").split(",").map((s) => s.trim()).filter(Boolean)),
  keepState: process.env.BENCH_KEEP_STATE === "1",
  logLevel: process.env.BENCH_LOG_LEVEL || "none",
  probe: process.env.BENCH_PROBE !== "0",
  roundTrips: { c: intFromEnv("BENCH_ROUND_TRIPS_C", 0) || null, d: intFromEnv("BENCH_ROUND_TRIPS_D", 0) || null },
};
if (CFG.threads < 1 || CFG.connections < CFG.threads) throw new Error("need BENCH_CONNECTIONS >= BENCH_THREADS >= 1");
if (CFG.seedBatch < 1 || CFG.seedConcurrency < 1) throw new Error("BENCH_SEED_BATCH and BENCH_SEED_CONCURRENCY must be >= 1");

const AUTH = `Basic ${Buffer.from("bench:bench").toString("base64")}`;
const BUCKET = "bench";
// No collection id may contain "/batch": a batch sub-request path containing "/batch" is
// rejected as a recursive batch (Kinto's rule, kept by kinto-edge).
const COLLECTIONS = { small: "small", big: "big", posts: "posts", bulk: "bulk", untracked: "untracked", files: "files", feed: "feed", fanout: "fanout" };
/**
 * Scenario (j): the changes part of kinto_remote_settings on, and a TTL for changesets, so that
 * anonymous polls are kept in the Workers Cache API.
 */
const CHANGES_VARS = [
  "KINTO_INCLUDES:kinto.plugins.accounts kinto.plugins.default_bucket kinto.plugins.history kinto_attachment kinto_remote_settings kinto_edge.push kinto_edge.search",
  "KINTO_RECORD_CACHE_EXPIRES_SECONDS:3600",
];
/** Records in scenario (j)'s collection (a typical Remote Settings collection). */
const FEED_RECORDS = 200;
/** Scenario (h)'s baseline: a collection excluded from history (`history.exclude_resources`). */
const UNTRACKED_VAR = `KINTO_HISTORY_EXCLUDE_RESOURCES:/buckets/${BUCKET}/collections/${COLLECTIONS.untracked}`;
/** The bucket (k) imports: one collection `records`, seeded on its own. */
const IMPORT_BUCKET = "bench-import";
const CLI = path.join(ROOT, "cli", "kinto-edge.mjs");
const recordsPath = (cid) => `/buckets/${BUCKET}/collections/${cid}/records`;

const wranglerEnv = {
  ...process.env,
  // No internet here: don't download Request.cf data, don't send metrics.
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
};

// ---------------------------------------------------------------- small helpers

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const fmtInt = (n) => Math.round(n).toLocaleString("en-US");
const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
const fmtMs = (us) => (Number.isFinite(us) ? (us / 1000).toFixed(us >= 100_000 ? 0 : us >= 10_000 ? 1 : 2) : "n/a");
const fmtDuration = (s) => (s >= 90 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s` : `${s.toFixed(1)}s`);
const log = (...args) => console.log(...args);

function which(command) {
  return spawnSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" }).status === 0;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

function tail(file, lines = 40) {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

// ---------------------------------------------------------------- process bookkeeping

/** Everything to undo at exit: process groups to kill, directories to remove. */
const owned = { groups: new Set(), wrk: new Set(), dirs: new Set() };
/** Running servers, for diagnostics when something fails. */
const servers = new Map();

/** Resident memory of a process group (wrangler + workerd), in MiB; null when it is gone. */
function groupRssMiB(pid) {
  const out = spawnSync("ps", ["-o", "rss=", "-g", String(pid)], { encoding: "utf8" }).stdout ?? "";
  const kib = out.split("\n").filter(Boolean).reduce((sum, line) => sum + Number(line.trim()), 0);
  return kib > 0 ? Math.round(kib / 1024) : null;
}

/** What each server's process group looks like, and the end of its wrangler log. */
function diagnose() {
  for (const server of servers.values()) {
    const alive = groupAlive(server.pid);
    log(`--- ${server.name}: process group ${server.pid} ${alive ? `alive, ${groupRssMiB(server.pid)} MiB resident` : "GONE"}; end of ${server.logFile}:`);
    log(tail(server.logFile, 30) || "(empty log; BENCH_LOG_LEVEL=warn shows more)");
  }
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if (error.code !== "ESRCH") throw error;
  }
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopGroup(pid) {
  killGroup(pid, "SIGTERM");
  const deadline = Date.now() + 5_000;
  while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(pid)) killGroup(pid, "SIGKILL");
  owned.groups.delete(pid);
  servers.delete(pid);
}

function removeDirs() {
  for (const dir of owned.dirs) rmSync(dir, { recursive: true, force: true });
  owned.dirs.clear();
}

let cleaning = null;
let interrupted = false;
function cleanup() {
  cleaning ??= (async () => {
    for (const child of owned.wrk) child.kill("SIGKILL");
    await Promise.all([...owned.groups].map((pid) => stopGroup(pid)));
    if (!CFG.keepState) removeDirs();
  })();
  return cleaning;
}

// Last resort (process.exit, crash): synchronous SIGKILL of every group still ours.
process.on("exit", () => {
  for (const pid of owned.groups) killGroup(pid, "SIGKILL");
  for (const child of owned.wrk) child.kill("SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    log(`\n${signal}: stopping the servers started by this run…`);
    cleanup().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------- wrk

function ensureWrk() {
  if (which("wrk")) return;
  log("wrk is not installed: installing the Debian package `wrk` with apt-get (needs root).");
  const sudo = process.getuid?.() === 0 ? [] : ["sudo", "-n"];
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const apt = (...args) => {
    const argv = [...sudo, "apt-get", ...args];
    log(`  $ ${argv.join(" ")}`);
    return spawnSync(argv[0], argv.slice(1), { stdio: "inherit", env: aptEnv }).status === 0;
  };
  if (!apt("install", "-y", "--no-install-recommends", "wrk")) {
    log("  install failed; refreshing the package lists first");
    if (!apt("update") || !apt("install", "-y", "--no-install-recommends", "wrk")) {
      throw new Error("could not install wrk (apt-get install wrk failed); install it and re-run");
    }
  }
  if (!which("wrk")) throw new Error("wrk still not found after apt-get install");
}

/**
 * Scenario (u)'s request bodies, in a temporary directory: `raw` holds BENCH_UPLOAD_BYTES
 * deterministic bytes, `multipart` the same bytes as the `attachment` file of a form.
 */
function uploadBodies(size) {
  const dir = mkdtempSync(path.join(tmpdir(), "kinto-bench-upload-"));
  const bytes = Buffer.alloc(size);
  let state = 17;
  for (let i = 0; i < size; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  const boundary = "kintoBenchBoundary7MA4YWxkTrZu0gW";
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="attachment"; filename="bench.bin.json"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const raw = path.join(dir, "raw.bin");
  const multipart = path.join(dir, "multipart.bin");
  writeFileSync(raw, bytes);
  writeFileSync(multipart, Buffer.concat([head, bytes, tail]));
  return { dir, raw, multipart, contentType: `multipart/form-data; boundary=${boundary}`, sha256: createHash("sha256").update(bytes).digest("hex") };
}

/**
 * One wrk run. `url` absolute; `body` makes it a POST (bench/wrk/post.lua), else a GET.
 * Returns the parsed BENCH_JSON summary plus req/s.
 */
async function runWrk({ url, body = null, auth = false, subStatuses = false, seconds = CFG.seconds, connections = CFG.connections, threads: wanted = CFG.threads, script: custom = null, scriptEnv = {} }) {
  const script = custom ?? (body === null ? "get.lua" : "post.lua");
  const threads = Math.min(wanted, connections);
  const args = ["-t", String(threads), "-c", String(connections), "-d", `${seconds}s`, "--latency", "--timeout", `${CFG.timeout}s`, "-s", script];
  if (auth) args.push("-H", `Authorization: ${AUTH}`);
  args.push(url);
  const child = spawn("wrk", args, {
    cwd: WRK_DIR,
    env: { ...process.env, BENCH_BODY: body ?? "", BENCH_SUB_STATUSES: subStatuses ? "1" : "0", ...scriptEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  owned.wrk.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const code = await new Promise((resolve) => child.on("close", resolve));
  owned.wrk.delete(child);
  const line = stdout.split("\n").find((l) => l.startsWith("BENCH_JSON "));
  if (code !== 0 || !line) throw new Error(`wrk ${args.join(" ")} failed (exit ${code}):\n${stdout}\n${stderr}`);
  const result = JSON.parse(line.slice("BENCH_JSON ".length));
  result.rps = result.requests / (result.duration_us / 1e6);
  result.socketErrors = result.connect + result.read + result.write + result.timeout;
  result.non2xx = Object.entries(result.statuses).reduce((n, [code, count]) => (code >= 200 && code < 300 ? n : n + count), 0);
  result.subFailed = Object.entries(result.sub_statuses).reduce((n, [code, count]) => (code >= 200 && code < 300 ? n : n + count), 0);
  result.subOk = Object.entries(result.sub_statuses).reduce((n, [code, count]) => (code >= 200 && code < 300 ? n + count : n), 0);
  return result;
}

/**
 * Restarts `server` (fresh runtime, same state: see restart()) unless BENCH_FRESH_SERVERS=0,
 * then a warm-up run (discarded), then the measured run.
 */
async function measure(label, options, server) {
  if (server && CFG.freshServers) await restart(server, `before ${label}`, { quiet: true });
  const startMiB = server ? groupRssMiB(server.pid) : null;
  const warm = CFG.warmup > 0 ? await runWrk({ ...options, seconds: CFG.warmup }) : null;
  const result = await runWrk(options);
  result.warmup = warm;
  result.memory = server ? `${startMiB ?? "?"} → ${groupRssMiB(server.pid) ?? "?"} MiB` : null;
  const errors = result.non2xx + result.socketErrors + result.subFailed;
  log(
    `  ${label.padEnd(34)} ${fmtInt(result.rps).padStart(6)} req/s  p50 ${fmtMs(result.p50_us).padStart(7)} ms  p99 ${fmtMs(result.p99_us).padStart(7)} ms  errors ${errors}`,
  );
  return result;
}

/**
 * Several wrk runs at once (one process each), as `measure` does for one: one row whose
 * req/s and counts are the sums, and whose latency percentiles are the worst run's.
 */
async function measureParallel(label, optionsList, server) {
  if (server && CFG.freshServers) await restart(server, `before ${label}`, { quiet: true });
  const startMiB = server ? groupRssMiB(server.pid) : null;
  const warmups = CFG.warmup > 0 ? await Promise.all(optionsList.map((options) => runWrk({ ...options, seconds: CFG.warmup }))) : [];
  const runs = await Promise.all(optionsList.map((options) => runWrk(options)));
  const sum = (key) => runs.reduce((total, run) => total + run[key], 0);
  const worst = (key) => Math.max(...runs.map((run) => run[key]));
  const result = { rps: sum("rps"), requests: sum("requests"), p50_us: worst("p50_us"), p99_us: worst("p99_us"), non2xx: sum("non2xx"), subFailed: 0, socketErrors: sum("socketErrors") };
  for (const kind of ["connect", "read", "write", "timeout"]) result[kind] = sum(kind);
  result.perRun = runs.map((run) => run.rps);
  /** 2xx answers of the warm-ups and the measured runs. */
  result.answered = [...warmups, ...runs].reduce((total, run) => total + run.requests - run.non2xx, 0);
  result.memory = server ? `${startMiB ?? "?"} → ${groupRssMiB(server.pid) ?? "?"} MiB` : null;
  log(`  ${label.padEnd(34)} ${fmtInt(result.rps).padStart(6)} req/s  p50 ≤ ${fmtMs(result.p50_us).padStart(7)} ms  p99 ≤ ${fmtMs(result.p99_us).padStart(7)} ms  errors ${result.non2xx + result.socketErrors}`);
  return result;
}

// ---------------------------------------------------------------- snapshots and wrangler dev

/**
 * `wrangler dev` watches its sources and reloads the worker when they change, failing the
 * requests in flight ("Your worker restarted mid-request"). src/ is edited while benchmarks
 * run, so each worker is measured from a snapshot: `wrangler deploy --dry-run --outdir`
 * bundles it once (the same esbuild bundling `wrangler dev` does), and `wrangler dev` runs
 * that bundle with `no_bundle = true` from a copy of its wrangler.toml and migrations in a
 * temporary directory. Nothing under the repository is written.
 */
/** `--env dev` for a config with a development environment (kinto-edge's), else nothing. */
function envArgs(configPath) {
  return /^\[env\.dev\]/m.test(readFileSync(configPath, "utf8")) ? ["--env", "dev"] : [];
}

/**
 * The config of a bundle: `main` → the bundle, `no_bundle = true`, no `[build]` / `[assets]`, and each `[[rules]]` glob
 * of a file (any directories, then `<name>`) → `*-<name>`, the name the dry run gives that
 * module (`<hash>-<name>`, next to index.js), so that the bundle finds its Text modules.
 */
function bundledToml(toml) {
  return toml
    .replace(/^main\s*=.*$/m, 'main = "index.js"\nno_bundle = true')
    // The admin UI's build and static assets: not measured, and its folder is not copied.
    .replace(/^\[(?:build|assets)\]\n(?:(?!\[).*\n)*/gm, "")
    .replace(/^globs\s*=.*$/gm, (line) => line.replace(/"\*\*\/(?:[^"/]+\/)*([^"/]+)"/g, '"*-$1"'));
}

function bundle({ name, configPath, entry = null, into }) {
  const outdir = path.join(into, name);
  const args = ["deploy", "--dry-run", "--outdir", outdir, "--config", configPath, ...envArgs(configPath)];
  if (entry) args.push(entry);
  const result = spawnSync(WRANGLER, args, { cwd: path.dirname(configPath), env: wranglerEnv, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${name}: wrangler deploy --dry-run failed:\n${result.stdout}\n${result.stderr}`);
  const toml = readFileSync(configPath, "utf8");
  if (!/^main\s*=.*$/m.test(toml)) throw new Error(`${configPath} has no main = line to rewrite`);
  writeFileSync(path.join(outdir, "wrangler.toml"), bundledToml(toml));
  const migrations = path.join(path.dirname(configPath), "migrations");
  cpSync(migrations, path.join(outdir, "migrations"), { recursive: true });
  const code = readFileSync(path.join(outdir, "index.js"));
  return { name, config: path.join(outdir, "wrangler.toml"), sha: createHash("sha256").update(code).digest("hex").slice(0, 12), bytes: code.length };
}

/** A hash of every file under src/ (path, size, mtime), to detect edits during bundling. */
function srcFingerprint() {
  const hash = createHash("sha256");
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        const st = statSync(full);
        hash.update(`${full}\0${st.size}\0${st.mtimeMs}\n`);
      }
    }
  };
  walk(path.join(ROOT, "src"));
  return hash.digest("hex");
}

/** Bundles kinto-edge, its round-trip probe and the floor from one consistent state of src/. */
function snapshots() {
  const dir = mkdtempSync(path.join(tmpdir(), "kinto-edge-bench-build-"));
  owned.dirs.add(dir);
  const rootConfig = path.join(ROOT, "wrangler.toml");
  for (let attempt = 1; ; attempt++) {
    const before = srcFingerprint();
    const kinto = bundle({ name: "kinto", configPath: rootConfig, into: dir });
    const probe = CFG.probe ? bundle({ name: "probe", configPath: rootConfig, entry: PROBE_ENTRY, into: dir }) : null;
    if (srcFingerprint() === before || attempt >= 5) {
      // The dry run leaves an (empty) .wrangler/tmp next to the floor's config: remove it.
      const floorScratch = path.join(BENCH, "floor", ".wrangler");
      const hadScratch = statSync(floorScratch, { throwIfNoEntry: false }) !== undefined;
      const floor = bundle({ name: "floor", configPath: FLOOR_CONFIG, into: dir });
      if (!hadScratch) rmSync(floorScratch, { recursive: true, force: true });
      const git = (...args) => spawnSync("git", args, { cwd: ROOT, encoding: "utf8" }).stdout?.trim() ?? "";
      const dirty = git("status", "--porcelain", "--", "src", "migrations", "wrangler.toml").split("\n").filter(Boolean).length;
      return { dir, kinto, probe, floor, git: `${git("rev-parse", "--short", "HEAD") || "?"}${dirty ? ` + ${dirty} uncommitted file(s) in src/, migrations/, wrangler.toml` : ""}` };
    }
    log("  src/ changed while bundling; bundling again");
  }
}

async function startWrangler({ name, config, vars = [], ready }) {
  const dir = mkdtempSync(path.join(tmpdir(), `kinto-edge-bench-${name}-`));
  owned.dirs.add(dir);
  const persistTo = path.join(dir, "state");
  const logFile = path.join(dir, "wrangler.log");
  const result = spawnSync(WRANGLER, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo, "--config", config, ...envArgs(config)], {
    cwd: path.dirname(config),
    // CI=true: wrangler otherwise asks for confirmation when it has a TTY.
    env: { ...wranglerEnv, CI: "true" },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`${name}: wrangler d1 migrations apply failed:\n${result.stdout}\n${result.stderr}`);
  return launch({ name, dir, persistTo, logFile, config, vars, ready });
}

async function launch({ name, dir, persistTo, logFile, config, vars, ready, port = null, inspectorPort = null, quiet = false }) {
  if (interrupted) throw new Error("interrupted");
  port ??= await freePort();
  inspectorPort ??= await freePort();
  const args = [
    "dev",
    "--config", config,
    ...envArgs(config),
    "--local",
    "--persist-to", persistTo,
    "--ip", "127.0.0.1",
    "--port", String(port),
    "--inspector-port", String(inspectorPort),
    "--log-level", CFG.logLevel,
    "--show-interactive-dev-session=false",
    ...vars.flatMap((v) => ["--var", v]),
  ];
  const fd = openSync(logFile, "a");
  // detached: its own process group (setsid), so wrangler and its workerd children go together.
  const child = spawn(WRANGLER, args, { cwd: path.dirname(config), env: wranglerEnv, stdio: ["ignore", fd, fd], detached: true });
  closeSync(fd);
  owned.groups.add(child.pid);
  const base = `http://127.0.0.1:${port}`;
  const started = Date.now();
  const deadline = started + 90_000;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name}: wrangler dev exited (${child.exitCode ?? child.signalCode}) before becoming ready:\n${tail(logFile)}`);
    }
    try {
      const response = await fetch(base + ready, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) {
        if (!quiet) log(`  ${name}: ready on ${base} in ${((Date.now() - started) / 1000).toFixed(1)} s (wrangler pid/pgid ${child.pid}, state ${persistTo})`);
        const server = { name, base, port, inspectorPort, pid: child.pid, dir, persistTo, logFile, config, vars, ready };
        servers.set(child.pid, server);
        return server;
      }
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = String(error.cause?.code ?? error);
    }
    await sleep(250);
  }
  throw new Error(`${name}: ${base}${ready} not ready within 90 s (last: ${last}):\n${tail(logFile)}`);
}

/**
 * Stops a server and starts it again on the same state and port (the object is updated in
 * place, so URLs built from it stay valid). Needed because wrangler 4.86's dev inspector proxy
 * keeps every runtime inspector message (Network events carry response bodies, D1's included)
 * while no DevTools is attached: its memory grows with traffic until workerd dies (at about
 * 1,000,000 seeded records here, ECONNREFUSED). See README.md.
 */
async function restart(server, why, { quiet = false } = {}) {
  const before = groupRssMiB(server.pid);
  await stopGroup(server.pid);
  const fresh = await launch({ ...server, quiet });
  Object.assign(server, fresh);
  const text = `${server.name} restarted ${why} (its processes held ${before ?? "?"} MiB)`;
  if (!quiet) restarts.push(text);
  return before;
}
const restarts = [];

// ---------------------------------------------------------------- HTTP helpers (seeding, checks)

/**
 * One request. A GET or HEAD that fails before any answer is sent once more: a kept-alive
 * socket may have been closed by the server while this process was blocked (spawnSync in (k)),
 * and undici only notices when it reuses it.
 */
async function api(server, method, pathname, body, { auth = true, timeoutMs = 300_000 } = {}) {
  const url = pathname.startsWith("http") ? pathname : `${server.base}/v1${pathname}`;
  const headers = {};
  if (auth) headers.Authorization = AUTH;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const send = () =>
    fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  const idempotent = method === "GET" || method === "HEAD";
  const response = await send().catch((error) => {
    if (!idempotent || !(error instanceof TypeError)) throw error;
    return send();
  });
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, text, json };
}

async function expectOk(server, method, pathname, body, statuses = [200, 201]) {
  const result = await api(server, method, pathname, body);
  if (!statuses.includes(result.status)) {
    throw new Error(`${method} ${pathname} answered ${result.status}: ${result.text.slice(0, 500)}`);
  }
  return result;
}

async function totalRecords(server, cid) {
  const result = await api(server, "HEAD", recordsPath(cid));
  const total = Number(result.headers.get("Total-Records") ?? result.headers.get("Total-Objects"));
  return result.status === 200 && Number.isFinite(total) ? total : null;
}

const recordData = (i) => ({ id: `r${String(i).padStart(7, "0")}`, n: i, group: i % 10, title: `record ${i}` });

/**
 * Creates records [0, count) in collection `cid` through /v1/batch requests of `batchSize`
 * sub-requests, `concurrency` batches in flight, record i's data from `dataOf(i)`. Ids are
 * explicit (`dataOf` sets them) so a retried batch does not duplicate anything. Prints a
 * progress line.
 */
async function seed(server, cid, count, batchSize, concurrency, label, records = recordsPath(cid), dataOf = recordData) {
  const started = Date.now();
  let next = 0;
  let chunkEnd = 0;
  let overLimit = false;
  let done = 0;
  let lastPrint = 0;
  const failures = [];
  const tty = process.stdout.isTTY;
  const progress = (final = false) => {
    const elapsed = (Date.now() - started) / 1000;
    const rate = done / Math.max(elapsed, 0.001);
    const eta = rate > 0 ? (count - done) / rate : 0;
    const rss = groupRssMiB(server.pid);
    const text = `  seeding ${label}: ${fmtInt(done)} / ${fmtInt(count)} records (${((100 * done) / count).toFixed(0)}%), ${fmtInt(rate)} records/s, ${final ? `took ${fmtDuration(elapsed)}` : `eta ${fmtDuration(eta)}`}, server ${rss ?? "?"} MiB`;
    if (tty) process.stdout.write(`\r${text.padEnd(100)}${final ? "\n" : ""}`);
    else if (final || Date.now() - lastPrint >= 10_000) {
      log(text);
      lastPrint = Date.now();
    }
  };
  const worker = async () => {
    while (next < chunkEnd && !overLimit) {
      const from = next;
      const to = Math.min(chunkEnd, from + batchSize);
      next = to;
      const requests = [];
      for (let i = from; i < to; i++) requests.push({ body: { data: dataOf(i) } });
      const body = { defaults: { method: "POST", path: records }, requests };
      let attempt = 0;
      for (;;) {
        attempt += 1;
        let result;
        try {
          result = await api(server, "POST", "/batch", body);
        } catch (error) {
          const cause = error.cause ? ` (${error.cause.code ?? error.cause.message ?? error.cause})` : "";
          result = { status: 0, text: `${error}${cause}; server process group ${groupAlive(server.pid) ? "alive" : "GONE"}` };
        }
        if (result.status === 200 && Array.isArray(result.json?.responses)) {
          const bad = result.json.responses.filter((r) => r.status !== 201 && r.status !== 200);
          if (bad.length > 0) failures.push({ from, count: bad.length, sample: JSON.stringify(bad[0]).slice(0, 300) });
          break;
        }
        if (attempt >= 4) throw new Error(`seeding ${label}: POST /v1/batch (records ${from}…${to - 1}) failed ${attempt}×, last ${result.status}: ${result.text.slice(0, 500)}`);
        log(`\n  seeding ${label}: POST /v1/batch (records ${from}…${to - 1}) answered ${result.status} (${result.text.slice(0, 200)}); retrying`);
        failures.push({ from, count: 0, retry: true, sample: `${result.status} ${result.text.slice(0, 200)}` });
        await sleep(1000 * attempt);
      }
      done += to - from;
      if (CFG.restartMiB > 0 && (groupRssMiB(server.pid) ?? 0) > CFG.restartMiB) overLimit = true;
      progress();
    }
  };
  progress();
  // In chunks of BENCH_RESTART_EVERY records, or fewer when the server's processes pass
  // BENCH_RESTART_MIB, restarting the server in between (see restart()).
  const chunk = CFG.restartEvery > 0 ? Math.max(CFG.restartEvery, batchSize) : count;
  while (next < count) {
    if (next > 0) {
      await restart(server, `after seeding ${fmtInt(next)} records of ${label}${overLimit ? ` (past ${fmtInt(CFG.restartMiB)} MiB)` : ""}`);
      if (tty) process.stdout.write("\n");
    }
    overLimit = false;
    chunkEnd = Math.min(count, next + chunk);
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.ceil((chunkEnd - next) / batchSize)) }, worker));
  }
  progress(true);
  const seconds = (Date.now() - started) / 1000;
  return { count, seconds, rate: count / seconds, batchSize, concurrency, failures };
}

// ---------------------------------------------------------------- machine conditions

function otherWorkerd() {
  const out = spawnSync("pgrep", ["-a", "workerd"], { encoding: "utf8" }).stdout ?? "";
  return out.split("\n").filter(Boolean).length;
}

function versionOf(command, args) {
  const result = spawnSync(command, args, { encoding: "utf8", cwd: ROOT });
  return `${result.stdout ?? ""}${result.stderr ?? ""}`.split("\n").find((l) => l.trim())?.trim() ?? "?";
}

function conditions() {
  return {
    cpus: `${cpus().length} × ${cpus()[0]?.model?.trim() ?? "?"}`,
    load: loadavg().map((l) => l.toFixed(2)).join(" "),
    node: process.version,
    wrk: versionOf("wrk", ["-v"]).replace(/ \[.*$/, ""),
    wrangler: versionOf(WRANGLER, ["--version"]),
    workerdBefore: otherWorkerd(),
  };
}

// ---------------------------------------------------------------- round-trip probe

/**
 * Runs bench/probe (kinto-edge's worker with env.DB wrapped in a counter, bundled from the
 * same src/ snapshot) on the state the measured server left, and sends each request once;
 * returns { key: { status, roundTrips, elapsedMs, trace } }.
 */
async function probeRoundTrips(kinto, config, requests) {
  const probe = await launch({
    name: "round-trip probe",
    dir: kinto.dir,
    persistTo: kinto.persistTo,
    logFile: path.join(kinto.dir, "probe.log"),
    config,
    vars: kinto.vars,
    ready: "/v1/__lbheartbeat__",
  });
  const results = {};
  try {
    for (const [key, { method, url, body, auth }] of Object.entries(requests)) {
      const result = await api(probe, method, url.replace(kinto.base, probe.base), body, { auth });
      const header = result.headers.get("X-Bench-D1-Round-Trips");
      results[key] = {
        status: result.status,
        roundTrips: header === null ? null : Number(header),
        elapsedMs: Number(result.headers.get("X-Bench-Elapsed-Ms")),
        trace: result.headers.get("X-Bench-D1-Trace") ?? "",
      };
    }
  } finally {
    await stopGroup(probe.pid);
  }
  return results;
}

// ---------------------------------------------------------------- (f): deep pages

/** Follows Next-Page from `first` up to page `deep` (or the last page); times every request. */
async function walkPages(kinto, first, deep) {
  let current = first;
  let page = 1;
  const started = Date.now();
  const times = [];
  let lastPrint = Date.now();
  let deepUrl = first;
  for (;;) {
    const t0 = performance.now();
    const response = await api(kinto, "GET", current);
    times.push(performance.now() - t0);
    if (response.status !== 200) throw new Error(`(f) page ${page} (${current}) answered ${response.status}: ${response.text.slice(0, 500)}`);
    if (response.json?.data?.length !== CFG.pageSize && response.headers.get("Next-Page")) {
      throw new Error(`(f) page ${page} has ${response.json?.data?.length} records and a Next-Page`);
    }
    deepUrl = current;
    const next = response.headers.get("Next-Page");
    if (page >= deep || !next) break;
    current = next;
    page += 1;
    if (Date.now() - lastPrint >= 10_000) {
      const rate = page / ((Date.now() - started) / 1000);
      log(`    page ${page} / ${deep}, ${fmtDuration((Date.now() - started) / 1000)}, eta ${fmtDuration((deep - page) / rate)}`);
      lastPrint = Date.now();
    }
  }
  const sorted = [...times].sort((x, y) => x - y);
  return {
    reached: page,
    seconds: (Date.now() - started) / 1000,
    firstMs: times[0],
    lastMs: times.at(-1),
    medianMs: sorted[Math.floor(sorted.length / 2)],
    firstUrl: first,
    deepUrl,
  };
}

/**
 * Times `samples` sequential requests of each URL, alternating (page 1, page N, page 1, …) so
 * that load changes on this shared machine hit both alike. Returns per-URL stats in wrk's shape.
 */
async function timeAlternating(kinto, urls, samples) {
  const times = urls.map(() => []);
  const statuses = urls.map(() => ({}));
  for (let i = 0; i < samples; i++) {
    for (const [index, url] of urls.entries()) {
      const t0 = performance.now();
      const response = await api(kinto, "GET", url);
      times[index].push((performance.now() - t0) * 1000);
      statuses[index][response.status] = (statuses[index][response.status] ?? 0) + 1;
    }
  }
  return times.map((list, index) => {
    const sorted = [...list].sort((x, y) => x - y);
    const pick = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
    const mean = list.reduce((a, b) => a + b, 0) / list.length;
    const non2xx = Object.entries(statuses[index]).reduce((n, [code, count]) => (code >= 200 && code < 300 ? n : n + count), 0);
    return {
      rps: 1e6 / mean,
      p50_us: pick(0.5),
      p99_us: pick(0.99),
      mean_us: mean,
      samples: list.length,
      statuses: statuses[index],
      non2xx,
      connect: 0, read: 0, write: 0, timeout: 0, subFailed: 0, socketErrors: 0, sub_statuses: {}, sample: null,
    };
  });
}

// ---------------------------------------------------------------- the run

async function main() {
  const startedAt = new Date();
  log(`kinto-edge benchmark${QUICK ? " (BENCH_QUICK=1: smoke run)" : ""}`);
  ensureWrk();
  const machine = conditions();
  log(`  machine: ${machine.cpus}; load ${machine.load}; node ${machine.node}; ${machine.wrk}; wrangler ${machine.wrangler}`);
  if (machine.workerdBefore > 0) log(`  note: ${machine.workerdBefore} workerd process(es) not started by this run are running (they share the CPU)`);
  log(
    `  wrk: ${CFG.connections} connections, ${CFG.threads} threads, ${CFG.seconds} s per scenario after ${CFG.warmup} s warm-up; ` +
      `small collection ${fmtInt(CFG.smallRecords)} records, big ${fmtInt(CFG.bigRecords)}`,
  );

  const notes = [];
  const rows = {};
  const checks = {};
  const want = (s) => CFG.scenarios.has(s);

  // Snapshots, then servers.
  log("bundling snapshots (wrangler deploy --dry-run)");
  const snap = snapshots();
  log(`  kinto-edge ${snap.git}, bundle ${snap.kinto.sha} (${fmtInt(snap.kinto.bytes / 1024)} KiB)`);
  log("starting servers");
  const seedBatchVar = `KINTO_BATCH_MAX_REQUESTS:${CFG.seedBatch}`;
  // BENCH_KINTO_VARS: extra `NAME:value` settings for kinto-edge, space-separated.
  const extraVars = (process.env.BENCH_KINTO_VARS ?? "").split(/\s+/).filter(Boolean);
  if (extraVars.length > 0) notes.push(`kinto-edge also ran with ${extraVars.map((v) => `\`--var ${v}\``).join(", ")}.`);
  const [floor, kinto] = await Promise.all([
    startWrangler({ name: "floor", config: snap.floor.config, ready: "/const" }),
    startWrangler({ name: "kinto-edge", config: snap.kinto.config, vars: [seedBatchVar, UNTRACKED_VAR, ...CHANGES_VARS, ...extraVars], ready: "/v1/__lbheartbeat__" }),
  ]);

  // Hello: the batch limit actually in force.
  const hello = await expectOk(kinto, "GET", "/", undefined, [200]);
  const advertised = hello.json?.settings?.batch_max_requests;
  const seedBatch = advertised ? Math.min(CFG.seedBatch, advertised) : CFG.seedBatch;
  notes.push(
    `kinto-edge ran with \`--var ${seedBatchVar}\` (hello advertises batch_max_requests = ${advertised ?? "unlimited"}) so that seeding uses /v1/batch requests of ${seedBatch} sub-requests; scenario (e) still sends ${CFG.batchSize}.`,
  );

  // Bucket and collections.
  log("seeding");
  await expectOk(kinto, "PUT", `/buckets/${BUCKET}`, { data: {} });
  for (const cid of Object.values(COLLECTIONS)) await expectOk(kinto, "PUT", `/buckets/${BUCKET}/collections/${cid}`, { data: {} });

  const seedInfo = {};
  if (want("c") || want("d")) {
    seedInfo.small = await seed(kinto, COLLECTIONS.small, CFG.smallRecords, seedBatch, CFG.seedConcurrency, `'${COLLECTIONS.small}'`);
  }

  // Request shapes.
  const url = (p) => `${kinto.base}/v1${p}`;
  const listUrl = url(`${recordsPath(COLLECTIONS.small)}?_limit=${CFG.pageSize}`);
  const postBody = JSON.stringify({ data: { title: "posted by wrk", n: 1, group: 1 } });
  const batchBody = JSON.stringify({
    defaults: { method: "POST", path: recordsPath(COLLECTIONS.bulk) },
    requests: Array.from({ length: CFG.batchSize }, (_, i) => ({ body: { data: { title: `batched ${i}`, n: i, group: i % 10 } } })),
  });
  let sinceUrl = null;
  if (want("c") || want("d")) {
    const list = await expectOk(kinto, "GET", listUrl, undefined, [200]);
    checks.c = `GET ${recordsPath(COLLECTIONS.small)}?_limit=${CFG.pageSize} → ${list.status}, ${list.json?.data?.length} records, Next-Page ${list.headers.get("Next-Page") ? "present" : "absent"}`;
    if (list.json?.data?.length !== Math.min(CFG.pageSize, CFG.smallRecords)) throw new Error(`(c) check failed: ${checks.c}`);
    const newest = await expectOk(kinto, "GET", `${recordsPath(COLLECTIONS.small)}?_sort=-last_modified&_limit=11`, undefined, [200]);
    const since = newest.json?.data?.[10]?.last_modified;
    if (since === undefined) throw new Error("(d): could not read the 11th newest record");
    sinceUrl = url(`${recordsPath(COLLECTIONS.small)}?_since=${since}`);
    const sinceCheck = await expectOk(kinto, "GET", sinceUrl, undefined, [200]);
    checks.d = `GET …?_since=${since} → ${sinceCheck.status}, ${sinceCheck.json?.data?.length} records`;
    if (sinceCheck.json?.data?.length !== 10) throw new Error(`(d) check failed: ${checks.d}`);
  }
  if (want("e")) {
    const sample = await expectOk(kinto, "POST", "/batch", JSON.parse(batchBody), [200]);
    const statuses = (sample.json?.responses ?? []).map((r) => r.status);
    checks.e0 = `one batch before the load: HTTP ${sample.status}, sub-statuses ${JSON.stringify(statuses.reduce((h, s) => ({ ...h, [s]: (h[s] ?? 0) + 1 }), {}))}`;
    if (statuses.length !== CFG.batchSize || statuses.some((s) => s !== 201)) throw new Error(`(e) check failed: ${checks.e0}: ${sample.text.slice(0, 500)}`);
  }

  // Scenarios (a)–(e) and the floor, before the big collection exists.
  log("load (wrk)");
  rows.floorConst = await measure("floor GET /const", { url: `${floor.base}/const` }, floor);
  rows.floorInsert = await measure("floor POST /insert", { url: `${floor.base}/insert`, body: JSON.stringify({ title: "posted by wrk", n: 1 }) }, floor);
  if (want("a")) rows.a = await measure("(a) GET /v1/", { url: url("/") }, kinto);
  if (want("b")) {
    const before = await totalRecords(kinto, COLLECTIONS.posts);
    rows.b = await measure("(b) POST record", { url: url(recordsPath(COLLECTIONS.posts)), body: postBody, auth: true }, kinto);
    rows.b.created = (await totalRecords(kinto, COLLECTIONS.posts)) - before;
  }
  if (want("h")) {
    // The same POST into a collection history does not track: the cost of recording history.
    rows.h = await measure("(h) POST record, history off", { url: url(recordsPath(COLLECTIONS.untracked)), body: postBody, auth: true }, kinto);
    if (!rows.b) rows.b = await measure("(b) POST record", { url: url(recordsPath(COLLECTIONS.posts)), body: postBody, auth: true }, kinto);
  }
  if (want("c")) rows.c = await measure(`(c) list ${CFG.pageSize} of ${fmtInt(CFG.smallRecords)}`, { url: listUrl, auth: true }, kinto);
  if (want("d")) rows.d = await measure("(d) _since → 10 records", { url: sinceUrl, auth: true }, kinto);
  if (want("e")) {
    const before = await totalRecords(kinto, COLLECTIONS.bulk);
    rows.e = await measure(`(e) batch of ${CFG.batchSize} creations`, { url: url("/batch"), body: batchBody, auth: true, subStatuses: true }, kinto);
    rows.e.created = (await totalRecords(kinto, COLLECTIONS.bulk)) - before;
  }

  // (g): the POSTs of (b) into 10 collections at once, 10 connections each (one wrk each).
  if (want("g")) {
    if (!rows.b) rows.b = await measure("(b) POST record", { url: url(recordsPath(COLLECTIONS.posts)), body: postBody, auth: true }, kinto);
    const spread = Array.from({ length: CFG.spreadCollections }, (_, i) => `spread${i}`);
    for (const cid of spread) await expectOk(kinto, "PUT", `/buckets/${BUCKET}/collections/${cid}`, { data: {} });
    const counts = () => Promise.all(spread.map((cid) => totalRecords(kinto, cid)));
    const before = await counts();
    rows.g = await measureParallel(
      `(g) POST into ${spread.length} collections`,
      spread.map((cid) => ({ url: url(recordsPath(cid)), body: postBody, auth: true, connections: CFG.connections, threads: 1 })),
      kinto,
    );
    const after = await counts();
    rows.g.created = after.reduce((total, count, i) => total + (count ?? 0) - (before[i] ?? 0), 0);
  }

  // (k): `kinto-edge import` of a bucket of BENCH_IMPORT_RECORDS records into a second kinto-edge.
  if (want("k")) {
    const importRecords = `/buckets/${IMPORT_BUCKET}/collections/records/records`;
    await expectOk(kinto, "PUT", `/buckets/${IMPORT_BUCKET}`, { data: {} });
    await expectOk(kinto, "PUT", `/buckets/${IMPORT_BUCKET}/collections/records`, { data: {} });
    seedInfo.import = await seed(kinto, "records", CFG.importRecords, seedBatch, CFG.seedConcurrency, `'${IMPORT_BUCKET}/records'`, importRecords);
    await restart(kinto, `after seeding '${IMPORT_BUCKET}', before (k)`, { quiet: true });
    // The target runs with the default settings: the CLI sends batches of its batch_max_requests (25), as (e) does.
    const target = await startWrangler({ name: "import-target", config: snap.kinto.config, ready: "/v1/__lbheartbeat__" });
    const started = Date.now();
    const cli = spawnSync(process.execPath, [CLI, "import", "--from", `${kinto.base}/v1`, "--to", `${target.base}/v1`, "--auth", "bench:bench", "--bucket", IMPORT_BUCKET], {
      cwd: ROOT,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    const seconds = (Date.now() - started) / 1000;
    if (cli.status !== 0) throw new Error(`(k) kinto-edge import exited ${cli.status}:\n${cli.stdout.slice(-2000)}\n${cli.stderr.slice(-2000)}`);
    const copied = await api(target, "HEAD", importRecords);
    rows.k = {
      seconds,
      records: CFG.importRecords,
      recordsPerSecond: CFG.importRecords / seconds,
      found: Number(copied.headers.get("Total-Records")),
      summary: cli.stdout.trim().split("\n").at(-1) ?? "",
      memory: `target ${groupRssMiB(target.pid) ?? "?"} MiB at the end`,
    };
    log(`  (k) import of ${fmtInt(CFG.importRecords)} records: ${fmtDuration(seconds)}, ${fmtInt(rows.k.recordsPerSecond)} records/s; target holds ${fmtInt(rows.k.found)}`);
    await stopGroup(target.pid);
  }

  // (p): the same POSTs as (b), into a collection followed by WebSocket subscribers.
  if (want("p")) {
    if (!rows.b) rows.b = await measure("(b) POST record", { url: url(recordsPath(COLLECTIONS.posts)), body: postBody, auth: true }, kinto);
    if (CFG.freshServers) await restart(kinto, "before (p)", { quiet: true });
    const followed = `/buckets/${BUCKET}/collections/${COLLECTIONS.fanout}`;
    log(`  (p) opening ${fmtInt(CFG.fanoutSubscribers)} subscriptions`);
    const subscribers = await subscribe(kinto.base, followed, AUTH, CFG.fanoutSubscribers);
    try {
      const before = await totalRecords(kinto, COLLECTIONS.fanout);
      rows.p = await measure(`(p) POST, ${fmtInt(CFG.fanoutSubscribers)} subscribers`, { url: url(recordsPath(COLLECTIONS.fanout)), body: postBody, auth: true }, null);
      const created = (await totalRecords(kinto, COLLECTIONS.fanout)) - before;
      rows.p.latency = await latency(kinto.base, followed, AUTH, subscribers, CFG.fanoutSamples);
      rows.p.short = shortOf(subscribers, created + CFG.fanoutSamples);
      checks.p = `${fmtInt(created)} records created under load, then ${CFG.fanoutSamples} probes; subscribers short of messages: ${rows.p.short}; probe deliveries ${fmtInt(rows.p.latency.deliveries)}, missing ${rows.p.latency.missing}`;
      log(`  (p) ${checks.p}`);
    } finally {
      closeAll(subscribers);
    }
  }

  // (u): 1 MB attachments to new records, and the floor's bare R2 put of the same bytes.
  if (want("u")) {
    const upload = uploadBodies(CFG.uploadBytes);
    const sample = await fetch(url(`${recordsPath(COLLECTIONS.files)}/probe/attachment`), {
      method: "POST",
      headers: { Authorization: AUTH, "Content-Type": upload.contentType },
      body: readFileSync(upload.multipart),
    });
    const metadata = await sample.json();
    checks.u = `one upload before the load: HTTP ${sample.status}, size ${metadata.size}, sha256 ${metadata.hash === upload.sha256 ? "matches" : "**differs**"}`;
    if (sample.status !== 201 || metadata.size !== CFG.uploadBytes || metadata.hash !== upload.sha256) throw new Error(`(u) check failed: ${checks.u}`);
    const uploadLoad = (base, file, contentType, prefix, suffix) => ({
      url: base,
      auth: true,
      script: "upload.lua",
      scriptEnv: { BENCH_BODY_FILE: file, BENCH_CONTENT_TYPE: contentType, BENCH_PATH_PREFIX: prefix, BENCH_PATH_SUFFIX: suffix },
    });
    rows.floorPut = await measure("floor POST /put (R2 put)", uploadLoad(`${floor.base}/`, upload.raw, "application/octet-stream", "/put/", ""), floor);
    rows.u = await measure(
      `(u) upload ${fmtInt(CFG.uploadBytes / 1024)} KiB attachment`,
      uploadLoad(url("/"), upload.multipart, upload.contentType, `/v1${recordsPath(COLLECTIONS.files)}/`, "/attachment"),
      kinto,
    );
    rmSync(upload.dir, { recursive: true, force: true });
  }

  // (j): a collection's changeset, polled anonymously (edge-cached) and by a user (never cached).
  if (want("j")) {
    await expectOk(kinto, "PATCH", `/buckets/${BUCKET}/collections/${COLLECTIONS.feed}`, { permissions: { read: ["system.Everyone"] } });
    seedInfo.feed = await seed(kinto, COLLECTIONS.feed, FEED_RECORDS, seedBatch, CFG.seedConcurrency, `'${COLLECTIONS.feed}'`);
    const changeset = `/buckets/${BUCKET}/collections/${COLLECTIONS.feed}/changeset`;
    const sample = await expectOk(kinto, "GET", `${changeset}?_expected=0`, undefined, [200]);
    const expected = sample.json?.timestamp;
    checks.j = `GET ${changeset}?_expected=0 → ${sample.status}, ${sample.json?.changes?.length} changes, timestamp ${expected}, Cache-Control ${sample.headers.get("Cache-Control")}`;
    if (sample.json?.changes?.length !== FEED_RECORDS) throw new Error(`(j) check failed: ${checks.j}`);
    rows.j1 = await measure("(j) changeset, cached (anonymous)", { url: url(`${changeset}?_expected=${expected}`) }, kinto);
    rows.j2 = await measure("(j) changeset, uncached (a user)", { url: url(`${changeset}?_expected=${expected}`), auth: true }, kinto);
  }

  // (f): the big collection.
  let bigPages = null;
  if (want("f")) {
    seedInfo.big = await seed(kinto, COLLECTIONS.big, CFG.bigRecords, seedBatch, CFG.seedConcurrency, `'${COLLECTIONS.big}'`);
    await restart(kinto, `after seeding '${COLLECTIONS.big}', before the (f) walk`);
    if (CFG.bigIndexes.length > 0) {
      const started = Date.now();
      await expectOk(kinto, "PATCH", `/buckets/${BUCKET}/collections/${COLLECTIONS.big}`, { data: { indexes: CFG.bigIndexes } });
      notes.push(`(f) '${COLLECTIONS.big}' declared \`indexes: ${JSON.stringify(CFG.bigIndexes)}\` after seeding: the PATCH creating the index on ${fmtInt(CFG.bigRecords)} records took ${fmtDuration((Date.now() - started) / 1000)}.`);
    }
    const first = url(`${recordsPath(COLLECTIONS.big)}?${CFG.bigQuery}&_limit=${CFG.pageSize}`);
    log(`  (f) walking Next-Page from ${first.replace(kinto.base, "")} to page ${CFG.deepPage}`);
    bigPages = await walkPages(kinto, first, CFG.deepPage);
    if (bigPages.reached < CFG.deepPage) {
      notes.push(
        `(f): \`${CFG.bigQuery}\` on ${fmtInt(CFG.bigRecords)} records has ${bigPages.reached} pages of ${CFG.pageSize}; the deep page measured is page ${bigPages.reached} (the last), not ${CFG.deepPage}.`,
      );
    }
    log(
      `  (f) page ${bigPages.reached} reached in ${fmtDuration(bigPages.seconds)} (single requests: page 1 ${fmt(bigPages.firstMs)} ms, median ${fmt(bigPages.medianMs)} ms, page ${bigPages.reached} ${fmt(bigPages.lastMs)} ms)`,
    );
    log(`  (f) timing page 1 and page ${bigPages.reached}: ${CFG.deepSamples} sequential requests each, alternating`);
    [rows.f1, rows.fN] = await timeAlternating(kinto, [bigPages.firstUrl, bigPages.deepUrl], CFG.deepSamples);
    for (const [label, r] of [["(f) page 1", rows.f1], [`(f) page ${bigPages.reached}`, rows.fN]]) {
      log(`  ${label.padEnd(34)} ${fmt(r.rps, 2).padStart(6)} req/s  p50 ${fmtMs(r.p50_us).padStart(7)} ms  p99 ${fmtMs(r.p99_us).padStart(7)} ms  errors ${r.non2xx}`);
    }
  }

  // (s): search on Buildhub-like records (bench/search.mjs).
  let search = null;
  if (want("s")) {
    const seedSearch = (path, count, dataOf) => seed(kinto, "search", count, seedBatch, CFG.seedConcurrency, "(s) Buildhub-like records", path, dataOf);
    search = await searchScenario({ kinto, api, expectOk, measure, log, bucket: BUCKET, records: intFromEnv("BENCH_S_RECORDS", QUICK ? 20_000 : 1_200_000), samples: CFG.deepSamples, seed: seedSearch });
    Object.assign(rows, search.rows);
    notes.push(`(s): ${fmtInt(search.seeded.count)} Buildhub-like records seeded in ${fmtDuration(search.seeded.seconds)}; ${search.checks}; searches are ${CFG.deepSamples} sequential POSTs each.`);
  }

  // (i): the bucket's history, which seeding 'big' filled with one entry per record.
  let historyPages = null;
  if (want("i") && seedInfo.big) {
    const first = url(`/buckets/${BUCKET}/history?resource_name=record&collection_id=${COLLECTIONS.big}&_limit=${CFG.pageSize}`);
    log(`  (i) walking Next-Page from ${first.replace(kinto.base, "")} to page ${CFG.deepPage}`);
    historyPages = await walkPages(kinto, first, CFG.deepPage);
    [rows.i1, rows.iN] = await timeAlternating(kinto, [historyPages.firstUrl, historyPages.deepUrl], CFG.deepSamples);
  } else if (want("i")) {
    notes.push("(i) needs (f)'s seeding of the big collection; it did not run.");
  }

  // Round trips of each request, measured with the probe worker on the same state.
  await stopGroup(kinto.pid);
  await stopGroup(floor.pid);
  let probed = null;
  if (snap.probe) {
    log("counting D1 round trips per request (bench/probe)");
    const requests = { a: { method: "GET", url: url("/"), auth: false } };
    if (want("b")) requests.b = { method: "POST", url: url(recordsPath(COLLECTIONS.posts)), body: JSON.parse(postBody), auth: true };
    if (want("c")) requests.c = { method: "GET", url: listUrl, auth: true };
    if (want("d")) requests.d = { method: "GET", url: sinceUrl, auth: true };
    if (want("e")) requests.e = { method: "POST", url: url("/batch"), body: JSON.parse(batchBody), auth: true };
    if (bigPages) {
      requests.f1 = { method: "GET", url: bigPages.firstUrl, auth: true };
      requests.fN = { method: "GET", url: bigPages.deepUrl, auth: true };
    }
    try {
      probed = await probeRoundTrips(kinto, snap.probe.config, requests);
      for (const [key, value] of Object.entries(probed)) {
        log(`  ${key}: ${value.roundTrips} round trip(s), HTTP ${value.status}, ${value.elapsedMs} ms in the worker`);
      }
    } catch (error) {
      notes.push(`round-trip probe failed: ${String(error.message ?? error).split("\n")[0]}`);
      log(`  probe failed: ${error.message ?? error}`);
    }
  }

  // ------------------------------------------------------------ the table
  const roundTrips = {};
  const rtSource = {};
  for (const key of ["c", "d"]) {
    if (CFG.roundTrips[key]) {
      roundTrips[key] = CFG.roundTrips[key];
      rtSource[key] = `BENCH_ROUND_TRIPS_${key.toUpperCase()}`;
    } else if (probed?.[key]?.roundTrips) {
      roundTrips[key] = probed[key].roundTrips;
      rtSource[key] = "measured";
    }
  }

  const errorsOf = (r) => {
    const parts = [];
    if (r.non2xx) parts.push(`${r.non2xx} non-2xx`);
    if (r.subFailed) parts.push(`${r.subFailed} failed sub-requests`);
    for (const kind of ["connect", "read", "write", "timeout"]) if (r[kind]) parts.push(`${r[kind]} ${kind}`);
    return parts.length ? parts.join(", ") : "0";
  };
  const rpsText = (r) => (r.rps >= 100 ? fmtInt(r.rps) : fmt(r.rps, r.rps >= 10 ? 1 : 2));
  const line = (scenario, r, ratio, target, met) =>
    `| ${scenario} | ${rpsText(r)} | ${fmtMs(r.p50_us)} | ${fmtMs(r.p99_us)} | ${errorsOf(r)} | ${ratio} | ${target} | ${met} |`;
  const yes = (ok) => (ok === null ? "n/a" : ok ? "yes" : "**no**");

  const table = [
    "| scenario | req/s | p50 ms | p99 ms | errors | ratio vs floor | target | met? |",
    "| --- | ---: | ---: | ---: | --- | --- | --- | --- |",
  ];
  const fc = rows.floorConst;
  const fi = rows.floorInsert;
  table.push(line("floor: `GET /const` (constant JSON)", fc, "reference", "—", "—"));
  table.push(line("floor: `POST /insert` (DO RPC → 1 D1 INSERT)", fi, "reference", "—", "—"));
  if (rows.a) table.push(line("(a) `GET /v1/`", rows.a, `${fmt(rows.a.rps / fc.rps, 2)} × const`, "— (none set)", "—"));
  if (rows.b) {
    const ratio = rows.b.rps / fi.rps;
    table.push(line("(b) `POST` a record (basic auth)", rows.b, `${fmt(ratio, 2)} × insert`, "≥ 2 × insert", yes(ratio >= 2)));
  }
  if (rows.h && rows.b) {
    const ratio = rows.b.rps / rows.h.rps;
    table.push(line("(h) `POST` a record, history off for its collection", rows.h, `(b) = ${fmt(ratio, 2)} × (h)`, "(b) ≥ 0.85 × (h)", yes(ratio >= 0.85)));
  }
  for (const key of ["c", "d"]) {
    const r = rows[key];
    if (!r) continue;
    const label = key === "c" ? `(c) list ${CFG.pageSize} of ${fmtInt(CFG.smallRecords)}` : "(d) `_since` → 10 records";
    const rt = roundTrips[key];
    if (rt) {
      const ratio = r.rps / (fc.rps / rt);
      table.push(line(label, r, `${fmt(ratio, 2)} × (const / ${rt} RT)`, `≥ 0.70 × (const / ${rt} RT)`, yes(ratio >= 0.7)));
    } else {
      table.push(line(label, r, `${fmt(r.rps / fc.rps, 2)} × const`, "≥ 0.70 × (const / RT), RT unknown", "n/a"));
    }
  }
  if (rows.e) {
    const eRecords = rows.e.rps * CFG.batchSize;
    const ratio = rows.b ? eRecords / rows.b.rps : NaN;
    table.push(
      line(
        `(e) \`POST /v1/batch\`, ${CFG.batchSize} creations`,
        rows.e,
        rows.b ? `${fmtInt(eRecords)} records/s = ${fmt(ratio, 1)} × (b)` : `${fmtInt(eRecords)} records/s`,
        "≥ 20 × (b) records/s",
        yes(rows.b ? ratio >= 20 : null),
      ),
    );
  }
  if (rows.k) {
    const batchRecords = rows.e ? rows.e.rps * CFG.batchSize : null;
    const ratio = batchRecords ? rows.k.recordsPerSecond / batchRecords : null;
    table.push(
      `| (k) \`kinto-edge import\` of ${fmtInt(rows.k.records)} records into a second kinto-edge | ${fmtInt(rows.k.recordsPerSecond)} records/s | — | — | ${rows.k.found === rows.k.records ? "0" : `**${fmtInt(rows.k.found)} records copied**`} | ${ratio === null ? "needs (e)" : `${fmt(ratio, 2)} × (e) records/s`} | ≥ 0.7 × (e) records/s | ${yes(ratio === null ? null : ratio >= 0.7 && rows.k.found === rows.k.records)} |`,
    );
  }
  if (rows.g && rows.b) {
    const ratio = rows.g.rps / rows.b.rps;
    table.push(line(`(g) \`POST\` into ${CFG.spreadCollections} collections at once, ${CFG.connections} connections each`, rows.g, `${fmt(ratio, 2)} × (b)`, "≥ 0.9 × (b)", yes(ratio >= 0.9)));
  }
  if (rows.p && rows.b) {
    const ratio = rows.p.rps / rows.b.rps;
    table.push(line(`(p) \`POST\` a record, ${fmtInt(CFG.fanoutSubscribers)} live subscribers`, rows.p, `${fmt(ratio, 2)} × (b)`, "≥ 0.8 × (b)", yes(ratio >= 0.8 && rows.p.short === 0)));
    const delay = rows.p.latency;
    table.push(
      `| (p) delivery after the 201, ${CFG.fanoutSamples} sequential POSTs × ${fmtInt(CFG.fanoutSubscribers)} subscribers | — | ${fmtMs(delay.p50_us)} | ${fmtMs(delay.p99_us)} | ${delay.missing} missing | — | every change delivered | ${yes(delay.missing === 0 && rows.p.short === 0)} |`,
    );
  }
  if (rows.u && rows.floorPut) {
    const mbps = (r) => (r.rps * CFG.uploadBytes) / 1e6;
    const ratio = rows.u.rps / rows.floorPut.rps;
    table.push(line("floor: `POST /put` (body → 1 R2 put)", rows.floorPut, `${fmt(mbps(rows.floorPut), 1)} MB/s, reference`, "—", "—"));
    table.push(
      line(`(u) \`POST …/attachment\`, ${fmtInt(CFG.uploadBytes / 1024)} KiB file`, rows.u, `${fmt(mbps(rows.u), 1)} MB/s = ${fmt(ratio, 2)} × put`, "≥ 0.8 × put", yes(ratio >= 0.8)),
    );
  }
  if (rows.j1 && rows.j2) {
    const ratio = rows.j1.rps / fc.rps;
    table.push(line(`(j) changeset of ${FEED_RECORDS} records, anonymous, edge-cached`, rows.j1, `${fmt(ratio, 2)} × const`, "≥ 0.8 × const", yes(ratio >= 0.8)));
    table.push(line("(j) the same changeset for a user (never cached)", rows.j2, `${fmt(rows.j2.rps / fc.rps, 2)} × const; cached = ${fmt(rows.j1.rps / rows.j2.rps, 1)} × uncached`, "—", "—"));
  }
  if (rows.i1 && rows.iN && historyPages) {
    const ratio = rows.iN.p50_us / rows.i1.p50_us;
    table.push(line("(i) history, `resource_name=record`, page 1", rows.i1, "reference", "—", "—"));
    table.push(line(`(i) history page ${fmtInt(historyPages.reached)} (via Next-Page)`, rows.iN, `p50 ${fmt(ratio, 2)} × page 1`, "≤ 1.5 × page 1", yes(ratio <= 1.5)));
  }
  if (rows.f1 && rows.fN && bigPages) {
    const ratio = rows.fN.p50_us / rows.f1.p50_us;
    const indexed = CFG.bigIndexes.length > 0 ? `, indexes ${JSON.stringify(CFG.bigIndexes)}` : ", no declared index";
    table.push(line(`(f) page 1 of \`?${CFG.bigQuery}\`, ${fmtInt(CFG.bigRecords)} records${indexed}`, rows.f1, `p50 ${fmtMs(rows.f1.p50_us)} ms`, "p50 ≤ 50 ms", yes(rows.f1.p50_us <= 50_000)));
    table.push(line(`(f) page ${fmtInt(bigPages.reached)} (via Next-Page)`, rows.fN, `p50 ${fmt(ratio, 2)} × page 1`, "p50 ≤ 50 ms and ≤ 1.5 × page 1", yes(ratio <= 1.5 && rows.fN.p50_us <= 50_000)));
  }

  if (search) {
    const { sFacet, sText, sWriteOn, sWriteOff } = search.rows;
    const ratio = sWriteOn.rps / sWriteOff.rps;
    table.push(line(`(s) faceted search, ${fmtInt(search.seeded.count)} records`, sFacet, "—", "p50 < 100 ms", yes(sFacet.p50_us < 100_000)));
    table.push(line("(s) full text, version prefix `57.0b`", sText, "—", "p50 < 50 ms", yes(sText.p50_us < 50_000)));
    table.push(line("(s) POST a record, text indexed", sWriteOn, `${fmt(ratio, 2)} × no search metadata`, "≥ 0.8", yes(ratio >= 0.8)));
  }

  // Notes.
  const rtNotes = [];
  for (const key of ["c", "d"]) {
    if (!rows[key]) continue;
    if (rtSource[key] === "measured") rtNotes.push(`(${key}) ${roundTrips[key]} D1 round trips per request, measured by bench/probe (${probed[key].elapsedMs} ms in the worker, unloaded): ${probed[key].trace}`);
    else if (rtSource[key]) rtNotes.push(`(${key}) ${roundTrips[key]} D1 round trips, from ${rtSource[key]}`);
    else rtNotes.push(`(${key}) D1 round trips unknown (probe did not run/failed and BENCH_ROUND_TRIPS_${key.toUpperCase()} unset): target not judged`);
  }
  if (probed) {
    for (const [key, v] of Object.entries(probed)) {
      if (key === "c" || key === "d") continue;
      const side = key === "b" || key === "e" ? " on the worker side (the Writer's own D1 calls are not counted)" : "";
      rtNotes.push(`(${key}) ${v.roundTrips} D1 round trip(s)${side}, HTTP ${v.status}, ${v.elapsedMs} ms in the worker, unloaded: ${v.trace || "—"}`);
    }
  }
  // Records in the collection after the run vs creations answered (warm-up + measured run); a
  // few more records than answers is normal (requests in flight when wrk stopped).
  const answered = (r, get) => get(r) + (r.warmup ? get(r.warmup) : 0);
  if (rows.b) {
    const ok201 = answered(rows.b, (r) => r.statuses["201"] ?? 0);
    checks.b = `${fmtInt(rows.b.created)} records in '${COLLECTIONS.posts}' after warm-up + run, ${fmtInt(ok201)} answered 201 (${rows.b.created >= ok201 ? "consistent" : "**fewer records than 201 answers**"}); statuses of the measured run ${JSON.stringify(rows.b.statuses)}`;
  }
  if (rows.g) {
    checks.g = `${fmtInt(rows.g.created)} records in the ${CFG.spreadCollections} collections after warm-up + run, ${fmtInt(rows.g.answered)} answered 2xx (${rows.g.created >= rows.g.answered ? "consistent" : "**fewer records than 2xx answers**"}); req/s per collection ${rows.g.perRun.map((rps) => fmtInt(rps)).join(", ")}`;
  }
  if (rows.e) {
    const ok = answered(rows.e, (r) => r.subOk);
    checks.e = `${fmtInt(rows.e.created)} records in '${COLLECTIONS.bulk}' after warm-up + run, ${fmtInt(ok)} sub-requests answered 2xx (${rows.e.created >= ok ? "consistent" : "**fewer records than 2xx sub-responses**"}); measured run: HTTP statuses ${JSON.stringify(rows.e.statuses)}, sub-statuses ${JSON.stringify(rows.e.sub_statuses)}`;
  }
  const evidence = Object.entries(rows)
    .filter(([, r]) => r.sample || r.warmup?.sample)
    .map(([key, r]) => `${key}: statuses ${JSON.stringify(r.statuses)}; first failure: ${r.sample ?? `(warm-up) ${r.warmup.sample}`}`);
  const seedNotes = Object.entries(seedInfo).map(
    ([name, s]) =>
      `'${name}': ${fmtInt(s.count)} records in ${fmtDuration(s.seconds)} (${fmtInt(s.rate)} records/s; /v1/batch of ${s.batchSize}, ${s.concurrency} in flight)` +
      (s.failures.length ? `; ${s.failures.length} problem(s), e.g. ${s.failures.map((f) => (f.retry ? `retried after ${f.sample}` : `${f.count} failed at ${f.from}: ${f.sample}`)).slice(0, 2).join(" / ")}` : ""),
  );
  const finishedAt = new Date();
  const machineAfter = { load: loadavg().map((l) => l.toFixed(2)).join(" ") };

  const md = [
    `# kinto-edge benchmark — ${startedAt.toISOString()}${QUICK ? " (BENCH_QUICK=1)" : ""}`,
    "",
    `kinto-edge ${snap.git} (bundle ${snap.kinto.sha}). wrk: ${CFG.connections} connections, ${CFG.threads} threads, ${CFG.seconds} s per scenario after a ${CFG.warmup} s warm-up; (f) is ${CFG.deepSamples} sequential requests per page, alternating. Both workers under \`wrangler dev --local --log-level ${CFG.logLevel}\`. Run took ${fmtDuration((finishedAt - startedAt) / 1000)}.`,
    "",
    ...table,
    "",
    "Notes:",
    "",
    `- machine: ${machine.cpus}; load average ${machine.load} at start, ${machineAfter.load} at end; ${machine.workerdBefore} workerd process(es) of others running at start; node ${machine.node}; ${machine.wrk}; wrangler ${machine.wrangler}.`,
    ...notes.map((n) => `- ${n}`),
    `- ${CFG.freshServers ? "each wrk scenario ran on a freshly restarted server (same state, same port), because wrangler dev's inspector proxy keeps every runtime message and grows with traffic (see bench/README.md); " : ""}resident memory of the server's processes (wrangler + workerd) before warm-up → after the run: ${Object.entries(rows).filter(([, r]) => r.memory).map(([k, r]) => `${k} ${r.memory}`).join(", ")}.`,
    ...restarts.map((r) => `- ${r}`),
    ...rtNotes.map((n) => `- ${n}`),
    ...seedNotes.map((n) => `- seeding ${n}`),
    ...Object.entries(checks).map(([key, c]) => `- check (${key}): ${c}`),
    ...(bigPages
      ? [
          `- (f) walk: page 1 → page ${bigPages.reached} by Next-Page, one request at a time, in ${fmtDuration(bigPages.seconds)}; single requests: page 1 ${fmt(bigPages.firstMs)} ms, median ${fmt(bigPages.medianMs)} ms, page ${bigPages.reached} ${fmt(bigPages.lastMs)} ms. Mean-time ratio page ${bigPages.reached} / page 1 = ${fmt(rows.fN.mean_us / rows.f1.mean_us, 2)}.`,
        ]
      : []),
    ...evidence.map((e) => `- non-2xx evidence ${e}`),
    "",
  ].join("\n");

  log("");
  log(md);
  writeFileSync(path.join(BENCH, "last-run.md"), md);
  log(`(written to bench/last-run.md)`);
}

try {
  await main();
  await cleanup();
} catch (error) {
  if (!interrupted) {
    console.error(`\nbench failed: ${error.stack ?? error}`);
    diagnose();
  }
  await cleanup();
  process.exitCode = 1;
}
