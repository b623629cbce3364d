/**
 * A real 3-master Redis Cluster (private redis-servers on free ports, started and removed by the test; skipped
 * without redis-server): createRedis with cluster nodes, 4 stream partitions whose names share their partition's
 * slot, and every multi-key step of the partitioned path working against it — consumer groups, dead-lettering
 * (MULTI over a partition's stream and its dead letters), window assembly (Lua over a vehicle's keys and its
 * partition's stream), alarms (Lua over a vehicle's keys), retention, replay and the monitor's sums.
 */
import { expect } from "chai";
import type { Redis } from "ioredis";
import type { SensorWindow } from "../../analyzers/types";
import { redisKeys } from "../../contracts/redis-keys";
import { closeRedis, createRedis, isCluster } from "../../stores/redis";
import { StreamConsumer, DEFAULT_CONSUMER_OPTIONS, type EntryOutcome } from "../../streams/stream-consumer";
import { appendRawEntry } from "../../streams/raw-stream-writer";
import { WindowAssembler } from "../../streams/batch-assembler";
import { loadAlarms, saveAlarms } from "../../stores/alarm-store";
import { listDeadLetters, replayDeadLetter } from "../../streams/dead-letter";
import { runRetentionPass } from "../../streams/retention";
import { streamsOverview } from "../../streams/stream-info";
import { fleetOverview } from "../../stores/fleet-overview";
import { PrivateRedisCluster } from "../helpers/redis-cluster";
import { waitFor } from "../helpers/wait-for";

const PARTITIONS = 4;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

