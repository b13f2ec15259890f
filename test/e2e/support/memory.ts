// Process memory for the end-to-end tests, read from Linux's /proc: a process tree, and a sampler of resident memory (VmRSS, every `intervalMs`) and of the
// kernel's own peak (VmHWM) per process. Sampling misses peaks shorter than its interval;
// VmHWM does not, but it also counts the time before sampling started.
import { readdirSync, readFileSync } from "node:fs";

const MiB = 1024 * 1024;

function status(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  try {
    for (const line of readFileSync(`/proc/${pid}/status`, "utf8").split("\n")) {
      const match = /^(VmRSS|VmHWM):\s+(\d+) kB/.exec(line);
      if (match) out[match[1] as string] = Number(match[2]) * 1024;
    }
  } catch {
    // The process is gone.
  }
  return out;
}

function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  } catch {
    return [];
  }
}

function children(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").split(/\s+/).filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

/** `pid` and all its descendants. */
export function processTree(pid: number): number[] {
  return [pid, ...children(pid).flatMap(processTree)];
}

export interface MemoryReport {
  /** Per pid: the first and the highest sampled VmRSS, and the last VmHWM seen (bytes). */
  processes: Map<number, { first: number; peak: number; hwm: number; command: string }>;
  /** The sum over the tree: first sample and highest sample (bytes). */
  treeFirst: number;
  treePeak: number;
}

export function describeReport(report: MemoryReport): string {
  const lines = [...report.processes].map(
    ([pid, p]) => `${pid} ${p.command.slice(0, 50)}: rss ${(p.first / MiB).toFixed(0)} → ${(p.peak / MiB).toFixed(0)} MiB, hwm ${(p.hwm / MiB).toFixed(0)} MiB`,
  );
  lines.push(`tree: ${(report.treeFirst / MiB).toFixed(0)} → ${(report.treePeak / MiB).toFixed(0)} MiB`);
  return lines.join("\n");
}

/** Samples the processes `pids()` returns (re-read each time: children come and go) until `stop()`. */
export function sampleMemory(pids: () => number[], intervalMs = 100): { stop(): MemoryReport } {
  const report: MemoryReport = { processes: new Map(), treeFirst: -1, treePeak: 0 };
  const tick = (): void => {
    let tree = 0;
    for (const pid of pids()) {
      const { VmRSS: rss, VmHWM: hwm } = status(pid);
      if (rss === undefined) continue;
      tree += rss;
      const seen = report.processes.get(pid);
      if (seen === undefined) report.processes.set(pid, { first: rss, peak: rss, hwm: hwm ?? rss, command: commandLine(pid).join(" ") });
      else {
        seen.peak = Math.max(seen.peak, rss);
        seen.hwm = Math.max(seen.hwm, hwm ?? 0);
      }
    }
    if (report.treeFirst < 0) report.treeFirst = tree;
    report.treePeak = Math.max(report.treePeak, tree);
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return report;
    },
  };
}
