/**
 * One measured run of the cluster bench: starts the services (of this checkout or of --tree), the load generator,
 * waits out the warm-up, snapshots every counter at the start and at the end of the measured interval, and turns
 * the differences into per-window figures: CPU per process (main thread and background threads), GC time,
 * Redis bytes and commands, the backlog's trend, throughput and latencies. Nothing from the warm-up counts.
 */
import os from "node:os";
import type { Redis } from "ioredis";
import { ApiKeyStore } from "../../stores/api-keys";
import { createRedis } from "../../stores/redis";
import { redisKeys, type RedisKeys } from "../../contracts/redis-keys";
import { freePort } from "../../cli/free-port";
import { setTimeout as sleep } from "node:timers/promises";
import { forkLoadGenerator, redisInfo, startRunner, stopAll, waitReady, WORKER_SERVICES, type ProcessInfo, type RunnerPlacement } from "./launcher";
import type { LoadConfig, LoadReport } from "./load-generator";
import { machineCpu, rssMb, threadCpu, threadCpuDelta, type ThreadCpu } from "./proc-stats";
import { GC_OBSERVER, gcDelta, gcSnapshot, type GcTotals } from "./gc-stats";
import { redisCounters, redisTraffic, type RedisTraffic } from "./redis-stats";
import { backlog, findRawStreams, judgeBacklog, type BacklogSample, type BacklogVerdict } from "./backlog";
import { ResultsFollower } from "./results-follower";
import { nowMs, summarize } from "./stats";
import type { CpuQuota } from "./cpu-quota";

export const FAMILIES = 5;

export interface RunOptions {
  redisUrl: string;
  /** A running cluster (--url, --key): nothing is started; REDIS_URL / VTOX_PREFIX / RESULTS_STREAM must match it. */
  external?: { url: string; key: string };
  /** Checkout whose services run. */
  tree: string;
  layout: "split" | "combined";
  workers: number;
  cpuQuota?: CpuQuota;
  malloc: "tuned" | "default";
  profDir?: string;
  /** The load; url and key are filled in here. */
  load: Omit<LoadConfig, "url" | "key">;
  /** Wait until every accepted window has its results (lost windows); skipped under --cpu-quota overload. */
  drain: boolean;
  redisIsPrivate: boolean;
  /** Where the GC preload writes its totals (one file per pid); the caller creates and removes it. */
  gcDir: string;
}

export interface ProcessFigures {
  process: string;
  pid: number;
  role: "service" | "redis" | "loadgen";
  cpuPct: number | null;
  /** CPU ms per diagnosed window: the whole process, its main thread, its other threads (V8 GC/JIT, libuv, Redis bio). */
  cpuMsPerWindow: number | null;
  mainMsPerWindow: number | null;
  backgroundMsPerWindow: number | null;
  /** Background CPU by thread name, ms per window. */
  backgroundByThread: Record<string, number>;
  /** GC pause time (perf_hooks gc entries) per window, and GC events in the interval; null without the preload. */
  gcMsPerWindow: number | null;
  gcCount: number | null;
  rssMb: number | null;
}

export interface RunResult {
  runId: string;
  /** Cores busy on the whole machine over the interval, and how many of them were neither the pipeline nor the load generator. */
  machine: { nproc: number; node: string; busyCores: number | null; otherCores: number | null };
  config: Record<string, string | number | boolean | null>;
  /** What the "per window" figures are per: diagnosed windows, or accepted messages for legacy loads. */
  unit: "window" | "message";
  /** Requests and messages (a batch carries several) accepted per second over the measured interval. */
  acceptedPerS: number;
  acceptedMessagesPerS: number;
  sent: number;
  accepted: number;
  errors: number;
  errorSamples: string[];
  skippedByClient: number;
  unsupported: string | null;
  postLatencyMs: LoadReport["postLatencyMs"];
  windowToResultMs: ReturnType<typeof summarize>;
  diagnosedWindows: number;
  diagnosedWindowsPerS: number;
  lostWindows: number | null;
  deadLettered: number;
  backlog: BacklogVerdict;
  backlogSeries: BacklogSample[];
  processes: ProcessFigures[];
  /** Every service process + Redis, load generator excluded. */
  wholePipeline: { cpuMsPerWindow: number | null; mainMsPerWindow: number | null; backgroundMsPerWindow: number | null; coresUsed: number | null };
  redis: {
    private: boolean;
    bytesInPerWindow: number | null;
    bytesOutPerWindow: number | null;
    commandsPerWindow: number | null;
    traffic: RedisTraffic | null;
  };
  redisMemory: { deltaBytes: number; perVehicleBytes: number };
}

