/**
 * One chaos run: a private AOF Redis, a cluster of separate processes (two coordinators, two worker processes
 * each hosting the five fault services — or one process per family instance with `splitWorkers` — and two api
 * replicas), a simulated fleet posting over HTTP, a SIGKILL + restart of one process every `killEveryS`, a Redis
 * restart near the end; then drain and audit (tools/chaos/audit.ts).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ApiKeyStore } from "../../stores/api-keys";
import { createRedis } from "../../stores/redis";
import { redisKeys } from "../../contracts/redis-keys";
import {
  auditWindows,
  deadLetterCount,
  indexResults,
  pendingCount,
  rawEntriesPerWindow,
  recoveryFigures,
  type Disruption,
  type RecoveryFigures,
  type WindowAudit,
} from "./audit";
import { FAULT_TYPES } from "../../contracts/families";
import { ChaosFeeder, type FeederStats } from "./feeder";
import { NodeSet, type NodeKind, type NodeSpec } from "./node-processes";
import { freePort } from "../../cli/free-port";
import { PrivateRedis } from "./private-redis";
import { mulberry32 } from "../../simulator/prng";
import { setTimeout as sleep } from "node:timers/promises";

const ROOT = path.resolve(__dirname, "../..");
const FAULT_FILES = ["turn", "insulation", "bearing", "eccentricity", "broken-bar"].map((f) => `services/fault-${f}.service.ts`);

export interface ChaosOptions {
  durationS: number;
  killEveryS: number;
  /** Kinds to kill, in order; when shorter than the number of kills, random kinds follow. */
  killPlan?: NodeKind[];
  /** Seconds before the end of the feed at which Redis is restarted (0: no restart). */
  redisRestartBeforeEndS: number;
  ratePerS: number;
  vehicles: number;
  windowS: number;
  rateHz: number;
  splitWorkers: boolean;
  drainTimeoutS: number;
  seed: number;
  log?: (line: string) => void;
}

export interface ChaosReport {
  options: ChaosOptions;
  feeder: { accepted: number; rejected: number; rejectedBy: Record<string, number>; retries: FeederStats["retries"] };
  audit: WindowAudit;
  pending: number;
  deadLetters: number;
  recoveries: RecoveryFigures[];
  unexpectedExits: string[];
  drainedInMs: number | null;
  processedPerS: number;
  logDir: string;
}

async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return true;
    await sleep(200);
  }
  return false;
}

