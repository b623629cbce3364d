/**
 * `npm run bench -- [options]`: end-to-end throughput and latency of the real cluster.
 *
 * Starts api, diagnosis and the five fault workers as separate moleculer-runner processes (private NAMESPACE,
 * private key prefix and stream names, so nothing touches other data on the same Redis; all removed at the end),
 * or connects to a running one (--url, --key). A separate load-generator process (bench/cluster/load-generator.ts)
 * POSTs simulated windows open-loop at --rate; this process reads `fault_diagnosis_results` with XREAD and joins
 * each result with the send time of its window. Prints a table, writes --json.
 *
 *   --vehicles N (100)  --rate R requests/s (50)  --duration S (20)  --warmup S (3)
 *   --window standard|columnar|legacy (standard)  --window-s seconds per window (1)  --rate-hz (8192)
 *   --layout split|combined (split, like npm start: [api] [diagnosis+monitor] [workers]; combined: [api+diagnosis+monitor] [workers])
 *   --workers N worker processes (1)  --cpu-prof DIR (profiles of every runner, summarised at the end)
 *   --json FILE  --check (short run asserting no errors and no lost windows; never a speed)
 *   --state-only --vehicles N (vehicle state for N ids through stores/vehicle-state.ts; Redis memory per vehicle)
 *   --url URL --key KEY (use a running cluster; REDIS_URL / VTOX_PREFIX / RESULTS_STREAM must match it)
 */
import fs from "node:fs";
import path from "node:path";
import type { Redis } from "ioredis";
import { ApiKeyStore } from "../stores/api-keys";
import { createRedis } from "../stores/redis";
import { redisKeys, type RedisKeys } from "../contracts/redis-keys";
import { streamGroupInfo } from "../streams/stream-info";
import { saveVehicleState } from "../stores/vehicle-state";
import type { LoadConfig, WindowShape } from "./cluster/load-generator";
import { cpuSeconds, rssMb } from "./cluster/proc-stats";
import { summarizeProfiles } from "./cluster/cpu-profile";
import { nowMs, summarize } from "./cluster/stats";
import { parseCommandLine } from "../cli/args";
import { freePort } from "../cli/free-port";
import {
  forkLoadGenerator,
  redisInfo,
  startRunner as launch,
  stopAll as stopProcesses,
  waitReady,
  WORKER_SERVICES,
  type ProcessInfo,
} from "./cluster/launcher";
import { setTimeout as sleep } from "node:timers/promises";

const FAMILIES = 5;

const USAGE =
  "npm run bench -- [--vehicles N] [--rate R] [--duration S] [--warmup S] [--window standard|columnar|legacy] [--window-s S] " +
  "[--rate-hz HZ] [--layout split|combined] [--workers N] [--malloc tuned|default] [--cpu-prof DIR] [--json FILE] [--check] [--state-only] [--url URL --key KEY]";

const { values: opt } = parseCommandLine("bench", USAGE, {
  options: {
    vehicles: { type: "string" },
    rate: { type: "string" },
    duration: { type: "string" },
    warmup: { type: "string" },
    window: { type: "string" },
    "window-s": { type: "string" },
    "rate-hz": { type: "string" },
    layout: { type: "string" },
    workers: { type: "string" },
    "cpu-prof": { type: "string" },
    json: { type: "string" },
    check: { type: "boolean" },
    "state-only": { type: "boolean" },
    url: { type: "string" },
    key: { type: "string" },
    malloc: { type: "string" },
  },
});

const check = opt.check === true;
const shape = (opt.window ?? "standard") as WindowShape;
if (!["standard", "columnar", "legacy"].includes(shape)) throw new Error(`--window must be standard, columnar or legacy`);
const rate = Number(opt.rate ?? (check ? 5 : 50));
const durationS = Number(opt.duration ?? (check ? 10 : 20));
const warmupS = Number(opt.warmup ?? (check ? 0 : 3));
const vehicles = Number(opt.vehicles ?? (opt["state-only"] ? 50_000 : check ? 10 : 100));
const layout = opt.layout ?? "split";
const workerProcesses = Number(opt.workers ?? 1);
const runId = `bench-${process.pid}-${Date.now().toString(36)}`;
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const external = opt.url !== undefined;
const prefix = external ? (process.env.VTOX_PREFIX ?? "vtox") : runId;
const streams = external ? {} : { rawStream: `${runId}:motor_raw_data`, resultsStream: `${runId}:fault_diagnosis_results` };
const keys: RedisKeys = redisKeys({ prefix: prefix, ...streams });

