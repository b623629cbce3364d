/**
 * The api when its Redis (streams, keys, state) does not answer: ingest and reads fail fast with 503, /ready says
 * not ready, /live stays up. The transporter keeps using the real Redis; only the api's data connection is cut.
 */
import { expect } from "chai";
import type { ServiceBroker } from "moleculer";
import { configuredService, makeBroker, uniqueName } from "./helpers";
import { freePort } from "../../cli/free-port";
import { closeRedis, createRedis } from "../../stores/redis";

describe("api with its Redis down", function () {
  this.timeout(30_000);
  const tag = uniqueName("down");
  let broker: ServiceBroker;
  let base: string;

  before(async () => {
    const [httpPort, deadPort] = await Promise.all([freePort(), freePort()]);
    broker = makeBroker(tag, "api-down");
    // Data connection to a port where nothing listens (the transporter uses the real Redis).
    broker.createService(configuredService("api", { PORT: String(httpPort), HOST: "127.0.0.1", REDIS_URL: `redis://127.0.0.1:${deadPort}`, VTOX_PREFIX: tag }));
    await broker.start();
    base = `http://127.0.0.1:${httpPort}`;
  });

  after(async () => {
    await broker?.stop();
  });

  it("closeRedis ends a client that is still reconnecting with commands queued (a bare QUIT would not)", async () => {
    const client = createRedis(`redis://127.0.0.1:${await freePort()}`, { commandTimeoutMs: 200 });
    const queued = client.get("k").catch((e: Error) => e);
    await closeRedis(client);
    expect(await queued).to.be.instanceOf(Error);
    // ioredis's own field (5.x): the timer of the next reconnect attempt, which is what kept test processes alive.
    expect((client as unknown as { reconnectTimeout: unknown }).reconnectTimeout, "reconnect timer still armed").to.equal(null);
  });

  it("answers ingest with 503 within a few seconds, never 500, and no stack", async () => {
    const t0 = Date.now();
    const res = await fetch(`${base}/api/v1/diagnosis-stream/vehicles/EV-1/data`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer vtox_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
      body: JSON.stringify({ sensor_data: { sampling_rate: 1000, channels: { ia: [1, 2, 3] } } }),
    });
    const elapsed = Date.now() - t0;
    const body = (await res.json()) as { error: string; message: string };
    expect(res.status).to.equal(503);
    expect(body.error).to.equal("service_unavailable");
    expect(JSON.stringify(body)).not.to.match(/\.ts:\d+/);
    expect(elapsed).to.be.below(5000);
  });

  it("is live but not ready", async () => {
    expect((await fetch(`${base}/live`)).status).to.equal(200);
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).to.equal(503);
    expect(((await ready.json()) as { checks: { redis: boolean } }).checks.redis).to.equal(false);
  });
});
