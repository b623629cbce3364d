/**
 * Redis memory against maxmemory: the store function on the real Redis, the verdict, and the monitor's
 * `monitor.redis` action + `vtox_redis_memory_ratio` gauge + `redis_memory` alert on a real broker.
 * The maxmemory of the shared Redis is never changed: the thresholds are moved around the measured ratio instead,
 * except in the private redis-server case (tools/chaos/private-redis.ts), which runs with its own maxmemory.
 */
import { expect } from "chai";
import type { ServiceBroker } from "moleculer";
import { createRedis } from "../../stores/redis";
import { memoryVerdict, parseMemoryInfo, readRedisMemory } from "../../stores/redis-memory";
import { createMonitorService, REDIS_MEMORY_RATIO_METRIC, type RedisMemoryView } from "../../services/monitor.service";
import { PrivateRedis, redisServerInstalled } from "../../tools/chaos/private-redis";
import { makeBroker, REDIS_URL, uniqueName } from "./helpers";

describe("Redis memory against maxmemory", () => {
  it("parses INFO memory, and judges it against the alert and readiness thresholds", () => {
    const m = parseMemoryInfo("# Memory\r\nused_memory:900\r\nused_memory_human:900B\r\nmaxmemory:1000\r\nmaxmemory_policy:noeviction\r\n");
    expect(m).to.deep.equal({ usedBytes: 900, maxBytes: 1000, ratio: 0.9, policy: "noeviction" });
    expect(memoryVerdict(m, { alertPct: 80, readyPct: 90 })).to.deep.equal({ level: "critical", ready: false });
    expect(memoryVerdict({ ...m, ratio: 0.85 }, { alertPct: 80, readyPct: 90 })).to.deep.equal({ level: "warning", ready: true });
    expect(memoryVerdict({ ...m, ratio: 0.5 }, { alertPct: 80, readyPct: 90 })).to.deep.equal({ level: "ok", ready: true });
    const unlimited = parseMemoryInfo("used_memory:900\r\nmaxmemory:0\r\nmaxmemory_policy:noeviction\r\n");
    expect(unlimited).to.include({ maxBytes: null, ratio: null });
    expect(memoryVerdict(unlimited, { alertPct: 80, readyPct: 90 })).to.deep.equal({ level: "unbounded", ready: true });
  });

  it("reads used_memory and maxmemory from the real Redis", async () => {
    const redis = createRedis(REDIS_URL);
    try {
      const m = await readRedisMemory(redis);
      expect(m.usedBytes).to.be.greaterThan(100_000);
      expect(m.policy).to.be.a("string").and.not.equal("");
    } finally {
      await redis.quit();
    }
  });

  describe("monitor.redis, the gauge and the alert (private redis-server with maxmemory)", function () {
    this.timeout(30_000);
    let server: PrivateRedis | undefined;
    let broker: ServiceBroker;

    before(async function () {
      if (!redisServerInstalled()) this.skip();
      server = await PrivateRedis.start({ persistence: "none", maxmemory: "64mb" });
    });
    after(async () => {
      await broker?.stop();
      await server?.destroy();
    });

    it("answers ratio, level and ready; sets vtox_redis_memory_ratio; alerts from the alert threshold", async () => {
      const ns = uniqueName("redismem");
      broker = makeBroker(ns, `${ns}-monitor`);
      const redisSettings = { url: server!.url, prefix: ns, rawStream: `${ns}:raw`, resultsStream: `${ns}:results`, vehicleStateTtlS: 60 };
      broker.createService(createMonitorService({ redis: redisSettings, lagAlert: 1000, redisMemoryAlertPct: 1, redisMemoryReadyPct: 100 }));
      await broker.start();
      const view = await broker.call<RedisMemoryView>("monitor.redis");
      expect(view.maxmemory).to.equal(64 * 1024 * 1024);
      expect(view.policy).to.equal("noeviction");
      expect(view.ratio).to.be.greaterThan(0).and.lessThan(1);
      expect(view).to.include({ level: "warning", ready: true, alert_pct: 1, ready_pct: 100 });
      const gauge = broker.metrics.getMetric(REDIS_MEMORY_RATIO_METRIC);
      expect(gauge?.get()?.value).to.equal(view.ratio);
      const { alerts } = await broker.call<{ alerts: { kind: string; level: string; message: string }[] }>("monitor.alerts");
      const memAlert = alerts.find((a) => a.kind === "redis_memory");
      expect(memAlert?.level).to.equal("warning");
      expect(memAlert?.message).to.match(/% of maxmemory/);
    });
  });
});
