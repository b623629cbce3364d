/**
 * `npm run soak -- [options]`: proves that Redis memory stays flat under steady load once retention runs.
 *
 * Starts a private in-memory redis-server on loopback (no AOF, no RDB, maxmemory 2gb noeviction as a safety net,
 * removed at the end), the cluster as in `npm run bench` (bench/cluster/launcher.ts: [api] [diagnosis + monitor]
 * [five workers]) with RAW_STREAM_RETENTION_S=--retention and RETENTION_INTERVAL_S=--interval, and the bench's
 * open-loop load generator posting standard windows (1 s, 4 × 8192 samples, 171 KB) at --rate. Every --sample
 * seconds it records Redis used_memory (INFO memory), the raw stream's length and bytes, lag and pending.
 * PASS when every sample of the last --judge seconds lies within ±--tolerance of their mean, every accepted window
 * got its five results (results stream entries-added = 5 × accepted), no request failed and nothing was dead-lettered.
 * Prints the series and the verdict; exits 1 on failure.
 *
 *   --duration S (600)  --rate R windows/s (20)  --retention S (60)  --interval S (5)  --sample S (10)
 *   --judge S (300)  --tolerance F (0.10)  --vehicles N (20)  --results-maxlen N (1000)  --json FILE
 *
 * The results stream is capped by count (its entries are small and bounded: the findings, never the window);
 * --results-maxlen keeps it from growing through the judged window so that the flatness measured is the raw
 * stream's. The CI version (test/integration/soak.spec.ts) runs 60 s with --retention 15 --interval 1 --sample 2
 * --judge 30.
 */
import fs from "node:fs";
import type { Redis } from "ioredis";
import { ApiKeyStore } from "../stores/api-keys";
import { createRedis } from "../stores/redis";
import { redisKeys } from "../contracts/redis-keys";
import { streamGroupInfo } from "../streams/stream-info";
import { pairsToRecord } from "../streams/stream-replies";
import { parseCommandLine } from "../cli/args";
import { freePort } from "../cli/free-port";
import { PrivateRedis, redisServerInstalled } from "../tools/chaos/private-redis";
import { forkLoadGenerator, redisInfo, startRunner, stopAll, waitReady, WORKER_SERVICES, type ProcessInfo } from "./cluster/launcher";
import type { LoadConfig } from "./cluster/load-generator";
import { setTimeout as sleep } from "node:timers/promises";

const USAGE =
  "npm run soak -- [--duration S] [--rate R] [--retention S] [--interval S] [--sample S] [--judge S] [--tolerance F] [--vehicles N] [--results-maxlen N] [--json FILE]";
const { values: opt } = parseCommandLine("soak", USAGE, {
  options: {
    duration: { type: "string" },
    rate: { type: "string" },
    retention: { type: "string" },
    interval: { type: "string" },
    sample: { type: "string" },
    judge: { type: "string" },
    tolerance: { type: "string" },
    vehicles: { type: "string" },
    "results-maxlen": { type: "string" },
    json: { type: "string" },
  },
});

