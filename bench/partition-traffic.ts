/**
 * `npx tsx bench/partition-traffic.ts [--partitions N] [--windows N] [--vehicles N]`: Redis traffic per standard window
 * through the whole path, for the sizing table of docs/cluster.md. A private in-memory redis-server carries the
 * transporter and the data; every service runs in this process (two brokers: core units, the five workers); windows
 * are POSTed to the api as compact JSON. After a warm-up, INFO stats deltas (net input/output bytes, commands) are
 * divided by the windows diagnosed, and each partition's share of the raw stream is shown. Not a speed benchmark.
 */
import { ServiceBroker } from "moleculer";
import { loadConfig } from "../config";
import { brokerConfig } from "../moleculer.config";
import * as api from "../services/api.service";
import * as diagnosis from "../services/diagnosis.service";
import * as turn from "../services/fault-turn.service";
import * as insulation from "../services/fault-insulation.service";
import * as bearing from "../services/fault-bearing.service";
import * as eccentricity from "../services/fault-eccentricity.service";
import * as brokenBar from "../services/fault-broken-bar.service";
import { redisKeys } from "../contracts/redis-keys";
import { encodeCompact } from "../ingest/encode";
import { makeFleet, nextWindow } from "../simulator/index";
import { ApiKeyStore } from "../stores/api-keys";
import { createRedis, closeRedis } from "../stores/redis";
import { PrivateRedis } from "../tools/chaos/private-redis";
import { freePort } from "../cli/free-port";
import { parseCommandLine } from "../cli/args";
import type { SensorWindow } from "../analyzers/types";
import { setTimeout as sleep } from "node:timers/promises";

const { values: opt } = parseCommandLine("partition-traffic", "npx tsx bench/partition-traffic.ts [--partitions N] [--windows N] [--vehicles N]", {
  options: { partitions: { type: "string" }, windows: { type: "string" }, vehicles: { type: "string" } },
});
const partitions = Number(opt.partitions ?? 4);
const windows = Number(opt.windows ?? 100);
const vehicles = Number(opt.vehicles ?? 40);
const WARMUP = 10;

/** The standard window: 1 s of ia, ib, ic, vib_x at 8192 Hz. */
function standard(w: SensorWindow): SensorWindow {
  const { ia, ib, ic, vib_x } = w.channels;
  return { ...w, channels: { ...(ia ? { ia } : {}), ...(ib ? { ib } : {}), ...(ic ? { ic } : {}), ...(vib_x ? { vib_x } : {}) } };
}

async function stats(redis: ReturnType<typeof createRedis>): Promise<{ inBytes: number; outBytes: number; commands: number }> {
  const info = await redis.info("stats");
  const n = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, "m").exec(info)?.[1] ?? 0);
  return { inBytes: n("total_net_input_bytes"), outBytes: n("total_net_output_bytes"), commands: n("total_commands_processed") };
}

async function main(): Promise<void> {
  const server = await PrivateRedis.start({ persistence: "none" });
  const port = await freePort();
  const env = {
    REDIS_URL: server.url,
    NAMESPACE: "traffic",
    LOG_LEVEL: "warn",
    STREAM_PARTITIONS: String(partitions),
    PORT: String(port),
    HOST: "127.0.0.1",
    INGEST_RATE_LIMIT: "1000000",
    INGEST_VEHICLE_RATE_LIMIT: "1000000",
  };
  const config = loadConfig({ ...process.env, ...env });
  const core = new ServiceBroker(brokerConfig(loadConfig({ ...process.env, ...env, NODE_ID: "core" })));
  const workers = new ServiceBroker(brokerConfig(loadConfig({ ...process.env, ...env, NODE_ID: "workers" })));
  for (const m of [api, diagnosis]) core.createService(m.serviceFromConfig(config));
  for (const m of [turn, insulation, bearing, eccentricity, brokenBar]) workers.createService(m.serviceFromConfig(config));
  await Promise.all([core.start(), workers.start()]);
  await core.waitForServices(["fault.turn", "fault.insulation", "fault.bearing", "fault.eccentricity", "fault.broken-bar"], 20_000);
  const redis = createRedis(server.url);
  const keys = redisKeys(config.redis);
  try {
    const key = (await new ApiKeyStore(redis, config.redis.prefix).create("bench", "ingest")).key;
    const fleet = makeFleet({ vehicles, seed: 5, faultyShare: 0.2, durationS: 1 });
    const bodies = fleet.vehicles.map((v) => JSON.stringify({ sensor_data: encodeCompact(standard(nextWindow(v, 0))), metadata: {} }));
    const diagnosed = async () => (await Promise.all(keys.resultsStreams.map((s) => redis.xlen(s)))).reduce((a, n) => a + n, 0) / 5;
    const send = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/diagnosis-stream/vehicles/${fleet.vehicles[i % vehicles].id}/data`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
          body: bodies[i % vehicles],
        });
        if (res.status !== 202) throw new Error(`POST answered ${res.status}: ${await res.text()}`);
      }
      while ((await diagnosed()) < to) await sleep(20);
    };
    await send(0, WARMUP);
    const before = await stats(redis);
    await send(WARMUP, WARMUP + windows);
    const after = await stats(redis);
    // This script's own reads (the XLEN polls and INFO) are a few hundred bytes per poll: negligible next to a window.
    const per = (k: keyof typeof before) => (after[k] - before[k]) / windows;
    const lengths = await Promise.all(keys.rawStreams.map((s) => redis.xlen(s)));
    const memory = await Promise.all(keys.rawStreams.map(async (s) => Number(await redis.call("MEMORY", "USAGE", s, "SAMPLES", "0"))));
    console.log(`partitions ${partitions}, ${windows} standard windows measured (after ${WARMUP} warm-up), ${vehicles} vehicles`);
    console.log(`  into Redis   ${(per("inBytes") / 1024).toFixed(0)} KB per window`);
    console.log(`  out of Redis ${(per("outBytes") / 1024).toFixed(0)} KB per window`);
    console.log(`  commands     ${per("commands").toFixed(0)} per window`);
    console.log(
      `  raw entries per partition ${lengths.join(" / ")}; raw stream bytes per entry ${(memory.reduce((a, n) => a + n, 0) / lengths.reduce((a, n) => a + n, 0) / 1024).toFixed(0)} KB`,
    );
  } finally {
    await closeRedis(redis);
    await Promise.all([core.stop(), workers.stop()]);
    await server.stop();
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