async function ready(url: string): Promise<boolean> {
  return (await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2000) })).status === 200;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const random = mulberry32(options.seed);
  const redisServer = await PrivateRedis.start();
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "vtox-chaos-logs-"));
  log(`private redis-server ${redisServer.url} (AOF everysec, dir ${redisServer.dir}); process logs in ${logDir}`);
  const namespace = `chaos-${process.pid}`;
  const keys = redisKeys({ prefix: "vtox" });
  const env: NodeJS.ProcessEnv = {
    REDIS_URL: redisServer.url,
    NAMESPACE: namespace,
    VTOX_PREFIX: keys.prefix,
    RAW_STREAM: keys.rawStream,
    RESULTS_STREAM: keys.resultsStream,
    // A dead coordinator's entries are reclaimed after 2 s idle; the heartbeat drops a dead node in 3–5 s.
    DIAGNOSIS_CLAIM_IDLE_MS: "2000",
    // The feeder is one key: the per-key and per-vehicle limits are tested elsewhere, not here.
    INGEST_RATE_LIMIT: "100000",
    INGEST_VEHICLE_RATE_LIMIT: "1000",
    LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? "warn",
    MALLOC_MMAP_THRESHOLD_: "268435456",
  };
  const [portA, portB] = await Promise.all([freePort(), freePort()]);
  const specs: NodeSpec[] = [
    { name: "coord-1", kind: "coordinator", services: ["services/diagnosis.service.ts"], env },
    { name: "coord-2", kind: "coordinator", services: ["services/diagnosis.service.ts"], env },
    ...(options.splitWorkers
      ? FAULT_FILES.flatMap((f) => [1, 2].map((i): NodeSpec => ({ name: `${path.basename(f, ".service.ts")}-${i}`, kind: "worker", services: [f], env })))
      : [1, 2].map((i): NodeSpec => ({ name: `workers-${i}`, kind: "worker", services: FAULT_FILES, env }))),
    { name: "api-1", kind: "api", services: ["services/api.service.ts"], env, port: portA },
    { name: "api-2", kind: "api", services: ["services/api.service.ts"], env, port: portB },
  ];
  const nodes = new NodeSet(ROOT, logDir, specs);
  const redis = createRedis(redisServer.url, { connectionName: "chaos-observer", maxRetriesPerRequest: 3 });
  const apiUrls = [portA, portB].map((p) => `http://127.0.0.1:${p}`);
  const disruptions: Disruption[] = [];
  let feeder: ChaosFeeder | null = null;
  try {
    const ingestKey = (await new ApiKeyStore(redis, keys.prefix).create("chaos", "ingest", "chaos feeder")).key;
    nodes.startAll();
    const t0 = Date.now();
    if (!(await waitUntil(async () => (await Promise.all(apiUrls.map(ready))).every(Boolean), 90_000)))
      throw new Error("the cluster did not become ready within 90 s");
    log(`cluster of ${specs.length} processes ready in ${Date.now() - t0} ms`);

    feeder = new ChaosFeeder({
      apiUrls,
      ingestKey,
      vehicles: options.vehicles,
      ratePerS: options.ratePerS,
      windowS: options.windowS,
      rateHz: options.rateHz,
      seed: options.seed,
      giveUpMs: 30_000,
    });
    const feedStart = Date.now();
    feeder.start();
    if (process.env.CHAOS_TRACE)
      setInterval(() => {
        for (const r of feeder?.stats.rejected ?? [])
          if (!(r as { logged?: boolean }).logged) {
            (r as { logged?: boolean }).logged = true;
            log(`rejected ${JSON.stringify(r)} t=${((r.at ?? 0) - feedStart) / 1000}`);
          }
      }, 500).unref();
    const redisAt = options.redisRestartBeforeEndS > 0 ? feedStart + (options.durationS - options.redisRestartBeforeEndS) * 1000 : Infinity;
    let redisDone = false;
    for (let k = 1; ; k++) {
      const killAt = feedStart + k * options.killEveryS * 1000;
      const nextEvent = Math.min(killAt, redisDone ? Infinity : redisAt);
      if (nextEvent >= feedStart + options.durationS * 1000) break;
      await sleep(nextEvent - Date.now());
      if (!redisDone && nextEvent === redisAt) {
        redisDone = true;
        const { stoppedAt, upAt } = await redisServer.restart(1000);
        disruptions.push({ kind: "redis", target: "redis-server", at: stoppedAt, restartedAt: upAt, orphans: [] });
        log(`t=${((stoppedAt - feedStart) / 1000).toFixed(1)} s: redis-server SHUTDOWN (AOF), back after ${upAt - stoppedAt} ms`);
        if (nextEvent !== killAt) {
          k--;
          continue;
        }
      }
      const kind: NodeKind = options.killPlan?.[k - 1] ?? (["coordinator", "worker", "api"] as const)[Math.floor(random() * 3)];
      const candidates = specs.filter((s) => s.kind === kind && nodes.isRunning(s.name));
      const target = candidates[Math.floor(random() * candidates.length)];
      if (!target) continue;
      const at = await nodes.kill(target.name);
      // What the dead coordinator held: XPENDING by consumer name (nodeID:service).
      const orphans = kind === "coordinator" ? await orphansOf(redis, keys.rawStream, target.name) : [];
      nodes.start(target.name);
      disruptions.push({ kind, target: target.name, at, restartedAt: Date.now(), orphans });
      log(
        `t=${((at - feedStart) / 1000).toFixed(1)} s: SIGKILL ${target.name} (${kind})${orphans.length ? `, holding ${orphans.length} entries` : ""}; restarted`,
      );
    }
    await sleep(feedStart + options.durationS * 1000 - Date.now());
    await feeder.stop();
    const feedEnd = Date.now();
    log(`feed stopped: ${feeder.stats.accepted.length} accepted, ${feeder.stats.rejected.length} rejected; draining`);

    // Drain: every accepted window complete and nothing pending, or the bound.
    const accepted = feeder.stats.accepted;
    let drainedInMs: number | null = null;
    const drainDeadline = Date.now() + options.drainTimeoutS * 1000;
    for (;;) {
      const index = await indexResults(redis, keys);
      const complete = accepted.every((w) => FAULT_TYPES.every((f) => (index.counts.get(w.messageId)?.get(f) ?? 0) > 0));
      if (complete && (await pendingCount(redis, keys)) === 0) {
        drainedInMs = Date.now() - feedEnd;
        break;
      }
      if (Date.now() > drainDeadline) break;
      await sleep(500);
    }
    const index = await indexResults(redis, keys);
    const audit = auditWindows(accepted, index, await rawEntriesPerWindow(redis, keys));
    const lastResult = Math.max(0, ...index.lastResultAt.values());
    return {
      options,
      feeder: {
        accepted: accepted.length,
        rejected: feeder.stats.rejected.length,
        rejectedBy: feeder.stats.rejected.reduce<Record<string, number>>((m, r) => ({ ...m, [String(r.status)]: (m[String(r.status)] ?? 0) + 1 }), {}),
        retries: feeder.stats.retries,
      },
      audit,
      pending: await pendingCount(redis, keys),
      deadLetters: await deadLetterCount(redis, keys),
      recoveries: disruptions.map((d) => recoveryFigures(d, accepted, index)),
      unexpectedExits: nodes.events.filter((e) => e.what === "exited").map((e) => `${e.name} (${e.detail})`),
      drainedInMs,
      processedPerS: audit.complete / Math.max(1, (lastResult - feedStart) / 1000),
      logDir,
    };
  } finally {
    await feeder?.stop();
    await nodes.stopAll();
    redis.disconnect();
    await redisServer.destroy();
  }
}

async function orphansOf(redis: ReturnType<typeof createRedis>, stream: string, nodeName: string): Promise<string[]> {
  const consumers = (await redis.xinfo("CONSUMERS", stream, "diagnosis").catch(() => [])) as unknown[][];
  const out: string[] = [];
  for (const c of consumers) {
    const name = String(c[c.indexOf("name") + 1]);
    if (!name.startsWith(`${nodeName}:`)) continue;
    const rows = (await redis.xpending(stream, "diagnosis", "-", "+", 100_000, name)) as [string][];
    out.push(...rows.map((r) => r[0]));
  }
  return out;
}
