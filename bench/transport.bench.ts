/**
 * `npm run bench:transport`: what the two ways of getting a window to the five fault workers cost, side by side
 * in one process (interleaved rounds, medians: robust to a noisy shared machine where the cluster bench is not).
 *   inline:      5 × (CBOR encode of {window, profile} → PUBLISH → subscriber receives → CBOR decode)  [the old path]
 *   claim-check: HSET+EXPIRE of the channel bytes once, 5 × the same pub/sub trip with only the reference,
 *                4 × HMGET of the channels each analyzer reads (insulation reads none), UNLINK          [the new path]
 * And the gateway's XADD of a 4 × 8192-sample compact window: sensor_data re-serialised (JSON.stringify, string
 * argument) versus the request's own bytes (a Buffer slice of the body).
 *   ROUNDS (15), PER_ROUND (20); REDIS_URL.
 */
import { Encoder } from "cbor-x";
import { ANALYZERS } from "../analyzers/index";
import { encodeCompact } from "../ingest/encode";
import { decodeIngestBody } from "../ingest/ingest-body";
import { DEFAULT_MOTOR_PROFILE } from "../analyzers/default-profile";
import { FAULT_TYPES, type SensorWindow } from "../analyzers/types";
import { jsonMemberSpan } from "../ingest/json-member-span";
import { createRedis } from "../stores/redis";

/** The bench runs against the Redis the tests use (override with REDIS_URL). */
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
import { channelsRead, deleteWindow, loadWindow, storeWindow } from "../stores/sample-store";
import { makeFleet, nextWindow } from "../simulator/index";
import { parseCommandLine } from "../cli/args";

parseCommandLine("bench:transport", "npm run bench:transport (no options: ROUNDS, PER_ROUND and REDIS_URL from the environment)", { options: {} });

const ROUNDS = Number(process.env.ROUNDS ?? 15);
const PER_ROUND = Number(process.env.PER_ROUND ?? 20);
const tag = `bench-transport-${process.pid}`;
// The options of moleculer's CBOR serializer (useTag259ForMaps is untyped in cbor-x's Options).
const cbor = new Encoder({ useRecords: false, useTag259ForMaps: false } as ConstructorParameters<typeof Encoder>[0]);

async function main(): Promise<void> {
  const pub = createRedis(REDIS_URL);
  const sub = createRedis(REDIS_URL);
  const redis = createRedis(REDIS_URL);
  const [vehicle] = makeFleet({ vehicles: 1, seed: 3, faultyShare: 0, durationS: 1, rateHz: 8192, vibRateHz: 8192 }).vehicles;
  const w = nextWindow(vehicle, 0);
  const body = Buffer.from(JSON.stringify({ metadata: {}, sensor_data: encodeCompact(w) }));
  const window: SensorWindow = decodeIngestBody(JSON.parse(body.toString("utf8"))).window;
  const wanted = FAULT_TYPES.map((f) => channelsRead(ANALYZERS[f]));

  // A subscriber that decodes each message, like a worker's transporter; resolves the sender's await.
  const waiting: (() => void)[] = [];
  await sub.subscribe(`${tag}:ch`);
  sub.on("messageBuffer", (_channel: Buffer, message: Buffer) => {
    cbor.decode(message);
    waiting.shift()?.();
  });
  const trip = (payload: unknown): Promise<void> =>
    new Promise((resolve) => {
      waiting.push(resolve);
      void pub.publish(`${tag}:ch`, cbor.encode(payload));
    });

  let n = 0;
  const variants: Record<string, () => Promise<void>> = {
    "inline (5 × window over pub/sub)": async () => {
      await Promise.all(FAULT_TYPES.map(() => trip({ window, profile: DEFAULT_MOTOR_PROFILE })));
    },
    "claim-check (store once, fetch what each reads)": async () => {
      const key = `${tag}:w:${n++}`;
      const windowRef = await storeWindow(redis, key, window, 60);
      await Promise.all(
        FAULT_TYPES.map(async (_, i) => {
          await trip({ windowRef, profile: DEFAULT_MOTOR_PROFILE });
          await loadWindow(redis, windowRef, wanted[i]);
        }),
      );
      await deleteWindow(redis, key);
    },
    "gateway XADD, sensor_data re-serialised": async () => {
      const parsed = JSON.parse(body.toString("utf8")) as { sensor_data: object };
      await redis.xadd(`${tag}:raw`, "MAXLEN", "~", 200, "*", "sensor_data", JSON.stringify(parsed.sensor_data));
    },
    "gateway XADD, the body's own bytes": async () => {
      JSON.parse(body.toString("utf8"));
      const span = jsonMemberSpan(body, "sensor_data")!;
      await redis.xadd(`${tag}:raw`, "MAXLEN", "~", 200, "*", "sensor_data", body.subarray(span.start, span.end));
    },
  };
  const wall: Record<string, number[]> = {};
  const cpu: Record<string, number[]> = {};
  for (let round = 0; round < ROUNDS + 2; round++) {
    for (const [name, run] of Object.entries(variants)) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < PER_ROUND; i++) await run();
      const ms = (performance.now() - t0) / PER_ROUND;
      const c = process.cpuUsage(c0);
      if (round < 2) continue; // warm-up rounds
      (wall[name] ??= []).push(ms);
      (cpu[name] ??= []).push((c.user + c.system) / 1000 / PER_ROUND);
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `window of ${Object.keys(window.channels).length} × 8192 samples, body ${(body.length / 1024).toFixed(0)} KB; ${ROUNDS} interleaved rounds of ${PER_ROUND}, medians (this process's CPU; Redis's not included)`,
  );
  for (const name of Object.keys(variants)) {
    console.log(
      `  ${name.padEnd(48)} wall ${median(wall[name]).toFixed(2).padStart(6)} ms   Node CPU ${median(cpu[name]).toFixed(2).padStart(6)} ms per window`,
    );
  }
  await redis.del(`${tag}:raw`);
  await Promise.all([pub.quit(), sub.quit(), redis.quit()]);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
