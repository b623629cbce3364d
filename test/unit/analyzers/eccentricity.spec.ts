import { expect } from "chai";
import fc from "fast-check";
import { DEFAULT_MOTOR_PROFILE } from "../../../analyzers/default-profile";
import { eccentricityAnalyzer, eccentricityLines as predictedLines } from "../../../analyzers/eccentricity";
import type { Finding, MotorProfile, SensorWindow } from "../../../analyzers/types";
import { brokenBarLines, eccentricityLines, gaussian, inductionRpm, mcsaWindow, mulberry32, type SpectralLine } from "../../helpers/mcsa-signal";

const RATE = 8192;
const BEARING = { n_balls: 9, ball_diameter_mm: 7.94, pitch_diameter_mm: 39.04, contact_angle_deg: 0 };
const IM: MotorProfile = {
  motor_type: "induction",
  pole_pairs: 2,
  rated_rpm: 1455,
  rated_current_a: 50,
  rated_voltage_v: 400,
  rotor_bars: 28,
  bearing: BEARING,
  insulation_class: "F",
  dc_bus_v: 600,
};
const PM: MotorProfile = { ...DEFAULT_MOTOR_PROFILE }; // 4 pole pairs
const RATED_SLIP_HZ = 1.5;

/** Ladder of f ± f_r levels: healthy (−58), still normal (−45), warning (−35), fault (−25). */
const LADDER: { levelDb: number; status: Finding["status"] }[] = [
  { levelDb: -58, status: "normal" },
  { levelDb: -45, status: "normal" },
  { levelDb: -35, status: "warning" },
  { levelDb: -25, status: "fault" },
];

function inductionWindow(
  supplyHz: number,
  loadPct: number,
  levelDb: number,
  opts: { polePairs?: number; durationS?: number; seed?: number } = {},
): SensorWindow {
  const p = opts.polePairs ?? 2;
  const op = { supplyHz, slip: ((loadPct / 100) * RATED_SLIP_HZ) / supplyHz, polePairs: p };
  const rpm = inductionRpm(op);
  return mcsaWindow(
    {
      rateHz: RATE,
      durationS: opts.durationS ?? 1,
      fundamentalHz: supplyHz,
      amplitudeA: 40,
      lines: eccentricityLines(supplyHz, rpm / 60, levelDb),
      harmonics: [
        { order: 5, levelDb: -30 },
        { order: 7, levelDb: -35 },
      ],
      snrDb: 40,
      seed: opts.seed ?? 77 + supplyHz + loadPct - levelDb,
    },
    { rpm, loadPct },
  );
}

/** PMSM lines f(1 ± k/p), k = 1, 3 (Ebrahimi), the k = 3 pair 8 dB lower. */
function pmsmLines(f: number, p: number, levelDb: number): SpectralLine[] {
  return [
    { frequencyHz: f * (1 - 1 / p), levelDb },
    { frequencyHz: f * (1 + 1 / p), levelDb: levelDb - 2 },
    { frequencyHz: f * (1 - 3 / p), levelDb: levelDb - 8 },
    { frequencyHz: f * (1 + 3 / p), levelDb: levelDb - 9 },
  ];
}

function pmsmWindow(f: number, levelDb: number, opts: { rpm?: number; durationS?: number } = {}): SensorWindow {
  return mcsaWindow(
    {
      rateHz: RATE,
      durationS: opts.durationS ?? 1,
      fundamentalHz: f,
      amplitudeA: 60,
      lines: pmsmLines(f, PM.pole_pairs, levelDb),
      snrDb: 40,
      seed: 31 + f - levelDb,
    },
    { rpm: opts.rpm },
  );
}

function expectLadder(findings: Finding[]): void {
  findings.forEach((f, i) => {
    expect(f.status, `${LADDER[i].levelDb} dB: ${f.reason}`).to.equal(LADDER[i].status);
    expect(f.features.sideband_db).to.be.closeTo(LADDER[i].levelDb, 1.5);
    expect(f.reason).to.match(/no baseline/);
    expect(f.baseline_used).to.equal(false);
  });
  for (let i = 1; i < findings.length; i++) expect(findings[i].score).to.be.above(findings[i - 1].score);
  expect(findings[0].score).to.be.below(1 / 3);
}

