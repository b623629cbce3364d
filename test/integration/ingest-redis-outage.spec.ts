/**
 * Ingest through a Redis outage (a PRIVATE redis-server; the shared one is never touched): 503 within ~100 ms once the
 * api knows its connection is down, and 202 again as soon as Redis is back. A circuit breaker on the api's own actions
 * used to keep ingest at 503 for its halfOpenTime (seen ~25 s) after Redis had returned; the api's actions have none.
 */
import { expect } from "chai";
import type { Redis } from "ioredis";
import { encodeCompact } from "../../ingest/encode";
import { makeFleet, nextWindow } from "../../simulator/index";
import { PrivateRedis, redisServerInstalled } from "../../tools/chaos/private-redis";
import type { Principal } from "../../gateway/roles";
import { startApi, type ApiHarness } from "./api-harness";
import { uniqueName } from "./helpers";
import { waitFor } from "../helpers/wait-for";

const window = nextWindow(makeFleet({ vehicles: 1, seed: 8, faultyShare: 0, durationS: 0.125, rateHz: 4096, vibRateHz: 4096 }).vehicles[0], 0);
const body = JSON.stringify({ sensor_data: encodeCompact(window) });

describe("ingest through a Redis outage: fast 503 while down, 202 as soon as Redis is back, no breaker", function () {
  this.timeout(60_000);
  const tag = uniqueName("outage");
  let server: PrivateRedis;
  let api: ApiHarness;
  let apiRedis: Redis;
  let key: string;
  let principal: Principal;

  before(async function () {
    if (!redisServerInstalled()) this.skip();
    server = await PrivateRedis.start();
    api = await startApi(tag, "outage-api", { INGEST_RATE_LIMIT: "100000", INGEST_VEHICLE_RATE_LIMIT: "100000" }, { redisUrl: server.url });
    ({ key, principal } = await api.store.create("fleetO", "ingest"));
    apiRedis = (api.broker.getLocalService("api") as unknown as { redis: Redis }).redis;
  });

  after(async () => {
    await api?.stop();
    await server?.destroy();
  });

  const post = async (vehicle = "EV-O1") => {
    const t0 = performance.now();
    const res = await fetch(`${api.base}/api/v1/diagnosis-stream/vehicles/${vehicle}/data`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const json = (await res.json()) as Record<string, unknown>;
    return { status: res.status, json, ms: performance.now() - t0 };
  };

  it("answers 503 within ~100 ms while Redis is down and 202 within 3 s of Redis being back", async () => {
    expect((await post()).status).to.equal(202);
    await server.stop();
    await waitFor(() => apiRedis.status !== "ready" || undefined, 5000, "the api to see its Redis connection down");
    const down: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await post();
      expect(res.status, JSON.stringify(res.json)).to.equal(503);
      expect(res.json.error).to.equal("service_unavailable");
      down.push(res.ms);
    }
    down.sort((a, b) => a - b);
    const median = down[Math.floor(down.length / 2)];
    console.log(`      ingest while Redis was down: 503 in ${median.toFixed(1)} ms (median), ${down[down.length - 1].toFixed(1)} ms (max)`);
    expect(median, "median 503 time, ms").to.be.below(100);
    expect(down[down.length - 1], "slowest 503, ms").to.be.below(500);

    await server.restart();
    await waitFor(() => apiRedis.status === "ready" || undefined, 15_000, "the api's Redis connection back");
    const back = Date.now();
    await waitFor(async () => (await post()).status === 202 || undefined, 3000, "ingest accepted again within 3 s of Redis being back");
    console.log(`      ingest accepted again ${Date.now() - back} ms after the api's Redis reconnected`);
  });

  it("failures of the api's own actions never open a circuit breaker", async () => {
    await server.stop();
    await waitFor(() => apiRedis.status !== "ready" || undefined, 5000, "the api to see its Redis connection down");
    for (let i = 0; i < 12; i++) {
      const err = await api.broker.call("api.vehicleHealth", { vehicle_id: "EV-O1" }, { meta: { principal } }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, "a call failing while Redis is down").to.be.instanceOf(Error);
    }
    const store = (api.broker as unknown as { CircuitBreakerStore: Map<string, { state: string; failures: number }> }).CircuitBreakerStore;
    const apiEntries = [...store.entries()].filter(([name]) => name.includes("api."));
    expect(
      apiEntries.map(([name, s]) => `${name}: ${s.state} after ${s.failures} failures`),
      "breaker state of api actions",
    ).to.deep.equal([]);
    await server.restart();
    await waitFor(() => apiRedis.status === "ready" || undefined, 15_000, "the api's Redis connection back");
  });
});
