/**
 * The bearing analyzer on real CWRU drive-end recordings (realdata/README.md §1): 12 kHz, g,
 * 1797 rpm, SKF 6205 geometry given in inches. Thresholds are those of docs/science.md#bearing-family-rule, not tuned here;
 * each record is checked whole and in 1 s segments.
 */
import { expect } from "chai";
import { bearingAnalyzer } from "../../../analyzers/bearing";
import { DEFAULT_MOTOR_PROFILE } from "../../../analyzers/default-profile";
import type { Finding, MotorProfile } from "../../../analyzers/types";
import { readRecord, type CwruRecord } from "../../helpers/realdata";

const MM_PER_INCH = 25.4;

function profileOf(r: CwruRecord): MotorProfile {
  return {
    ...DEFAULT_MOTOR_PROFILE,
    bearing: {
      n_balls: r.bearing.n_balls,
      ball_diameter_mm: r.bearing.ball_diameter_in * MM_PER_INCH,
      pitch_diameter_mm: r.bearing.pitch_diameter_in * MM_PER_INCH,
      contact_angle_deg: r.bearing.contact_angle_deg,
    },
  };
}

/** The whole record, consecutive 1 s segments, and 2 s windows sliding by 0.5 s. */
function analyzeRecord(file: string): { whole: Finding; segments: Finding[]; sliding: Finding[] } {
  const r = readRecord<CwruRecord>(file);
  const samples = Float64Array.from(r.data.DE);
  const run = (x: Float64Array): Finding =>
    bearingAnalyzer.analyze({ channels: { vib_x: { samples: x, rateHz: r.fs_hz } }, rpm: r.operating_point.shaft_rpm_nominal }, profileOf(r));
  const windows = (length: number, hop: number): Finding[] => {
    const out: Finding[] = [];
    for (let s = 0; s + length <= samples.length; s += hop) out.push(run(samples.subarray(s, s + length)));
    return out;
  };
  return { whole: run(samples), segments: windows(r.fs_hz, r.fs_hz), sliding: windows(2 * r.fs_hz, r.fs_hz / 2) };
}

describe("bearing analyzer on CWRU recordings", function () {
  this.timeout(60000);

  it('105, inner race 0.007": fault, inner_race — whole and in every 1 s segment', () => {
    const { whole, segments } = analyzeRecord("cwru_105_inner_race_007in_0hp_1797rpm.json");
    expect(segments).to.have.length(5);
    for (const f of [whole, ...segments]) {
      expect(f.status, f.reason).to.equal("fault");
      expect(f.bearing_defect).to.equal("inner_race");
    }
  });

  it('130, outer race @6:00 0.007": fault, outer_race — whole and in every 1 s segment', () => {
    const { whole, segments } = analyzeRecord("cwru_130_OR6_007in_0hp_1797rpm.json");
    for (const f of [whole, ...segments]) {
      expect(f.status, f.reason).to.equal("fault");
      expect(f.bearing_defect).to.equal("outer_race");
    }
  });

  it("97, normal baseline: normal — whole and in every 1 s segment", () => {
    const { whole, segments } = analyzeRecord("cwru_097_normal_0hp_1797rpm.json");
    expect(segments).to.have.length(2);
    for (const f of [whole, ...segments]) {
      expect(f.status, f.reason).to.equal("normal");
      expect(f.features.indicator_db).to.be.below(12);
    }
  });

  it('118, ball 0.007" (not diagnosable, Smith & Randall 2015): never a ball call, never a fault (also in sliding 2 s windows)', () => {
    const { whole, segments, sliding } = analyzeRecord("cwru_118_ball_007in_0hp_1797rpm.json");
    expect(sliding).to.have.length(7);
    for (const f of [whole, ...segments, ...sliding]) {
      expect(f.bearing_defect).to.not.equal("ball");
      expect(f.status, f.reason).to.not.equal("fault");
      expect(f.status).to.not.equal("insufficient_data");
    }
  });
});
