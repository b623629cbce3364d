/**
 * Analyzer micro-benchmark: microseconds per analyzer and for all five on the standard window
 * (1.0 s at 8192 Hz: ia, ib, ic, vib_x + scalars), median of several timed batches after warm-up;
 * the simulator's own cost per window; all five side by side (batches interleaved) with the per-window memo
 * shared or defeated and on each FFT backend; the real FFT alone per backend; and across 10,000 windows
 * through analyzeAll, heap growth (heapUsed after forced GC) and GC time per window (perf_hooks GC entries).
 * Every call gets a new window (new views of the pool's samples), so nothing memoised for one call serves the next.
 *
 *   npm run bench:analyzers [-- --json [FILE]] [--windows N] [--batches N] [--batch-size N]
 */
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { PerformanceObserver } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { ANALYZERS, analyzeAll } from "../analyzers/index";
import { fftBackend, realFft, useFftBackend, type FftBackend } from "../analyzers/dsp/fft";
import { optionalValue, parseCommandLine } from "../cli/args";
import type { Analyzer, MotorProfile, SensorWindow } from "../analyzers/types";
import { simulateWindow } from "../simulator/motor-model";
import { asNewWindow } from "./new-window";
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

/** All five on one window, each analyzer on its own view of the samples: what a window costs when nothing is shared. */
function analyzeAllUnshared(window: SensorWindow, profile: MotorProfile): unknown[] {
  return Object.values<Analyzer>(ANALYZERS).map((a) => a.analyze(asNewWindow(window), profile));
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

/**
 * Several variants timed side by side: batches interleaved round-robin, so drift of a shared machine hits all alike.
 * `setup` runs before each variant's batch (e.g. selecting the FFT backend).
 */
function timeSideBySide(variants: { name: string; setup?: () => void; fn: (i: number) => unknown }[], args: Args): Map<string, Timing> {
  const perBatch = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const cpuPerBatch = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  for (const v of variants) {
    v.setup?.();
    for (let i = 0; i < Math.max(50, args.batchSize); i++) v.fn(i);
  }
  let k = 0;
  for (let b = 0; b < args.batches; b++) {
    for (const v of variants) {
      v.setup?.();
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < args.batchSize; i++) v.fn(k + i);
      perBatch.get(v.name)!.push(Number(process.hrtime.bigint() - t0) / 1000 / args.batchSize);
      const c = process.cpuUsage(c0);
      cpuPerBatch.get(v.name)!.push((c.user + c.system) / args.batchSize);
    }
    k += args.batchSize;
  }
  return new Map(
    variants.map((v) => {
      const t = perBatch.get(v.name)!;
      return [v.name, { medianUs: median(t), minUs: Math.min(...t), maxUs: Math.max(...t), cpuMedianUs: median(cpuPerBatch.get(v.name)!) }];
    }),
  );
}

interface Row extends Timing {
  name: string;
  window: string;
}

/** analyzeAll per FFT backend, memo shared (as in a worker process) and defeated (each analyzer on its own window). */
function allFiveSideBySide(pool: Case[], args: Args, window: string): Row[] {
  const backends: FftBackend[] = useFftBackend("pffft") === "pffft" ? ["pffft", "fft.js"] : ["fft.js"];
  const variants = backends.flatMap((backend) => [
    {
      name: `all five (analyzeAll), ${backend}`,
      setup: () => useFftBackend(backend),
      fn: (i: number) => {
        const c = pool[i % pool.length];
        return analyzeAll(asNewWindow(c.window), c.profile);
      },
    },
    {
      name: `all five, nothing shared, ${backend}`,
      setup: () => useFftBackend(backend),
      fn: (i: number) => {
        const c = pool[i % pool.length];
        return analyzeAllUnshared(c.window, c.profile);
      },
    },
  ]);
  const timings = timeSideBySide(variants, args);
  useFftBackend(backends[0]);
  return variants.map((v) => ({ name: v.name, window, ...timings.get(v.name)! }));
}