describe("eccentricity analyzer", () => {
  describe("induction motor, standard 1 s windows, 3 speeds × 2 loads (no baseline)", () => {
    for (const supplyHz of [25, 50, 80]) {
      for (const loadPct of [30, 100]) {
        it(`f = ${supplyHz} Hz, load ${loadPct} %: f ± f_r levels map to normal → warning → fault`, () => {
          expectLadder(LADDER.map((step) => eccentricityAnalyzer.analyze(inductionWindow(supplyHz, loadPct, step.levelDb), IM)));
        });
      }
    }
  });

  it("induction motor with 3 pole pairs: the k = 2 lines f ± 2f_r are measured too", () => {
    const f = eccentricityAnalyzer.analyze(inductionWindow(50, 80, -35, { polePairs: 3 }), { ...IM, pole_pairs: 3, rated_rpm: 970 });
    expect(f.status).to.equal("warning");
    expect(f.features.lsb_k2_db).to.be.closeTo(-41, 1.5);
    expect(f.features.usb_k2_db).to.be.closeTo(-42, 1.5);
  });

  describe("PMSM (4 pole pairs): f(1 ± k/p), k = 1, 3, f_r = f/p without a speed reading", () => {
    for (const f of [60, 150, 260]) {
      it(`f = ${f} Hz`, () => {
        const findings = LADDER.map((step) => eccentricityAnalyzer.analyze(pmsmWindow(f, step.levelDb), PM));
        expectLadder(findings);
        expect(findings[3].features.shaft_hz).to.be.closeTo(f / 4, 0.01);
        expect(findings[3].features.lsb_k3_db).to.be.closeTo(-33, 1.5);
      });
    }
  });

  it("PMSM: a speed reading that contradicts f/p is refused", () => {
    const f = eccentricityAnalyzer.analyze(pmsmWindow(150, -40, { rpm: 2000 }), PM); // f/p = 2250 rpm
    expect(f.status).to.equal("insufficient_data");
    expect(f.reason).to.match(/disagrees/);
    // further off, the expected f from speed × pole pairs holds no dominant line at all
    const far = eccentricityAnalyzer.analyze(pmsmWindow(150, -40, { rpm: 1500 }), PM);
    expect(far.status).to.equal("insufficient_data");
    expect(far.reason).to.match(/pole pairs or supply_hz inconsistent/);
  });

  it("induction motor without rpm → insufficient_data", () => {
    const w = inductionWindow(50, 100, -30);
    delete w.rpm;
    const f = eccentricityAnalyzer.analyze(w, IM);
    expect(f.status).to.equal("insufficient_data");
    expect(f.reason).to.match(/rpm required/);
  });

  it("no current → insufficient_data", () => {
    expect(eccentricityAnalyzer.analyze({ channels: {}, rpm: 1500 }, IM).status).to.equal("insufficient_data");
  });

  it("a slow shaft needs a longer window: f_r = 3 Hz is too close to f in 1 s, resolved in 2 s", () => {
    const short = eccentricityAnalyzer.analyze(pmsmWindow(12, -35), PM);
    expect(short.status).to.equal("insufficient_data");
    expect(short.reason).to.match(/window too short .* needs 1\.\d+ s .*have 1\.00 s/);
    const long = eccentricityAnalyzer.analyze(pmsmWindow(12, -35, { durationS: 2 }), PM);
    expect(long.status).to.equal("warning");
  });

  describe("baseline changes the call (+6 dB warning, +12 dB fault)", () => {
    const at = (levelDb: number, baselineDb: number) =>
      eccentricityAnalyzer.analyze(inductionWindow(50, 80, levelDb), IM, { eccentricity: { sideband_db: baselineDb } });
    it("−45 dB is normal absolutely, a warning 10 dB over a −55 dB baseline, a fault 13 dB over −58", () => {
      const w = at(-45, -55);
      expect(w.status).to.equal("warning");
      expect(w).to.have.property("baseline_used", true);
      expect(w.reason).to.match(/baseline -55\.0 dB, rise 10\.\d dB/);
      expect(at(-45, -58).status).to.equal("fault");
    });
    it("−28 dB is a fault absolutely but normal when that is the motor's own healthy level", () => {
      expect(eccentricityAnalyzer.analyze(inductionWindow(50, 80, -28), IM).status).to.equal("fault");
      expect(at(-28, -30).status).to.equal("normal");
    });
    it("score rises with the level over the same baseline", () => {
      const scores = [-58, -52, -46, -40].map((l) => at(l, -56).score);
      for (let i = 1; i < scores.length; i++) expect(scores[i]).to.be.above(scores[i - 1]);
    });
  });

  it("a buried line is a bound: normal under a low floor, insufficient_data under a floor too high to clear", () => {
    const clean = eccentricityAnalyzer.analyze(inductionWindow(50, 80, -100), IM);
    expect(clean.status).to.equal("normal");
    expect(clean.features.sideband_detected).to.equal(0);
    expect(clean.reason).to.match(/below the floor/);
    const w = mcsaWindow({ rateHz: RATE, durationS: 1, fundamentalHz: 50, amplitudeA: 40, lines: [], snrDb: 0, seed: 5 }, { rpm: 1470 });
    const noisy = eccentricityAnalyzer.analyze(w, IM);
    expect(noisy.status).to.equal("insufficient_data");
    expect(noisy.reason).to.match(/floor is too high/);
  });

  it("vib_x 2f and 1× lines are reported as supporting evidence without changing the call", () => {
    const w = inductionWindow(50, 80, -45);
    const rng = gaussian(mulberry32(9));
    const fr = (w.rpm ?? 0) / 60;
    const vib = new Float32Array(RATE);
    for (let i = 0; i < RATE; i++) vib[i] = 0.05 * Math.cos(2 * Math.PI * 100 * (i / RATE)) + 0.02 * Math.cos(2 * Math.PI * fr * (i / RATE)) + 0.001 * rng();
    const withVib = eccentricityAnalyzer.analyze({ ...w, channels: { ...w.channels, vib_x: { samples: vib, rateHz: RATE } } }, IM);
    const without = eccentricityAnalyzer.analyze(w, IM);
    expect(withVib.status).to.equal(without.status);
    expect(withVib.features.vib_2f_g).to.be.closeTo(0.05, 0.002);
    expect(withVib.features.vib_1x_g).to.be.closeTo(0.02, 0.001);
    expect(withVib.evidence.map((e) => e.name)).to.include.members(["vibration 2f", "vibration 1x"]);
  });

  it("predicted lines skip DC, negative frequencies and supply harmonics", () => {
    // 2-pole PMSM: f(1 − 1/p) = 0 and f(1 + 1/p) = 2f carry no information; f(1 + 3/p) = 4f too.
    expect(predictedLines("pmsm", 50, 50, 1)).to.deep.equal([]);
    const im = predictedLines("induction", 50, 24.5, 1).map((l) => l.feature);
    expect(im).to.deep.equal(["lsb_k1_db", "usb_k1_db", "usb_k2_db"]); // f − 2f_r = 1 Hz is next to DC
  });

  it("broken-bar sidebands and harmonics in the same current do not disturb the f ± f_r reading", () => {
    const op = { supplyHz: 50, slip: 0.03, polePairs: 2 };
    const rpm = inductionRpm(op);
    const lines = [...brokenBarLines(op, -33), ...eccentricityLines(50, rpm / 60, -43)];
    const w = mcsaWindow(
      {
        rateHz: RATE,
        durationS: 1,
        fundamentalHz: 50,
        amplitudeA: 40,
        lines,
        harmonics: [
          { order: 3, levelDb: -40 },
          { order: 5, levelDb: -25 },
        ],
        snrDb: 40,
        seed: 8,
      },
      { rpm, loadPct: 100 },
    );
    const f = eccentricityAnalyzer.analyze(w, IM);
    expect(f.status).to.equal("normal");
    expect(f.features.sideband_db).to.be.closeTo(-43, 1.5);
  });

  it("garbage never throws: silent, NaN or tiny current answers insufficient_data", () => {
    for (const samples of [new Float32Array(RATE), new Float32Array(RATE).fill(Number.NaN), new Float32Array(12)]) {
      const f = eccentricityAnalyzer.analyze({ channels: { ia: { samples, rateHz: RATE } }, rpm: 1470 }, IM);
      expect(f.status).to.equal("insufficient_data");
      expect(f.reason).to.be.a("string");
    }
  });

  it("property: over random speed (20–100 Hz), load, pole pairs (2–4) and level, f ± f_r is read within 1.5 dB on 1 s windows", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 20, max: 100, noNaN: true }),
        fc.double({ min: 20, max: 100, noNaN: true }),
        fc.integer({ min: 2, max: 4 }),
        fc.double({ min: -60, max: -20, noNaN: true }),
        fc.integer({ min: 1, max: 1e6 }),
        (supplyHz, loadPct, p, levelDb, seed) => {
          const f = eccentricityAnalyzer.analyze(inductionWindow(supplyHz, loadPct, levelDb, { polePairs: p, seed }), { ...IM, pole_pairs: p });
          expect(f.features.sideband_db, f.reason).to.be.closeTo(levelDb, 1.5);
          if (Math.abs(levelDb + 40) > 1.5 && Math.abs(levelDb + 30) > 1.5)
            expect(f.status).to.equal(levelDb > -30 ? "fault" : levelDb > -40 ? "warning" : "normal");
        },
      ),
      { numRuns: 20, seed: 20261126 },
    );
  });

  it("a window whose speed sweeps more than 2 % is not judged; 1 % still is", () => {
    const make = (sweep: number) => {
      const rpm = 1455;
      return mcsaWindow(
        { rateHz: RATE, durationS: 1, fundamentalHz: 50, amplitudeA: 40, lines: eccentricityLines(50, rpm / 60, -35), snrDb: 40, seed: 13, sweep },
        { rpm, loadPct: 100 },
      );
    };
    const sweeping = eccentricityAnalyzer.analyze(make(0.05), IM);
    expect(sweeping.status).to.equal("insufficient_data");
    expect(sweeping.reason).to.match(/speed not steady/);
    expect(eccentricityAnalyzer.analyze(make(0.01), IM).status).to.equal("warning");
  });
});
