/** CPU time and memory of a process from /proc (Linux): the whole process and its threads apart. */
import fs from "node:fs";

/** USER_HZ: 100 on every mainstream Linux build (sysconf(_SC_CLK_TCK)); Node has no binding for it. */
const CLOCK_TICKS_PER_S = 100;

/** utime + stime (seconds) and the name of one /proc stat line (`/proc/<pid>/stat` or `/proc/<pid>/task/<tid>/stat`). */
export function parseStatLine(stat: string): { name: string; cpuS: number } {
  // The command name (field 2) may contain spaces and parentheses: count fields after its last closing parenthesis.
  const close = stat.lastIndexOf(")");
  const rest = stat.slice(close + 2).split(" ");
  return { name: stat.slice(stat.indexOf("(") + 1, close), cpuS: (Number(rest[11]) + Number(rest[12])) / CLOCK_TICKS_PER_S };
}

function readStat(file: string): { name: string; cpuS: number } | undefined {
  try {
    return parseStatLine(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

export function cpuSeconds(pid: number): number | undefined {
  return readStat(`/proc/${pid}/stat`)?.cpuS;
}

/**
 * CPU of a process split into its main thread (tid = pid: the JS event loop in Node) and everything else
 * (V8 GC and compiler threads, libuv's pool; for redis-server its bio and jemalloc threads). The process total
 * also keeps the time of threads that already exited, so background = total − main.
 */
export interface ThreadCpu {
  totalS: number;
  mainS: number;
  /** Seconds per thread name among the live threads (e.g. "V8 DefaultWorke", "libuv-worker"). */
  byThreadName: Record<string, number>;
}

export function threadCpu(pid: number): ThreadCpu | undefined {
  // Main thread first: the process total read after it then includes everything the main thread had.
  const main = readStat(`/proc/${pid}/task/${pid}/stat`);
  const total = readStat(`/proc/${pid}/stat`);
  if (!total || !main) return undefined;
  const byThreadName: Record<string, number> = {};
  let tids: string[] = [];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    /* exited between the reads */
  }
  for (const tid of tids) {
    if (tid === String(pid)) continue;
    const t = readStat(`/proc/${pid}/task/${tid}/stat`);
    if (t) byThreadName[t.name] = (byThreadName[t.name] ?? 0) + t.cpuS;
  }
  return { totalS: total.cpuS, mainS: main.cpuS, byThreadName };
}

/** CPU spent between two snapshots: total, main thread, background threads, and background per thread name. */
export function threadCpuDelta(a: ThreadCpu, b: ThreadCpu): { totalS: number; mainS: number; backgroundS: number; byThreadName: Record<string, number> } {
  const byThreadName: Record<string, number> = {};
  for (const [name, s] of Object.entries(b.byThreadName)) byThreadName[name] = s - (a.byThreadName[name] ?? 0);
  const totalS = b.totalS - a.totalS;
  const mainS = b.mainS - a.mainS;
  // Reads a few µs apart can leave a tick of disagreement: background time is never below zero.
  return { totalS, mainS, backgroundS: Math.max(0, totalS - mainS), byThreadName };
}

/** Resident set size in MB (VmRSS of /proc/<pid>/status). */
export function rssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Busy and total CPU ticks of the whole machine (first line of /proc/stat): what else ran during a measurement. */
export interface MachineCpu {
  busyS: number;
  totalS: number;
}

export function machineCpu(): MachineCpu | undefined {
  try {
    const line = fs.readFileSync("/proc/stat", "utf8").split("\n", 1)[0];
    // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest time is already in user).
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    return { busyS: busy / CLOCK_TICKS_PER_S, totalS: (busy + idle + iowait) / CLOCK_TICKS_PER_S };
  } catch {
    return undefined;
  }
}
