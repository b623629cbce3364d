import { expect } from "chai";
import { leakageBins, measureSideband, minimumRecordSeconds, sidebandEvidence, floorMedian } from "../../../../analyzers/dsp/sideband";
import { amplitudeSpectrum, peakInBand } from "../../../../analyzers/dsp/spectrum";
import { mcsaPhaseCurrents } from "../../../helpers/mcsa-signal";

const RATE = 1024;

function spectrumOf(durationS: number, lines: { frequencyHz: number; levelDb: number }[], snrDb: number, seed = 7) {
  const ia = mcsaPhaseCurrents({ rateHz: RATE, durationS, fundamentalHz: 50, amplitudeA: 10, lines, snrDb, seed, phaseCount: 1 }).ia!;
  const s = amplitudeSpectrum(ia.samples, RATE, { taper: "blackman-harris", size: 2 * 2 ** Math.ceil(Math.log2(ia.samples.length)) });
  const fundamental = peakInBand(s, 49, 51)!.amplitude;
  return { s, fundamental };
}

describe("dsp/sideband", () => {
  const search = { toleranceHz: 0.2, floorHalfWidthHz: 5, exclusions: [{ centerHz: 50, halfWidthHz: 1 }] };

  it("measures a line standing above the floor: level re fundamental, floor, prominence", () => {
    const { s, fundamental } = spectrumOf(8, [{ frequencyHz: 48, levelDb: -50 }], 50);
    const m = measureSideband(s, fundamental, "LSB", 48.05, search);
    expect(m).to.include({ detected: true });
    expect(m.isUpperBound).to.equal(false);
    expect(m.reportedDb).to.be.closeTo(-50, 0.5);
    expect(m.frequencyHz).to.be.closeTo(48, 0.02);
    expect(m.floorDb).to.be.below(-80);
    expect(m.prominenceDb).to.be.above(25);
    const e = sidebandEvidence(m, -40);
    expect(e.level_db).to.be.closeTo(-50, 0.5);
    expect(e.reference).to.match(/local floor/);
  });

  it("a line buried in noise is reported as an upper bound (floor + margin), never as a level", () => {
    const { s, fundamental } = spectrumOf(4, [{ frequencyHz: 48, levelDb: -85 }], 30);
    const m = measureSideband(s, fundamental, "LSB", 48, search);
    expect(m.floorDb).to.be.above(-80).and.below(-60);
    expect(m.detected).to.equal(false);
    expect(m).to.include({ isUpperBound: true });
    expect(m.reportedDb).to.be.at.most(m.floorDb + 10 + 1e-9);
    expect(m.reportedDb).to.be.above(-85); // a true upper bound of the buried line
    expect(sidebandEvidence(m).reference).to.match(/upper bound/);
  });

  it("the floor ignores excluded lines inside its band", () => {
    const { s, fundamental } = spectrumOf(
      8,
      [
        { frequencyHz: 47, levelDb: -30 },
        { frequencyHz: 46, levelDb: -30 },
        { frequencyHz: 45, levelDb: -30 },
      ],
      50,
    );
    const withLines = floorMedian(s, 43, 53, []);
    const clean = floorMedian(
      s,
      43,
      53,
      [45, 46, 47, 50].map((c) => ({ centerHz: c, halfWidthHz: 0.6 })),
    );
    expect(20 * Math.log10(clean / fundamental)).to.be.below(-80);
    expect(withLines).to.be.above(clean);
  });

  it("leakage distance of the tapers (Blackman-Harris −70 dB within its 4-bin main lobe; Hann needs ~10 bins)", () => {
    expect(leakageBins("blackman-harris", -70)).to.be.within(3.5, 4);
    expect(leakageBins("hann", -70)).to.be.within(8, 11);
    expect(minimumRecordSeconds(1, 0.2, "blackman-harris", 70)).to.be.closeTo(leakageBins("blackman-harris", -70) / 0.8, 1e-12);
    expect(minimumRecordSeconds(0.1, 0.2, "blackman-harris", 70)).to.equal(Infinity);
  });

  it("the minimum record length is what it takes: a −55 dB line 1 Hz from the fundamental", () => {
    const need = minimumRecordSeconds(1, 0.2, "blackman-harris", 70);
    const long = spectrumOf(Math.ceil(need), [{ frequencyHz: 49, levelDb: -55 }], 50);
    const ok = measureSideband(long.s, long.fundamental, "LSB", 49, search);
    expect(ok).to.include({ detected: true });
    expect(ok.reportedDb).to.be.closeTo(-55, 1.5);
    const short = spectrumOf(need / 2.5, [{ frequencyHz: 49, levelDb: -55 }], 50);
    const bad = measureSideband(short.s, short.fundamental, "LSB", 49, search);
    // too short: the fundamental's skirt swamps the line and the reading is meaningless
    expect(Math.abs(bad.peakDb + 55)).to.be.above(6);
  });
});
