/**
 * Analyzer micro-benchmark: microseconds per analyzer and for all five on the standard window
 * (1.0 s at 8192 Hz: ia, ib, ic, vib_x + scalars), median of several timed batches after warm-up;
 * the simulator's own cost per window; and heap growth (heapUsed after forced GC) across 10,000
 * windows through analyzeAll.
 *
 *   npm run bench:analyzers [-- --json [FILE]] [--windows N] [--batches N] [--batch-size N]
 */
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { ANALYZERS, analyzeAll } from "../analyzers/index";
import { optionalValue, parseCommandLine } from "../cli/args";
import type { Analyzer, MotorProfile, SensorWindow } from "../analyzers/types";
import { simulateWindow } from "../simulator/motor-model";
import { INDUCTION_400V, PMSM_400V } from "../simulator/profiles";
import type { FaultSpec, SimulationSpec } from "../simulator/types";

interface Args {
  json: string | null;
  windows: number;
  batches: number;
  batchSize: number;
}

function parseArgs(argv: readonly string[]): Args {
  const { values } = parseCommandLine("bench:analyzers", "npm run bench:analyzers [-- --json [FILE]] [--windows N] [--batches N] [--batch-size N]", {
    args: optionalValue(argv, "json", "-"),
    options: { json: { type: "string" }, windows: { type: "string" }, batches: { type: "string" }, "batch-size": { type: "string" } },
  });
  const int = (value: string | undefined, d: number) => {
    const v = Number(value);
    return Number.isFinite(v) && v > 0 ? Math.floor(v) : d;
  };
  return {
    json: values.json ?? null,
    windows: int(values.windows, 10_000),
    batches: int(values.batches, 9),
    batchSize: int(values["batch-size"], 100),
  };
}

