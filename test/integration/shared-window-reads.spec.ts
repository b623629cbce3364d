import { expect } from "chai";
import type { Redis } from "ioredis";
import { createRedis } from "../../stores/redis";
import { deleteWindow, loadWindow, storeWindow } from "../../stores/sample-store";
import { SharedWindowReads } from "../../stores/shared-window-reads";
import { makeFleet, nextWindow } from "../../simulator/index";
import { REDIS_URL, uniqueName } from "./helpers";

describe("shared window reads: one Redis read per window per worker process", () => {
  const prefix = uniqueName("swr");
  let redis: Redis;
  const window = nextWindow(makeFleet({ vehicles: 1, seed: 4, faultyShare: 0, durationS: 0.25, rateHz: 4096, vibRateHz: 4096 }).vehicles[0], 0);

  before(() => {
    redis = createRedis(REDIS_URL);
  });
  after(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it("five local services asking at once cause one read, and each gets exactly its channels, equal to a direct read", async () => {
    const reads = new SharedWindowReads({ ttlMs: 10_000, maxEntries: 8, maxBytes: 1 << 24 });
    reads.register(["ia", "ib", "ic"]);
    reads.register(["vib_x"]);
    const ref = await storeWindow(redis, `${prefix}:w1`, window, 60);
    const asks = [["ia", "ib", "ic"], ["vib_x"], [], ["ia", "ib", "ic"], ["ia", "ib", "ic", "vib_x"]] as const;
    const got = await Promise.all(asks.map((wanted) => reads.load(redis, { windowRef: ref }, wanted)));
    expect(reads.reads).to.equal(1);
    for (const [i, wanted] of asks.entries()) {
      expect(Object.keys(got[i].channels).sort()).to.deep.equal([...wanted].sort());
      expect(got[i]).to.deep.equal(await loadWindow(redis, ref, wanted));
    }
  });

  it("a failed read is not kept, and the number of windows held is bounded", async () => {
    const reads = new SharedWindowReads({ ttlMs: 10_000, maxEntries: 2, maxBytes: 1 << 24 });
    reads.register(["ia"]);
    const ref = await storeWindow(redis, `${prefix}:w2`, window, 60);
    await deleteWindow(redis, ref.key);
    const error = await reads.load(redis, { windowRef: ref }, ["ia"]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(String(error)).to.match(/gone|expired|WindowGone/i);
    expect(reads.size, "the failed read was dropped").to.equal(0);
    for (let i = 0; i < 5; i++) await reads.load(redis, { windowRef: await storeWindow(redis, `${prefix}:b${i}`, window, 60) }, ["ia"]);
    expect(reads.size).to.be.at.most(2);
  });
});
