/**
 * `npm run bench -- [options]`: steady-state throughput, latency and cost per window of the real cluster.
 *
 * Starts api, diagnosis and the five fault workers as separate moleculer-runner processes (private NAMESPACE,
 * private key prefix and stream names; all removed at the end) from this checkout or from --tree DIR, on a private
 * redis-server unless --redis shared, or uses a running cluster (--url, --key). A separate load-generator process
 * (bench/cluster/load-generator.ts) posts pre-encoded bodies open-loop at --rate. After --warmup seconds every
 * counter is snapshotted, again after --duration seconds, and only the differences count: diagnosed windows/s,
 * the backlog's trend, CPU per window of every process (main thread and background threads, from /proc), GC time
 * (a preload, bench/cluster/gc-observer.mjs), Redis bytes and commands per window (INFO deltas). How to read them:
 * docs/performance.md ("Measuring the cluster").
 *
 *   --rate R messages/s (50)  --duration S measured (90)  --warmup S excluded (15)  --vehicles N (100)  --runs N (1; medians)
 *   --window standard|columnar|legacy|cbor (standard)  --legacy-batch N (legacy: N batches per request to the batch endpoint)
 *   --pipeline N requests in flight per connection (1; legacy 8)  --window-s S (1)  --rate-hz HZ (8192)
 *   --layout split|combined (split: [api] [diagnosis+monitor] [workers…])  --workers N (1)  --compare-workers 1,2
 *   --cpu-quota CORES per worker process (cgroup)  --tree DIR  --redis private|shared  --malloc tuned|default
 *   --cpu-prof DIR  --json FILE  --check (short run: no errors, no lost windows; never a speed)
 *   --state-only --vehicles N  --url URL --key KEY
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { createRedis } from "../stores/redis";
import { redisKeys } from "../contracts/redis-keys";
import { parseCommandLine } from "../cli/args";
import { PrivateRedis, redisServerInstalled } from "../tools/chaos/private-redis";
import { ROOT, stopAll, type ProcessInfo } from "./cluster/launcher";
import { WINDOW_SHAPES, type WindowShape } from "./cluster/bodies";
import { summarizeProfiles } from "./cluster/cpu-profile";
import { CpuQuota } from "./cluster/cpu-quota";
import { medianOf } from "./cluster/median";
import { formatRun, QUOTA_SATURATED } from "./cluster/report";
import { FAMILIES, measureRun, type RunOptions, type RunResult } from "./cluster/run";
import { stateOnly } from "./cluster/state-only";

const USAGE =
  "npm run bench -- [--rate R] [--duration S] [--warmup S] [--vehicles N] [--runs N] [--window standard|columnar|legacy|cbor] [--legacy-batch N] " +
  "[--pipeline N] [--window-s S] [--rate-hz HZ] [--layout split|combined] [--workers N] [--compare-workers 1,2] [--cpu-quota CORES] [--tree DIR] " +
  "[--redis private|shared] [--malloc tuned|default] [--cpu-prof DIR] [--json FILE] [--check] [--state-only] [--url URL --key KEY]";

const { values: opt } = parseCommandLine("bench", USAGE, {
  options: {
    vehicles: { type: "string" },
    rate: { type: "string" },
    duration: { type: "string" },
    warmup: { type: "string" },
    runs: { type: "string" },
    window: { type: "string" },
    "legacy-batch": { type: "string" },
    pipeline: { type: "string" },
    "window-s": { type: "string" },
    "rate-hz": { type: "string" },
    layout: { type: "string" },
    workers: { type: "string" },
    "compare-workers": { type: "string" },
    "cpu-quota": { type: "string" },
    tree: { type: "string" },
    redis: { type: "string" },
    "cpu-prof": { type: "string" },
    json: { type: "string" },
    check: { type: "boolean" },
    "state-only": { type: "boolean" },
    url: { type: "string" },
    key: { type: "string" },
    malloc: { type: "string" },
  },
});

function fail(reason: string): never {
  process.stderr.write(`bench: ${reason}\nusage: ${USAGE}\n`);
  process.exit(2);
}

function positive(name: string, value: string | undefined, fallback: number, integer = false): number {
  const n = Number(value ?? fallback);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) fail(`--${name} must be a positive ${integer ? "integer" : "number"}`);
  return n;
}

const check = opt.check === true;
const shape = (opt.window ?? "standard") as WindowShape;
if (!WINDOW_SHAPES.includes(shape)) fail(`--window must be one of ${WINDOW_SHAPES.join(", ")}`);
const legacyBatch = opt["legacy-batch"] === undefined ? 0 : positive("legacy-batch", opt["legacy-batch"], 0, true);
if (legacyBatch > 0 && shape !== "legacy") fail("--legacy-batch needs --window legacy");
const layout = opt.layout ?? "split";
if (layout !== "split" && layout !== "combined") fail("--layout must be split or combined");
const malloc = opt.malloc ?? "tuned";
if (malloc !== "tuned" && malloc !== "default") fail("--malloc must be tuned or default");
const external = opt.url !== undefined;
if (external && opt.key === undefined) fail("--url needs --key");
const redisMode = opt.redis ?? (external || !redisServerInstalled() ? "shared" : "private");
if (redisMode !== "private" && redisMode !== "shared") fail("--redis must be private or shared");
if (redisMode === "private" && external) fail("--url uses the running cluster's Redis: --redis private does not apply");
const workerCounts = opt["compare-workers"]
  ? opt["compare-workers"].split(",").map((w) => positive("compare-workers", w, 1, true))
  : [positive("workers", opt.workers, 1, true)];
const tree = path.resolve(opt.tree ?? ROOT);
if (!fs.existsSync(path.join(tree, "moleculer.config.ts")) || !fs.existsSync(path.join(tree, "node_modules", "moleculer"))) {
  fail(`--tree ${tree}: needs moleculer.config.ts and node_modules (symlink the main checkout's)`);
}
const runs = positive("runs", opt.runs, 1, true);
const cpuQuotaCores = opt["cpu-quota"] === undefined ? undefined : positive("cpu-quota", opt["cpu-quota"], 0);

const load: RunOptions["load"] = {
  vehicles: positive("vehicles", opt.vehicles, opt["state-only"] ? 50_000 : check ? 10 : 100, true),
  rate: positive("rate", opt.rate, check ? 5 : 50),
  // Steady state: a measured interval of 90 s after a 15 s warm-up; --check stays short (it runs in npm test).
  durationS: positive("duration", opt.duration, check ? 10 : 90),
  warmupS: Number(opt.warmup ?? (check ? 0 : 15)),
  shape,
  windowS: positive("window-s", opt["window-s"], 1),
  rateHz: positive("rate-hz", opt["rate-hz"], 8192, true),
  legacyBatch,
  pipeline: positive("pipeline", opt.pipeline, shape === "legacy" ? 8 : 1, true),
  poolPerVehicle: shape === "legacy" ? 1 : 4,
  generatedVehicles: 0,
  maxOutstanding: 0,
  idPrefix: "SIM",
};
if (!(load.warmupS >= 0)) fail("--warmup must be a number ≥ 0");
load.generatedVehicles = Math.min(load.vehicles, shape === "columnar" ? 8 : 16);
load.maxOutstanding = Math.max(64, Math.ceil((load.rate / Math.max(1, legacyBatch)) * 2));

const processes: ProcessInfo[] = [];
let quota: CpuQuota | undefined;
let privateRedis: PrivateRedis | undefined;
const gcDir = fs.mkdtempSync(path.join(os.tmpdir(), "vtox-bench-gc-"));

function treeCommit(dir: string): string {
  try {
    return execFileSync("git", ["-C", dir, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    return "?";
  }
}

async function cleanUp(): Promise<void> {
  await stopAll(processes);
  quota?.remove();
  await privateRedis?.destroy().catch(() => undefined);
  fs.rmSync(gcDir, { recursive: true, force: true });
}

function workersSaturated(r: RunResult): boolean {
  const quotaPct = 100 * (quota?.cores ?? 0);
  return r.processes.filter((p) => p.process.startsWith("workers")).every((p) => (p.cpuPct ?? 0) >= QUOTA_SATURATED * quotaPct);
}

function problemsOf(r: RunResult): string[] {
  const problems: string[] = [];
  if (r.unsupported) problems.push(r.unsupported);
  if (r.errors > 0) problems.push(`${r.errors} request errors: ${r.errorSamples.join(" | ")}`);
  if (r.accepted === 0) problems.push("no window was accepted");
  if (r.lostWindows) problems.push(`${r.lostWindows} accepted windows without their ${FAMILIES} results`);
  if (r.deadLettered > 0) problems.push(`${r.deadLettered} entries dead-lettered`);
  return problems;
}

async function main(): Promise<number> {
  if (opt["state-only"]) {
    const redis = createRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { connectionName: "bench:state-only" });
    const prefix = `bench-state-${process.pid}`;
    try {
      await stateOnly(redis, redisKeys({ prefix }), load.vehicles, opt.json);
    } finally {
      let cursor = "0";
      do {
        const [next, found] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
        cursor = next;
        if (found.length) await redis.unlink(...found);
      } while (cursor !== "0");
      await redis.quit();
    }
    return 0;
  }
  if (cpuQuotaCores !== undefined) quota = CpuQuota.create(cpuQuotaCores);
  if (redisMode === "private") privateRedis = await PrivateRedis.start({ persistence: "none" });
  const redisUrl = privateRedis?.url ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const profDir = opt["cpu-prof"] ? path.resolve(opt["cpu-prof"]) : undefined;
  console.log(`bench: services from ${tree} (commit ${treeCommit(tree)}), Redis ${redisMode}${privateRedis ? ` (${redisUrl})` : ""}`);

  const byWorkers: { workers: number; runs: RunResult[]; median: RunResult }[] = [];
  for (const workers of workerCounts) {
    const results: RunResult[] = [];
    for (let i = 0; i < runs; i++) {
      const options: RunOptions = {
        redisUrl,
        tree,
        layout: layout as RunOptions["layout"],
        workers,
        malloc: malloc as RunOptions["malloc"],
        load,
        // Under a CPU quota the offered load is meant to exceed capacity: the backlog is not drained.
        drain: quota === undefined,
        redisIsPrivate: privateRedis !== undefined,
        gcDir,
        ...(external ? { external: { url: opt.url ?? "", key: opt.key ?? "" } } : {}),
        ...(quota ? { cpuQuota: quota } : {}),
        ...(profDir ? { profDir } : {}),
      };
      const r = await measureRun(options, processes);
      results.push(r);
      console.log(formatRun(r, `run ${i + 1}/${runs}, ${workers} worker process(es)`));
      if (r.unsupported) break;
    }
    const median = (results.length > 1 ? medianOf(results) : results[0]) as RunResult;
    if (results.length > 1) console.log(formatRun(median, `MEDIAN of ${results.length} runs, ${workers} worker process(es)`));
    byWorkers.push({ workers, runs: results, median });
    if (results.some((r) => r.unsupported)) break;
  }
  if (profDir) console.log(summarizeProfiles(profDir));

  let ratio: number | null = null;
  if (byWorkers.length > 1) {
    const first = byWorkers[0].median.diagnosedWindowsPerS;
    const last = byWorkers[byWorkers.length - 1].median.diagnosedWindowsPerS;
    ratio = first > 0 ? last / first : null;
    console.log("\nworker processes → diagnosed windows/s (median)");
    for (const b of byWorkers) console.log(`  ${b.workers}: ${b.median.diagnosedWindowsPerS.toFixed(1)}`);
    console.log(
      `  ratio ${byWorkers[byWorkers.length - 1].workers} / ${byWorkers[0].workers}: ${ratio === null ? "–" : `${ratio.toFixed(2)}×`}` +
        `${quota ? "" : " (no --cpu-quota: on 2 shared cores this shows contention, not scaling)"}`,
    );
    if (quota && !byWorkers.every((b) => workersSaturated(b.median))) {
      console.log(
        `  NOT a scaling figure: some worker used less than ${QUOTA_SATURATED * 100} % of its quota (lower --cpu-quota or raise --rate; check "outside the bench")`,
      );
    }
  }
  if (opt.json) {
    const out =
      byWorkers.length === 1 && runs === 1
        ? byWorkers[0].runs[0]
        : { byWorkers, ratio, workersSaturated: quota ? byWorkers.every((b) => workersSaturated(b.median)) : null };
    fs.writeFileSync(opt.json, JSON.stringify(out, null, 2));
  }

  const unsupported = byWorkers.flatMap((b) => b.runs).find((r) => r.unsupported);
  if (unsupported) {
    console.error(`bench: ${unsupported.unsupported}`);
    return 1;
  }
  if (check) {
    const problems = byWorkers.flatMap((b) => b.runs).flatMap(problemsOf);
    if (problems.length) {
      console.error(`bench --check FAILED:\n  ${problems.join("\n  ")}`);
      return 1;
    }
    const accepted = byWorkers.flatMap((b) => b.runs).reduce((s, r) => s + r.accepted, 0);
    console.log(`bench --check passed: ${accepted} windows accepted, each with its ${FAMILIES} results, no errors`);
  }
  return 0;
}

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void cleanUp().then(() => process.exit(130));
  });
}
// Ctrl-C reaches the private redis-server too: the bench's clients then fail while it cleans up; that must not stop the clean-up.
process.on("unhandledRejection", (err: unknown) => {
  if (stopping) return;
  stopping = true;
  console.error(err);
  void cleanUp().then(() => process.exit(1));
});
// Last resort (a synchronous exit path): groups whose processes are gone are removed whatever happened before.
process.on("exit", () => quota?.remove());
main().then(
  async (code) => {
    await cleanUp();
    process.exit(code);
  },
  async (err: unknown) => {
    console.error(err);
    await cleanUp();
    process.exit(1);
  },
);
