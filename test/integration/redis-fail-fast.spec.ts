/**
 * A request path must learn that Redis is down in milliseconds: once connected, a client made with
 * failFastWhenDown rejects commands at once during an outage instead of queueing them, and works again after.
 */
import { expect } from "chai";
import type { Redis } from "ioredis";
import { createRedis } from "../../stores/redis";
import { PrivateRedis, redisServerInstalled } from "../../tools/chaos/private-redis";

describe("Redis clients fail fast while Redis is down", function () {
  this.timeout(30_000);
  let server: PrivateRedis;
  let fast: Redis;
  let queued: Redis;

  before(async function () {
    if (!redisServerInstalled()) this.skip();
    server = await PrivateRedis.start();
    fast = createRedis(server.url, { failFastWhenDown: true, connectionName: "fail-fast" });
    queued = createRedis(server.url, { connectionName: "queued" });
    expect(await fast.ping()).to.equal("PONG");
    expect(await queued.ping()).to.equal("PONG");
  });

  after(async () => {
    fast?.disconnect();
    queued?.disconnect();
    await server?.destroy();
  });

  it("rejects within 100 ms during the outage, and answers again once Redis is back", async () => {
    const closed = new Promise<void>((resolve) => fast.once("close", () => resolve()));
    await server.stop();
    await closed;
    const t0 = performance.now();
    const error = await fast.get("k").then(
      () => null,
      (e: unknown) => e,
    );
    const elapsedMs = performance.now() - t0;
    expect(String(error)).to.match(/enableOfflineQueue|writeable|Connection/i);
    expect(elapsedMs, "fail-fast rejection time, ms").to.be.below(100);

    // Without the option the command waits for a reconnect attempt first (the behaviour the api had).
    const t1 = performance.now();
    await queued.get("k").catch(() => undefined);
    expect(performance.now() - t1, "queued rejection time, ms").to.be.above(elapsedMs);

    // The client may reconnect while restart() still polls the port: listen before restarting. A plain listener,
    // not events.once: failed reconnect attempts emit 'error', which would reject once().
    const ready = new Promise<void>((resolve) => fast.once("ready", () => resolve()));
    await server.restart();
    await ready;
    expect(await fast.ping()).to.equal("PONG");
  });
});
