import { expect } from "chai";
import { amplitudeSpectrum, bandMedian, peakInBand, toDb } from "../../../../analyzers/dsp/spectrum";
import { hann, blackmanHarris } from "../../../../analyzers/dsp/window-functions";
import { realFft, nextPowerOfTwo, previousPowerOfTwo, useFftBackend } from "../../../../analyzers/dsp/fft";

function tone(n: number, rate: number, parts: { f: number; a: number; phi?: number }[], dc = 0): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = dc;
    for (const p of parts) v += p.a * Math.cos(2 * Math.PI * p.f * (i / rate) + (p.phi ?? 0));
    x[i] = v;
  }
  return x;
}

describe("dsp/fft and dsp/spectrum", () => {
  // The math to 1e-9 on the double-precision backend; test/unit/analyzers/dsp/fft.spec.ts holds PFFFT (single precision) to it.
  before(() => useFftBackend("fft.js"));
  after(() => useFftBackend("pffft"));

  it("realFft of a pure cosine puts N/2 at its bin and nothing elsewhere", () => {
    const n = 64;
    const x = tone(n, n, [{ f: 5, a: 1 }]);
    const X = realFft(x, n);
    expect(X[2 * 5]).to.be.closeTo(n / 2, 1e-9);
    expect(X[2 * 5 + 1]).to.be.closeTo(0, 1e-9);
    expect(Math.hypot(X[2 * 6], X[2 * 6 + 1])).to.be.below(1e-9);
  });

  it("power-of-two helpers", () => {
    expect(nextPowerOfTwo(5000)).to.equal(8192);
    expect(previousPowerOfTwo(5000)).to.equal(4096);
    expect(nextPowerOfTwo(4096)).to.equal(4096);
  });

  it("tapers have the textbook coherent gain and noise bandwidth", () => {
    expect(hann(4096).coherentGain).to.be.closeTo(0.5, 1e-9);
    expect(hann(4096).enbwBins).to.be.closeTo(1.5, 1e-6);
    expect(blackmanHarris(4096).coherentGain).to.be.closeTo(0.35875, 1e-9);
    expect(blackmanHarris(4096).enbwBins).to.be.closeTo(2.0044, 1e-3);
  });

  it("recovers amplitude (±1 %) and frequency (±0.02 bin) of an off-bin tone, ignoring DC", () => {
    const rate = 8192,
      n = 8192;
    const x = tone(
      n,
      rate,
      [
        { f: 50.37, a: 10 },
        { f: 1234.5, a: 0.1 },
      ],
      3,
    );
    for (const name of ["hann", "blackman-harris"] as const) {
      const s = amplitudeSpectrum(x, rate, { taper: name });
      const p = peakInBand(s, 40, 60)!;
      expect(p.frequencyHz).to.be.closeTo(50.37, 0.02 * s.binHz);
      expect(p.amplitude).to.be.closeTo(10, 0.1);
      const q = peakInBand(s, 1200, 1300)!;
      expect(toDb(q.amplitude, p.amplitude)).to.be.closeTo(-40, 0.2);
    }
  });

  it("band median measures the floor around a line, not the line", () => {
    const rate = 1000,
      n = 4096;
    const x = tone(n, rate, [{ f: 100, a: 1 }]);
    const s = amplitudeSpectrum(x, rate);
    const floor = bandMedian(s, 75, 125, 100, 2);
    expect(toDb(floor, 1)).to.be.below(-100);
  });
});

import { estimateFundamental } from "../../../../analyzers/dsp/fundamental";

describe("dsp/fundamental", () => {
  it("finds a 53.3 Hz fundamental within 0.01 Hz under 5 % harmonics, with and without a prior", () => {
    const rate = 8192,
      n = 8192;
    const x = tone(n, rate, [
      { f: 53.3, a: 80 },
      { f: 159.9, a: 4 },
      { f: 266.5, a: 3 },
    ]);
    const free = estimateFundamental({ samples: x, rateHz: rate })!;
    expect(free.frequencyHz).to.be.closeTo(53.3, 0.01);
    expect(free.amplitude).to.be.closeTo(80, 0.8);
    const guided = estimateFundamental({ samples: x, rateHz: rate }, { expectedHz: 50 })!;
    expect(guided.frequencyHz).to.be.closeTo(53.3, 0.01);
  });
});
