import { expect } from "chai";
import { analyticSignal, bandComplexEnvelope, squaredEnvelope } from "../../../../analyzers/dsp/hilbert";
import { realFft, useFftBackend } from "../../../../analyzers/dsp/fft";

const RATE = 8192;

function amSignal(n: number, carrierHz: number, modHz: number, depth: number): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / RATE;
    x[i] = (1 + depth * Math.cos(2 * Math.PI * modHz * t)) * Math.cos(2 * Math.PI * carrierHz * t);
  }
  return x;
}

describe("dsp/hilbert", () => {
  // The math to 1e-9 on the double-precision backend; test/unit/analyzers/dsp/fft.spec.ts holds PFFFT (single precision) to it.
  before(() => useFftBackend("fft.js"));
  after(() => useFftBackend("pffft"));

  it("turns a bin-centred cosine into e^{jωt} (±1e-9)", () => {
    const n = 1024;
    const x = new Float64Array(n).map((_, i) => 2 * Math.cos((2 * Math.PI * 37 * i) / n + 0.3));
    const a = analyticSignal(x);
    for (let i = 0; i < n; i += 17) {
      expect(a[2 * i]).to.be.closeTo(x[i], 1e-9);
      expect(a[2 * i + 1]).to.be.closeTo(2 * Math.sin((2 * Math.PI * 37 * i) / n + 0.3), 1e-9);
    }
  });

  it("recovers the envelope of an AM signal: |x_a|² = (1 + m·cos)² to 1e-9 when bin-centred", () => {
    const n = 8192,
      depth = 0.5;
    const x = amSignal(n, 1000, 50, depth);
    const e = squaredEnvelope(x);
    // The squared envelope minus its mean: (1 + m cos)² − (1 + m²/2).
    const offset = 1 + (depth * depth) / 2;
    for (let i = 0; i < n; i += 13) {
      const env = 1 + depth * Math.cos((2 * Math.PI * 50 * i) / RATE);
      expect(e[i] + offset).to.be.closeTo(env * env, 1e-9);
    }
  });

  it("an off-bin AM signal's envelope is right within 1 % away from the record ends", () => {
    const n = 8192,
      depth = 0.3;
    const x = amSignal(n, 1234.56, 47.3, depth);
    const a = analyticSignal(x);
    let worst = 0;
    for (let i = n / 4; i < (3 * n) / 4; i++) {
      const env = 1 + depth * Math.cos((2 * Math.PI * 47.3 * i) / RATE);
      worst = Math.max(worst, Math.abs(Math.hypot(a[2 * i], a[2 * i + 1]) - env) / env);
    }
    expect(worst).to.be.below(0.01);
  });

  it("bandComplexEnvelope demodulates one band at a reduced rate and ignores tones outside it", () => {
    const n = 8192,
      depth = 0.5;
    const x = amSignal(n, 2000, 64, depth);
    for (let i = 0; i < n; i++) x[i] += 3 * Math.cos((2 * Math.PI * 600 * i) / RATE);
    const half = Float64Array.from(realFft(x, n));
    const out = 1024; // 1024 complex samples over the 1 s record: 1024 Hz, enough for a ~600 Hz band
    const z = bandComplexEnvelope(half, n, RATE, { loHz: 1800, hiHz: 2200, transitionHz: 40 }, out);
    for (let m = 0; m < out; m += 7) {
      const env = 1 + depth * Math.cos((2 * Math.PI * 64 * m) / out);
      expect(Math.hypot(z[2 * m], z[2 * m + 1])).to.be.closeTo(env, 1e-6);
    }
  });
});
