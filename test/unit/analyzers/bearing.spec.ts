import { expect } from "chai";
import { bearingAnalyzer, bearingWindowNeeds, BEARING_SCALE, harmonicsThatFit } from "../../../analyzers/bearing";
import { bearingFrequencies, bearingOrders } from "../../../analyzers/bearing-frequencies";
import { DEFAULT_MOTOR_PROFILE } from "../../../analyzers/default-profile";
import type { BearingDefect, Finding, MotorProfile, SensorWindow } from "../../../analyzers/types";
import { bearingSignal, type BearingSignalOptions } from "../../helpers/bearing-signal";
import { PMSM_800V } from "../../../simulator/profiles";

const RATE = 8192;
const RPM = 1800;
const PROFILE: MotorProfile = DEFAULT_MOTOR_PROFILE;
const F = bearingFrequencies(PROFILE.bearing, RPM / 60);

function windowOf(x: Float64Array, rpm = RPM, rateHz = RATE): SensorWindow {
  return { channels: { vib_x: { samples: Float32Array.from(x), rateHz } }, rpm };
}

function analyze(o: Partial<BearingSignalOptions>, rpm = RPM): Finding {
  const x = bearingSignal({ rateHz: RATE, durationS: 1, resonanceHz: 2600, shaftHz: rpm / 60, noiseRmsG: 0.05, ...o });
  return bearingAnalyzer.analyze(windowOf(x, rpm), PROFILE);
}

describe("bearing frequencies", () => {
  it("gives the SKF 6205 orders of docs/science.md#defect-frequencies (±0.0005) from the geometry in inches → mm", () => {
    const o = bearingOrders({ n_balls: 9, ball_diameter_mm: 0.3126 * 25.4, pitch_diameter_mm: 1.537 * 25.4, contact_angle_deg: 0 });
    expect(o.bpfo).to.be.closeTo(3.5848, 5e-4);
    expect(o.bpfi).to.be.closeTo(5.4152, 5e-4);
    expect(o.bsf).to.be.closeTo(2.3567, 5e-4);
    expect(o.twoBsf).to.be.closeTo(4.7134, 1e-3);
    expect(o.ftf).to.be.closeTo(0.3983, 5e-4);
    // BPFO + BPFI = n·f_r for any geometry.
    expect(F.bpfo + F.bpfi).to.be.closeTo(PROFILE.bearing.n_balls * F.shaftHz, 1e-9);
  });
});

