import { expect } from "chai";
import { decimate, decimateThree, decimationFactorFor, lowPassKernel, stageFactors } from "../../../../analyzers/dsp/decimate";
import { amplitudeSpectrum, peakInBand, toDb } from "../../../../analyzers/dsp/spectrum";

function cosine(n: number, rate: number, f: number, a = 1, phi = 0): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = a * Math.cos(2 * Math.PI * f * (i / rate) + phi);
  return x;
}

/** Frequency response of the FIR at f (cycles per input sample), in dB. */
function responseDb(h: Float64Array, f: number): number {
  let re = 0,
    im = 0;
  for (let i = 0; i < h.length; i++) {
    re += h[i] * Math.cos(2 * Math.PI * f * i);
    im -= h[i] * Math.sin(2 * Math.PI * f * i);
  }
  return 20 * Math.log10(Math.hypot(re, im));
}

describe("dsp/decimate", () => {
  const rate = 8192;

  for (const q of [2, 4, 8, 16]) {
    it(`q=${q}: kernel has ±0.1 dB pass band to 0.8·Nyquist_out and ≥ 60 dB rejection above Nyquist_out`, () => {
      const h = lowPassKernel(q);
      const nyqOut = 0.5 / q;
      let worstPass = 0,
        worstStop = -Infinity;
      for (let f = 0; f <= 0.8 * nyqOut; f += nyqOut / 400) worstPass = Math.max(worstPass, Math.abs(responseDb(h, f)));
      for (let f = nyqOut; f <= 0.5; f += nyqOut / 50) worstStop = Math.max(worstStop, responseDb(h, f));
      expect(worstPass).to.be.below(0.1);
      expect(worstStop).to.be.below(-60);
    });
  }

  it("passes in-band tones within ±0.1 dB and keeps their phase (zero phase)", () => {
    const n = 8192,
      q = 8;
    for (const f of [10, 50.3, 123.4, 300, 400]) {
      const x = cosine(n, rate, f, 2, 0.7);
      const y = decimate(x, q);
      expect(y.length).to.equal(n / q);
      const s = amplitudeSpectrum(y, rate / q, { taper: "blackman-harris", size: 4096 });
      const p = peakInBand(s, f - 2, f + 2)!;
      expect(Math.abs(toDb(p.amplitude, 2))).to.be.below(0.1);
      // sample-by-sample agreement with the ideal subsampled tone away from the ends
      for (let m = 100; m < y.length - 100; m += 37) expect(y[m]).to.be.closeTo(x[m * q], 4e-3); // 0.2 %: three stages' ripple
    }
  });

  for (const q of [8, 7, 48, 64]) {
    it(`q=${q}: rejects tones that would alias by ≥ 60 dB (single stage or cascade)`, () => {
      const n = 16384,
        nyq = rate / (2 * q);
      const tones = [1.02 * nyq, 1.3 * nyq, 2.5 * nyq, 0.37 * rate, 0.49 * rate, rate / 2 / 3 + 1, rate / 4 - 1, rate / 8 + 3];
      for (const f of tones.filter((t) => t > nyq)) {
        const y = decimate(cosine(n, rate, f, 1), q);
        const s = amplitudeSpectrum(y, rate / q, { taper: "blackman-harris" });
        // where the tone folds to in the output band
        const out = rate / q;
        const folded = Math.abs(f - Math.round(f / out) * out);
        const alias = peakInBand(s, Math.max(0.5, folded - 2), Math.min(nyq - 0.5, folded + 2))!;
        expect(toDb(alias.amplitude, 1), `tone ${f.toFixed(1)} Hz`).to.be.below(-60);
      }
    });

    it(`q=${q}: pass band within ±0.1 dB up to 0.8 of the output Nyquist`, () => {
      const n = 16384,
        nyq = rate / (2 * q);
      for (const frac of [0.05, 0.3, 0.55, 0.8]) {
        const f = frac * nyq + 0.37;
        const y = decimate(cosine(n, rate, f, 1), q);
        const s = amplitudeSpectrum(y, rate / q, { taper: "blackman-harris", size: 4 * 2 ** Math.ceil(Math.log2(y.length)) });
        const p = peakInBand(s, f - 1, f + 1)!;
        expect(Math.abs(toDb(p.amplitude, 1)), `tone ${f.toFixed(1)} Hz`).to.be.below(0.1);
      }
    });
  }

  it("cascade stages are the prime factors, largest first", () => {
    expect(stageFactors(48)).to.deep.equal([3, 2, 2, 2, 2]);
    expect(stageFactors(7)).to.deep.equal([7]);
  });

  it("factor choice keeps the highest line in the pass band", () => {
    expect(decimationFactorFor(8192, 100)).to.equal(32); // 256 Hz out, pass band to 102.4 Hz
    expect(decimationFactorFor(8192, 84)).to.equal(36); // ≤ 39, products of 2 and 3 only
    expect(decimationFactorFor(8192, 5000)).to.equal(1);
    expect(() => decimate(new Float64Array(8), 1.5)).to.throw(RangeError);
    expect(Array.from(decimate(Float64Array.of(1, 2, 3), 1))).to.deep.equal([1, 2, 3]);
  });

  it("decimateThree (one pass over each stage's kernel for three records) equals three decimate() calls bit for bit", () => {
    const rate = 8192;
    const phases = [0, 2.1, 4.2].map((phi) => Float32Array.from(cosine(3000, rate, 57.3, 10, phi).map((v, i) => v + 0.3 * Math.sin(0.9 * i))));
    for (const q of [1, 2, 6, 18, 27, 32]) {
      const into = [new Float64Array(4000), new Float64Array(10), new Float64Array(0)];
      const fused = decimateThree(phases, q, into).map((x) => Array.from(x));
      expect(fused, `q = ${q}`).to.deep.equal(phases.map((x) => Array.from(decimate(x, q))));
    }
    // Unequal lengths fall back to one decimate() per record.
    const uneven = [phases[0], phases[1].subarray(0, 2000), phases[2]];
    expect(decimateThree(uneven, 6, []).map((x) => x.length)).to.deep.equal([500, 334, 500]);
  });
});
