/**
 * The turn-fault analyzer on real ITSC recordings (Cardenas-Cornejo et al. 2023; realdata/README.md §2):
 * 0.75 hp 4-pole induction motor, 60 Hz, no load, 1 kHz, 5 s, no speed channel. Thresholds are
 * those of docs/science.md#turn-fault-thresholds, not fitted to these files.
 */
import { expect } from "chai";
import { turnFaultAnalyzer } from "../../../analyzers/turn-fault";
import type { Finding } from "../../../analyzers/types";
import { ITSC_RIG_PROFILE, loadItsc, type ItscRecording } from "../../helpers/itsc";

const FILES = {
  healthy: "itsc_healthy_001.json",
  a10: "itsc_phaseA_10pct_001.json",
  a20: "itsc_phaseA_20pct_001.json",
  a40: "itsc_phaseA_40pct_001.json",
} as const;

function circularDifferenceDeg(x: number, y: number): number {
  return Math.abs(((x - y + 540) % 360) - 180);
}

function report(rec: ItscRecording, f: Finding, note = ""): void {
  const ft = f.features;
  console.log(
    `      ${rec.id.padEnd(22)} f=${ft.fundamental_hz?.toFixed(3)} Hz  I2/I1=${(100 * ft.i2_over_i1).toFixed(2)} % (ref ${rec.reference.I2_over_I1_pct})` +
      `  ∠=${ft.angle_i2_minus_i1_deg?.toFixed(1)}° (ref ${rec.reference.angle_I2_minus_I1_deg})  EPVA=${(100 * ft.epva_2f_over_dc).toFixed(2)} %` +
      `  → ${f.status} ${f.faulted_phase ?? "-"} score ${f.score.toFixed(2)}${note}`,
  );
}

describe("turn-fault analyzer on real ITSC recordings", () => {
  let recs: Record<keyof typeof FILES, ItscRecording>;
  let findings: Record<keyof typeof FILES, Finding>;
  before(() => {
    recs = Object.fromEntries(Object.entries(FILES).map(([k, file]) => [k, loadItsc(file)])) as typeof recs;
    findings = Object.fromEntries(Object.entries(recs).map(([k, rec]) => [k, turnFaultAnalyzer.analyze(rec.window, ITSC_RIG_PROFILE)])) as typeof findings;
  });

  it("finds the 60 Hz supply without a speed signal and agrees with the reference features", () => {
    for (const key of Object.keys(FILES) as (keyof typeof FILES)[]) {
      const rec = recs[key],
        f = findings[key];
      report(rec, f);
      expect(f.features.fundamental_hz).to.be.closeTo(60, 0.1);
      expect(f.features.i1_amplitude).to.be.closeTo(rec.reference.I1_amp, 0.01 * rec.reference.I1_amp);
      expect(100 * f.features.i2_over_i1).to.be.closeTo(rec.reference.I2_over_I1_pct, 0.3);
      expect(100 * f.features.i0_over_i1).to.be.closeTo(rec.reference.I0_over_I1_pct, 0.3);
      expect(circularDifferenceDeg(f.features.angle_i2_minus_i1_deg, rec.reference.angle_I2_minus_I1_deg)).to.be.below(3);
      expect(f.features.nema_unbalance_pct).to.be.closeTo(rec.reference.nema_unbalance_pct, 0.3);
    }
  });

  it("calls the healthy motor normal (absolute limits, no baseline)", () => {
    expect(findings.healthy.status).to.equal("normal");
    expect(findings.healthy.faulted_phase).to.equal(undefined);
  });

  it("calls 20 % and 40 % shorted turns in phase A a warning or fault located in phase A", () => {
    for (const key of ["a20", "a40"] as const) {
      expect(findings[key].status).to.be.oneOf(["warning", "fault"]);
      expect(findings[key].faulted_phase).to.equal("A");
      expect(findings[key].score).to.be.above(findings.healthy.score);
    }
  });

  it("reports 10 % shorted turns honestly (on this rig 2 of 15 such runs look healthy)", () => {
    // Physics only says the 10 % fault adds some I2; its size against the rig's 3.8 % standing
    // I2 (CT mismatch) is not guaranteed. Assert the reference agreement above, and that if the
    // analyzer calls it, the call points to phase A.
    const f = findings.a10;
    report(recs.a10, f, `  (${f.reason})`);
    expect(f.status).to.not.equal("insufficient_data");
    if (f.status !== "normal") expect(f.faulted_phase).to.equal("A");
  });

  it("with the healthy run as the vehicle's baseline, the vector rise localises every fault to phase A", () => {
    const baseline = {
      turn_fault: {
        i2_over_i1: findings.healthy.features.i2_over_i1,
        angle_i2_minus_i1_deg: findings.healthy.features.angle_i2_minus_i1_deg,
      },
    };
    const scores: number[] = [];
    for (const key of ["a10", "a20", "a40"] as const) {
      const f = turnFaultAnalyzer.analyze(recs[key].window, ITSC_RIG_PROFILE, baseline);
      report(recs[key], f, `  rise ${f.features.i2_over_i1_rise_pct.toFixed(2)} % (vs healthy_001)`);
      expect(f).to.have.property("baseline_used", true);
      expect(f.status).to.be.oneOf(["warning", "fault"]);
      expect(f.faulted_phase).to.equal("A");
      scores.push(f.score);
    }
    expect(scores[1]).to.be.at.least(scores[0]);
    expect(scores[2]).to.be.at.least(scores[1]);
  });
});
