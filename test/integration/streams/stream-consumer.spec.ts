import { expect } from "chai";
import type { Redis } from "ioredis";
import { ServiceBroker, type Service } from "moleculer";
import {
  RedisStreamConsumerMixin,
  type EntryOutcome,
  type RedisStreamConsumerMixinOptions,
  type StreamConsumerMethods,
  type StreamEntry,
} from "../../../mixins/redis-stream-consumer.mixin";
import { appendRawEntry } from "../../../streams/raw-stream-writer";
import { fieldsToObject, pairsToRecord } from "../../../streams/stream-replies";
import { REDIS_URL, useRedisFixture } from "../../helpers/redis-fixture";
import { waitFor } from "../../helpers/wait-for";
import { setTimeout as sleep } from "node:timers/promises";

type Handler = (entries: StreamEntry[]) => Promise<EntryOutcome[]>;

interface Harness {
  broker: ServiceBroker;
  service: Service & StreamConsumerMethods;
}

async function startConsumer(
  nodeID: string,
  opts: Omit<RedisStreamConsumerMixinOptions, "redisUrl"> & { redisUrl?: string },
  handler: Handler,
): Promise<Harness> {
  const broker = new ServiceBroker({ logger: false, nodeID });
  const service = broker.createService({
    name: "consumer",
    mixins: [RedisStreamConsumerMixin({ redisUrl: REDIS_URL, ...opts })],
    methods: { handleStreamEntries: handler },
  }) as Service & StreamConsumerMethods;
  await broker.start();
  return { broker, service };
}

async function pendingCount(redis: Redis, stream: string, group: string): Promise<number> {
  const summary = await redis.xpending(stream, group);
  return Number(summary[0]);
}

/** Ids of the connections whose CLIENT SETNAME starts with the prefix. */
async function clientIdsNamed(redis: Redis, namePrefix: string): Promise<string[]> {
  const list = String(await redis.call("CLIENT", "LIST"));
  return list
    .split("\n")
    .filter((line) => / name=(\S*)/.exec(line)?.[1]?.startsWith(namePrefix))
    .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1] ?? "");
}

async function clientsNamed(redis: Redis, namePrefix: string): Promise<number> {
  return (await clientIdsNamed(redis, namePrefix)).length;
}

