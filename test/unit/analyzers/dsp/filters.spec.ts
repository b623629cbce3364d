import { expect } from "chai";
import { bandPass, bandPassGain, lowPass } from "../../../../analyzers/dsp/filters";
import { rms } from "../../../../analyzers/dsp/statistics";

const RATE = 8192;
const N = 8192;

function tone(f: number, a = 1, phase = 0.4): Float64Array {
  return new Float64Array(N).map((_, i) => a * Math.sin((2 * Math.PI * f * i) / RATE + phase));
}

/**
 * Gain in dB of a filter on a tone, measured on the middle 80 % of the record: like sosfiltfilt,
 * the first and last few time constants (4/transition s) carry edge transients of the padding.
 */
function gainDb(filter: (x: Float64Array) => Float64Array, f: number): number {
  const x = tone(f);
  const y = filter(x);
  const from = Math.floor(0.1 * N),
    to = Math.ceil(0.9 * N);
  return 20 * Math.log10(rms(y.subarray(from, to)) / rms(x.subarray(from, to)));
}

describe("dsp/filters", () => {
  const band = (x: Float64Array): Float64Array => bandPass(x, RATE, 1000, 2000);

  it("band-pass: pass band flat within ±0.1 dB for off-bin tones, edges at −6 dB", () => {
    for (const f of [1080.3, 1234.56, 1500.1, 1777.7, 1919.9]) expect(gainDb(band, f)).to.be.closeTo(0, 0.1);
    expect(bandPassGain(1000, 1000, 2000, 100)).to.be.closeTo(0.5, 1e-12);
    expect(bandPassGain(2000, 1000, 2000, 100)).to.be.closeTo(0.5, 1e-12);
  });

  it("band-pass: stop band attenuated by ≥ 60 dB one transition width beyond the edges", () => {
    for (const f of [50.5, 300.2, 880.7, 2120.3, 3500.9]) expect(gainDb(band, f)).to.be.below(-60);
  });

  it("band-pass is zero phase: an in-band tone comes out sample for sample (±0.5 % away from the ends)", () => {
    const x = tone(1400.37, 2);
    const y = band(x);
    for (let i = N / 8; i < (7 * N) / 8; i += 11) expect(y[i]).to.be.closeTo(x[i], 0.01);
  });

  it("low-pass for anti-aliasing: DC and 0–900 Hz ±0.1 dB, ≥ 60 dB down from 1.1× the cut-off", () => {
    const lp = (x: Float64Array): Float64Array => lowPass(x, RATE, 1000);
    for (const f of [20.3, 333.3, 880.1]) expect(gainDb(lp, f)).to.be.closeTo(0, 0.1);
    for (const f of [1120.4, 2000.7, 4000.2]) expect(gainDb(lp, f)).to.be.below(-60);
    const dc = lp(new Float64Array(N).fill(3));
    expect(dc[N >> 1]).to.be.closeTo(3, 1e-6);
    expect(dc[0]).to.be.closeTo(3, 1e-4); // the odd extension continues a constant; only the far wrap leaks in
  });

  it("keeps the record length and accepts non-power-of-two lengths", () => {
    const x = tone(1500).subarray(0, 5000);
    const y = bandPass(x, RATE, 1000, 2000);
    expect(y.length).to.equal(5000);
    expect(20 * Math.log10(rms(y.subarray(500, 4500)) / rms(x.subarray(500, 4500)))).to.be.closeTo(0, 0.1);
  });
});
