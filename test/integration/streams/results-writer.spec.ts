import { expect } from "chai";
import type { Redis } from "ioredis";
import type { Finding } from "../../../analyzers/types";
import { parseResultEntry, writeResults } from "../../../streams/results-writer";
import { testRedis, useRedisFixture } from "../../helpers/redis-fixture";

const findings: Finding[] = [
  {
    fault_type: "turn_fault",
    status: "warning",
    score: 0.42,
    features: { i2_over_i1: 0.031 },
    evidence: [{ name: "I2/I1", value: 0.031, threshold: 0.02, unit: "ratio" }],
    reason: "negative sequence above warning",
    faulted_phase: "B",
  },
  { fault_type: "broken_bar", status: "not_applicable", score: 0, features: {}, evidence: [], reason: "PMSM has no rotor bars" },
];

describe("results writer (fault_diagnosis_results contract)", () => {
  let redis: Redis;
  let prefix: string;
  let stream: string;
  const fx = useRedisFixture("results", { perTest: true });
  beforeEach(() => {
    ({ redis, prefix } = fx);
    stream = `${prefix}:fault_diagnosis_results`;
  });

  it("writes one entry per family with exactly the contract fields (the original eight, then fleet_id), explanation inside features", async () => {
    const out = await writeResults(redis, stream, {
      fleetId: "F-1",
      vehicleId: "V-9",
      originalMessageId: "1700000000000-0",
      findings,
      processingTimeMs: 12.5,
      timestamp: "2026-11-26T06:00:00.000Z",
      maxLen: 1000,
    });
    expect(out.written).to.deep.equal(["turn_fault", "broken_bar"]);
    const rows = await redis.xrange(stream, "-", "+");
    expect(rows).to.have.length(2);
    const [id, list] = rows[0];
    expect(list.filter((_, i) => i % 2 === 0)).to.deep.equal([
      "vehicle_id",
      "fault_type",
      "timestamp",
      "status",
      "score",
      "features",
      "original_message_id",
      "processing_time",
      "fleet_id",
    ]);
    expect(list.filter((_, i) => i % 2 === 1).filter((_, i) => i !== 5)).to.deep.equal([
      "V-9",
      "turn_fault",
      "2026-11-26T06:00:00.000Z",
      "warning",
      "0.42",
      "1700000000000-0",
      "0.012500",
      "F-1",
    ]);
    expect(JSON.parse(list[11])).to.deep.equal({
      i2_over_i1: 0.031,
      _reason: "negative sequence above warning",
      _evidence: [{ name: "I2/I1", value: 0.031, threshold: 0.02, unit: "ratio" }],
      _faulted_phase: "B",
    });
    const parsed = parseResultEntry(id, list);
    expect(parsed).to.deep.include({
      fleetId: "F-1",
      vehicleId: "V-9",
      faultType: "turn_fault",
      score: 0.42,
      features: { i2_over_i1: 0.031 },
      processingTimeS: 0.0125,
    });
    expect(parsed.extras).to.deep.equal({ _faulted_phase: "B" });
    expect(out.results.map((r) => r.id)).to.deep.equal(rows.map((r) => r[0]));
  });

  it("is idempotent per (original message id, family): a second write adds nothing and reports the first ids", async () => {
    const input = { fleetId: "F-1", vehicleId: "V-9", originalMessageId: "1700000000001-0", findings, processingTimeMs: 3, maxLen: 1000 };
    const first = await writeResults(redis, stream, input);
    const again = await writeResults(redis, stream, input);
    expect(again.written).to.deep.equal([]);
    expect(again.skipped).to.deep.equal(["turn_fault", "broken_bar"]);
    expect(again.results.map((r) => r.id)).to.deep.equal(first.results.map((r) => r.id));
    // A partial earlier write (one family) is completed, not duplicated.
    const partialId = "1700000000002-0";
    await writeResults(redis, stream, { ...input, originalMessageId: partialId, findings: [findings[0]] });
    const rest = await writeResults(redis, stream, { ...input, originalMessageId: partialId });
    expect(rest.written).to.deep.equal(["broken_bar"]);
    expect(await redis.xlen(stream)).to.equal(4);
    // Concurrent duplicates from two coordinators: still one per family.
    const other = testRedis();
    try {
      await Promise.all([redis, other, redis, other].map((r) => writeResults(r, stream, { ...input, originalMessageId: "1700000000003-0" })));
    } finally {
      await other.quit();
    }
    expect(await redis.xlen(stream)).to.equal(6);
    expect(await redis.ttl(`${stream}:dedupe:1700000000001-0`)).to.be.greaterThan(0);
  });
});