describe("bearing analyzer on synthetic impulse trains (1 s at 8192 Hz, 1800 rpm, ±1.5 % slip)", () => {
  const cases: { defect: BearingDefect; line: string; o: Partial<BearingSignalOptions> }[] = [
    { defect: "outer_race", line: "BPFO", o: { defectHz: F.bpfo } },
    // Inner race: the defect turns with the shaft through the load zone.
    { defect: "inner_race", line: "BPFI", o: { defectHz: F.bpfi, modulationHz: F.shaftHz, modulationDepth: 0.6 } },
    // Ball: strikes both races once per spin (2×BSF), carried round by the cage.
    { defect: "ball", line: "2xBSF", o: { defectHz: F.twoBsf, modulationHz: F.ftf, modulationDepth: 0.5 } },
  ];
  for (const c of cases) {
    it(`calls a strong ${c.defect} defect a fault with its ${c.line} comb as evidence`, () => {
      const r = analyze({ ...c.o, impulseG: 0.4, seed: 5 });
      expect(r.status, r.reason).to.equal("fault");
      expect(r.bearing_defect).to.equal(c.defect);
      const lines = r.evidence.filter((e) => e.name.startsWith(`${c.line} h`));
      expect(lines).to.have.length(3);
      lines.forEach((e, i) => {
        expect(e.frequency_hz!).to.be.closeTo((i + 1) * c.o.defectHz!, 0.02 * (i + 1) * c.o.defectHz! + 1);
        expect(e.reference).to.match(/local median/);
      });
      const sorted = lines.map((e) => e.level_db!).sort((a, b) => b - a);
      expect(sorted[1]).to.be.at.least(BEARING_SCALE.fault);
      expect(r.score).to.be.within(2 / 3, 1);
    });
  }

  it("calls healthy noise with shaft lines normal on every seed, all harmonics below 15 dB on 2 of 3", () => {
    for (let seed = 1; seed <= 6; seed++) {
      const r = analyze({ seed });
      expect(r.status, r.reason).to.equal("normal");
      expect(r.bearing_defect).to.equal(undefined);
      expect(r.features.indicator_db).to.be.below(BEARING_SCALE.warning);
      expect(r.score).to.be.below(1 / 3);
    }
  });

  it("stationary lines beating at BPFO give one envelope line, not a comb: normal (2 of 3 rule)", () => {
    const x = bearingSignal({ rateHz: RATE, durationS: 1, resonanceHz: 2600, shaftHz: RPM / 60, noiseRmsG: 0.05, seed: 4 });
    // Pairs in both halves of the demodulation range, so that every candidate band sees a beat.
    for (let i = 0; i < x.length; i++) {
      const t = i / RATE;
      for (const f of [1200, 2600]) x[i] += 0.2 * Math.sin(2 * Math.PI * f * t) + 0.2 * Math.sin(2 * Math.PI * (f + F.bpfo) * t);
    }
    const r = bearingAnalyzer.analyze(windowOf(x), PROFILE);
    expect(r.features.bpfo_h1_db, "the beat is seen").to.be.above(BEARING_SCALE.fault);
    expect(r.status, r.reason).to.equal("normal");
  });

  it("the score rises with the strike amplitude, and status follows", () => {
    // Same seed: the same noise under ever stronger strikes.
    const findings = [0, 0.04, 0.08, 0.12, 0.2, 0.4].map((impulseG) => analyze(impulseG > 0 ? { defectHz: F.bpfo, impulseG, seed: 9 } : { seed: 9 }));
    const scores = findings.map((f) => f.score);
    for (let i = 1; i < scores.length; i++) expect(scores[i]).to.be.at.least(scores[i - 1]);
    expect(findings[0].status).to.equal("normal");
    expect(findings[findings.length - 1].status).to.equal("fault");
  });

  it("names the inner race, not the outer, although 3×BPFO ≈ 2×BPFI lifts BPFO h3", () => {
    const r = analyze({ defectHz: F.bpfi, modulationHz: F.shaftHz, modulationDepth: 0.6, impulseG: 0.4, seed: 21 });
    expect(r.bearing_defect).to.equal("inner_race");
    expect(r.features.bpfo_h3_db).to.be.above(r.features.bpfo_h1_db);
  });

  it("reports kurtosis, velocity RMS with its ISO zone, and the demodulation band it chose", () => {
    const r = analyze({ defectHz: F.bpfo, impulseG: 0.4, seed: 5 });
    expect(r.features.kurtosis).to.be.above(3);
    expect(r.features.velocity_rms_mm_s).to.be.above(0);
    expect(r.features.iso_zone).to.be.within(1, 4);
    expect(r.features.demod_lo_hz).to.be.at.least(500 - 1e-9);
    expect(r.features.demod_hi_hz).to.be.at.most(0.4 * RATE + 1e-9);
    expect(r.features.demod_lo_hz).to.be.below(2600);
    expect(r.features.demod_hi_hz).to.be.above(2600);
  });

  it("falls back to vib_y when vib_x is absent", () => {
    const x = bearingSignal({ rateHz: RATE, durationS: 1, defectHz: F.bpfo, impulseG: 0.4, resonanceHz: 2600, seed: 5 });
    const r = bearingAnalyzer.analyze({ channels: { vib_y: { samples: x, rateHz: RATE } }, rpm: RPM }, PROFILE);
    expect(r.bearing_defect).to.equal("outer_race");
  });
});