const processes: ProcessInfo[] = [];

function serviceEnv(port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REDIS_URL: redisUrl,
    NAMESPACE: runId,
    VTOX_PREFIX: prefix,
    RAW_STREAM: keys.rawStream,
    RESULTS_STREAM: keys.resultsStream,
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    INGEST_RATE_LIMIT: "1000000000",
    // A trimmed raw stream (docs/performance.md#redis-streams): about 8 s of traffic, far above the lag of a healthy run.
    RAW_STREAM_MAXLEN: String(Math.max(2000, Math.ceil(rate * 8))),
    RESULTS_STREAM_MAXLEN: String(Math.max(10_000, Math.ceil(rate * FAMILIES * 8))),
  };
  // --malloc default|tuned: glibc arenas for 10–100 KB buffers (docs/performance.md#malloc-tuning); tuned is the launchers' default.
  if ((opt.malloc ?? "tuned") === "tuned") {
    env.MALLOC_MMAP_THRESHOLD_ ??= "268435456";
    env.MALLOC_TRIM_THRESHOLD_ ??= "1073741824";
  } else {
    delete env.MALLOC_MMAP_THRESHOLD_;
    delete env.MALLOC_TRIM_THRESHOLD_;
  }
  return env;
}

function startRunner(name: string, services: string[], env: NodeJS.ProcessEnv, profDir: string | undefined): void {
  launch(processes, runId, name, services, env, profDir);
}

async function deleteRunKeys(redis: Redis): Promise<void> {
  if (external) return;
  let cursor = "0";
  do {
    const [next, found] = await redis.scan(cursor, "MATCH", `${runId}*`, "COUNT", 1000);
    cursor = next;
    if (found.length) await redis.unlink(...found);
  } while (cursor !== "0");
}

/** Follows the results stream; completion time of a window = Redis time (entry id) of its fifth result. */
class ResultsFollower {
  readonly counts = new Map<string, number>();
  readonly completedAt = new Map<string, number>();
  resultsInWindow = 0;
  private running = true;
  private done: Promise<void> = Promise.resolve();
  constructor(
    private readonly redis: Redis,
    private readonly stream: string,
    private readonly window: { from: number; to: number },
  ) {}

  start(): void {
    this.done = this.loop();
  }

  private async loop(): Promise<void> {
    let last = "$";
    while (this.running) {
      const reply = await this.redis.xread("COUNT", 5000, "BLOCK", 500, "STREAMS", this.stream, last);
      if (!reply) continue;
      for (const [, entries] of reply) {
        for (const [id, fields] of entries) {
          last = id;
          const idMs = Number(id.slice(0, id.indexOf("-")));
          if (idMs >= this.window.from && idMs < this.window.to) this.resultsInWindow++;
          const at = fields.indexOf("original_message_id");
          const original = at >= 0 ? fields[at + 1] : undefined;
          if (!original) continue;
          const n = (this.counts.get(original) ?? 0) + 1;
          this.counts.set(original, n);
          if (n === FAMILIES) this.completedAt.set(original, idMs);
        }
      }
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}

async function stateOnly(redis: Redis): Promise<void> {
  // Vehicle state through the coordinator's own write path: state + history + fleet index + owner.
  const before = await redisInfo(redis, "memory", "used_memory");
  const t0 = performance.now();
  const statuses = {
    turn_fault: { status: "normal" as const, score: 0.1 },
    insulation: { status: "normal" as const, score: 0.05 },
    bearing: { status: "normal" as const, score: 0.2 },
    eccentricity: { status: "normal" as const, score: 0.1 },
    broken_bar: { status: "not_applicable" as const, score: 0, reason: "PMSM: no rotor bars" },
  };
  const batch = 200;
  for (let i = 0; i < vehicles; i += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, vehicles - i) }, async (_, k) => {
        const id = `SIM-${String(i + k + 1).padStart(6, "0")}`;
        const fleetId = `fleet-${(i + k) % 50}`;
        await saveVehicleState(redis, keys, id, {
          fleetId,
          health: 0.93,
          status: "normal",
          findings: statuses,
          updatedAt: new Date().toISOString(),
          originalMessageId: `${Date.now()}-${i + k}`,
        });
      }),
    );
  }
  const seconds = (performance.now() - t0) / 1000;
  const after = await redisInfo(redis, "memory", "used_memory");
  const out = {
    mode: "state-only",
    vehicles,
    seconds,
    writesPerS: vehicles / seconds,
    redisMemoryDeltaBytes: after - before,
    bytesPerVehicle: (after - before) / vehicles,
  };
  console.log(`state for ${vehicles} vehicles (one window each, history length 1) in ${seconds.toFixed(1)} s (${out.writesPerS.toFixed(0)}/s)`);
  console.log(
    `Redis used_memory +${((after - before) / 1048576).toFixed(1)} MB = ${out.bytesPerVehicle.toFixed(0)} B per vehicle (shared Redis: other clients' writes add noise)`,
  );
  if (opt.json) fs.writeFileSync(opt.json, JSON.stringify(out, null, 2));
}