const durationS = Number(opt.duration ?? 600);
const rate = Number(opt.rate ?? 20);
const retentionS = Number(opt.retention ?? 60);
const intervalS = Number(opt.interval ?? 5);
const sampleS = Number(opt.sample ?? 10);
const judgeS = Number(opt.judge ?? 300);
const tolerance = Number(opt.tolerance ?? 0.1);
const vehicles = Number(opt.vehicles ?? 20);
const resultsMaxLen = Number(opt["results-maxlen"] ?? 1000);
for (const [k, v] of Object.entries({ durationS, rate, retentionS, intervalS, sampleS, judgeS, tolerance, vehicles, resultsMaxLen })) {
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${k} must be a positive number`);
}
if (judgeS > durationS) throw new Error("--judge must not exceed --duration");

const runId = `soak-${process.pid}-${Date.now().toString(36)}`;
const keys = redisKeys({ prefix: runId, rawStream: `${runId}:motor_raw_data`, resultsStream: `${runId}:fault_diagnosis_results` });
const processes: ProcessInfo[] = [];

export interface Sample {
  t: number;
  usedMemory: number;
  rawEntries: number;
  rawBytes: number;
  lag: number | null;
  pending: number;
  deadLetters: number;
}

/** Flatness: every value within ±tolerance of the mean of the values. */
export function flatness(values: readonly number[], tol: number): { mean: number; min: number; max: number; maxDeviation: number; flat: boolean } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const min = Math.min(...values);
  const max = Math.max(...values);
  const maxDeviation = Math.max(mean - min, max - mean) / mean;
  return { mean, min, max, maxDeviation, flat: values.length >= 2 && maxDeviation <= tol };
}

async function sample(redis: Redis, t: number): Promise<Sample> {
  const [usedMemory, rawEntries, rawBytes, group, deadLetters] = await Promise.all([
    redisInfo(redis, "memory", "used_memory"),
    redis.xlen(keys.rawStream),
    redis.call("MEMORY", "USAGE", keys.rawStream, "SAMPLES", "0").then((n) => Number(n ?? 0)),
    streamGroupInfo(redis, keys.rawStream, "diagnosis"),
    redis.xlen(keys.deadLetterStream),
  ]);
  return { t, usedMemory, rawEntries, rawBytes, lag: group?.lag ?? null, pending: group?.pending ?? 0, deadLetters };
}

const mb = (b: number) => (b / 1048576).toFixed(1);

async function main(): Promise<number> {
  if (!redisServerInstalled()) {
    console.error("npm run soak needs redis-server (it runs a private one on loopback)");
    return 2;
  }
  const server = await PrivateRedis.start({ persistence: "none", maxmemory: "2gb" });
  const redis = createRedis(server.url, { connectionName: `${runId}:soak` });
  try {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      REDIS_URL: server.url,
      NAMESPACE: runId,
      VTOX_PREFIX: runId,
      RAW_STREAM: keys.rawStream,
      RESULTS_STREAM: keys.resultsStream,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
      INGEST_RATE_LIMIT: "1000000000",
      RAW_STREAM_RETENTION_S: String(retentionS),
      RETENTION_INTERVAL_S: String(intervalS),
      // The count caps at their defaults (raw) or far above the retention: retention is what bounds the raw stream.
      RAW_STREAM_MAXLEN: "100000",
      RESULTS_STREAM_MAXLEN: String(resultsMaxLen),
      MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? "268435456",
      MALLOC_TRIM_THRESHOLD_: process.env.MALLOC_TRIM_THRESHOLD_ ?? "1073741824",
    };
    startRunner(processes, runId, "api", ["services/api.service.ts"], env);
    startRunner(processes, runId, "diagnosis", ["services/diagnosis.service.ts", "services/monitor.service.ts"], env);
    startRunner(processes, runId, "workers", WORKER_SERVICES, env);
    const key = (await new ApiKeyStore(redis, keys.prefix).create(runId, "ingest", "soak")).key;
    const loadCfg: LoadConfig = {
      url,
      key,
      vehicles,
      rate,
      durationS,
      warmupS: 0,
      shape: "standard",
      windowS: 1,
      rateHz: 8192,
      legacyBatch: 0,
      pipeline: 1,
      poolPerVehicle: 4,
      generatedVehicles: Math.min(vehicles, 16),
      maxOutstanding: Math.max(64, rate * 2),
      idPrefix: "SOAK",
    };
    const load = forkLoadGenerator(processes, loadCfg, env);
    await waitReady(url, 90_000);
    await load.ready;
    console.log(
      `soak: ${durationS} s of standard windows at ${rate}/s from ${vehicles} vehicles, RAW_STREAM_RETENTION_S=${retentionS}, ` +
        `RETENTION_INTERVAL_S=${intervalS}, sampling every ${sampleS} s, flatness judged over the last ${judgeS} s (±${(tolerance * 100).toFixed(0)} %), private Redis ${server.url}`,
    );
    const base = await sample(redis, 0);
    console.log(`  t(s)  used_memory MB  raw entries  raw MB  lag  pending  DLQ`);
    const print = (s: Sample) =>
      console.log(
        `  ${String(s.t).padStart(4)}  ${mb(s.usedMemory).padStart(14)}  ${String(s.rawEntries).padStart(11)}  ${mb(s.rawBytes).padStart(6)}  ${String(s.lag ?? "?").padStart(3)}  ${String(s.pending).padStart(7)}  ${String(s.deadLetters).padStart(3)}`,
      );
    print(base);
    const t0 = Date.now();
    load.go();
    const series: Sample[] = [];
    for (let k = 1; k * sampleS <= durationS; k++) {
      await sleep(Math.max(0, t0 + k * sampleS * 1000 - Date.now()));
      const s = await sample(redis, k * sampleS);
      series.push(s);
      print(s);
    }
    const report = await load.report;
    if (!report) throw new Error("the load generator gave no report");
    // Drain: every accepted window diagnosed (results are written exactly once per window and family).
    const deadline = Date.now() + 60_000;
    let resultsAdded = 0;
    for (;;) {
      const info = pairsToRecord(await redis.call("XINFO", "STREAM", keys.resultsStream).catch(() => []));
      resultsAdded = Number(info["entries-added"] ?? 0);
      if (resultsAdded >= report.accepted * 5 || Date.now() > deadline) break;
      await sleep(500);
    }
    const judged = series.filter((s) => s.t > durationS - judgeS).map((s) => s.usedMemory);
    const f = flatness(judged, tolerance);
    const dead = await redis.xlen(keys.deadLetterStream);
    const problems: string[] = [];
    if (!f.flat)
      problems.push(
        `used_memory over the last ${judgeS} s deviates ${(f.maxDeviation * 100).toFixed(1)} % from its mean (> ±${(tolerance * 100).toFixed(0)} %)`,
      );
    if (report.errors > 0) problems.push(`${report.errors} request errors: ${report.errorSamples.join(" | ")}`);
    if (report.accepted === 0) problems.push("no window was accepted");
    if (resultsAdded !== report.accepted * 5)
      problems.push(`results stream got ${resultsAdded} entries for ${report.accepted} accepted windows (expected ${report.accepted * 5})`);
    if (dead > 0) problems.push(`${dead} entries dead-lettered`);
    const all = series.map((s) => s.usedMemory);
    const last = series[series.length - 1];
    console.log(
      `\nwindows: ${report.accepted} accepted (${(report.accepted / durationS).toFixed(1)}/s), ${report.errors} errors, ${report.skipped} skipped by the client; ` +
        `results ${resultsAdded} (= 5 × ${resultsAdded / 5}); dead letters ${dead}`,
    );
    console.log(
      `used_memory: start ${mb(base.usedMemory)} MB, peak ${mb(Math.max(...all))} MB, end ${mb(last.usedMemory)} MB; ` +
        `last ${judgeS} s: mean ${mb(f.mean)} MB, min ${mb(f.min)}, max ${mb(f.max)}, largest deviation ${(f.maxDeviation * 100).toFixed(1)} % of the mean`,
    );
    console.log(
      `raw stream at the end: ${last.rawEntries} entries, ${mb(last.rawBytes)} MB (${(last.rawBytes / Math.max(1, last.rawEntries) / 1024).toFixed(1)} KB per entry; ` +
        `${rate}/s × ${retentionS} s = ${rate * retentionS} entries by retention alone)`,
    );
    if (opt.json)
      fs.writeFileSync(
        opt.json,
        JSON.stringify(
          {
            runId,
            config: { durationS, rate, retentionS, intervalS, sampleS, judgeS, tolerance, vehicles, resultsMaxLen },
            base,
            series,
            flatness: f,
            report,
            resultsAdded,
            deadLetters: dead,
            problems,
          },
          null,
          2,
        ),
      );
    console.log(problems.length === 0 ? "VERDICT: PASS (memory flat, every window diagnosed once)" : `VERDICT: FAIL\n  ${problems.join("\n  ")}`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    await stopAll(processes);
    await redis.quit().catch(() => redis.disconnect());
    await server.destroy();
  }
}

process.on("SIGINT", () => {
  void stopAll(processes).then(() => process.exit(130));
});
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    void stopAll(processes).then(() => process.exit(1));
  },
);
