import { expect } from "chai";
import { realFft } from "../../../../analyzers/dsp/fft";
import { bandPass } from "../../../../analyzers/dsp/filters";
import { rms } from "../../../../analyzers/dsp/statistics";
import { candidateBands, chooseBand, envelopeKurtosis, rankBandsByKurtosis, skNoiseStd, type RankedBand } from "../../../../analyzers/dsp/spectral-kurtosis";
import { bearingSignal, gaussian, seededRandom } from "../../../helpers/bearing-signal";

const RATE = 8192;
const N = 8192;

describe("dsp/spectral-kurtosis", () => {
  it("envelope SK is 0 for complex Gaussian noise (±0.1) and −1 for a steady tone", () => {
    const normal = gaussian(seededRandom(7));
    const n = 65536;
    const noise = new Float64Array(2 * n).map(() => normal());
    expect(envelopeKurtosis(noise, 0, n)).to.be.closeTo(0, 0.1);
    const tone = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      tone[2 * i] = Math.cos(0.1 * i);
      tone[2 * i + 1] = Math.sin(0.1 * i);
    }
    expect(envelopeKurtosis(tone, 0, n)).to.be.closeTo(-1, 1e-9);
  });

  it("builds the 1/3-binary tree within the range, no band narrower than asked", () => {
    const bands = candidateBands(500, 3276.8, 600);
    // Levels cut the range into 1, 2, 3, 4 bands (+ straddling bands): 1 + 3 + 5 + 7.
    expect(bands.length).to.equal(16);
    for (const b of bands) {
      expect(b.loHz).to.be.at.least(500 - 1e-9);
      expect(b.hiHz).to.be.at.most(3276.8 + 1e-9);
      expect(b.hiHz - b.loHz).to.be.at.least(600);
    }
    expect(candidateBands(500, 1000, 600)).to.have.length(0);
  });

  it("ranks highest the band where repetitive impulses ring, over a louder stationary noise band", () => {
    // Impulses ring a 2.6 kHz resonance; a stationary narrow-band noise 5× louder sits at 900–1300 Hz.
    const x = bearingSignal({ rateHz: RATE, durationS: 1, defectHz: 97, impulseG: 0.4, resonanceHz: 2600, noiseRmsG: 0.05, seed: 11 });
    const normal = gaussian(seededRandom(12));
    const band = bandPass(
      new Float64Array(N).map(() => normal()),
      RATE,
      900,
      1300,
    );
    const scale = (5 * 0.4) / Math.SQRT2 / rms(band);
    for (let i = 0; i < N; i++) x[i] += band[i] * scale;
    const half = Float64Array.from(realFft(x, N));
    const ranked = rankBandsByKurtosis(half, N, RATE, candidateBands(500, 3276.8, 600), { from: 0.05, to: 0.95 });
    const top = ranked[0];
    expect(top.band.loHz).to.be.below(2600);
    expect(top.band.hiHz).to.be.above(2600);
    expect(top.kurtosis).to.be.above(1);
    const noiseBand = ranked.find((r) => r.band.hiHz < 1500)!;
    expect(noiseBand.kurtosis).to.be.below(0.3);
  });

  it("chooseBand lets periodicity decide among the impulsive top SK bands only, keeping the higher SK on ties", () => {
    const band = (lo: number): RankedBand["band"] => ({ loHz: lo, hiHz: lo + 1000, transitionHz: 100, level: 1 });
    const ranked: RankedBand[] = [
      { band: band(500), kurtosis: 5 },
      { band: band(1000), kurtosis: 4 },
      { band: band(1500), kurtosis: 3 },
      { band: band(2000), kurtosis: 2 },
    ];
    const scores = new Map([
      [500, 10],
      [1000, 20],
      [1500, 20],
      [2000, 99],
    ]);
    const evaluate = (b: RankedBand["band"]): { score: number } => ({ score: scores.get(b.loHz)! });
    const choice = chooseBand(ranked, 3, () => true, evaluate)!;
    expect(choice.chosen.band.loHz).to.equal(1000);
    expect(choice.skRank).to.equal(1);
    expect(choice.compared).to.equal(3);
    // Bands whose SK is not significant are not compared; with none significant the top SK band stands.
    expect(chooseBand(ranked, 3, (r) => r.kurtosis > 3.5, evaluate)!.chosen.band.loHz).to.equal(1000);
    expect(chooseBand(ranked, 3, (r) => r.kurtosis > 4.5, evaluate)!.chosen.band.loHz).to.equal(500);
    expect(chooseBand(ranked, 3, () => false, evaluate)!.chosen.band.loHz).to.equal(500);
    expect(chooseBand([], 3, () => true, evaluate)).to.equal(null);
  });

  it("SK noise level: 2/√(W·T), matching the spread of SK over Gaussian noise records (±30 %)", () => {
    const normal = gaussian(seededRandom(3));
    const values: number[] = [];
    const n = 1000;
    for (let r = 0; r < 200; r++) {
      const z = new Float64Array(2 * n).map(() => normal());
      values.push(envelopeKurtosis(z, 0, n));
    }
    const m = values.reduce((s, v) => s + v, 0) / values.length;
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - m) * (v - m), 0) / values.length);
    expect(sd).to.be.closeTo(skNoiseStd(1000, 1), 0.3 * skNoiseStd(1000, 1));
  });
});
