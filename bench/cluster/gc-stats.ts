/**
 * GC totals of the service processes, from the preload bench/cluster/gc-observer.mjs: the bench signals
 * SIGUSR2 and reads the JSON file each process writes in answer.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";

/** For `node --import`: a file URL, valid from any working directory. */
export const GC_OBSERVER = pathToFileURL(path.join(__dirname, "gc-observer.mjs")).href;

export interface GcTotals {
  ms: number;
  count: number;
  byKind: Record<string, number>;
}

interface GcFile extends GcTotals {
  pid: number;
  atMs: number;
}

function readGcFile(dir: string, pid: number): GcFile | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, `${pid}.json`), "utf8")) as GcFile;
  } catch {
    return undefined;
  }
}

/** Asks every pid for its totals now; a process that does not answer within `timeoutMs` gets undefined. */
export async function gcSnapshot(dir: string, pids: readonly number[], timeoutMs = 3000): Promise<(GcTotals | undefined)[]> {
  const asked = Date.now();
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGUSR2");
    } catch {
      /* gone */
    }
  }
  const deadline = asked + timeoutMs;
  let files = pids.map(() => undefined as GcFile | undefined);
  while (Date.now() < deadline) {
    files = pids.map((pid) => readGcFile(dir, pid));
    if (files.every((f) => f !== undefined && f.atMs >= asked)) break;
    await sleep(25);
  }
  return files.map((f) => (f && f.atMs >= asked ? { ms: f.ms, count: f.count, byKind: f.byKind } : undefined));
}

export function gcDelta(a: GcTotals | undefined, b: GcTotals | undefined): GcTotals | undefined {
  if (!a || !b) return undefined;
  const byKind: Record<string, number> = {};
  for (const [k, ms] of Object.entries(b.byKind)) byKind[k] = ms - (a.byKind[k] ?? 0);
  return { ms: b.ms - a.ms, count: b.count - a.count, byKind };
}
