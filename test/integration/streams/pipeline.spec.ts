/**
 * The streams layer end to end, as the coordinator will use it: two brokers in one consumer group drain a
 * backlog of legacy 10-row batches of three vehicles, assemble windows in Redis, write results and acknowledge.
 */
import { expect } from "chai";
import type { Redis } from "ioredis";
import { ServiceBroker } from "moleculer";
import type { SensorWindow } from "../../../analyzers/types";
import { redisKeys } from "../../../contracts/redis-keys";
import { appendRawEntry } from "../../../streams/raw-stream-writer";
import { writeResults } from "../../../streams/results-writer";
import { WindowAssembler, type AppendOutcome } from "../../../streams/batch-assembler";
import { RedisStreamConsumerMixin, type StreamConsumerMethods, type EntryOutcome, type StreamEntry } from "../../../mixins/redis-stream-consumer.mixin";
import { REDIS_URL, testRedis, useRedisFixture } from "../../helpers/redis-fixture";
import { waitFor } from "../../helpers/wait-for";

const ROWS = 10;
const BATCHES = 60;
const VEHICLES = ["V-a", "V-b", "V-c"];

function legacyBatch(k: number): SensorWindow {
  return { channels: { ia: { samples: Float32Array.from({ length: ROWS }, (_, i) => k * ROWS + i), rateHz: 3000 } } };
}

describe("streams pipeline: backlog → two coordinators → windows → results → ack", function () {
  this.timeout(30_000);
  let redis: Redis;
  let prefix: string;
  const fx = useRedisFixture("pipeline", { perTest: true });
  beforeEach(() => ({ redis, prefix } = fx));

  it("diagnoses every window exactly once, contiguous and in order, and leaves nothing pending", async () => {
    const keys = redisKeys({ prefix: prefix, rawStream: `${prefix}:motor_raw_data`, resultsStream: `${prefix}:fault_diagnosis_results` });
    for (let k = 0; k < BATCHES; k++) {
      for (const v of VEHICLES) {
        await appendRawEntry(redis, keys.rawStream, { vehicleId: v, timestamp: Date.now(), sensorData: { k } }, { maxLen: 10_000 });
      }
    }
    const outcomes: AppendOutcome[] = [];
    const brokers = ["coord-1", "coord-2"].map((nodeID) => {
      const broker = new ServiceBroker({ logger: false, nodeID });
      const client = testRedis();
      const assembler = new WindowAssembler(client, {
        keys,
        targetSamples: 100,
        source: { stream: keys.rawStream, group: "diagnosis" },
        legacyFleetId: "legacy",
      });
      broker.createService({
        name: "diagnosis",
        mixins: [
          RedisStreamConsumerMixin({ redisUrl: REDIS_URL, stream: keys.rawStream, group: "diagnosis", batchSize: 8, maxInFlight: 8, claimIdleMs: 2000 }),
        ],
        methods: {
          async handleStreamEntries(entries: StreamEntry[]): Promise<EntryOutcome[]> {
            const out: EntryOutcome[] = [];
            for (const e of entries) {
              const vehicleId = e.fields.vehicle_id;
              const { k } = JSON.parse(e.fields.sensor_data) as { k: number };
              const res = await assembler.append({ fleetId: "legacy", vehicleId }, e.id, legacyBatch(k));
              outcomes.push(res);
              if (res.status === "window") {
                await writeResults(client, keys.resultsStream, {
                  fleetId: "legacy",
                  vehicleId,
                  originalMessageId: res.window.windowKey,
                  processingTimeMs: 1,
                  maxLen: 10_000,
                  findings: [{ fault_type: "bearing", status: "normal", score: 0, features: { samples: res.window.samples }, evidence: [] }],
                });
                await assembler.complete({ fleetId: "legacy", vehicleId }, res.window.windowKey);
              }
              out.push("ack");
            }
            return out;
          },
        },
        async stopped(this: StreamConsumerMethods) {
          await this.stopStreamConsumer();
          await client.quit();
        },
      });
      return { broker, assembler };
    });
    await Promise.all(brokers.map((b) => b.broker.start()));
    try {
      await waitFor(() => outcomes.length === BATCHES * VEHICLES.length, 20_000, "all batches handled");
      await waitFor(async () => Number((await redis.xpending(keys.rawStream, "diagnosis"))[0]) === 0, 5000, "nothing pending");
      expect(outcomes.filter((o) => o.status === "late")).to.deep.equal([]);
      const windows = outcomes.flatMap((o) => (o.status === "window" ? [o.window] : []));
      const results = await redis.xrange(keys.resultsStream, "-", "+");
      expect(results).to.have.length(windows.length);
      for (const v of VEHICLES) {
        const mine = windows.filter((w) => w.vehicleId === v).sort((a, b) => a.window.channels.ia!.samples[0] - b.window.channels.ia!.samples[0]);
        const samples = mine.flatMap((w) => Array.from(w.window.channels.ia!.samples));
        expect(samples, `${v}: windows contiguous and in order`).to.deep.equal(Array.from({ length: samples.length }, (_, i) => i));
        expect(Math.min(...mine.map((w) => w.samples)), `${v}: smallest window`).to.be.at.least(100);
        expect(samples.length + (await brokers[0].assembler.bufferedSamples({ fleetId: "legacy", vehicleId: v }))).to.equal(BATCHES * ROWS);
        expect(mine.length).to.be.at.least(5);
      }
    } finally {
      await Promise.all(brokers.map((b) => b.broker.stop()));
    }
  });
});
