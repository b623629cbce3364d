/**
 * `npx tsx bench/sizing.ts [--vehicles N] [--windows N]`: bytes that each class of data costs in Redis, measured
 * through the product's own write paths on a private in-memory redis-server (used_memory before/after, nothing else
 * on that server), for README "Retention and sizing".
 *
 *   raw entry       a standard window (1 s, ia ib ic vib_x at 8192 Hz, compact f32le-base64) XADDed like the gateway
 *   result window   the five result entries of one diagnosed window (real findings) + its dedupe hash (TTL 7 d)
 *   vehicle         state + a full history (100 states) + alarms + fleet index + fleets set
 *   dead letter     a standard window's raw fields + the failure record (measured with MEMORY USAGE, as retention does)
 */
import type { Redis } from "ioredis";
import { analyzeAll } from "../analyzers/index";
import { encodeCompact } from "../ingest/encode";
import { makeFleet, nextWindow } from "../simulator/index";
import { createRedis } from "../stores/redis";
import { redisKeys } from "../contracts/redis-keys";
import { appendRawEntry } from "../streams/raw-stream-writer";
import { resultDedupeKey, writeResults } from "../streams/results-writer";
import { saveVehicleState } from "../stores/vehicle-state";
import { saveAlarms } from "../stores/alarm-store";
import { aggregateHealth } from "../pipeline/vehicle-health";
import { parseCommandLine } from "../cli/args";
import { PrivateRedis } from "../tools/chaos/private-redis";
import type { SensorWindow } from "../analyzers/types";

const { values: opt } = parseCommandLine("sizing", "npx tsx bench/sizing.ts [--vehicles N] [--windows N]", {
  options: { vehicles: { type: "string" }, windows: { type: "string" } },
});
const vehicles = Number(opt.vehicles ?? 1000);
const windows = Number(opt.windows ?? 500);

async function used(redis: Redis): Promise<number> {
  const m = /^used_memory:(\d+)/m.exec(await redis.info("memory"));
  return Number(m?.[1]);
}

function standard(w: SensorWindow): SensorWindow {
  const { ia, ib, ic, vib_x } = w.channels;
  return { ...w, channels: { ...(ia ? { ia } : {}), ...(ib ? { ib } : {}), ...(ic ? { ic } : {}), ...(vib_x ? { vib_x } : {}) } };
}

async function main(): Promise<void> {
  const server = await PrivateRedis.start({ persistence: "none" });
  const redis = createRedis(server.url);
  try {
    const keys = redisKeys({ prefix: "size" });
    const fleet = makeFleet({ vehicles: 8, seed: 3, faultyShare: 0.5, durationS: 1, rateHz: 8192, vibRateHz: 8192, idPrefix: "SZ" });
    const pool = fleet.vehicles.map((v) => ({ v, w: standard(nextWindow(v, 0)) }));
    const bodies = pool.map(({ w }) => Buffer.from(JSON.stringify(encodeCompact(w))));
    const findings = pool.map(({ v, w }) => analyzeAll(w, v.profile));

    let before = await used(redis);
    for (let i = 0; i < windows; i++) {
      await appendRawEntry(
        redis,
        keys.rawStream,
        { vehicleId: `SZ-${i % 100}`, timestamp: Date.now(), sensorData: bodies[i % bodies.length], metadata: {} },
        { maxLen: 1_000_000 },
      );
    }
    const raw = (await used(redis)) - before;
    const body = bodies.reduce((a, b) => a + b.length, 0) / bodies.length;

    before = await used(redis);
    for (let i = 0; i < windows; i++) {
      await writeResults(redis, keys.resultsStream, {
        fleetId: "fleet-0",
        vehicleId: `SZ-${i % 100}`,
        originalMessageId: `${1_700_000_000_000 + i}-0`,
        findings: findings[i % findings.length],
        processingTimeMs: 12.3,
      });
    }
    const results = (await used(redis)) - before;
    // The dedupe hashes' share: used_memory drop when they are deleted.
    const beforeUnlink = await used(redis);
    for (let i = 0; i < windows; i++) await redis.unlink(resultDedupeKey(keys.resultsStream, `${1_700_000_000_000 + i}-0`));
    const dedupe = beforeUnlink - (await used(redis));
    const resultsStream = results - dedupe;

    before = await used(redis);
    for (let k = 0; k < vehicles; k++) {
      const id = `VEH-${String(k).padStart(6, "0")}`;
      const fleetId = `fleet-${k % 10}`;
      for (let h = 0; h < 100; h++) {
        const f = findings[(k + h) % findings.length];
        const health = aggregateHealth(f);
        await saveVehicleState(redis, keys, id, {
          fleetId,
          health: health.health ?? Number.NaN,
          status: health.status,
          findings: Object.fromEntries(f.map((x) => [x.fault_type, { status: x.status, score: x.score, ...(x.reason ? { reason: x.reason } : {}) }])),
          updatedAt: new Date().toISOString(),
          originalMessageId: `${Date.now()}-${h}`,
        });
      }
      await saveAlarms(redis, keys.prefix, fleetId, id, { bearing: "warning" });
    }
    const perVehicle = ((await used(redis)) - before) / vehicles;

    const dlq = keys.deadLetterStream;
    for (let i = 0; i < 100; i++) {
      await redis.xadd(
        dlq,
        "*",
        "vehicle_id",
        "SZ-1",
        "timestamp",
        new Date().toISOString(),
        "sensor_data",
        bodies[i % bodies.length],
        "metadata",
        "{}",
        "data_type",
        "motor_sensor_data",
        "error",
        "analyze timed out",
        "original_id",
        "1-0",
        "original_stream",
        keys.rawStream,
        "group",
        "diagnosis",
        "deliveries",
        "5",
        "failed_at",
        new Date().toISOString(),
      );
    }
    const dlqBytes = Number(await redis.call("MEMORY", "USAGE", dlq, "SAMPLES", "0")) / 100;

    const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
    console.log(`standard window body: ${kb(body)} (sensor_data as sent)`);
    console.log(`raw stream entry:     ${kb(raw / windows)} per window (${windows} windows, used_memory Δ)`);
    console.log(
      `results of a window:  ${kb(results / windows)}: 5 stream entries ${kb(resultsStream / windows)} + dedupe hash ${kb((results - resultsStream) / windows)} (${windows} windows)`,
    );
    console.log(`vehicle:              ${kb(perVehicle)} with a full history of 100 states (${vehicles} vehicles)`);
    console.log(`dead letter:          ${kb(dlqBytes)} per standard window (MEMORY USAGE SAMPLES 0)`);
  } finally {
    await redis.quit();
    await server.destroy();
  }
}

void main();
