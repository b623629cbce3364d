import { expect } from "chai";
import { BoundedCache, poolSizes } from "../../../../analyzers/dsp/scratch";
import { realFft } from "../../../../analyzers/dsp/fft";

describe("dsp/scratch: one bounded pool for per-size buffers", () => {
  it("keeps at most `capacity` entries and drops the least recently used", () => {
    const made: number[] = [];
    const cache = new BoundedCache<number, number[]>("test", 2);
    const get = (k: number) => cache.get(k, () => (made.push(k), [k]));
    const a = get(1);
    get(2);
    expect(get(1), "a hit returns the same object").to.equal(a);
    get(3); // evicts 2, the least recently used
    expect(cache.size).to.equal(2);
    get(1);
    get(2);
    expect(made).to.deep.equal([1, 2, 3, 2]);
  });

  it("a stream of odd window lengths cannot grow the FFT plans past the bound", () => {
    for (let size = 2; size <= 2 ** 14; size *= 2) realFft(new Float64Array(size), size);
    expect(poolSizes()["fft plans"]).to.be.at.most(8);
  });
});