/** Load generator first, then the consumers of the workers (api, diagnosis), then the workers: no calls into the void. */
function stopAll(): Promise<void> {
  return stopProcesses(processes);
}

async function main(): Promise<number> {
  const redis = createRedis(redisUrl, { connectionName: `${runId}:bench` });
  const reader = createRedis(redisUrl, { connectionName: `${runId}:results` });
  try {
    if (opt["state-only"]) {
      await stateOnly(redis);
      return 0;
    }
    const profDir = opt["cpu-prof"] ? path.resolve(opt["cpu-prof"]) : undefined;
    let url = opt.url ?? "";
    let key = opt.key ?? "";
    if (!external) {
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      const env = serviceEnv(port);
      if (layout === "split") {
        startRunner("api", ["services/api.service.ts"], env, profDir);
        startRunner("diagnosis", ["services/diagnosis.service.ts", "services/monitor.service.ts"], env, profDir);
      } else {
        startRunner("gateway", ["services/api.service.ts", "services/diagnosis.service.ts", "services/monitor.service.ts"], env, profDir);
      }
      for (let i = 0; i < workerProcesses; i++) startRunner(`workers${workerProcesses > 1 ? i + 1 : ""}`, WORKER_SERVICES, env, profDir);
    }
    if (!key) key = (await new ApiKeyStore(redis, keys.prefix).create(runId, "ingest", "cluster bench")).key;

    const loadCfg: LoadConfig = {
      url,
      key,
      vehicles,
      rate,
      durationS,
      warmupS,
      shape,
      windowS: Number(opt["window-s"] ?? 1),
      rateHz: Number(opt["rate-hz"] ?? 8192),
      poolPerVehicle: shape === "legacy" ? 1 : 4,
      generatedVehicles: Math.min(vehicles, shape === "columnar" ? 8 : 16),
      maxOutstanding: Math.max(64, Math.ceil(rate * 2)),
      idPrefix: "SIM",
    };
    const sentAt = new Map<string, number>();
    const load = forkLoadGenerator(processes, loadCfg, { ...process.env, ...serviceEnv(0) }, (ids) => {
      for (const [id, t] of ids) sentAt.set(id, t);
    });
    if (!external) await waitReady(url, 90_000);
    await load.ready;
    const redisPid = await redisInfo(redis, "server", "process_id");
    const memBefore = await redisInfo(redis, "memory", "used_memory");

    const t0 = nowMs();
    const measured = { from: t0 + warmupS * 1000, to: t0 + (warmupS + durationS) * 1000 };
    const follower = new ResultsFollower(reader, keys.resultsStream, measured);
    follower.start();
    await sleep(100);
    load.go();

    const pids: { name: string; pid: number }[] = [...processes.map((p) => ({ name: p.name, pid: p.child.pid ?? 0 })), { name: "redis-server", pid: redisPid }];
    const lagSeries: { t: number; lag: number | null; pending: number }[] = [];
    let cpuAtStart: (number | undefined)[] = [];
    let cpuAtEnd: (number | undefined)[] = [];
    let rssAtEnd: (number | undefined)[] = [];
    const sampler = setInterval(() => {
      streamGroupInfo(redis, keys.rawStream, "diagnosis").then(
        (g) => {
          if (g) lagSeries.push({ t: (nowMs() - t0) / 1000, lag: g.lag, pending: g.pending });
        },
        () => undefined,
      );
    }, 1000);
    await sleep(Math.max(0, measured.from - nowMs()));
    cpuAtStart = pids.map((p) => cpuSeconds(p.pid));
    await sleep(Math.max(0, measured.to - nowMs()));
    cpuAtEnd = pids.map((p) => cpuSeconds(p.pid));
    rssAtEnd = pids.map((p) => rssMb(p.pid));
    const lagAtEnd = await streamGroupInfo(redis, keys.rawStream, "diagnosis");
    const memAtEnd = await redisInfo(redis, "memory", "used_memory");
    const loadReport = await load.report;
    clearInterval(sampler);
    if (!loadReport) throw new Error("the load generator gave no report");

    // Drain: every accepted window should get its five results (standard/columnar). Legacy batches complete a
    // window only every targetSamples/rows batches, so only windows that started are followed there.
    const drainDeadline = nowMs() + 60_000;
    const expected = shape === "legacy" ? [] : [...sentAt.keys()];
    while (nowMs() < drainDeadline && expected.some((id) => !follower.completedAt.has(id))) await sleep(200);
    await follower.stop();
    const lost = expected.filter((id) => !follower.completedAt.has(id));
    const e2e: number[] = [];
    for (const [id, done] of follower.completedAt) {
      const sent = sentAt.get(id);
      if (sent !== undefined && sent >= measured.from && sent < measured.to) e2e.push(done - sent);
    }
    const windowLatency = summarize(e2e);
    const dead = await redis.xlen(keys.deadLetterStream);

    const cpu = pids.map((p, i) => ({
      process: p.name,
      pid: p.pid,
      cpuPct: cpuAtStart[i] !== undefined && cpuAtEnd[i] !== undefined ? (100 * (cpuAtEnd[i] - cpuAtStart[i])) / durationS : null,
      rssMb: rssAtEnd[i] ?? null,
    }));
    const diagnosedInWindow = follower.resultsInWindow / FAMILIES;
    // CPU per diagnosed window is robust to other load on the machine: capacity ≈ cores / sum of these.
    const cpuMsPerWindow = cpu.map((c) => ({
      process: c.process,
      ms: c.cpuPct === null || diagnosedInWindow === 0 ? null : (10 * c.cpuPct * durationS) / diagnosedInWindow,
    }));
    const result = {
      runId,
      machine: { nproc: (await import("node:os")).cpus().length, node: process.version },
      config: {
        shape,
        vehicles,
        rate,
        durationS,
        warmupS,
        windowS: loadCfg.windowS,
        rateHz: loadCfg.rateHz,
        layout,
        workerProcesses,
        malloc: opt.malloc ?? "tuned",
        bodyKB: loadReport.bodyBytes / 1024,
      },
      acceptedPerS: loadReport.acceptedInWindow / durationS,
      sent: loadReport.sent,
      accepted: loadReport.accepted,
      errors: loadReport.errors,
      errorSamples: loadReport.errorSamples,
      skippedByClient: loadReport.skipped,
      postLatencyMs: loadReport.postLatencyMs,
      windowToResultMs: windowLatency,
      diagnosedWindowsPerS: follower.resultsInWindow / FAMILIES / durationS,
      lostWindows: shape === "legacy" ? null : lost.length,
      deadLettered: dead,
      lagAtEnd: lagAtEnd ? { lag: lagAtEnd.lag, pending: lagAtEnd.pending } : null,
      lagSeries,
      cpu,
      cpuMsPerWindow,
      redisMemory: { beforeBytes: memBefore, atEndBytes: memAtEnd, deltaBytes: memAtEnd - memBefore, perVehicleBytes: (memAtEnd - memBefore) / vehicles },
    };
    printTable(result);
    if (opt.json) fs.writeFileSync(opt.json, JSON.stringify(result, null, 2));
    await stopAll();
    if (profDir) console.log(summarizeProfiles(profDir));

    if (check) {
      const problems: string[] = [];
      if (result.errors > 0) problems.push(`${result.errors} request errors: ${result.errorSamples.join(" | ")}`);
      if (result.accepted === 0) problems.push("no window was accepted");
      if (lost.length > 0) problems.push(`${lost.length} accepted windows without their five results (e.g. ${lost.slice(0, 3).join(", ")})`);
      if (dead > 0) problems.push(`${dead} entries dead-lettered`);
      if (problems.length) {
        console.error(`bench --check FAILED:\n  ${problems.join("\n  ")}`);
        return 1;
      }
      console.log(`bench --check passed: ${result.accepted} windows accepted, each with its ${FAMILIES} results, no errors`);
    }
    return 0;
  } finally {
    await stopAll();
    await deleteRunKeys(redis).catch(() => undefined);
    await redis.quit().catch(() => undefined);
    await reader.quit().catch(() => undefined);
  }
}

