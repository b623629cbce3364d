import { expect } from "chai";
import { ExpiringCache } from "../../../stores/expiring-cache";

describe("ExpiringCache: bounded in entries and in time", () => {
  it("misses an entry once its TTL has passed", () => {
    let now = 0;
    const cache = new ExpiringCache<string, number>({ capacity: 10, ttlMs: 100, now: () => now });
    cache.set("a", 1);
    now = 99;
    expect(cache.get("a")).to.equal(1);
    now = 100;
    expect(cache.get("a")).to.equal(undefined);
    expect(cache.size, "an expired entry found is dropped").to.equal(0);
  });

  it("drops the least recently used entry when full", () => {
    const cache = new ExpiringCache<string, number>({ capacity: 2, ttlMs: 1000 });
    cache.set("a", 1);
    cache.set("b", 2);
    expect(cache.get("a")).to.equal(1);
    cache.set("c", 3);
    expect([cache.get("a"), cache.get("b"), cache.get("c")]).to.deep.equal([1, undefined, 3]);
    expect(cache.size).to.equal(2);
  });

  it("refuses a capacity or TTL that would make it unbounded or useless", () => {
    expect(() => new ExpiringCache({ capacity: 0, ttlMs: 1 })).to.throw(RangeError);
    expect(() => new ExpiringCache({ capacity: 1, ttlMs: 0 })).to.throw(RangeError);
  });
});