describe("bearing analyzer on a fast shaft: scores the harmonics the band can hold (K = 2 of 3)", () => {
  // PMSM_800V's 6207-class bearing at 5400 rpm: BPFI ≈ 489 Hz, so 3 harmonics need a 2993 Hz band
  // but 500 Hz … 0.4·8192 Hz holds 2777 Hz — 2 harmonics (1996 Hz) fit.
  const rpm = 5400;
  const f = bearingFrequencies(PMSM_800V.bearing, rpm / 60);
  const fast = (o: Partial<BearingSignalOptions>): Finding => {
    const x = bearingSignal({ rateHz: RATE, durationS: 1, resonanceHz: 2600, shaftHz: rpm / 60, noiseRmsG: 0.05, ...o });
    return bearingAnalyzer.analyze(windowOf(x, rpm), PMSM_800V);
  };

  it("decides an outer- and an inner-race fault at 8192 Hz with 2 harmonics, both ≥ the fault level", () => {
    const cases = [
      { defect: "outer_race", line: "BPFO", o: { defectHz: f.bpfo } },
      { defect: "inner_race", line: "BPFI", o: { defectHz: f.bpfi, modulationHz: f.shaftHz, modulationDepth: 0.6 } },
    ] as const;
    for (const c of cases) {
      const r = fast({ ...c.o, impulseG: 0.4, seed: 3 });
      expect(r.status, r.reason).to.equal("fault");
      expect(r.bearing_defect).to.equal(c.defect);
      expect(r.features.harmonics_scored).to.equal(2);
      expect(r.reason)
        .to.match(/2 of 2/)
        .and.match(/2 harmonics scored/);
      const lines = r.evidence.filter((e) => e.name.startsWith(`${c.line} h`));
      expect(lines.map((e) => e.name)).to.deep.equal([`${c.line} h1`, `${c.line} h2`]);
      lines.forEach((e) => expect(e.level_db!).to.be.at.least(BEARING_SCALE.fault));
    }
  });

  it("calls the healthy fast bearing normal on every seed with K = 2", () => {
    for (const seed of [1, 2, 3, 4]) {
      const r = fast({ seed });
      expect(r.status, r.reason).to.equal("normal");
      expect(r.features.harmonics_scored).to.equal(2);
    }
  });

  it("scores 3 harmonics again when the rate allows (16384 Hz)", () => {
    const x = bearingSignal({ rateHz: 16384, durationS: 1, resonanceHz: 2600, shaftHz: rpm / 60, defectHz: f.bpfo, impulseG: 0.4, seed: 3 });
    const r = bearingAnalyzer.analyze(windowOf(x, rpm, 16384), PMSM_800V);
    expect(r.status, r.reason).to.equal("fault");
    expect(r.features.harmonics_scored).to.equal(3);
    expect(r.evidence.filter((e) => e.name.startsWith("BPFO h"))).to.have.length(3);
  });
});

describe("bearing analyzer window needs", () => {
  it("declares the default bearing's needs at rated speed, the same figures analyze() checks", () => {
    const needs = bearingWindowNeeds(PROFILE.bearing, PROFILE.rated_rpm);
    expect(bearingAnalyzer.requirements.minSampleRateHz).to.equal(Math.ceil(needs.sampleRateHz));
    expect(bearingAnalyzer.requirements.minDurationS).to.be.at.least(needs.durationS);
    expect(needs.fullSampleRateHz).to.be.above(needs.sampleRateHz);
    // A 6205-class bearing at 1800 rpm: BPFO ≈ 107.5 Hz needs 2/(0.02·107.5) ≈ 0.93 s (header).
    expect(bearingWindowNeeds(PROFILE.bearing, 1800).durationS).to.be.closeTo(100 / F.bpfo, 1e-9);
    expect(harmonicsThatFit(2777, 489)).to.equal(2);
    expect(harmonicsThatFit(3100, 489)).to.equal(3);
    expect(harmonicsThatFit(1500, 489)).to.equal(1); // below MIN_HARMONICS: insufficient_data
    expect(harmonicsThatFit(900, 489)).to.equal(0);
  });
});

describe("bearing analyzer refuses to guess", () => {
  const x = bearingSignal({ rateHz: RATE, durationS: 1, seed: 1 });

  it("answers insufficient_data without rpm", () => {
    const r = bearingAnalyzer.analyze({ channels: { vib_x: { samples: x, rateHz: RATE } } }, PROFILE);
    expect(r.status).to.equal("insufficient_data");
    expect(r.reason).to.match(/rpm/);
    expect(r.score).to.equal(0);
  });

  it("answers insufficient_data for a record too short to resolve BPFO within ±2 %", () => {
    const r = bearingAnalyzer.analyze(windowOf(x.subarray(0, 4096)), PROFILE);
    expect(r.status).to.equal("insufficient_data");
    expect(r.reason).to.match(/too short/);
  });

  it("answers insufficient_data when the rate leaves no demodulation band wide enough", () => {
    const slow = bearingSignal({ rateHz: 2048, durationS: 2, seed: 1 });
    const r = bearingAnalyzer.analyze(windowOf(slow, RPM, 2048), PROFILE);
    expect(r.status).to.equal("insufficient_data");
    expect(r.reason).to.match(/sampling rate/);
  });

  it("answers insufficient_data without a vibration channel, with bad geometry or non-finite samples", () => {
    expect(bearingAnalyzer.analyze({ channels: {}, rpm: RPM }, PROFILE).status).to.equal("insufficient_data");
    const bad = { ...PROFILE, bearing: { ...PROFILE.bearing, ball_diameter_mm: 50 } };
    expect(bearingAnalyzer.analyze(windowOf(x), bad).reason).to.match(/geometry/);
    const nan = Float64Array.from(x);
    nan[100] = NaN;
    expect(bearingAnalyzer.analyze(windowOf(nan), PROFILE).reason).to.match(/non-finite/);
  });
});
