/**
 * A Redis near or at its maxmemory: /ready stops taking traffic before writes are refused, and a refused write
 * (OOM with noeviction) is a 503 the client retries, never a 500.
 */
import { expect } from "chai";
import { encodeCompact } from "../../ingest/encode";
import { makeFleet, nextWindow } from "../../simulator/index";
import { PrivateRedis, redisServerInstalled } from "../../tools/chaos/private-redis";
import { startApi, type ApiHarness } from "./api-harness";
import { uniqueName } from "./helpers";

const body = JSON.stringify({
  sensor_data: encodeCompact(nextWindow(makeFleet({ vehicles: 1, seed: 2, faultyShare: 0, durationS: 0.125, rateHz: 4096, vibRateHz: 4096 }).vehicles[0], 0)),
});

describe("a full Redis: /ready degrades first, refused writes are 503", function () {
  this.timeout(60_000);
  let server: PrivateRedis;
  let api: ApiHarness;
  let ingestKey: string;

  before(async function () {
    if (!redisServerInstalled()) this.skip();
    server = await PrivateRedis.start({ persistence: "none", maxmemory: "64mb" });
    // Not ready from 1 % of maxmemory on: any real usage crosses it.
    api = await startApi(
      uniqueName("full"),
      "full-api",
      { REDIS_MEMORY_READY_PCT: "1", REDIS_MEMORY_ALERT_PCT: "1", INGEST_RATE_LIMIT: "1000" },
      { redisUrl: server.url },
    );
    ingestKey = await api.key("fleetF", "ingest");
  });

  after(async () => {
    await api?.stop();
    await server?.destroy();
  });

  it("/ready answers 503 with checks.redis_memory false above REDIS_MEMORY_READY_PCT", async () => {
    const res = await fetch(`${api.base}/ready`);
    const answer = (await res.json()) as { checks: Record<string, boolean> };
    expect(res.status).to.equal(503);
    expect(answer.checks).to.include({ redis_memory: false });
  });

  it("ingest into a Redis that refuses writes (maxmemory reached, noeviction) is 503 (retry later), not 500", async () => {
    const used = Number(/used_memory:(\d+)/.exec(await api.redis.info("memory"))![1]);
    await api.redis.config("SET", "maxmemory", String(Math.max(1, used - 1024 * 1024)));
    try {
      const res = await fetch(`${api.base}/api/v1/diagnosis-stream/vehicles/EV-FULL/data`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${ingestKey}` },
        body,
      });
      const answer = (await res.json()) as { error: string };
      expect(res.status).to.equal(503);
      expect(answer.error).to.equal("service_unavailable");
    } finally {
      await api.redis.config("SET", "maxmemory", "64mb");
    }
  });
});
