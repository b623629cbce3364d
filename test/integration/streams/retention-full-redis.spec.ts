/**
 * A Redis full to maxmemory (noeviction) refuses writes — ingest XADD, the retention lease — but the retention pass
 * still runs and frees memory by trimming what is diagnosed, and the coordinator treats the refusal as transient.
 * Private redis-server with maxmemory 16mb, lowered below its usage for the pass (the shared Redis's limits are
 * never changed). Skipped without redis-server.
 */
import { expect } from "chai";
import { redisKeys } from "../../../contracts/redis-keys";
import { isTransientFailure } from "../../../mixins/redis-stream-consumer.mixin";
import { createRedis } from "../../../stores/redis";
import { readRedisMemory } from "../../../stores/redis-memory";
import { isOutOfMemory, runLeasedRetentionPass } from "../../../streams/retention";
import { PrivateRedis, redisServerInstalled } from "../../../tools/chaos/private-redis";

describe("retention on a Redis full to maxmemory (noeviction)", function () {
  this.timeout(60_000);
  let server: PrivateRedis | undefined;
  before(async function () {
    if (!redisServerInstalled()) this.skip();
    server = await PrivateRedis.start({ persistence: "none", maxmemory: "16mb" });
  });
  after(() => server?.destroy());

  it("refuses ingest with OOM (a transient failure), yet the pass runs without its lease and frees the diagnosed entries", async () => {
    const redis = createRedis(server!.url);
    try {
      const keys = redisKeys({ prefix: "full" });
      await redis.xgroup("CREATE", keys.rawStream, "diagnosis", "$", "MKSTREAM");
      const body = Buffer.alloc(64 * 1024, 7);
      let refused: unknown;
      for (let i = 0; i < 1000 && refused === undefined; i++) {
        await redis.xadd(keys.rawStream, "*", "vehicle_id", "V1", "sensor_data", body).catch((err: unknown) => {
          refused = err;
        });
      }
      expect(isOutOfMemory(refused), String(refused)).to.equal(true);
      expect(isTransientFailure(refused), "the coordinator retries it in place").to.equal(true);
      // Everything written is diagnosed: read and acknowledged (XREADGROUP and XACK are allowed when full).
      const length = await redis.xlen(keys.rawStream);
      const read = (await redis.xreadgroup("GROUP", "diagnosis", "c1", "COUNT", length, "STREAMS", keys.rawStream, ">")) as [string, [string, string[]][]][];
      await redis.xack(keys.rawStream, "diagnosis", ...read[0][1].map(([id]) => id));
      await new Promise((r) => setTimeout(r, 1100));

      // Acknowledging freed the PEL: put the limit 1 MB below what is used now, so that every write is refused.
      await redis.config("SET", "maxmemory", String((await readRedisMemory(redis)).usedBytes - 1_000_000));
      const lease = await redis.set(keys.retentionLease(), "probe", "PX", 10).then(
        () => null,
        (err: unknown) => err,
      );
      expect(isOutOfMemory(lease), "still full: the lease's SET is refused").to.equal(true);
      const before = await readRedisMemory(redis);
      const out = await runLeasedRetentionPass(
        redis,
        keys,
        { rawStreamRetentionS: 1, dlqMaxBytes: 1 << 20, dlqRetentionS: 60, vehicleStateTtlS: 60 },
        { owner: "test", leaseMs: 1000 },
      );
      expect(out, "ran although the lease could not be written").to.not.equal(null);
      expect(out!.raw.trimmed).to.equal(length);
      const after = await readRedisMemory(redis);
      expect(after.usedBytes).to.be.lessThan(before.usedBytes - length * 60 * 1024);
      // and ingest is accepted again
      expect(await redis.xadd(keys.rawStream, "*", "vehicle_id", "V1", "sensor_data", body)).to.be.a("string");
    } finally {
      await redis.quit();
    }
  });
});
