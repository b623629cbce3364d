/**
 * Retention against the real Redis (unique prefixes, no mocks): the raw stream's trim never removes a pending or an
 * undelivered entry, the dead-letter stream keeps to its byte budget and age, and silent vehicles expire.
 */
import { expect } from "chai";
import type { Redis } from "ioredis";
import { redisKeys } from "../../../contracts/redis-keys";
import { readGroupPositions, trimBelow, trimDeadLetters, trimRawStream, expireFleetIndexes } from "../../../streams/retention";
import { saveVehicleState, listVehicles } from "../../../stores/vehicle-state";
import { saveAlarms, loadAlarms } from "../../../stores/alarm-store";
import { VehicleProfiles } from "../../../stores/vehicle-profiles";
import { DEFAULT_MOTOR_PROFILE } from "../../../analyzers/default-profile";
import { createRedis } from "../../../stores/redis";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

// Self-contained plumbing (the shared test helpers are being reorganised in parallel).
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const uniquePrefix = (label: string) => `vtoxtest:${label}:${process.pid}:${randomBytes(4).toString("hex")}`;
const testRedis = () => createRedis(REDIS_URL, { connectionName: "vtox-test-retention" });
async function deleteByPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, found] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    if (found.length > 0) await redis.unlink(...found);
  } while (cursor !== "0");
}

async function ids(redis: Redis, stream: string): Promise<string[]> {
  return (await redis.xrange(stream, "-", "+")).map(([id]) => id);
}

async function readGroup(redis: Redis, stream: string, group: string, count: number): Promise<string[]> {
  const reply = (await redis.xreadgroup("GROUP", group, "c1", "COUNT", count, "STREAMS", stream, ">")) as [string, [string, string[]][]][] | null;
  return reply ? reply[0][1].map(([id]) => id) : [];
}

