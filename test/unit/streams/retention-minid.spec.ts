import { expect } from "chai";
import { compareStreamIds, deadLettersToKeep, rawTrimMinId, type GroupPosition } from "../../../streams/retention";

const group = (name: string, oldestPendingId: string | null, firstUndeliveredId: string | null, lastDeliveredId = "0-0"): GroupPosition => ({
  name,
  lastDeliveredId,
  oldestPendingId,
  firstUndeliveredId,
});

describe("retention: the raw stream's MINID (pure)", () => {
  const nowMs = 1_700_000_600_000;
  const retentionS = 600;
  const ageBound = "1700000000000-0";

  it("orders ids numerically, not as strings", () => {
    expect(compareStreamIds("9-0", "10-0")).to.equal(-1);
    expect(compareStreamIds("10-2", "10-10")).to.equal(-1);
    expect(compareStreamIds("10-10", "10-10")).to.equal(0);
    expect(compareStreamIds("1700000000001-0", "1700000000000-99")).to.equal(1);
  });

  it("trims nothing without a consumer group (nobody has diagnosed anything)", () => {
    expect(rawTrimMinId({ nowMs, retentionS, groups: [] })).to.deep.equal({ minId: null, boundBy: "no-group" });
  });

  it("is now − retention when every group has acknowledged and read everything", () => {
    expect(rawTrimMinId({ nowMs, retentionS, groups: [group("diagnosis", null, null)] })).to.deep.equal({ minId: ageBound, boundBy: "age" });
  });

  it("never passes the oldest pending entry of any group (windows in progress, held legacy batches)", () => {
    const r = rawTrimMinId({ nowMs, retentionS, groups: [group("a", "1699999999000-3", null), group("b", "1699999990000-0", null)] });
    expect(r).to.deep.equal({ minId: "1699999990000-0", boundBy: "pending", group: "b" });
  });

  it("never passes the first entry a group has not read yet (lag)", () => {
    const r = rawTrimMinId({ nowMs, retentionS, groups: [group("a", "1699999999000-3", "1699999998000-1"), group("b", null, null)] });
    expect(r).to.deep.equal({ minId: "1699999998000-1", boundBy: "undelivered", group: "a" });
  });

  it("bounds that are newer than now − retention do not raise the MINID", () => {
    const r = rawTrimMinId({ nowMs, retentionS, groups: [group("a", "1700000500000-0", "1700000590000-0")] });
    expect(r).to.deep.equal({ minId: ageBound, boundBy: "age" });
  });

  it("the MINID is ≤ every bound, for random inputs", () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const id = () => `${1_699_999_000_000 + Math.floor(rnd() * 2_000_000)}-${Math.floor(rnd() * 5)}`;
    for (let i = 0; i < 500; i++) {
      const groups = Array.from({ length: 1 + Math.floor(rnd() * 3) }, (_, k) => group(`g${k}`, rnd() < 0.5 ? id() : null, rnd() < 0.5 ? id() : null));
      const { minId } = rawTrimMinId({ nowMs, retentionS, groups });
      expect(minId).to.not.equal(null);
      expect(compareStreamIds(minId!, ageBound)).to.be.at.most(0);
      for (const g of groups) for (const b of [g.oldestPendingId, g.firstUndeliveredId]) if (b) expect(compareStreamIds(minId!, b)).to.be.at.most(0);
    }
  });
});

describe("retention: dead letters kept under a byte budget (pure)", () => {
  it("keeps everything within budget, the share that fits above it, and always progresses", () => {
    expect(deadLettersToKeep(100, 1000, 2000)).to.equal(100);
    expect(deadLettersToKeep(100, 4000, 1000)).to.equal(25);
    expect(deadLettersToKeep(100, 1001, 1000)).to.equal(99);
    expect(deadLettersToKeep(1, 5_000_000, 1000)).to.equal(0);
    expect(deadLettersToKeep(0, 5000, 1000)).to.equal(0);
  });
});
