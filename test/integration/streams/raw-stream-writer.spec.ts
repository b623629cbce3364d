import { expect } from "chai";
import type { Redis } from "ioredis";
import { appendRawEntry, appendRawEntryOnce, appendRawEntryOnceWithStatus, rawEntryFields } from "../../../streams/raw-stream-writer";
import { testRedis, useRedisFixture } from "../../helpers/redis-fixture";

describe("raw stream entries (motor_raw_data contract)", () => {
  let redis: Redis;
  let prefix: string;
  const fx = useRedisFixture("raw", { perTest: true });
  beforeEach(() => ({ redis, prefix } = fx));

  const sensorBody = '{"data":[{"时间":0.0,"Ia":8.6,"Ib":-8.6,"Ic":0.0}],"sampling_rate":3000}';

  it("writes exactly the five contract fields in order, byte for byte", async () => {
    const stream = `${prefix}:motor_raw_data`;
    const id = await appendRawEntry(
      redis,
      stream,
      {
        vehicleId: "V-001",
        timestamp: "2026-11-26T05:00:00.000Z",
        sensorData: Buffer.from(sensorBody, "utf8"),
        metadata: { source: "test" },
      },
      { maxLen: 1000 },
    );
    const raw = await redis.xrangeBuffer(stream, id, id);
    const fields = raw[0][1].map((b) => b.toString("utf8"));
    expect(fields).to.deep.equal([
      "vehicle_id",
      "V-001",
      "timestamp",
      "2026-11-26T05:00:00.000Z",
      "sensor_data",
      sensorBody,
      "metadata",
      '{"source":"test"}',
      "data_type",
      "motor_sensor_data",
    ]);
    // The UTF-8 column name survives unchanged (the legacy rows use Chinese column names).
    expect(raw[0][1][5].toString("hex")).to.equal(Buffer.from(sensorBody, "utf8").toString("hex"));
  });

  it("serialises objects once and defaults metadata to {}", () => {
    const fields = rawEntryFields({ vehicleId: "V", timestamp: new Date(Date.UTC(2026, 0, 2)), sensorData: { a: [1, 2] } });
    expect(fields).to.deep.equal([
      "vehicle_id",
      "V",
      "timestamp",
      "2026-01-02T00:00:00.000Z",
      "sensor_data",
      '{"a":[1,2]}',
      "metadata",
      "{}",
      "data_type",
      "motor_sensor_data",
    ]);
  });

  it("appends once per idempotency key and returns the first id for a repeat", async () => {
    const stream = `${prefix}:motor_raw_data`;
    const key = `${prefix}:idem:abc`;
    const entry = { vehicleId: "V-002", timestamp: Date.now(), sensorData: sensorBody };
    const first = await appendRawEntryOnceWithStatus(redis, stream, key, 60, entry, { maxLen: 1000 });
    const second = await appendRawEntryOnceWithStatus(redis, stream, key, 60, entry, { maxLen: 1000 });
    const third = await appendRawEntryOnce(redis, stream, key, 60, entry, { maxLen: 1000 });
    expect(first.duplicate).to.equal(false);
    expect(second).to.deep.equal({ id: first.id, duplicate: true, conflict: false });
    expect(third).to.equal(first.id);
    expect(await redis.xlen(stream)).to.equal(1);
    const ttl = await redis.ttl(key);
    expect(ttl).to.be.within(1, 60);
    // Another key writes a second entry.
    const other = await appendRawEntryOnce(redis, stream, `${prefix}:idem:def`, 60, entry, { maxLen: 1000 });
    expect(other).to.not.equal(first.id);
    expect(await redis.xlen(stream)).to.equal(2);
  });

  it("a key reused with another fingerprint (another body) is a conflict, and nothing is written", async () => {
    const stream = `${prefix}:motor_raw_data`;
    const key = `${prefix}:idem:fp`;
    const entry = { vehicleId: "V-004", timestamp: Date.now(), sensorData: sensorBody };
    const first = await appendRawEntryOnceWithStatus(redis, stream, key, 60, entry, { maxLen: 1000, fingerprint: "body-a" });
    const retry = await appendRawEntryOnceWithStatus(redis, stream, key, 60, entry, { maxLen: 1000, fingerprint: "body-a" });
    const reuse = await appendRawEntryOnceWithStatus(redis, stream, key, 60, { ...entry, vehicleId: "V-005" }, { maxLen: 1000, fingerprint: "body-b" });
    expect(retry).to.deep.equal({ id: first.id, duplicate: true, conflict: false });
    expect(reuse).to.deep.equal({ id: first.id, duplicate: false, conflict: true });
    const entries = await redis.xrange(stream, "-", "+");
    expect(
      entries.filter(([, f]) => f.includes("V-005")),
      "the reused key wrote nothing",
    ).to.deep.equal([]);
  });

  it("is atomic under concurrent repeats of one key", async () => {
    const stream = `${prefix}:motor_raw_data`;
    const key = `${prefix}:idem:race`;
    const entry = { vehicleId: "V-003", timestamp: Date.now(), sensorData: sensorBody };
    const others = [testRedis(), testRedis()];
    try {
      const ids = await Promise.all(
        Array.from({ length: 30 }, (_, i) => appendRawEntryOnce([redis, ...others][i % 3], stream, key, 60, entry, { maxLen: 1000 })),
      );
      expect(new Set(ids).size).to.equal(1);
      expect(await redis.xlen(stream)).to.equal(1);
    } finally {
      await Promise.all(others.map((r) => r.quit()));
    }
  });
});
