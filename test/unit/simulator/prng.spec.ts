import { expect } from "chai";
import { Prng, deriveSeed, inverseNormalCdf } from "../../../simulator/prng";

describe("simulator/prng", () => {
  it("repeats exactly for one seed and differs between seeds", () => {
    const a = new Prng(42),
      b = new Prng(42),
      c = new Prng(43);
    const xa = Array.from({ length: 100 }, () => a.nextUint32());
    const xb = Array.from({ length: 100 }, () => b.nextUint32());
    const xc = Array.from({ length: 100 }, () => c.nextUint32());
    expect(xa).to.deep.equal(xb);
    expect(xa).to.not.deep.equal(xc);
    expect(deriveSeed(1, "noise")).to.equal(deriveSeed(1, "noise"));
    expect(deriveSeed(1, "noise")).to.not.equal(deriveSeed(1, "phases"));
    expect(deriveSeed(1_700_000_000_000, 0)).to.not.equal(deriveSeed(1_700_000_000_000 + 4294967296, 0));
  });

  it("uniform draws fill [0, 1) evenly (mean ½, variance 1/12)", () => {
    const r = new Prng(1);
    const n = 100_000;
    let s = 0,
      s2 = 0,
      min = 1,
      max = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      s += u;
      s2 += u * u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(s / n).to.be.closeTo(0.5, 0.005);
    expect(s2 / n - (s / n) ** 2).to.be.closeTo(1 / 12, 0.002);
    expect(min).to.be.at.least(0);
    expect(max).to.be.below(1);
  });

  it("Box-Muller and the bulk-noise table both give unit-variance, zero-mean normals", () => {
    const r = new Prng(2);
    const n = 100_000;
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = r.gaussian();
    const y = new Float64Array(n);
    r.addGaussianNoise(y, 2);
    for (const [v, sigma] of [
      [x, 1],
      [y, 2],
    ] as const) {
      let s = 0,
        s2 = 0,
        s4 = 0;
      for (const e of v) {
        s += e;
        s2 += e * e;
      }
      const mean = s / n,
        variance = s2 / n - mean * mean;
      for (const e of v) s4 += (e - mean) ** 4;
      expect(mean).to.be.closeTo(0, 0.02 * sigma);
      expect(Math.sqrt(variance)).to.be.closeTo(sigma, 0.02 * sigma);
      expect(s4 / n / variance ** 2).to.be.closeTo(3, 0.1); // normal kurtosis
    }
    expect(inverseNormalCdf(0.975)).to.be.closeTo(1.959964, 1e-6);
    expect(inverseNormalCdf(0.001)).to.be.closeTo(-3.090232, 1e-6);
  });
});