describe("Redis Cluster: 4 partitions on a private 3-master cluster", function () {
  this.timeout(60_000);
  let cluster: PrivateRedisCluster;
  let redis: Redis;
  let startedInMs = 0;
  const keys = redisKeys({ prefix: "vtox-cl", rawStream: "raw", resultsStream: "results", partitions: PARTITIONS });
  const consumers: StreamConsumer[] = [];

  before(async function () {
    if (!PrivateRedisCluster.installed()) return this.skip();
    const t0 = Date.now();
    cluster = await PrivateRedisCluster.start();
    startedInMs = Date.now() - t0;
    redis = createRedis({ url: `redis://127.0.0.1:${cluster.ports[0]}`, clusterNodes: cluster.nodes }, { maxRetriesPerRequest: 3 });
  });

  after(async () => {
    await Promise.all(consumers.map((c) => c.stop()));
    await closeRedis(redis);
    await cluster?.stop();
  });

  /** Vehicles of fleet F1, by partition (at least `n` each). */
  function vehiclesByPartition(n: number): string[][] {
    const out: string[][] = Array.from({ length: PARTITIONS }, () => []);
    for (let i = 0; out.some((v) => v.length < n); i++) {
      const p = keys.partitionOf("F1", `VIN-${i}`);
      if (out[p].length < n) out[p].push(`VIN-${i}`);
    }
    return out;
  }

  it("is a Cluster client, and each partition's names hash to one slot", async () => {
    expect(isCluster(redis)).to.equal(true);
    console.log(`      cluster of 3 masters up in ${startedInMs} ms`);
    const slotOf = async (key: string) => Number(await redis.call("CLUSTER", "KEYSLOT", key));
    const vehicles = vehiclesByPartition(1);
    const slots: number[] = [];
    for (let p = 0; p < PARTITIONS; p++) {
      const v = vehicles[p][0];
      const names = [
        keys.rawStreams[p],
        keys.deadLetterStreams[p],
        keys.resultsStreams[p],
        keys.vehicleState("F1", v),
        keys.vehicleAlarms("F1", v),
        keys.vehicleHistory("F1", v),
        `${keys.assembly("F1", v)}:open`,
      ];
      const own = new Set(await Promise.all(names.map(slotOf)));
      expect(own.size, `partition ${p}`).to.equal(1);
      slots.push([...own][0]);
    }
    expect(new Set(slots).size).to.equal(PARTITIONS);
  });

  it("consumes every partition, dead-letters in one slot, and sums the figures", async () => {
    const vehicles = vehiclesByPartition(3);
    const handled: string[] = [];
    const handler = async (entries: { id: string; fields: Record<string, string> }[]): Promise<EntryOutcome[]> =>
      entries.map((e) => {
        handled.push(`${e.fields.vehicle_id}/${e.id}`);
        return e.fields.metadata.includes("poison") ? "dead" : "ack";
      });
    for (const [p, stream] of keys.rawStreams.entries()) {
      const consumer = new StreamConsumer(
        {
          ...DEFAULT_CONSUMER_OPTIONS,
          redisUrl: `redis://127.0.0.1:${cluster.ports[0]}`,
          clusterNodes: cluster.nodes,
          stream,
          group: "diagnosis",
          consumer: "c1",
          deadLetterStream: keys.deadLetterStreams[p],
          blockMs: 200,
        },
        handler,
        silent,
      );
      consumers.push(consumer);
      await consumer.start();
    }
    let written = 0;
    for (const group of vehicles) {
      for (const v of group) {
        for (let i = 0; i < 3; i++) {
          const metadata = { seq: i, ...(i === 2 && v === group[0] ? { poison: true } : {}) };
          await appendRawEntry(redis, keys.rawStreamOf("F1", v), { fleetId: "F1", vehicleId: v, timestamp: new Date(), sensorData: "{}", metadata });
          written++;
        }
      }
    }
    await waitFor(() => (handled.length === written ? true : undefined), 20_000, "every entry handled");
    await waitFor(
      async () => {
        const view = await streamsOverview(redis, keys);
        return view.raw.groups[0]?.pending === 0 && view.dead_letter.length === PARTITIONS ? view : undefined;
      },
      10_000,
      "acked, one dead letter per partition",
    );
    const view = await streamsOverview(redis, keys);
    expect(view.raw.length).to.equal(written);
    expect(view.raw.groups[0]).to.include({ name: "diagnosis", pending: 0, lag: 0 });
    expect(view.partitions!.map((p) => p.length)).to.deep.equal([9, 9, 9, 9]);

    const letters = await listDeadLetters(redis, keys.deadLetterStreams, { count: 10 });
    expect(letters).to.have.length(PARTITIONS);
    // A replay goes back into the dead letter's own partition (Lua over its dead letters and its raw stream).
    const replayed = await replayDeadLetter(redis, keys.deadLetterStreams, keys.rawStreams, letters[0].id, { maxLen: 1000 });
    expect(replayed).to.be.a("string");
    const home = keys.rawStreamOf("F1", letters[0].fields.vehicle_id);
    expect(await redis.xrange(home, replayed!, replayed!)).to.have.length(1);

    const pass = await runRetentionPass(redis, keys, { rawStreamRetentionS: 1, dlqMaxBytes: 1024 * 1024, dlqRetentionS: 3600, vehicleStateTtlS: 60 });
    expect(pass.partitions).to.have.length(PARTITIONS);
  });

  it("assembles a vehicle's batches and keeps its alarms with Lua in its partition's slot", async () => {
    const [v] = vehiclesByPartition(1)[2];
    const stream = keys.rawStreamOf("F1", v);
    await redis.xgroup("CREATE", stream, "asm", "$", "MKSTREAM");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await redis.xadd(stream, "*", "vehicle_id", v, "fleet_id", "F1", "seq", String(i)))!);
    await redis.xreadgroup("GROUP", "asm", "reader", "COUNT", 3, "STREAMS", stream, ">");
    const asm = new WindowAssembler(redis, {
      keys,
      legacyFleetId: "legacy",
      targetSamples: 30,
      source: { stream: (vehicle) => keys.rawStreamOf(vehicle.fleetId, vehicle.vehicleId), group: "asm" },
    });
    const batch = (k: number): SensorWindow => ({ channels: { ia: { samples: Float32Array.from({ length: 10 }, (_, i) => k * 10 + i), rateHz: 3000 } } });
    const outcomes = [];
    for (let k = 0; k < 3; k++) outcomes.push(await asm.append({ fleetId: "F1", vehicleId: v }, ids[k], batch(k)));
    const last = outcomes[2];
    expect(last.status).to.equal("window");
    if (last.status !== "window") return;
    expect(Array.from(last.window.window.channels.ia!.samples)).to.deep.equal(Array.from({ length: 30 }, (_, i) => i));
    expect(await asm.complete({ fleetId: "F1", vehicleId: v }, last.window.windowKey)).to.have.members(ids);
    expect(Number((await redis.xpending(stream, "asm"))[0])).to.equal(0);

    await redis.set(keys.vehicleState("F1", v), "{}", "EX", 60);
    await saveAlarms(redis, keys.vehiclePrefix("F1", v), "F1", v, { bearing: "fault" });
    expect(await loadAlarms(redis, keys.vehiclePrefix("F1", v), "F1", v)).to.deep.equal({ bearing: "fault" });
  });

  it("reads a fleet's overview with one MGET per partition (each in one slot)", async () => {
    const vehicles = vehiclesByPartition(2).flat();
    for (const v of vehicles) {
      const state = { vehicleId: v, fleetId: "F2", health: 0.9, status: "normal", findings: {}, updatedAt: new Date().toISOString() };
      await redis.set(keys.vehicleState("F2", v), JSON.stringify(state), "EX", 60);
      await redis.zadd(keys.fleetVehicles("F2"), Date.now(), v);
    }
    const overview = await fleetOverview(redis, keys, "F2");
    expect(overview.vehicle_count).to.equal(vehicles.length);
    expect(overview.vehicles.map((x) => x.vehicle_id)).to.have.members(vehicles);
    expect(overview.by_status).to.deep.equal({ normal: vehicles.length });
  });
});