function serviceEnv(opts: RunOptions, runId: string, keys: RedisKeys, port: number, gcDir: string): NodeJS.ProcessEnv {
  const rate = opts.load.rate;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REDIS_URL: opts.redisUrl,
    NAMESPACE: runId,
    VTOX_PREFIX: keys.prefix,
    RAW_STREAM: keys.rawStream,
    RESULTS_STREAM: keys.resultsStream,
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    // The bench measures the pipeline, not the per-key throttle; per-vehicle and per-fleet limits stay as configured.
    INGEST_RATE_LIMIT: "1000000000",
    // A trimmed raw stream (docs/performance.md#redis-streams): about 8 s of traffic, far above the lag of a healthy run.
    RAW_STREAM_MAXLEN: String(Math.max(2000, Math.ceil(rate * 8))),
    RESULTS_STREAM_MAXLEN: String(Math.max(10_000, Math.ceil(rate * FAMILIES * 8))),
    BENCH_GC_DIR: gcDir,
  };
  // glibc arenas for 10–100 KB buffers (docs/performance.md#malloc-tuning); tuned is the launchers' default.
  if (opts.malloc === "tuned") {
    env.MALLOC_MMAP_THRESHOLD_ ??= "268435456";
    env.MALLOC_TRIM_THRESHOLD_ ??= "1073741824";
  } else {
    delete env.MALLOC_MMAP_THRESHOLD_;
    delete env.MALLOC_TRIM_THRESHOLD_;
  }
  return env;
}

async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, found] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    if (found.length) await redis.unlink(...found);
  } while (cursor !== "0");
}

const perWindow = (x: number | null | undefined, windows: number): number | null => (x === null || x === undefined || windows <= 0 ? null : x / windows);

