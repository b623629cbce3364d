/**
 * End-to-end throughput of a running cluster (npm run serve with the same REDIS_URL / VTOX_PREFIX / stream names):
 * POSTs WINDOWS simulated windows (compact shape) with CONCURRENCY requests in flight, then waits until the results
 * stream holds five entries for each. Prints accepted/s at the gateway and diagnosed windows/s end to end.
 *   API_URL (http://127.0.0.1:${PORT:-8000}), WINDOWS (300), CONCURRENCY (16), DURATION_S (1, window length).
 */
import { encodeCompact } from "../analyzers/decode/sensor-data";
import { ApiKeyStore } from "../lib/auth/api-keys";
import { createRedis, redisKeys } from "../lib/redis";
import { makeFleet, nextWindow } from "../simulator";

async function main(): Promise<void> {
  const api = process.env.API_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8000}`;
  const total = Number(process.env.WINDOWS ?? 300);
  const concurrency = Number(process.env.CONCURRENCY ?? 16);
  const keys = redisKeys();
  const redis = createRedis(process.env.REDIS_URL);
  const { key } = await new ApiKeyStore(redis, keys.prefix).create("bench", "ingest", "pipeline bench");
  const fleet = makeFleet({ vehicles: 20, seed: 11, faultyShare: 0.3, durationS: Number(process.env.DURATION_S ?? 1) });
  const bodies = fleet.vehicles.map((v) => JSON.stringify({ sensor_data: encodeCompact(nextWindow(v, 0)) }));
  const resultsBefore = await redis.xlen(keys.resultsStream);

  let next = 0;
  let rejected = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const v = fleet.vehicles[i % fleet.vehicles.length];
        const res = await fetch(`${api}/api/v1/diagnosis-stream/vehicles/${v.id}/data`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
          body: bodies[i % bodies.length],
        });
        if (res.status !== 202) rejected++;
        await res.arrayBuffer();
      }
    }),
  );
  const tIngest = performance.now();
  const target = resultsBefore + 5 * (total - rejected);
  while ((await redis.xlen(keys.resultsStream)) < target) await new Promise((r) => setTimeout(r, 50));
  const tDone = performance.now();
  const bytes = bodies.reduce((s, b) => s + b.length, 0) / bodies.length;
  console.log(`${total} windows of ${(bytes / 1024).toFixed(0)} KB (${rejected} rejected), concurrency ${concurrency}`);
  console.log(`gateway accepted ${(total / ((tIngest - t0) / 1000)).toFixed(1)} windows/s`);
  console.log(`diagnosed end to end ${(total / ((tDone - t0) / 1000)).toFixed(1)} windows/s (${((tDone - t0) / 1000).toFixed(1)} s)`);
  await redis.quit();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
