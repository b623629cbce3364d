/**
 * Throughput of the streams layer on this machine (not asserted anywhere):
 *   - XADD of raw entries (appendRawEntry), JSON sensor_data of 3×1024 samples given as a pre-serialised Buffer
 *   - drain rate of the consumer mixin in a ServiceBroker (handler acks at once), for several batch sizes
 *   - writeResults (5 families per window, Lua dedupe) and WindowAssembler.append (10-row batches)
 * Usage: npm run bench:streams [-- entries]   (REDIS_URL, default redis://127.0.0.1:6379)
 */
import { randomBytes } from "node:crypto";
import { ServiceBroker } from "moleculer";
import { FAULT_TYPES, type Finding, type SensorWindow } from "../analyzers/types";
import { parseCommandLine } from "../cli/args";
import { createRedis } from "../stores/redis";
import { redisKeys } from "../contracts/redis-keys";
import { appendRawEntry } from "../streams/raw-stream-writer";
import { writeResults } from "../streams/results-writer";
import { WindowAssembler } from "../streams/batch-assembler";
import { RedisStreamConsumerMixin, type StreamConsumerMethods, type StreamEntry } from "../mixins/redis-stream-consumer.mixin";
import { setTimeout as sleep } from "node:timers/promises";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const { positionals } = parseCommandLine("bench:streams", "npm run bench:streams [-- ENTRIES]", { allowPositionals: true, options: {} }, { maxPositionals: 1 });
const N = Number(positionals[0] ?? 5000);
const prefix = `vtoxbench:${process.pid}:${randomBytes(3).toString("hex")}`;
const redis = createRedis(url, { connectionName: "vtox-bench" });

function sensorJson(samples: number): Buffer {
  const ch = () => Array.from({ length: samples }, (_, i) => Number((10 * Math.sin(i / 10)).toFixed(4)));
  return Buffer.from(JSON.stringify({ sampling_rate: 8192, channels: { ia: ch(), ib: ch(), ic: ch() } }));
}

async function fill(stream: string, n: number, body: Buffer): Promise<number> {
  const t0 = performance.now();
  const inFlight: Promise<string>[] = [];
  for (let i = 0; i < n; i++) {
    inFlight.push(appendRawEntry(redis, stream, { vehicleId: `V${i % 100}`, timestamp: Date.now(), sensorData: body }, { maxLen: n * 2 }));
    if (inFlight.length >= 16) await Promise.all(inFlight.splice(0));
  }
  await Promise.all(inFlight);
  return n / ((performance.now() - t0) / 1000);
}

async function drain(stream: string, n: number, batchSize: number): Promise<number> {
  const broker = new ServiceBroker({ logger: false, nodeID: `bench-${batchSize}` });
  const svc = broker.createService({
    name: "drain",
    mixins: [RedisStreamConsumerMixin({ redisUrl: url, stream, group: `g${batchSize}`, batchSize, maxInFlight: batchSize * 4 })],
    methods: {
      async handleStreamEntries(entries: StreamEntry[]) {
        return entries.map(() => "ack" as const);
      },
    },
  }) as unknown as StreamConsumerMethods;
  const t0 = performance.now();
  await broker.start();
  while (svc.getStreamConsumerStats().acked < n) await sleep(5);
  const rate = n / ((performance.now() - t0) / 1000);
  await broker.stop();
  return rate;
}

async function main(): Promise<void> {
  const report: Record<string, string> = {};
  for (const [label, samples] of [
    ["small (3×16 samples, 0.4 KB)", 16],
    ["3×1024 samples JSON (~23 KB)", 1024],
  ] as const) {
    const body = sensorJson(samples);
    const stream = `${prefix}:raw:${samples}`;
    const n = samples > 100 ? Math.min(N, 3000) : N;
    report[`XADD ${label}, 16 in flight`] = `${(await fill(stream, n, body)).toFixed(0)} /s (${n} entries, ${body.length} B)`;
    for (const batch of [1, 16, 64]) {
      report[`drain ${label}, batchSize ${batch}`] = `${(await drain(stream, n, batch)).toFixed(0)} entries/s`;
    }
  }
  const results = `${prefix}:results`;
  const findings: Finding[] = FAULT_TYPES.map((fault_type) => ({
    fault_type,
    status: "normal",
    score: 0.1,
    features: { x: 1.5 },
    evidence: [{ name: "e", value: 1 }],
  }));
  let t0 = performance.now();
  const windows = Math.min(N, 3000);
  for (let i = 0; i < windows; i++)
    await writeResults(redis, results, { fleetId: "F", vehicleId: "V", originalMessageId: `${i}-0`, findings, processingTimeMs: 1, maxLen: 100_000 });
  report["writeResults (5 families), sequential"] = `${(windows / ((performance.now() - t0) / 1000)).toFixed(0)} windows/s`;

  const asm = new WindowAssembler(redis, { keys: redisKeys({ prefix: prefix }), targetSamples: 1000, legacyFleetId: "legacy" });
  const batch: SensorWindow = {
    channels: {
      ia: { samples: new Float32Array(10), rateHz: 3000 },
      ib: { samples: new Float32Array(10), rateHz: 3000 },
      ic: { samples: new Float32Array(10), rateHz: 3000 },
      vib_x: { samples: new Float32Array(10), rateHz: 3000 },
    },
    rpm: 1500,
  };
  const appends = Math.min(N, 5000);
  t0 = performance.now();
  let closed = 0;
  for (let i = 0; i < appends; i++) {
    const out = await asm.append({ fleetId: "F", vehicleId: `V${i % 10}` }, `${i + 1}-0`, batch);
    if (out.status === "window") {
      closed++;
      await asm.complete(out.window, out.window.windowKey);
    }
  }
  report["WindowAssembler.append (10-row batch, 4 channels), sequential"] =
    `${(appends / ((performance.now() - t0) / 1000)).toFixed(0)} batches/s (${closed} windows closed)`;

  for (const [k, v] of Object.entries(report)) console.log(`${k.padEnd(62)} ${v}`);
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(async () => {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== "0");
    await redis.quit();
  });
