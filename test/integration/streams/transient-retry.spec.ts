/**
 * A transient failure (no worker registered, Redis away) is retried in place: no delivery counted, so even with
 * maxDeliveries 1 the entry is not dead-lettered, and it is acked once the handler succeeds.
 */
import { expect } from "chai";
import { ServiceBroker } from "moleculer";
import { RedisStreamConsumerMixin, type EntryOutcome, type StreamEntry } from "../../../mixins/redis-stream-consumer.mixin";
import { REDIS_URL, useRedisFixture } from "../../helpers/redis-fixture";
import { waitFor } from "../../helpers/wait-for";

describe("stream consumer: transient failures retried in place", function () {
  this.timeout(20_000);
  const fx = useRedisFixture("transient");

  it("holds the entry through three transient failures with maxDeliveries 1, then acks it; nothing dead-lettered", async () => {
    const { redis, prefix } = fx;
    const stream = `${prefix}:raw`;
    const dlq = `${prefix}:dlq`;
    const calls: number[] = [];
    const broker = new ServiceBroker({ logger: false, nodeID: "transient" });
    broker.createService({
      name: "consumer",
      mixins: [
        RedisStreamConsumerMixin({
          redisUrl: REDIS_URL,
          stream,
          group: "g",
          deadLetterStream: dlq,
          maxDeliveries: 1,
          claimIdleMs: 200,
          claimIntervalMs: 100,
          blockMs: 200,
        }),
      ],
      methods: {
        async handleStreamEntries(entries: StreamEntry[]): Promise<EntryOutcome[]> {
          calls.push(Date.now());
          return entries.map(() =>
            calls.length <= 3 ? { outcome: "retry", error: "Service 'fault.turn.analyze' is not available.", transient: true } : "ack",
          );
        },
      },
    });
    try {
      await broker.start();
      await redis.xadd(stream, "*", "k", "v");
      await waitFor(async () => calls.length >= 4 && Number((await redis.xpending(stream, "g"))[0]) === 0, 10_000, "the entry acked");
      expect(await redis.xlen(dlq)).to.equal(0);
      expect(calls.length).to.equal(4);
    } finally {
      await broker.stop();
    }
  });
});