/** Forced GC: --expose-gc when given, otherwise switched on at run time (V8 flag + a fresh context). */
function getGc(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

interface Case {
  profile: MotorProfile;
  window: SensorWindow;
  label: string;
}

const CONDITIONS: readonly FaultSpec[] = [
  { type: "healthy", severity: 0 },
  { type: "turn_fault", severity: 0.6, phase: "B" },
  { type: "bearing", severity: 0.6, bearingDefect: "outer_race" },
  { type: "eccentricity", severity: 0.6 },
];

function standardSpec(profile: MotorProfile, fault: FaultSpec, seed: number, durationS = 1): SimulationSpec {
  return { profile, rpm: 0.6 * profile.rated_rpm, loadPct: 80, durationS, rateHz: 8192, fault, seed };
}

/** A pool of standard windows (PMSM and induction, healthy and faulty) so analyzers take their usual paths. */
function windowPool(durationS = 1): Case[] {
  const pool: Case[] = [];
  let seed = 1;
  for (const profile of [PMSM_400V, INDUCTION_400V]) {
    for (const fault of [...CONDITIONS, ...(profile.motor_type === "induction" ? [{ type: "broken_bar", severity: 0.6 } as const] : [])]) {
      pool.push({ profile, window: simulateWindow(standardSpec(profile, fault, seed++, durationS)), label: `${profile.motor_type}/${fault.type}` });
    }
  }
  return pool;
}

function median(x: number[]): number {
  const s = [...x].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

interface Timing {
  medianUs: number;
  minUs: number;
  maxUs: number;
  cpuMedianUs: number;
}

/**
 * Median over batches of the mean µs per call (wall clock), plus the median process CPU time per
 * call: on a shared machine wall time includes waiting for a core, CPU time does not.
 */
function timeIt(fn: (i: number) => unknown, args: Args): Timing {
  for (let i = 0; i < Math.max(50, args.batchSize); i++) fn(i); // warm-up: let the JIT settle
  const perBatch: number[] = [];
  const cpuPerBatch: number[] = [];
  let k = 0;
  for (let b = 0; b < args.batches; b++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < args.batchSize; i++) fn(k++);
    perBatch.push(Number(process.hrtime.bigint() - t0) / 1000 / args.batchSize);
    const c = process.cpuUsage(c0);
    cpuPerBatch.push((c.user + c.system) / args.batchSize);
  }
  return { medianUs: median(perBatch), minUs: Math.min(...perBatch), maxUs: Math.max(...perBatch), cpuMedianUs: median(cpuPerBatch) };
}

interface Row extends Timing {
  name: string;
  window: string;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const gc = getGc();
  const pool = windowPool();
  const rows: Row[] = [];
  const std = "1 s @ 8192 Hz";

  // Simulator cost (not an analyzer, but every benchmark and the demo fleet pay it).
  let seed = 1000;
  rows.push({ name: "simulateWindow (4 channels)", window: std, ...timeIt(() => simulateWindow(standardSpec(PMSM_400V, CONDITIONS[2], seed++)), args) });

  for (const analyzer of Object.values<Analyzer>(ANALYZERS)) {
    rows.push({
      name: analyzer.faultType,
      window: std,
      ...timeIt((i) => {
        const c = pool[i % pool.length];
        return analyzer.analyze(c.window, c.profile);
      }, args),
    });
  }
  rows.push({
    name: "all five (analyzeAll)",
    window: std,
    ...timeIt((i) => {
      const c = pool[i % pool.length];
      return analyzeAll(c.window, c.profile);
    }, args),
  });

  // Analyzers that declare a longer record are also timed on the window they ask for.
  const longer = new Map<number, Case[]>();
  for (const analyzer of Object.values<Analyzer>(ANALYZERS)) {
    const d = analyzer.requirements.minDurationS;
    if (d <= 1) continue;
    if (!longer.has(d)) longer.set(d, windowPool(d));
    const p = longer.get(d)!;
    rows.push({
      name: analyzer.faultType,
      window: `${d} s @ 8192 Hz`,
      ...timeIt(
        (i) => {
          const c = p[i % p.length];
          return analyzer.analyze(c.window, c.profile);
        },
        { ...args, batchSize: Math.max(5, Math.floor(args.batchSize / d)) },
      ),
    });
  }

  // Heap growth across many windows: what stays reachable after GC (caches, leaks), not garbage.
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < args.windows; i++) {
    const c = pool[i % pool.length];
    analyzeAll(c.window, c.profile);
  }
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  const heap = {
    windows: args.windows,
    before_bytes: before,
    after_bytes: after,
    growth_bytes: after - before,
    growth_per_window_bytes: (after - before) / args.windows,
  };

  const result = {
    node: process.version,
    load_average: loadavg()[0],
    cores: cpus().length,
    standard_window: {
      duration_s: 1,
      rate_hz: 8192,
      channels: ["ia", "ib", "ic", "vib_x"],
      scalars: ["rpm", "loadPct", "windingTempC", "insulationResistanceKohm", "leakageCurrentMa", "dcBusV"],
    },
    pool: pool.map((c) => c.label),
    batches: args.batches,
    batch_size: args.batchSize,
    rows: rows.map((r) => ({ name: r.name, window: r.window, median_us: r.medianUs, min_us: r.minUs, max_us: r.maxUs, cpu_median_us: r.cpuMedianUs })),
    heap,
  };
  if (args.json === "-") {
    process.stdout.write(JSON.stringify(result, null, 1) + "\n");
    return;
  }
  if (args.json) writeFileSync(args.json, JSON.stringify(result, null, 1));
  const lines = [
    `Analyzer micro-benchmark (${process.version}; median of ${args.batches} batches × ${args.batchSize} windows after warm-up; pool: ${pool.map((c) => c.label).join(", ")})`,
    `${"".padEnd(30)}${"window".padStart(16)}${"median µs".padStart(12)}${"min µs".padStart(10)}${"max µs".padStart(10)}${"CPU µs".padStart(10)}`,
    ...rows.map(
      (r) =>
        `${r.name.padEnd(30)}${r.window.padStart(16)}${r.medianUs.toFixed(1).padStart(12)}${r.minUs.toFixed(1).padStart(10)}${r.maxUs.toFixed(1).padStart(10)}${r.cpuMedianUs.toFixed(1).padStart(10)}`,
    ),
    `(µs: wall clock per call; CPU µs: process CPU time per call, which excludes waiting for a core on a shared machine; load average now ${loadavg()[0].toFixed(1)} on ${cpus().length} cores)`,
    "",
    `Heap after forced GC: ${(before / 1048576).toFixed(2)} MiB before, ${(after / 1048576).toFixed(2)} MiB after ${args.windows} windows through analyzeAll: growth ${((after - before) / 1024).toFixed(1)} KiB (${heap.growth_per_window_bytes.toFixed(2)} B/window)`,
  ];
  process.stdout.write(lines.join("\n") + "\n");
}

main();
