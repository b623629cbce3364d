import { expect } from "chai";
import type { Redis } from "ioredis";
import { ServiceBroker } from "moleculer";
import { countDeadLetters, discardDeadLetter, listDeadLetters, replayDeadLetter } from "../../../streams/dead-letter";
import { appendRawEntry } from "../../../streams/raw-stream-writer";
import { RedisStreamConsumerMixin, type StreamEntry } from "../../../mixins/redis-stream-consumer.mixin";
import { fieldsToObject } from "../../../streams/stream-replies";
import { REDIS_URL, useRedisFixture } from "../../helpers/redis-fixture";
import { waitFor } from "../../helpers/wait-for";

describe("dead-letter stream: list, replay, discard", function () {
  this.timeout(20_000);
  let redis: Redis;
  let prefix: string;
  const fx = useRedisFixture("dlq", { perTest: true });
  beforeEach(() => ({ redis, prefix } = fx));

  it("a poisoned entry dead-lettered by the consumer is listed, replayed with its original fields, and handled", async () => {
    const stream = `${prefix}:motor_raw_data`;
    const dlq = `${stream}:dlq`;
    const poisonId = await appendRawEntry(
      redis,
      stream,
      { vehicleId: "V-P", timestamp: "2026-11-26T05:00:00.000Z", sensorData: { data: [] } },
      { maxLen: 100 },
    );
    const original = fieldsToObject((await redis.xrange(stream, poisonId, poisonId))[0][1]);
    let healed = false;
    const handled: StreamEntry[] = [];
    const broker = new ServiceBroker({ logger: false, nodeID: "dlq-node" });
    broker.createService({
      name: "diag",
      mixins: [RedisStreamConsumerMixin({ redisUrl: REDIS_URL, stream, group: "g", claimIdleMs: 100, claimIntervalMs: 30, maxDeliveries: 2 })],
      methods: {
        async handleStreamEntries(entries: StreamEntry[]) {
          handled.push(...entries);
          return entries.map(() => (healed ? "ack" : { outcome: "retry", error: "decoder rejected sensor_data" }));
        },
      },
    });
    await broker.start();
    try {
      await waitFor(async () => (await countDeadLetters(redis, dlq)) === 1, 5000, "dead letter");
      const [dead] = await listDeadLetters(redis, dlq);
      expect(dead.fields).to.deep.equal(original);
      expect(dead).to.include({ error: "decoder rejected sensor_data", originalId: poisonId, originalStream: stream, group: "g", deliveries: 2 });

      healed = true;
      const newId = await replayDeadLetter(redis, dlq, stream, dead.id, { maxLen: 100 });
      expect(newId).to.be.a("string");
      expect(await countDeadLetters(redis, dlq)).to.equal(0);
      const [[, list]] = await redis.xrange(stream, newId!, newId!);
      expect(list).to.deep.equal((await redis.xrange(stream, poisonId, poisonId))[0][1]);
      await waitFor(() => handled.some((e) => e.id === newId), 5000, "replayed entry handled");
      expect(await replayDeadLetter(redis, dlq, stream, dead.id)).to.equal(null);
    } finally {
      await broker.stop();
    }
  });

  it("pages through dead letters and discards one", async () => {
    const dlq = `${prefix}:dlq`;
    for (let i = 0; i < 5; i++) {
      await redis.xadd(
        dlq,
        "*",
        "vehicle_id",
        `V${i}`,
        "error",
        "e",
        "original_id",
        `${i}-0`,
        "original_stream",
        "s",
        "group",
        "g",
        "deliveries",
        "3",
        "failed_at",
        "2026-11-26T00:00:00Z",
      );
    }
    const page1 = await listDeadLetters(redis, dlq, { count: 2 });
    const page2 = await listDeadLetters(redis, dlq, { count: 2, start: `(${page1[1].id}` });
    const newest = await listDeadLetters(redis, dlq, { count: 1, newestFirst: true });
    expect(page1.map((d) => d.fields.vehicle_id)).to.deep.equal(["V0", "V1"]);
    expect(page2.map((d) => d.fields.vehicle_id)).to.deep.equal(["V2", "V3"]);
    expect(newest[0].fields.vehicle_id).to.equal("V4");
    expect(await discardDeadLetter(redis, dlq, page1[0].id), "discard of a listed dead letter").to.equal(true);
    expect(await countDeadLetters(redis, dlq)).to.equal(4);
  });
});
