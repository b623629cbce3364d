/**
 * `npx tsx bench/window-bytes.ts`: bytes and commands through Redis per standard window (1 s × 8192 Hz of ia, ib,
 * ic, vib_x), for the two raw-entry layouts side by side, diagnosed by a real coordinator and one worker process
 * hosting the five fault services (both in this process, on the Redis transporter):
 *   json:   the original layout (sensor_data as the compact body's JSON text): the coordinator parses it and stores
 *           the channels in a claim-check hash (HSET), the worker process reads them (HMGET), the hash is UNLINKed;
 *   binary: our gateway's layout (sensor_layout + samples:<channel>): the coordinator sends a reference to the entry,
 *           the worker process reads it with one XRANGE.
 * Entries are XADDed as the gateway would (HTTP and rate limits are the same for both and left out). Figures are
 * INFO stats / commandstats deltas, which count every client of the server: rounds are interleaved with idle rounds
 * of the same length, whose traffic (this process's background loops and other users of a shared Redis) is subtracted.
 */
import { ServiceBroker } from "moleculer";
import type { Redis } from "ioredis";
import { encodeCompact } from "../ingest/encode";
import { decodeIngestBody } from "../ingest/ingest-body";
import { parseCommandLine } from "../cli/args";
import { loadConfig } from "../config";
import { brokerConfig } from "../moleculer.config";
import { FAULT_SERVICES } from "../contracts/families";
import { makeFleet, nextWindow } from "../simulator/index";
import { createRedis } from "../stores/redis";
import { rawEntryFields, type RawEntry } from "../streams/raw-stream-writer";
import * as diagnosisService from "../services/diagnosis.service";
import * as turnService from "../services/fault-turn.service";
import * as insulationService from "../services/fault-insulation.service";
import * as bearingService from "../services/fault-bearing.service";
import * as eccentricityService from "../services/fault-eccentricity.service";
import * as brokenBarService from "../services/fault-broken-bar.service";

const { values: args } = parseCommandLine("window-bytes", "npx tsx bench/window-bytes.ts [--windows N] [--rounds R]", {
  options: { windows: { type: "string", default: "100" }, rounds: { type: "string", default: "3" } },
});
const WINDOWS = Number(args.windows);
const ROUNDS = Number(args.rounds);
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const tag = `bench-window-bytes-${process.pid}`;
const env = { ...process.env, REDIS_URL, VTOX_PREFIX: tag, RAW_STREAM: `${tag}:raw`, RESULTS_STREAM: `${tag}:results`, NAMESPACE: tag, LOG_LEVEL: "warn" };

interface Counters {
  inBytes: number;
  outBytes: number;
  commands: number;
}

/** Server-wide totals: network bytes in and out, and commands run. */
async function counters(redis: Redis): Promise<Counters> {
  const stats = await redis.info("stats");
  const commandstats = await redis.info("commandstats");
  const field = (name: string): number => Number(new RegExp(`^${name}:(\\d+)`, "m").exec(stats)?.[1] ?? Number.NaN);
  let commands = 0;
  for (const m of commandstats.matchAll(/^cmdstat_[^:]+:calls=(\d+)/gm)) commands += Number(m[1]);
  return { inBytes: field("total_net_input_bytes"), outBytes: field("total_net_output_bytes"), commands };
}

function minus(a: Counters, b: Counters): Counters {
  return { inBytes: a.inBytes - b.inBytes, outBytes: a.outBytes - b.outBytes, commands: a.commands - b.commands };
}

function broker(nodeID: string): ServiceBroker {
  return new ServiceBroker(brokerConfig(loadConfig({ ...env, NODE_ID: nodeID })));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const redis = createRedis(REDIS_URL);
  const coordinator = broker("coordinator");
  coordinator.createService(diagnosisService.serviceFromConfig(loadConfig(env)));
  const workers = broker("workers");
  for (const m of [turnService, insulationService, bearingService, eccentricityService, brokenBarService])
    workers.createService(m.serviceFromConfig(loadConfig(env)));
  await Promise.all([coordinator.start(), workers.start()]);
  await coordinator.waitForServices(Object.values(FAULT_SERVICES), 10_000);

  const [vehicle] = makeFleet({ vehicles: 1, seed: 3, faultyShare: 0, durationS: 1, rateHz: 8192, vibRateHz: 8192 }).vehicles;
  const sensorData = encodeCompact(nextWindow(vehicle, 0));
  const jsonText = Buffer.from(JSON.stringify(sensorData));
  const window = decodeIngestBody({ sensor_data: sensorData }).window;
  const entry = (layout: "json" | "binary", i: number): RawEntry =>
    layout === "json"
      ? { fleetId: "bench", vehicleId: `V${i % 50}`, timestamp: new Date(), sensorData: jsonText }
      : { fleetId: "bench", vehicleId: `V${i % 50}`, timestamp: new Date(), window };

  let diagnosed = 0;
  const run = async (layout: "json" | "binary" | "idle", ms?: number): Promise<{ delta: Counters; ms: number }> => {
    const before = await counters(redis);
    const t0 = performance.now();
    if (layout === "idle") await new Promise((r) => setTimeout(r, ms));
    else {
      for (let i = 0; i < WINDOWS; i++) await redis.xadd(`${tag}:raw`, "MAXLEN", "~", 10_000, "*", ...rawEntryFields(entry(layout, i)));
      diagnosed += WINDOWS;
      while ((await redis.xlen(`${tag}:results`)) < diagnosed * 5) await new Promise((r) => setTimeout(r, 20));
    }
    const elapsed = performance.now() - t0;
    return { delta: minus(await counters(redis), before), ms: elapsed };
  };

  await run("binary"); // warm-up: JIT, connections, the consumer group
  await run("json");
  const perWindow: Record<"json" | "binary", Counters[]> = { json: [], binary: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const layout of ["json", "binary"] as const) {
      const busy = await run(layout);
      const idle = await run("idle", busy.ms);
      const net = minus(busy.delta, idle.delta);
      perWindow[layout].push({ inBytes: net.inBytes / WINDOWS, outBytes: net.outBytes / WINDOWS, commands: net.commands / WINDOWS });
      console.log(
        `round ${r + 1} ${layout.padEnd(6)}: ${(busy.ms / WINDOWS).toFixed(1)} ms/window wall; idle traffic subtracted ${(idle.delta.inBytes / 1024).toFixed(0)} KB in, ${(idle.delta.outBytes / 1024).toFixed(0)} KB out`,
      );
    }
  }
  console.log(`\nper standard window, medians of ${ROUNDS} rounds of ${WINDOWS} windows (1 worker process):`);
  for (const layout of ["json", "binary"] as const) {
    const rows = perWindow[layout];
    const kIn = median(rows.map((c) => c.inBytes)) / 1024;
    const kOut = median(rows.map((c) => c.outBytes)) / 1024;
    const cmds = median(rows.map((c) => c.commands));
    console.log(`  ${layout.padEnd(6)}  in ${kIn.toFixed(0)} KB  out ${kOut.toFixed(0)} KB  total ${(kIn + kOut).toFixed(0)} KB  commands ${cmds.toFixed(1)}`);
  }

  await Promise.all([coordinator.stop(), workers.stop()]);
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${tag}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== "0");
  await redis.quit();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