describe("RedisStreamConsumerMixin (real Redis, real ServiceBroker)", function () {
  this.timeout(30_000);
  let redis: Redis;
  let prefix: string;
  let stream: string;
  let harnesses: Harness[];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  const fx = useRedisFixture("consumer", { perTest: true });
  fx.beforeCleanup(() => Promise.all(harnesses.map((h) => h.broker.stop())));

  before(() => {
    process.on("unhandledRejection", onUnhandled);
  });
  beforeEach(() => {
    ({ redis, prefix } = fx);
    stream = `${prefix}:motor_raw_data`;
    harnesses = [];
  });
  afterEach(() => {
    expect(unhandled, "unhandled rejections").to.deep.equal([]);
  });
  after(() => {
    process.off("unhandledRejection", onUnhandled);
  });

  async function writeBacklog(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      ids.push(
        await appendRawEntry(
          redis,
          stream,
          {
            vehicleId: `V-${i % 3}`,
            timestamp: new Date(1_700_000_000_000 + i).toISOString(),
            sensorData: { data: [{ Ia: i }], sampling_rate: 3000 },
            metadata: { seq: i },
          },
          { maxLen: 10_000 },
        ),
      );
    }
    return ids;
  }

  it("consumes a backlog written before the group existed, acks on 'ack', keeps in-flight bounded", async () => {
    const ids = await writeBacklog(60);
    const seen: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const h = await startConsumer("n1", { stream, group: "g", batchSize: 4, maxInFlight: 8 }, async (entries) => {
      inFlight += entries.length;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await sleep(5); // the point: handlers that take a while, so that several are in flight
      seen.push(...entries.map((e) => e.id));
      inFlight -= entries.length;
      expect(entries[0].fields.data_type).to.equal("motor_sensor_data");
      return entries.map(() => "ack" as const);
    });
    harnesses.push(h);
    await waitFor(() => h.service.getStreamConsumerStats().acked === 60, 10_000, "60 acks");
    expect([...seen].sort()).to.deep.equal([...ids].sort());
    expect(maxInFlight).to.be.at.most(8);
    expect(await pendingCount(redis, stream, "g")).to.equal(0);
    const stats = h.service.getStreamConsumerStats();
    expect(stats).to.include({ delivered: 60, acked: 60, retried: 0, deadLettered: 0, inFlight: 0, consumer: "n1:consumer" });
  });

  it("leaves a 'retry' pending and redelivers it after claimIdleMs with its delivery count", async () => {
    const [id] = await writeBacklog(1);
    const deliveries: number[] = [];
    const h = await startConsumer("n1", { stream, group: "g", claimIdleMs: 200, claimIntervalMs: 50 }, async (entries) =>
      entries.map((e) => {
        deliveries.push(e.deliveries ?? -1);
        return deliveries.length < 2 ? { outcome: "retry" as const, error: "analyzer busy" } : "ack";
      }),
    );
    harnesses.push(h);
    await waitFor(() => h.service.getStreamConsumerStats().acked === 1, 5000, "ack after retry");
    expect(deliveries).to.deep.equal([1, 2]);
    expect(await pendingCount(redis, stream, "g")).to.equal(0);
    expect(h.service.getStreamConsumerStats()).to.include({ retried: 1, reclaimed: 1 });
    expect(h.service.getStreamConsumerStats().lastError?.message).to.contain(id);
  });

  it("dead-letters after maxDeliveries with every original field plus the failure record", async () => {
    const [id] = await writeBacklog(1);
    const original = fieldsToObject((await redis.xrange(stream, id, id))[0][1]);
    let calls = 0;
    const dlq = `${stream}:dlq`;
    const h = await startConsumer("n1", { stream, group: "g", claimIdleMs: 100, claimIntervalMs: 30, maxDeliveries: 3 }, async (entries) => {
      calls++;
      return entries.map(() => ({ outcome: "retry" as const, error: new Error("decoder exploded") }));
    });
    harnesses.push(h);
    await waitFor(async () => (await redis.xlen(dlq)) === 1, 8000, "DLQ entry");
    const [[, list]] = await redis.xrange(dlq, "-", "+");
    const dead = fieldsToObject(list);
    expect(dead).to.include(original);
    expect(dead).to.include({ error: "decoder exploded", original_id: id, original_stream: stream, group: "g", deliveries: "3" });
    expect(Date.parse(dead.failed_at)).to.be.closeTo(Date.now(), 10_000);
    expect(calls).to.equal(3);
    expect(await pendingCount(redis, stream, "g")).to.equal(0);
    expect(h.service.getStreamConsumerStats().deadLettered).to.equal(1);
  });

  it("dead-letters at once on 'dead'", async () => {
    await writeBacklog(2);
    const h = await startConsumer("n1", { stream, group: "g" }, async (entries) =>
      entries.map((e) => (e.fields.metadata === '{"seq":0}' ? { outcome: "dead" as const, error: "not a motor window" } : "ack")),
    );
    harnesses.push(h);
    await waitFor(
      async () => (await redis.xlen(`${stream}:dlq`)) === 1 && h.service.getStreamConsumerStats().acked === 1,
      10_000,
      "one entry dead-lettered, one acked",
    );
    expect(await pendingCount(redis, stream, "g")).to.equal(0);
  });

  it("reclaims the pending entries of a consumer that died, after claimIdleMs", async () => {
    const ids = await writeBacklog(5);
    // A coordinator that read the entries and died before acknowledging them.
    await redis.xgroup("CREATE", stream, "g", "0", "MKSTREAM");
    await redis.xreadgroup("GROUP", "g", "dead-node", "COUNT", 10, "STREAMS", stream, ">");
    expect(await pendingCount(redis, stream, "g")).to.equal(5);
    const handled: StreamEntry[] = [];
    const started = Date.now();
    const h = await startConsumer("n2", { stream, group: "g", claimIdleMs: 400, claimIntervalMs: 50 }, async (entries) => {
      handled.push(...entries);
      return entries.map(() => "ack" as const);
    });
    harnesses.push(h);
    await waitFor(() => handled.length === 5, 5000, "reclaim");
    expect(Date.now() - started).to.be.at.least(300);
    expect(handled.map((e) => e.id).sort()).to.deep.equal([...ids].sort());
    expect(handled.map((e) => e.deliveries)).to.deep.equal([2, 2, 2, 2, 2]);
    await waitFor(async () => (await pendingCount(redis, stream, "g")) === 0, 10_000, "nothing pending after the reclaim");
    expect(h.service.getStreamConsumerStats().reclaimed).to.equal(5);
    // The dead consumer's name is kept while it idles less than forgetIdleConsumersMs (1 h by default).
    expect(((await redis.call("XINFO", "CONSUMERS", stream, "g")) as unknown[]).length).to.equal(2);
  });

  it("forgets the names of dead consumers that have nothing pending", async () => {
    await writeBacklog(1);
    await redis.xgroup("CREATE", stream, "g", "$", "MKSTREAM");
    await redis.xgroup("CREATECONSUMER", stream, "g", "long-gone"); // a name left behind, nothing pending
    await waitFor(
      async () => {
        const idle = ((await redis.call("XINFO", "CONSUMERS", stream, "g")) as unknown[][])
          .map((c) => pairsToRecord(c))
          .find((c) => c.name === "long-gone")?.idle;
        return Number(idle) > 20;
      },
      3000,
      "long-gone idle longer than forgetIdleConsumersMs",
    );
    const h = await startConsumer("n3", { stream, group: "g", claimIntervalMs: 30, forgetIdleConsumersMs: 20 }, async (entries) =>
      entries.map(() => "ack" as const),
    );
    harnesses.push(h);
    await waitFor(
      async () => {
        const names = ((await redis.call("XINFO", "CONSUMERS", stream, "g")) as unknown[][]).map((c) => pairsToRecord(c).name);
        return !names.includes("long-gone");
      },
      3000,
      "long-gone forgotten",
    );
  });

  it("a second broker takes over what a stopped-without-ack broker left pending", async () => {
    await writeBacklog(4);
    // Broker A answers "retry" for everything (as if its fault workers were unreachable), then goes away.
    const a = await startConsumer("a", { stream, group: "g", claimIdleMs: 300, claimIntervalMs: 50, maxDeliveries: 10 }, async (entries) =>
      entries.map(() => "retry" as const),
    );
    await waitFor(() => a.service.getStreamConsumerStats().retried >= 4, 10_000, "four retries on broker A");
    await a.broker.stop();
    const handledByB: string[] = [];
    const b = await startConsumer("b", { stream, group: "g", claimIdleMs: 300, claimIntervalMs: 50, maxDeliveries: 10 }, async (entries) => {
      handledByB.push(...entries.map((e) => e.id));
      return entries.map(() => "ack" as const);
    });
    harnesses.push(b);
    await waitFor(() => handledByB.length === 4, 5000, "takeover");
    expect(await pendingCount(redis, stream, "g")).to.equal(0);
  });

  it("accepts a per-entry handler: a throw means retry, and ackStreamEntries acks outside the batch", async () => {
    const ids = await writeBacklog(3);
    const attempts = new Map<string, number>();
    const broker = new ServiceBroker({ logger: false, nodeID: "single" });
    const service = broker.createService({
      name: "consumer",
      mixins: [RedisStreamConsumerMixin({ redisUrl: REDIS_URL, stream, group: "g", claimIdleMs: 150, claimIntervalMs: 30 })],
      methods: {
        async handleStreamEntry(entry: StreamEntry): Promise<EntryOutcome> {
          attempts.set(entry.id, (attempts.get(entry.id) ?? 0) + 1);
          if (entry.id === ids[0] && attempts.get(entry.id) === 1) throw new Error("transient");
          // The last entry is left pending on purpose and acknowledged through ackStreamEntries below.
          return entry.id === ids[2] ? "retry" : "ack";
        },
      },
    }) as Service & StreamConsumerMethods;
    harnesses.push({ broker, service });
    await broker.start();
    await waitFor(() => (attempts.get(ids[0]) ?? 0) === 2 && (attempts.get(ids[1]) ?? 0) === 1, 5000, "retry of the throw");
    expect(await service.ackStreamEntries([ids[2]])).to.equal(1);
    await waitFor(async () => (await pendingCount(redis, stream, "g")) === 0, 10_000, "nothing pending after ackStreamEntries");
    expect(service.getStreamConsumerStats().lastError?.message).to.match(/transient|retry/);
  });

  it("renews the lease of a slow handler so that another consumer does not take its entries", async () => {
    await writeBacklog(4);
    const handled: string[] = [];
    const opts = { stream, group: "g", claimIdleMs: 200, claimIntervalMs: 30, batchSize: 4 };
    const slow = await startConsumer("slow", opts, async (entries) => {
      await sleep(800); // the point: a handler busy for four times the claim idle time
      handled.push(...entries.map((e) => e.id));
      return entries.map(() => "ack" as const);
    });
    harnesses.push(slow);
    await waitFor(() => slow.service.getStreamConsumerStats().inFlight === 4, 10_000, "four entries in the slow handler");
    const other = await startConsumer("other", opts, async (entries) => {
      handled.push(...entries.map((e) => e.id));
      return entries.map(() => "ack" as const);
    });
    harnesses.push(other);
    await sleep(500); // the point: 2.5 claim idle times pass without a reclaim
    // Still being handled: owned by the slow consumer, delivered once (a reclaim would have counted a delivery).
    const rows = (await redis.xpending(stream, "g", "-", "+", 10)) as [string, string, number, number][];
    expect(rows.map((r) => [r[1], r[3]])).to.deep.equal(Array(4).fill(["slow:consumer", 1]));
    await waitFor(() => slow.service.getStreamConsumerStats().acked === 4, 5000, "slow handler done");
    await sleep(300); // the point: nothing is handled a second time afterwards
    expect(handled).to.have.length(4);
    expect(other.service.getStreamConsumerStats().delivered).to.equal(0);
  });

  it("drains in-flight handlers on stop and closes its connections", async () => {
    await writeBacklog(6);
    let finished = 0;
    const h = await startConsumer("drain", { stream, group: "g", batchSize: 3, maxInFlight: 6 }, async (entries) => {
      await sleep(300); // the point: handlers still running when stop() is called
      finished += entries.length;
      return entries.map(() => "ack" as const);
    });
    await waitFor(() => h.service.getStreamConsumerStats().inFlight === 6, 5000, "in flight");
    expect(await clientsNamed(redis, "drain:consumer")).to.equal(2);
    await h.broker.stop();
    expect(finished).to.equal(6);
    expect(await pendingCount(redis, stream, "g")).to.equal(0);
    await waitFor(async () => (await clientsNamed(redis, "drain:consumer")) === 0, 3000, "connections closed");
  });

  it("survives a Redis that is not there, and stops cleanly", async () => {
    const h = await startConsumer("nowhere", { stream, group: "g", redisUrl: "redis://127.0.0.1:1", blockMs: 200 }, async (entries) =>
      entries.map(() => "ack" as const),
    );
    await waitFor(() => h.service.getStreamConsumerStats().errors > 0, 5000, "an error recorded");
    expect(h.service.getStreamConsumerStats().lastError?.message).to.match(/ECONNREFUSED|Connection|connect/i);
    await h.broker.stop();
  });

  it("resumes after its connections are killed, without leaking connections", async () => {
    const got: string[] = [];
    const h = await startConsumer("killme", { stream, group: "g", blockMs: 300 }, async (entries) => {
      got.push(...entries.map((e) => e.id));
      return entries.map(() => "ack" as const);
    });
    harnesses.push(h);
    await writeBacklog(3);
    await waitFor(() => got.length === 3, 10_000, "the first three entries");
    for (let round = 0; round < 3; round++) {
      // Only this consumer's own connections: the Redis is shared with other test runs.
      await waitFor(async () => (await clientIdsNamed(redis, "killme:consumer")).length === 2, 5000, "both connections up");
      const ids = await clientIdsNamed(redis, "killme:consumer");
      for (const id of ids) await redis.call("CLIENT", "KILL", "ID", id);
      await waitFor(async () => !(await clientIdsNamed(redis, "killme:consumer")).some((id) => ids.includes(id)), 5000, "the killed connections gone");
      await writeBacklog(2);
      await waitFor(() => got.length === 5 + round * 2, 10_000, `resume after kill ${round}`);
    }
    // Reconnected, not duplicated: still exactly the two connections (and they stay two).
    await waitFor(async () => (await clientsNamed(redis, "killme:consumer")) === 2, 5000, "reconnected");
    await sleep(300); // the point: the count stays two, no late duplicate connection appears
    expect(await clientsNamed(redis, "killme:consumer")).to.equal(2);
    expect(await pendingCount(redis, stream, "g")).to.equal(0);
  });
});