function fmt(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined || Number.isNaN(x) ? "–" : x.toFixed(digits);
}

function printTable(r: {
  config: {
    shape: string;
    vehicles: number;
    rate: number;
    durationS: number;
    windowS: number;
    layout: string;
    workerProcesses: number;
    bodyKB: number;
    malloc: string;
  };
  acceptedPerS: number;
  errors: number;
  skippedByClient: number;
  postLatencyMs: { p50: number; p99: number };
  windowToResultMs: { p50: number; p99: number; count: number };
  diagnosedWindowsPerS: number;
  lostWindows: number | null;
  deadLettered: number;
  lagAtEnd: { lag: number | null; pending: number } | null;
  cpu: { process: string; cpuPct: number | null; rssMb: number | null }[];
  cpuMsPerWindow: { ms: number | null }[];
  redisMemory: { deltaBytes: number; perVehicleBytes: number };
}): void {
  const c = r.config;
  console.log(
    `\n${c.shape} windows of ${c.windowS} s (${c.bodyKB.toFixed(1)} KB body), ${c.vehicles} vehicles, open loop ${c.rate}/s for ${c.durationS} s, layout ${c.layout}, ${c.workerProcesses} worker process(es), malloc ${c.malloc}`,
  );
  const rows: [string, string][] = [
    ["accepted requests/s", fmt(r.acceptedPerS)],
    ["POST latency p50 / p99 ms", `${fmt(r.postLatencyMs.p50)} / ${fmt(r.postLatencyMs.p99)}`],
    ["window→result p50 / p99 ms", `${fmt(r.windowToResultMs.p50)} / ${fmt(r.windowToResultMs.p99)} (${r.windowToResultMs.count} windows)`],
    ["diagnosed windows/s", fmt(r.diagnosedWindowsPerS)],
    ["errors / skipped by client", `${r.errors} / ${r.skippedByClient}`],
    ["lost windows / dead-lettered", `${r.lostWindows ?? "n/a"} / ${r.deadLettered}`],
    ["stream lag / pending at end", r.lagAtEnd ? `${r.lagAtEnd.lag ?? "?"} / ${r.lagAtEnd.pending}` : "–"],
    ["Redis memory Δ (per vehicle)", `${fmt(r.redisMemory.deltaBytes / 1048576)} MB (${fmt(r.redisMemory.perVehicleBytes / 1024)} KB)`],
    ...r.cpu.map((p, i): [string, string] => [
      `CPU % ${p.process}`,
      `${fmt(p.cpuPct, 0)} (${fmt(r.cpuMsPerWindow[i].ms, 2)} ms per diagnosed window; RSS ${fmt(p.rssMb, 0)} MB)`,
    ]),
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
}

process.on("SIGINT", () => {
  void stopAll().then(() => process.exit(130));
});
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    void stopAll().then(() => process.exit(1));
  },
);