/** Starts, measures and stops one cluster; `processes` is shared with the caller so that Ctrl-C can stop it. */
export async function measureRun(opts: RunOptions, processes: ProcessInfo[]): Promise<RunResult> {
  const runId = `bench-${process.pid}-${Date.now().toString(36)}`;
  const external = opts.external !== undefined;
  const keys = external
    ? redisKeys({ prefix: process.env.VTOX_PREFIX ?? "vtox" })
    : redisKeys({ prefix: runId, rawStream: `${runId}:motor_raw_data`, resultsStream: `${runId}:fault_diagnosis_results` });
  const redis = createRedis(opts.redisUrl, { connectionName: `${runId}:bench` });
  const reader = createRedis(opts.redisUrl, { connectionName: `${runId}:results` });
  const gcDir = opts.gcDir;
  const { durationS, warmupS } = opts.load;
  try {
    let url = opts.external?.url ?? "";
    let key = opts.external?.key ?? "";
    const port = external ? 0 : await freePort();
    const env = serviceEnv(opts, runId, keys, port, gcDir);
    if (!external) {
      url = `http://127.0.0.1:${port}`;
      const placement: RunnerPlacement = { root: opts.tree, nodeOptions: ["--import", GC_OBSERVER] };
      const workerPlacement: RunnerPlacement = opts.cpuQuota ? { ...placement, wrap: opts.cpuQuota.wrap.bind(opts.cpuQuota) } : placement;
      const start = (name: string, services: string[], p: RunnerPlacement) => startRunner(processes, runId, name, services, env, opts.profDir, p);
      if (opts.layout === "split") {
        start("api", ["services/api.service.ts"], placement);
        start("diagnosis", ["services/diagnosis.service.ts", "services/monitor.service.ts"], placement);
      } else {
        start("gateway", ["services/api.service.ts", "services/diagnosis.service.ts", "services/monitor.service.ts"], placement);
      }
      for (let i = 0; i < opts.workers; i++) start(`workers${opts.workers > 1 ? i + 1 : ""}`, WORKER_SERVICES, workerPlacement);
      key = (await new ApiKeyStore(redis, keys.prefix).create(runId, "ingest", "cluster bench")).key;
    }

    const loadCfg: LoadConfig = { ...opts.load, url, key };
    const sentAt = new Map<string, number>();
    const loadEnv = { ...env };
    delete loadEnv.BENCH_GC_DIR;
    const load = forkLoadGenerator(processes, loadCfg, loadEnv, (ids) => {
      for (const [id, t] of ids) sentAt.set(id, t);
    });
    if (!external) await waitReady(url, 90_000);
    await load.ready;
    const redisPid = await redisInfo(redis, "server", "process_id");
    const memBefore = await redisInfo(redis, "memory", "used_memory");

    const t0 = nowMs();
    const measured = { from: t0 + warmupS * 1000, to: t0 + (warmupS + durationS) * 1000 };
    const follower = new ResultsFollower(reader, keys.resultsStream, FAMILIES, measured);
    follower.start();
    await sleep(100);
    load.go();

    const pids = [
      ...processes.map((p) => ({ name: p.name, pid: p.child.pid ?? 0, role: p.name === "loadgen" ? ("loadgen" as const) : ("service" as const) })),
      { name: "redis-server", pid: redisPid, role: "redis" as const },
    ];
    const servicePids = pids.filter((p) => p.role === "service").map((p) => p.pid);
    const series: BacklogSample[] = [];
    let streams = [keys.rawStream];
    let sampling = Promise.resolve();
    const sampler = setInterval(() => {
      const now = nowMs();
      if (now < measured.from || now > measured.to) return;
      sampling = sampling.then(() => backlog(redis, streams, (now - t0) / 1000).then((s) => void series.push(s))).catch(() => undefined);
    }, 1000);

    // A load the tree cannot take (e.g. 415 to CBOR) ends the generator early: stop waiting then.
    let unsupported = false;
    const stopped = load.report.then((r) => void (unsupported = r?.unsupported !== undefined));
    const waitUntil = (t: number) =>
      Promise.race([sleep(Math.max(0, t - nowMs())), stopped.then(() => (unsupported ? undefined : sleep(Math.max(0, t - nowMs()))))]);
    await waitUntil(measured.from);
    const machineAtStart = machineCpu();
    const cpuAtStart = pids.map((p) => threadCpu(p.pid));
    const [redisAtStart, gcAtStart] = await Promise.all([redisCounters(redis), gcSnapshot(gcDir, servicePids)]);
    streams = await findRawStreams(redis, keys.rawStream);
    series.push(await backlog(redis, streams, (nowMs() - t0) / 1000));
    await waitUntil(measured.to);
    const machineAtEnd = machineCpu();
    const cpuAtEnd = pids.map((p) => threadCpu(p.pid));
    const rssAtEnd = pids.map((p) => rssMb(p.pid));
    const [redisAtEnd, gcAtEnd] = await Promise.all([redisCounters(redis), gcSnapshot(gcDir, servicePids)]);
    clearInterval(sampler);
    await sampling;
    series.push(await backlog(redis, streams, (nowMs() - t0) / 1000));
    const memAtEnd = await redisInfo(redis, "memory", "used_memory");
    const loadReport = await load.report;
    if (!loadReport) throw new Error("the load generator gave no report");

    // Drain: every accepted window should get its five results. Legacy batches complete a window only every
    // targetSamples/rows batches, so they are not followed one by one.
    const expected = opts.load.shape === "legacy" || !opts.drain ? [] : [...sentAt.keys()];
    const drainDeadline = nowMs() + 60_000;
    while (nowMs() < drainDeadline && expected.some((id) => !follower.completedAt.has(id))) await sleep(200);
    await follower.stop();
    const lost = expected.filter((id) => !follower.completedAt.has(id));
    const e2e: number[] = [];
    for (const [id, done] of follower.completedAt) {
      const sent = sentAt.get(id);
      if (sent !== undefined && sent >= measured.from && sent < measured.to) e2e.push(done - sent);
    }
    const dead = await redis.xlen(keys.deadLetterStream);
    const windows = follower.resultsInWindow / FAMILIES;
    // Legacy batches complete a window only every few hundred messages: their costs are per accepted message.
    const unit = opts.load.shape === "legacy" ? ("message" as const) : ("window" as const);
    const units = unit === "message" ? loadReport.acceptedMessagesInWindow : windows;

    const processesOut: ProcessFigures[] = pids.map((p, i) => {
      const a: ThreadCpu | undefined = cpuAtStart[i];
      const b: ThreadCpu | undefined = cpuAtEnd[i];
      const d = a && b ? threadCpuDelta(a, b) : undefined;
      const si = servicePids.indexOf(p.pid);
      const gc: GcTotals | undefined = si >= 0 ? gcDelta(gcAtStart[si], gcAtEnd[si]) : undefined;
      const backgroundByThread: Record<string, number> = {};
      for (const [name, s] of Object.entries(d?.byThreadName ?? {})) if (s > 0) backgroundByThread[name] = perWindow(s * 1000, units) ?? 0;
      return {
        process: p.name,
        pid: p.pid,
        role: p.role,
        cpuPct: d ? (100 * d.totalS) / durationS : null,
        cpuMsPerWindow: perWindow(d && d.totalS * 1000, units),
        mainMsPerWindow: perWindow(d && d.mainS * 1000, units),
        backgroundMsPerWindow: perWindow(d && d.backgroundS * 1000, units),
        backgroundByThread,
        gcMsPerWindow: perWindow(gc?.ms, units),
        gcCount: gc?.count ?? null,
        rssMb: rssAtEnd[i] ?? null,
      };
    });
    const pipeline = processesOut.filter((p) => p.role !== "loadgen");
    const sum = (pick: (p: ProcessFigures) => number | null): number | null =>
      pipeline.some((p) => pick(p) === null) ? null : pipeline.reduce((s, p) => s + (pick(p) ?? 0), 0);
    const traffic = redisTraffic(redisAtStart, redisAtEnd);
    const busyCores = machineAtStart && machineAtEnd ? (machineAtEnd.busyS - machineAtStart.busyS) / durationS : null;
    const benchCores = processesOut.reduce((s, p) => s + (p.cpuPct ?? 0) / 100, 0);
    const acceptedMessagesPerS = loadReport.acceptedMessagesInWindow / durationS;

    return {
      runId,
      machine: { nproc: os.cpus().length, node: process.version, busyCores, otherCores: busyCores === null ? null : Math.max(0, busyCores - benchCores) },
      unit,
      config: {
        tree: opts.tree,
        shape: opts.load.shape,
        legacyBatch: opts.load.legacyBatch,
        pipeline: opts.load.pipeline,
        vehicles: opts.load.vehicles,
        rate: opts.load.rate,
        durationS,
        warmupS,
        windowS: opts.load.windowS,
        rateHz: opts.load.rateHz,
        layout: opts.layout,
        workerProcesses: opts.workers,
        cpuQuotaCores: opts.cpuQuota?.cores ?? null,
        cgroup: opts.cpuQuota?.hierarchy.version ?? null,
        malloc: opts.malloc,
        bodyKB: loadReport.bodyBytes / 1024,
      },
      acceptedPerS: loadReport.acceptedInWindow / durationS,
      acceptedMessagesPerS,
      sent: loadReport.sent,
      accepted: loadReport.accepted,
      errors: loadReport.errors,
      errorSamples: loadReport.errorSamples,
      skippedByClient: loadReport.skipped,
      unsupported: loadReport.unsupported ?? null,
      postLatencyMs: loadReport.postLatencyMs,
      windowToResultMs: summarize(e2e),
      diagnosedWindows: windows,
      diagnosedWindowsPerS: windows / durationS,
      lostWindows: opts.load.shape === "legacy" || !opts.drain ? null : lost.length,
      deadLettered: dead,
      backlog: judgeBacklog(series, acceptedMessagesPerS, durationS),
      backlogSeries: series,
      processes: processesOut,
      wholePipeline: {
        cpuMsPerWindow: sum((p) => p.cpuMsPerWindow),
        mainMsPerWindow: sum((p) => p.mainMsPerWindow),
        backgroundMsPerWindow: sum((p) => p.backgroundMsPerWindow),
        coresUsed: sum((p) => p.cpuPct) === null ? null : (sum((p) => p.cpuPct) ?? 0) / 100,
      },
      redis: {
        private: opts.redisIsPrivate,
        bytesInPerWindow: perWindow(traffic.netInputBytes, units),
        bytesOutPerWindow: perWindow(traffic.netOutputBytes, units),
        commandsPerWindow: perWindow(traffic.commands, units),
        traffic,
      },
      redisMemory: { deltaBytes: memAtEnd - memBefore, perVehicleBytes: (memAtEnd - memBefore) / opts.load.vehicles },
    };
  } finally {
    await stopAll(processes);
    processes.splice(0);
    const left = opts.cpuQuota?.remove() ?? [];
    if (left.length) console.error(`bench: cgroups still busy, not removed: ${left.join(", ")}`);
    if (!external) await deleteKeys(redis, `${runId}*`).catch(() => undefined);
    await redis.quit().catch(() => undefined);
    await reader.quit().catch(() => undefined);
  }
}