describe("retention in Redis", () => {
  let redis: Redis;
  let prefix: string;
  before(() => {
    redis = testRedis();
  });
  beforeEach(() => {
    prefix = uniquePrefix("retention");
  });
  afterEach(() => deleteByPrefix(redis, prefix));
  after(() => redis.quit());

  describe("raw stream", () => {
    /** 30 entries an hour old (explicit ids), so every one is past any retention. */
    async function oldStream(stream: string): Promise<string[]> {
      const base = Date.now() - 3_600_000;
      const written: string[] = [];
      for (let i = 0; i < 30; i++) written.push((await redis.xadd(stream, `${base + i}-0`, "vehicle_id", `V${i}`, "sensor_data", "x".repeat(200)))!);
      return written;
    }

    it("keeps every pending and every undelivered entry of every group, and trims what all groups finished", async () => {
      const stream = `${prefix}:raw`;
      const all = await oldStream(stream);
      await redis.xgroup("CREATE", stream, "diagnosis", "0");
      await redis.xgroup("CREATE", stream, "other", "0");
      // diagnosis: 20 delivered, all acked but #12 (a window in progress) and #15 (a held legacy batch); 10 undelivered.
      const delivered = await readGroup(redis, stream, "diagnosis", 20);
      expect(delivered).to.deep.equal(all.slice(0, 20));
      await redis.xack(stream, "diagnosis", ...delivered.filter((_, i) => i !== 12 && i !== 15));
      // other: 25 delivered and acked, 5 undelivered.
      await redis.xack(stream, "other", ...(await readGroup(redis, stream, "other", 25)));

      const out = await trimRawStream(redis, stream, { retentionS: 1 });
      expect(out).to.include({ minId: all[12], boundBy: "pending", group: "diagnosis", trimmed: 12, skipped: false });
      const left = await ids(redis, stream);
      expect(left).to.deep.equal(all.slice(12));
      // the pending ones are still readable from the PEL, with their data
      const pel = (await redis.xpending(stream, "diagnosis", "-", "+", 100)) as [string][];
      expect(pel.map(([id]) => id)).to.deep.equal([all[12], all[15]]);
      expect(await redis.xrange(stream, all[15], all[15])).to.have.length(1);

      // #12 done: now the held batch #15 bounds it.
      await redis.xack(stream, "diagnosis", all[12]);
      expect(await trimRawStream(redis, stream, { retentionS: 1 })).to.include({ minId: all[15], boundBy: "pending", trimmed: 3 });
      // #15 done: now diagnosis' lag (first undelivered, #20) bounds it.
      await redis.xack(stream, "diagnosis", all[15]);
      expect(await trimRawStream(redis, stream, { retentionS: 1 })).to.include({ minId: all[20], boundBy: "undelivered", group: "diagnosis", trimmed: 5 });
      // both groups read and ack everything: the age bound trims all.
      await redis.xack(stream, "diagnosis", ...(await readGroup(redis, stream, "diagnosis", 100)));
      expect(await trimRawStream(redis, stream, { retentionS: 1 })).to.include({ minId: all[25], boundBy: "undelivered", group: "other" });
      await redis.xack(stream, "other", ...(await readGroup(redis, stream, "other", 100)));
      const fresh = await redis.xadd(stream, "*", "vehicle_id", "new");
      const last = await trimRawStream(redis, stream, { retentionS: 60 });
      expect(last).to.include({ boundBy: "age", skipped: false });
      expect(await ids(redis, stream), "only the entry younger than the retention is left").to.deep.equal([fresh]);
    });

    it("trims nothing without a consumer group, and nothing younger than the retention", async () => {
      const stream = `${prefix}:raw`;
      await oldStream(stream);
      expect(await trimRawStream(redis, stream, { retentionS: 1 })).to.include({ minId: null, boundBy: "no-group", trimmed: 0 });
      expect(await redis.xlen(stream)).to.equal(30);
      const young = `${prefix}:young`;
      for (let i = 0; i < 5; i++) await redis.xadd(young, "*", "f", "v");
      await redis.xgroup("CREATE", young, "diagnosis", "$");
      expect(await trimRawStream(redis, young, { retentionS: 600 })).to.include({ boundBy: "age", trimmed: 0 });
      expect(await redis.xlen(young)).to.equal(5);
      expect(await trimRawStream(redis, `${prefix}:absent`, { retentionS: 1 })).to.include({ boundBy: "no-group", trimmed: 0 });
    });

    it("skips the trim when a group appears or moves back between the reads and the trim", async () => {
      const stream = `${prefix}:raw`;
      const all = await oldStream(stream);
      await redis.xgroup("CREATE", stream, "diagnosis", "$");
      const asRead = await readGroupPositions(redis, stream);
      // A group created meanwhile at 0 has not read anything.
      await redis.xgroup("CREATE", stream, "late", "0");
      expect(await trimBelow(redis, stream, `${Date.now()}-0`, asRead)).to.equal(null);
      expect(await redis.xlen(stream)).to.equal(30);
      // A group moved back (XGROUP SETID) is caught too.
      await redis.xgroup("DESTROY", stream, "late");
      await redis.xgroup("SETID", stream, "diagnosis", all[9]);
      expect(await trimBelow(redis, stream, `${Date.now()}-0`, asRead)).to.equal(null);
      expect(await redis.xlen(stream)).to.equal(30);
      // Read again, the bound is the group's new lag.
      expect(await trimRawStream(redis, stream, { retentionS: 1 })).to.include({ minId: all[10], boundBy: "undelivered", trimmed: 10 });
    });
  });

  describe("dead letters", () => {
    it("keeps the newest dead letters within the byte budget and drops those past the retention", async () => {
      const dlq = `${prefix}:raw:dlq`;
      const old = Date.now() - 8 * 86_400_000;
      for (let i = 0; i < 5; i++) await redis.xadd(dlq, `${old + i}-0`, "sensor_data", "o".repeat(1000), "error", "old");
      const recent: string[] = [];
      for (let i = 0; i < 40; i++) recent.push((await redis.xadd(dlq, "*", "sensor_data", Buffer.alloc(64 * 1024, i), "error", "bad window"))!);
      const budget = 1024 * 1024;
      expect(Number(await redis.call("MEMORY", "USAGE", dlq, "SAMPLES", "0"))).to.be.greaterThan(2 * budget);

      const out = await trimDeadLetters(redis, dlq, { retentionS: 7 * 86_400, maxBytes: budget });
      expect(out.trimmedByAge).to.equal(5);
      expect(out.bytes).to.be.at.most(budget);
      expect(out.bytes, "not trimmed far below the budget").to.be.greaterThan(budget * 0.7);
      const left = await ids(redis, dlq);
      expect(left.length).to.equal(out.length);
      expect(left, "oldest first: what is left is the newest").to.deep.equal(recent.slice(recent.length - left.length));
      // within budget: a second pass changes nothing
      expect(await trimDeadLetters(redis, dlq, { retentionS: 7 * 86_400, maxBytes: budget })).to.include({
        trimmedByAge: 0,
        trimmedByBytes: 0,
        length: left.length,
      });
      // an absent stream is zero bytes
      expect(await trimDeadLetters(redis, `${prefix}:none`, { retentionS: 60, maxBytes: budget })).to.deep.equal({
        trimmedByAge: 0,
        trimmedByBytes: 0,
        bytes: 0,
        length: 0,
      });
    });
  });

  describe("vehicles", () => {
    const state = (fleetId: string, updatedAt: number) => ({
      fleetId,
      health: 1,
      status: "normal" as const,
      findings: {},
      updatedAt: new Date(updatedAt).toISOString(),
    });

    it("state, history and alarms expire with the TTL each window refreshes; profiles and baselines do not", async () => {
      const keys = redisKeys({ prefix, vehicleStateTtlS: 2 });
      const profiles = new VehicleProfiles(redis, prefix);
      await profiles.setProfile("F1", "V1", DEFAULT_MOTOR_PROFILE);
      await profiles.setBaseline("F1", "V1", { bearing: { bpfo_db: 3 } });
      await saveVehicleState(redis, keys, "V1", state("F1", Date.now()));
      await saveAlarms(redis, prefix, "F1", "V1", { bearing: "warning" });
      for (const k of [keys.vehicleState("F1", "V1"), keys.vehicleHistory("F1", "V1"), keys.vehicleAlarms("F1", "V1")]) {
        const ttl = await redis.pttl(k);
        expect(ttl, k).to.be.within(1, 2000);
      }
      expect(await redis.ttl(keys.vehicleProfile("F1", "V1"))).to.equal(-1);
      expect(await redis.ttl(keys.vehicleBaseline("F1", "V1"))).to.equal(-1);

      // another window 1 s later refreshes all three
      await sleep(1000);
      await saveVehicleState(redis, keys, "V1", state("F1", Date.now()));
      await saveAlarms(redis, prefix, "F1", "V1", { bearing: "fault" });
      await sleep(1200);
      expect(await loadAlarms(redis, prefix, "F1", "V1")).to.deep.equal({ bearing: "fault" });
      expect(await redis.exists(keys.vehicleState("F1", "V1"), keys.vehicleHistory("F1", "V1"))).to.equal(2);
      // silent past the TTL: gone, profile and baseline kept
      await sleep(1000);
      expect(await redis.exists(keys.vehicleState("F1", "V1"), keys.vehicleHistory("F1", "V1"), keys.vehicleAlarms("F1", "V1"))).to.equal(0);
      expect(await redis.exists(keys.vehicleProfile("F1", "V1"), keys.vehicleBaseline("F1", "V1"))).to.equal(2);
    });

    it("silent vehicles leave their fleet's index; active ones stay", async () => {
      const keys = redisKeys({ prefix, vehicleStateTtlS: 3600 });
      const now = Date.now();
      await saveVehicleState(redis, keys, "OLD-1", state("F1", now - 2 * 3600_000));
      await saveVehicleState(redis, keys, "NEW-1", state("F1", now - 60_000));
      await saveVehicleState(redis, keys, "OLD-2", state("F2", now - 3601_000));
      await saveVehicleState(redis, keys, "NEW-2", state("F2", now));
      // an index written before the fleets set existed is found too
      await redis.zadd(keys.fleetVehicles("LEGACY"), now - 5 * 3600_000, "OLD-3");
      const out = await expireFleetIndexes(redis, keys, { ttlS: 3600 });
      expect(out).to.deep.equal({ fleets: 3, removed: 3 });
      expect(await listVehicles(redis, keys, "F1")).to.deep.equal(["NEW-1"]);
      expect(await listVehicles(redis, keys, "F2")).to.deep.equal(["NEW-2"]);
      expect(await listVehicles(redis, keys, "LEGACY")).to.deep.equal([]);
      expect(await expireFleetIndexes(redis, keys, { ttlS: 3600 })).to.deep.equal({ fleets: 3, removed: 0 });
    });
  });
});