/** One real FFT (taper and mean removal included, as the analyzers call it) per backend, at the sizes the analyzers use. */
function fftSideBySide(args: Args): Row[] {
  if (useFftBackend("pffft") !== "pffft") return [];
  const rows: Row[] = [];
  for (const size of [1024, 4096, 16384]) {
    const signal = new Float32Array(size).map((_, i) => Math.sin(0.37 * i));
    const taper = new Float64Array(size).fill(1);
    const variants = (["pffft", "fft.js"] as const).map((backend) => ({
      name: `real FFT ${size}, ${backend}`,
      setup: () => useFftBackend(backend),
      fn: () => realFft(signal, size, taper, 0.1),
    }));
    const timings = timeSideBySide(variants, { ...args, batchSize: args.batchSize * 10 });
    rows.push(...variants.map((v) => ({ name: v.name, window: `${size} points`, ...timings.get(v.name)! })));
  }
  useFftBackend("pffft");
  return rows;
}

async function main(): Promise<void> {
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
        return analyzer.analyze(asNewWindow(c.window), c.profile);
      }, args),
    });
  }
  rows.push(...allFiveSideBySide(pool, args, std));
  rows.push(...fftSideBySide(args));

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
          return analyzer.analyze(asNewWindow(c.window), c.profile);
        },
        { ...args, batchSize: Math.max(5, Math.floor(args.batchSize / d)) },
      ),
    });
  }

  // Heap growth across many windows: what stays reachable after GC (caches, leaks), not garbage; and the GC time the
  // windows' garbage costs (entries of the GCs that ran during the loop, forced ones excluded).
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  let gcMs = 0;
  let gcCount = 0;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcMs += e.duration;
      gcCount++;
    }
  });
  observer.observe({ entryTypes: ["gc"] });
  const loopStart = process.hrtime.bigint();
  for (let i = 0; i < args.windows; i++) {
    const c = pool[i % pool.length];
    analyzeAll(asNewWindow(c.window), c.profile);
  }
  const loopMs = Number(process.hrtime.bigint() - loopStart) / 1e6;
  await new Promise((resolve) => setTimeout(resolve, 50)); // GC entries are delivered asynchronously
  observer.disconnect();
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  const heap = {
    windows: args.windows,
    before_bytes: before,
    after_bytes: after,
    growth_bytes: after - before,
    growth_per_window_bytes: (after - before) / args.windows,
    gc_count: gcCount,
    gc_ms_per_window: gcMs / args.windows,
    gc_share_of_time: gcMs / loopMs,
    fft_backend: fftBackend(),
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
    `${"".padEnd(36)}${"window".padStart(16)}${"median µs".padStart(12)}${"min µs".padStart(10)}${"max µs".padStart(10)}${"CPU µs".padStart(10)}`,
    ...rows.map(
      (r) =>
        `${r.name.padEnd(36)}${r.window.padStart(16)}${r.medianUs.toFixed(1).padStart(12)}${r.minUs.toFixed(1).padStart(10)}${r.maxUs.toFixed(1).padStart(10)}${r.cpuMedianUs.toFixed(1).padStart(10)}`,
    ),
    `(µs: wall clock per call; CPU µs: process CPU time per call, which excludes waiting for a core on a shared machine; load average now ${loadavg()[0].toFixed(1)} on ${cpus().length} cores)`,
    "",
    `Heap after forced GC: ${(before / 1048576).toFixed(2)} MiB before, ${(after / 1048576).toFixed(2)} MiB after ${args.windows} windows through analyzeAll (${heap.fft_backend}): growth ${((after - before) / 1024).toFixed(1)} KiB (${heap.growth_per_window_bytes.toFixed(2)} B/window)`,
    `GC during those windows: ${gcCount} collections, ${(1000 * heap.gc_ms_per_window).toFixed(1)} µs per window (${(100 * heap.gc_share_of_time).toFixed(1)} % of the loop's time)`,
  ];
  process.stdout.write(lines.join("\n") + "\n");
}

void main();
