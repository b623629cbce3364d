/**
 * Redis round trips and commands the coordinator spends per window after the fan-out and around it (profile,
 * results, state, alarms, critical alerts), measured on pipeline/diagnose-window.ts with canned findings (no
 * workers, inline transport: the window store is measured by its own bench).
 *   - round trips: writes to the coordinator connection's socket (a pipeline or MULTI is one write);
 *   - client commands: commands the client sent (EVALSHA counts once);
 *   - Redis commands: INFO commandstats deltas, scripts' inner calls included. The deltas are server-wide, so
 *     run it on a Redis of its own (`redis-server --port 6390 --save ''` and REDIS_URL=redis://127.0.0.1:6390).
 * Usage: npx tsx bench/coordinator-roundtrips.ts [-- WINDOWS]   (REDIS_URL, default redis://127.0.0.1:6379)
 */
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { FAULT_TYPES, type FaultType, type Finding, type FindingStatus, type SensorWindow } from "../analyzers/types";
import { redisKeys } from "../contracts/redis-keys";
import { FAULT_SERVICES } from "../contracts/families";
import { commitCaches, diagnoseWindow, type DiagnoseWindowDeps } from "../pipeline/diagnose-window";
import type { AnalyzeCall } from "../pipeline/fan-out";
import { windowProfile } from "../pipeline/window-profile";
import { createRedis } from "../stores/redis";
import { ProfileCache, VehicleProfiles } from "../stores/vehicle-profiles";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const windows = Number(process.argv[2] ?? 500);
const VEHICLES = 20;
const prefix = `vtoxbench-rt:${randomBytes(3).toString("hex")}`;

const FAMILY_OF_ACTION = Object.fromEntries(FAULT_TYPES.map((t) => [`${FAULT_SERVICES[t]}.analyze`, t])) as Record<string, FaultType>;

/** Every 10th window of a vehicle is a turn fault, so alarms are raised and cleared now and then. */
function cannedAnalyze(statusOf: () => FindingStatus): AnalyzeCall {
  return (action) => {
    const fault_type = FAMILY_OF_ACTION[action];
    const status = fault_type === "turn_fault" ? statusOf() : "normal";
    const finding: Finding = { fault_type, status, score: status === "fault" ? 0.9 : 0.1, features: { x: 1 }, evidence: [], reason: "canned" };
    return Promise.resolve(finding);
  };
}

/** Redis server CPU seconds so far (user + sys, all threads). */
async function redisCpuS(redis: Redis): Promise<number> {
  const text = await redis.info("cpu");
  const field = (name: string) => Number(new RegExp(`^used_cpu_${name}:([\\d.]+)`, "m").exec(text)?.[1] ?? 0);
  return field("user") + field("sys");
}

async function commandStats(redis: Redis): Promise<Map<string, number>> {
  const text = await redis.info("commandstats");
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out.set(m[1], Number(m[2]));
  return out;
}

/** Counts socket writes (round trips) and commands sent on one client. */
function countTraffic(redis: Redis): { writes: number; commands: number } {
  const counts = { writes: 0, commands: 0 };
  const stream = (redis as unknown as { stream: { write: (...a: unknown[]) => boolean } }).stream;
  const write = stream.write.bind(stream);
  stream.write = (...a: unknown[]) => {
    counts.writes += 1;
    return write(...a);
  };
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = (...a: Parameters<Redis["sendCommand"]>) => {
    counts.commands += 1;
    return send(...a);
  };
  return counts;
}

async function main(): Promise<void> {
  const redis = createRedis(url, { connectionName: "vtox-bench-roundtrips" });
  const stats = createRedis(url, { connectionName: "vtox-bench-roundtrips-stats" });
  await redis.ping();
  const keys = redisKeys({ prefix, rawStream: `${prefix}:raw`, resultsStream: `${prefix}:results` });
  const profiles = new ProfileCache(new VehicleProfiles(redis, keys.prefix)); // as the coordinator keeps them
  let n = 0;
  const window: SensorWindow = { channels: {} }; // the canned analyze call reads nothing
  const deps: DiagnoseWindowDeps = {
    redis,
    keys,
    settings: { windowTransport: "inline", windowDataTtlS: 120, resultsStreamMaxLen: 10_000, analyzeTimeoutMs: 5000 },
    analyzeCall: cannedAnalyze(() => (Math.floor(n / VEHICLES) % 10 === 9 ? "fault" : "normal")),
    broadcast: () => undefined,
    caches: commitCaches(),
    profileFor: (fleetId, vehicleId, metadata) => windowProfile(profiles, { fleetId, vehicleId }, metadata, () => undefined),
  };
  const run = (i: number) =>
    diagnoseWindow(
      { fleetId: "bench", vehicleId: `V${i % VEHICLES}`, messageId: `${1_700_000_000_000 + i}-0`, timestamp: new Date().toISOString(), window, metadata: {} },
      deps,
    );
  for (n = 0; n < VEHICLES * 2; n++) await run(n); // warm-up: scripts loaded, caches filled
  const counts = countTraffic(redis);
  const before = await commandStats(stats);
  const redisCpu0 = await redisCpuS(stats);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < windows; i++, n++) await run(n);
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const redisCpuMs = ((await redisCpuS(stats)) - redisCpu0) * 1000;
  const after = await commandStats(stats);
  const serverCommands = [...after].map(([cmd, calls]) => [cmd, calls - (before.get(cmd) ?? 0)] as const).filter(([cmd, d]) => d > 0 && cmd !== "info");
  const serverTotal = serverCommands.reduce((s, [, d]) => s + d, 0);
  const per = (x: number) => (x / windows).toFixed(2);
  console.log(`${windows} windows, ${VEHICLES} vehicles, sequential: ${(elapsedMs / windows).toFixed(3)} ms per window`);
  console.log(
    `CPU per window: this process (main thread) ${((cpu.user + cpu.system) / 1000 / windows).toFixed(3)} ms, Redis ${(redisCpuMs / windows).toFixed(3)} ms`,
  );
  console.log(
    `round trips per window: ${per(counts.writes)}; client commands per window: ${per(counts.commands)}; Redis commands per window: ${per(serverTotal)}`,
  );
  console.log(
    "Redis commands per window by name:",
    serverCommands
      .sort((a, b) => b[1] - a[1])
      .map(([cmd, d]) => `${cmd} ${per(d)}`)
      .join(", "),
  );
  const doomed = await stats.keys(`${prefix}*`);
  if (doomed.length) await stats.del(...doomed);
  await Promise.all([redis.quit(), stats.quit()]);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
