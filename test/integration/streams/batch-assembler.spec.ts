import { expect } from "chai";
import type { Redis } from "ioredis";
import type { SensorWindow } from "../../../analyzers/types";
import { redisKeys } from "../../../contracts/redis-keys";
import { WindowAssembler, type AppendOutcome, type AssembledWindow } from "../../../streams/batch-assembler";
import { testRedis, useRedisFixture } from "../../helpers/redis-fixture";

const ROWS = 10;

/** A 10-row legacy batch whose ia samples are k*10 .. k*10+9 so that order and completeness are checkable. */
function legacyBatch(k: number): SensorWindow {
  const ia = Float32Array.from({ length: ROWS }, (_, i) => k * ROWS + i);
  return { channels: { ia: { samples: ia, rateHz: 3000 }, ib: { samples: ia.map((x) => -x), rateHz: 3000 } }, rpm: 1500 + k };
}

function iaOf(w: AssembledWindow): number[] {
  return Array.from(w.window.channels.ia!.samples);
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

/** Vehicles of one fleet (the assembler keys windows by fleet and vehicle). */
const vehicle = (vehicleId: string) => ({ fleetId: "F1", vehicleId });

describe("window assembler (per-vehicle windows from 10-row batches, state in Redis)", function () {
  this.timeout(20_000);
  let redis: Redis;
  let prefix: string;
  let stream: string;
  const group = "diagnosis";
  const fx = useRedisFixture("asm", { perTest: true });
  beforeEach(() => {
    ({ redis, prefix } = fx);
    stream = `${prefix}:motor_raw_data`;
  });

  /** n raw entries read by a consumer of the group, so that they are pending as in production. */
  async function deliver(n: number): Promise<string[]> {
    await redis.xgroup("CREATE", stream, group, "$", "MKSTREAM").catch(() => undefined);
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await redis.xadd(stream, "*", "vehicle_id", "V1", "seq", String(i), "fleet_id", "F1"))!);
    await redis.xreadgroup("GROUP", group, "reader", "COUNT", n, "STREAMS", stream, ">");
    return ids;
  }

  const pending = async () => Number((await redis.xpending(stream, group))[0]);

  function assembler(client: Redis, targetSamples = 100): WindowAssembler {
    return new WindowAssembler(client, { keys: redisKeys({ prefix: prefix }), legacyFleetId: "legacy", targetSamples, source: { stream, group } });
  }

  it("adds 10-row batches up to a window, in order, and complete() acknowledges its entries", async () => {
    const ids = await deliver(25);
    const asm = assembler(redis);
    const windows: AssembledWindow[] = [];
    for (let k = 0; k < 25; k++) {
      const out = await asm.append(vehicle("V1"), ids[k], legacyBatch(k));
      if (out.status === "window") {
        windows.push(out.window);
        expect(await asm.complete(vehicle("V1"), out.window.windowKey)).to.have.members(out.window.messageIds);
      } else {
        expect(out).to.deep.equal({ status: "buffered", bufferedSamples: ((k % 10) + 1) * ROWS });
      }
    }
    expect(windows).to.have.length(2);
    expect(iaOf(windows[0])).to.deep.equal(range(0, 100));
    expect(iaOf(windows[1])).to.deep.equal(range(100, 100));
    expect(Array.from(windows[0].window.channels.ib!.samples)).to.deep.equal(range(0, 100).map((x) => -x));
    expect(windows[0].messageIds).to.deep.equal(ids.slice(0, 10));
    expect(windows[0].windowKey).to.equal(ids[9]);
    expect(windows[0].window.rpm).to.be.closeTo(1504.5, 1e-9);
    expect(await asm.bufferedSamples(vehicle("V1"))).to.equal(50);
    // The buffered entries were not acked here (the handler does that); the windows' 20 entries were.
    expect(await pending()).to.equal(5);
  });

  it("two coordinators interleaving batches of one vehicle, racing on every batch, issue each window once and in order", async () => {
    const ids = await deliver(40);
    const other = testRedis();
    try {
      const a = assembler(redis);
      const b = assembler(other);
      const outcomes: AppendOutcome[] = [];
      for (let k = 0; k < 40; k++) {
        // k's owner appends it; the other instance appends the same entry at the same time (a reclaim race).
        const [first, second] = k % 2 === 0 ? [a, b] : [b, a];
        outcomes.push(...(await Promise.all([first.append(vehicle("V1"), ids[k], legacyBatch(k)), second.append(vehicle("V1"), ids[k], legacyBatch(k))])));
      }
      const handedOut = outcomes.flatMap((o) => (o.status === "window" ? [o.window] : []));
      // The copy of a completing entry is handed the same window again, marked reissued (in production that copy
      // can only come from a reclaim, i.e. a coordinator presumed dead). Issued fresh: exactly once per window.
      const windows = handedOut.filter((w) => !w.reissued);
      for (const r of handedOut.filter((w) => w.reissued)) {
        const original = windows.find((w) => w.windowKey === r.windowKey);
        expect(original, "a reissue repeats an issued window").to.not.equal(undefined);
        expect(iaOf(r)).to.deep.equal(iaOf(original!));
      }
      expect(windows).to.have.length(4);
      expect(new Set(windows.map((w) => w.windowKey)).size).to.equal(4);
      windows.sort((x, y) => iaOf(x)[0] - iaOf(y)[0]);
      expect(windows.flatMap(iaOf)).to.deep.equal(range(0, 400));
      expect(outcomes.filter((o) => o.status === "buffered")).to.have.length(36);
      expect(outcomes.filter((o) => o.status === "duplicate" || o.status === "in_window").length + handedOut.length - 4).to.equal(40);
    } finally {
      await other.quit();
    }
  });

  it("orders batches by stream id when they arrive out of order within a window", async () => {
    const ids = await deliver(10);
    const asm = assembler(redis);
    const order = [3, 0, 1, 2, 7, 5, 4, 6, 8, 9];
    let window: AssembledWindow | undefined;
    for (const k of order) {
      const out = await asm.append(vehicle("V1"), ids[k], legacyBatch(k));
      if (out.status === "window") window = out.window;
    }
    expect(iaOf(window!)).to.deep.equal(range(0, 100));
  });

  it("does not append a replayed batch twice", async () => {
    const ids = await deliver(12);
    const asm = assembler(redis);
    for (let k = 0; k < 5; k++) await asm.append(vehicle("V1"), ids[k], legacyBatch(k));
    expect(await asm.append(vehicle("V1"), ids[2], legacyBatch(2))).to.deep.equal({ status: "duplicate", bufferedSamples: 50 });
    expect(await asm.bufferedSamples(vehicle("V1"))).to.equal(50);
    let window: AssembledWindow | undefined;
    for (let k = 5; k < 10; k++) {
      const out = await asm.append(vehicle("V1"), ids[k], legacyBatch(k));
      if (out.status === "window") window = out.window;
    }
    expect(iaOf(window!)).to.deep.equal(range(0, 100));
  });

  it("keeps a window open while an older batch of the vehicle is still being handled elsewhere", async () => {
    const ids = await deliver(11);
    const asm = assembler(redis);
    for (let k = 0; k < 9; k++) await asm.append(vehicle("V1"), ids[k], legacyBatch(k));
    // Batch 9 is in another coordinator's hands (pending, not appended) when batch 10 arrives.
    expect(await asm.append(vehicle("V1"), ids[10], legacyBatch(10))).to.deep.equal({ status: "buffered", bufferedSamples: 100, waitingFor: ids[9] });
    const out = await asm.append(vehicle("V1"), ids[9], legacyBatch(9));
    expect(out.status).to.equal("window");
    expect(iaOf((out as { window: AssembledWindow }).window)).to.deep.equal(range(0, 110));
  });

  it("without a source group, refuses a batch older than a window already closed instead of splicing it", async () => {
    const ids = await deliver(11);
    const asm = new WindowAssembler(redis, { keys: redisKeys({ prefix: prefix }), legacyFleetId: "legacy", targetSamples: 100 });
    for (const k of [0, 1, 2, 3, 4, 5, 6, 7, 8]) await asm.append(vehicle("V1"), ids[k], legacyBatch(k));
    expect((await asm.append(vehicle("V1"), ids[10], legacyBatch(10))).status).to.equal("window");
    expect(await asm.append(vehicle("V1"), ids[9], legacyBatch(9))).to.deep.equal({ status: "late", newestWindowId: ids[10] });
    expect(await asm.bufferedSamples(vehicle("V1"))).to.equal(0);
  });

  it("hands a window whose coordinator died to the survivor that reclaims the completing entry", async () => {
    const ids = await deliver(10);
    const dying = assembler(redis);
    const other = testRedis();
    try {
      const survivor = assembler(other);
      let first: AssembledWindow | undefined;
      for (let k = 0; k < 10; k++) {
        const out = await dying.append(vehicle("V1"), ids[k], legacyBatch(k));
        if (out.status === "window") first = out.window;
        else await redis.xack(stream, group, ids[k]); // the handler acks buffered entries
      }
      expect(first?.windowKey).to.equal(ids[9]);
      expect(await pending()).to.equal(1); // only the completing entry: the window's lease
      // The coordinator dies here. A stale copy of batch 3 reaches the survivor: already in that window.
      expect(await survivor.append(vehicle("V1"), ids[3], legacyBatch(3))).to.deep.equal({ status: "in_window", windowKey: ids[9] });
      // The completing entry is reclaimed by the survivor: same window again.
      const again = await survivor.append(vehicle("V1"), ids[9], legacyBatch(9));
      expect(again.status).to.equal("window");
      const reissued = (again as { window: AssembledWindow }).window;
      expect(reissued).to.have.property("reissued", true);
      expect(iaOf(reissued)).to.deep.equal(iaOf(first!));
      expect(await survivor.complete(vehicle("V1"), reissued.windowKey)).to.have.length(10);
      expect(await pending()).to.equal(0);
      // After completion, a copy still in flight somewhere is recognised as finished, not appended again.
      expect(await survivor.append(vehicle("V1"), ids[9], legacyBatch(9))).to.deep.equal({ status: "done" });
      expect(await survivor.append(vehicle("V1"), ids[3], legacyBatch(3))).to.deep.equal({ status: "done" });
      expect(await survivor.bufferedSamples(vehicle("V1"))).to.equal(0);
    } finally {
      await other.quit();
    }
  });

  it("sizes windows by duration at the batches' sample rate", async () => {
    const ids = await deliver(4);
    const asm = new WindowAssembler(redis, { keys: redisKeys({ prefix: prefix }), legacyFleetId: "legacy", targetDurationS: 0.01, source: { stream, group } });
    const statuses = [];
    for (let k = 0; k < 4; k++) statuses.push((await asm.append(vehicle("V1"), ids[k], legacyBatch(k))).status);
    // 0.01 s at 3000 Hz = 30 samples = three 10-row batches.
    expect(statuses).to.deep.equal(["buffered", "buffered", "window", "buffered"]);
  });

  it("keeps vehicles apart and expires idle state", async () => {
    const ids = await deliver(2);
    const asm = new WindowAssembler(redis, {
      keys: redisKeys({ prefix: prefix }),
      legacyFleetId: "legacy",
      targetSamples: 100,
      source: { stream, group },
      stateTtlS: 60,
    });
    await asm.append(vehicle("V1"), ids[0], legacyBatch(0));
    await asm.append(vehicle("V2"), ids[1], legacyBatch(1));
    expect(await asm.bufferedSamples(vehicle("V1"))).to.equal(10);
    expect(await asm.bufferedSamples(vehicle("V2"))).to.equal(10);
    const ttl = await redis.ttl(`${redisKeys({ prefix: prefix }).assembly("F1", "V1")}:open`);
    expect(ttl).to.be.within(1, 60);
  });
});
