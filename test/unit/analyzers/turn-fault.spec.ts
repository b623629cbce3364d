import { expect } from "chai";
import { DEFAULT_MOTOR_PROFILE } from "../../../analyzers/default-profile";
import { complex, fromPolar, magnitude, sequenceComponents, divide } from "../../../analyzers/dsp/symmetrical-components";
import { faultSector, turnFaultAnalyzer, PHASE_A_FAULT_ANGLE_DEG } from "../../../analyzers/turn-fault";
import type { MotorProfile, Phase, SensorWindow } from "../../../analyzers/types";
import {
  balancedVoltages, currentWindow, setFromSequence, turnFaultCircuit, withGains, type WaveOptions,
} from "../../helpers/three-phase";

const deg = (d: number): number => (d * Math.PI) / 180;
const INDUCTION: MotorProfile = { ...DEFAULT_MOTOR_PROFILE, motor_type: "induction", pole_pairs: 2, supply_hz: 50, rotor_bars: 28 };
const WAVE: WaveOptions = { rateHz: 5000, durationS: 1, frequencyHz: 50, noiseRms: 0.05, thirdHarmonic: 0.03 };
const I1 = fromPolar(10, deg(-30));

/** Currents whose I2/I1 is exactly `ratioPct` % at `angleDeg` (plus noise, harmonic, DC bias). */
function unbalanced(ratioPct: number, angleDeg = 60, wave: WaveOptions = WAVE): SensorWindow {
  return currentWindow(setFromSequence(I1, fromPolar(ratioPct / 100, deg(angleDeg))), { ...wave, offset: 0.2 });
}

describe("turn-fault analyzer", () => {
  it("calls balanced currents normal, with I2/I1 near zero despite noise, 3rd harmonic and DC bias", () => {
    const f = turnFaultAnalyzer.analyze(unbalanced(0), INDUCTION);
    expect(f.status).to.equal("normal");
    expect(f.features.i2_over_i1).to.be.below(0.002);
    expect(f.features.fundamental_hz).to.be.closeTo(50, 0.01);
    expect(f.features.i1_amplitude).to.be.closeTo(10, 0.05);
    expect(f.features.epva_2f_over_dc).to.be.below(0.005);
    expect(f.faulted_phase).to.equal(undefined);
    expect(f.baseline_used).to.equal(false);
    expect(f.evidence.map((e) => e.name)).to.include.members(["I1 (positive sequence)", "I2/I1", "∠I2 − ∠I1", "EPVA |i| 2f/DC"]);
  });

  it("rises normal → warning → fault with a monotonic score as the negative sequence grows (absolute limits 4 % / 8 %)", () => {
    const levels = [0, 1, 2, 3, 3.9, 4.1, 5, 6, 7.9, 8.1, 10, 14, 20];
    const findings = levels.map((pct) => turnFaultAnalyzer.analyze(unbalanced(pct), INDUCTION));
    findings.forEach((f, i) => expect(f.features.i2_over_i1 * 100).to.be.closeTo(levels[i], 0.05));
    expect(findings.map((f) => f.status)).to.deep.equal([
      "normal", "normal", "normal", "normal", "normal", "warning", "warning", "warning", "warning", "fault", "fault", "fault", "fault",
    ]);
    for (let i = 1; i < findings.length; i++) expect(findings[i].score).to.be.at.least(findings[i - 1].score);
    expect(findings[findings.length - 1].score).to.equal(1);
    // EPVA tracks I2/I1 for a negative-sequence unbalance (the unequal 3rd harmonics add a little 2f).
    expect(findings[10].features.epva_2f_over_dc).to.be.closeTo(0.10, 0.01);
  });

  it("maps ∠I2 − ∠I1 to 120° sectors centred on A, B and C", () => {
    expect(faultSector(PHASE_A_FAULT_ANGLE_DEG).sector).to.equal(0);
    expect(faultSector(PHASE_A_FAULT_ANGLE_DEG + 120).sector).to.equal(1);
    expect(faultSector(PHASE_A_FAULT_ANGLE_DEG + 240).sector).to.equal(2);
    expect(faultSector(PHASE_A_FAULT_ANGLE_DEG + 59).marginDeg).to.be.closeTo(1, 1e-9);
  });

  describe("locates the faulted phase from a phase-domain circuit solution", () => {
    const voltages = balancedVoltages(325);
    // Impedance and loop angles spanning the physical range of the derivation in turn-fault.ts.
    const cases = [
      { zAngle: 60, loopAngle: 60 }, { zAngle: 45, loopAngle: 75 }, { zAngle: 75, loopAngle: 50 }, { zAngle: 80, loopAngle: 70 },
    ];
    for (const phase of ["A", "B", "C"] as Phase[]) {
      for (const { zAngle, loopAngle } of cases) {
        it(`phase ${phase}, ∠Z ${zAngle}°, ∠Z_loop ${loopAngle}°`, () => {
          const currents = turnFaultCircuit({
            voltages, phaseImpedance: fromPolar(30, deg(zAngle)), faultedPhase: phase, severity: 0.4, loopAngleDeg: loopAngle,
          });
          const f = turnFaultAnalyzer.analyze(currentWindow(currents, WAVE, voltages), INDUCTION);
          expect(f.status).to.equal("fault");
          expect(f.faulted_phase).to.equal(phase);
          expect(f.features.v2_over_v1).to.be.below(1e-3);
        });
      }
    }
  });

  it("locates the phase when the motor turns the other way (A-C-B sequence)", () => {
    const voltages = balancedVoltages(325, true);
    for (const phase of ["A", "B", "C"] as Phase[]) {
      const currents = turnFaultCircuit({ voltages, phaseImpedance: fromPolar(30, deg(60)), faultedPhase: phase, severity: 0.4 });
      const f = turnFaultAnalyzer.analyze(currentWindow(currents, WAVE), INDUCTION);
      expect(f.features.phase_sequence_reversed).to.equal(1);
      expect(f.status).to.equal("fault");
      expect(f.faulted_phase).to.equal(phase);
    }
  });

  it("score rises monotonically with the fraction of shorted impedance", () => {
    const voltages = balancedVoltages(325);
    // I2/I1 ≈ severity/3: 0 … 13 %, below the 15 % saturation.
    const scores = [0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4].map((severity) =>
      turnFaultAnalyzer.analyze(currentWindow(turnFaultCircuit({
        voltages, phaseImpedance: fromPolar(30, deg(60)), faultedPhase: "B", severity,
      }), WAVE), INDUCTION).score);
    for (let i = 1; i < scores.length; i++) expect(scores[i]).to.be.above(scores[i - 1]);
  });

  describe("answers insufficient_data, with the reason", () => {
    it("when a phase current is missing", () => {
      const w = unbalanced(5);
      delete w.channels.ic;
      const f = turnFaultAnalyzer.analyze(w, INDUCTION);
      expect(f.status).to.equal("insufficient_data");
      expect(f.reason).to.match(/missing channel ic/);
      expect(f.score).to.equal(0);
    });
    it("when the window holds fewer than 10 fundamental cycles", () => {
      const f = turnFaultAnalyzer.analyze(unbalanced(10, 60, { ...WAVE, durationS: 0.15 }), INDUCTION);
      expect(f.status).to.equal("insufficient_data");
      expect(f.reason).to.match(/7\.5 cycles.*≥ 10/);
    });
    it("when the sample rate is below 10× the fundamental", () => {
      const f = turnFaultAnalyzer.analyze(unbalanced(10, 60, { ...WAVE, rateHz: 400 }), INDUCTION);
      expect(f.status).to.equal("insufficient_data");
      expect(f.reason).to.match(/below 10× the 50\.0 Hz/);
    });
    it("when the motor is idle (no fundamental, only noise)", () => {
      const w = currentWindow(setFromSequence(complex(0.001, 0)), { ...WAVE, noiseRms: 0.5, thirdHarmonic: 0 });
      const f = turnFaultAnalyzer.analyze(w, INDUCTION);
      expect(f.status).to.equal("insufficient_data");
    });
    it("when a channel holds non-finite samples (never throws)", () => {
      const w = unbalanced(5);
      (w.channels.ib!.samples as Float64Array)[100] = Number.NaN;
      expect(turnFaultAnalyzer.analyze(w, INDUCTION).reason).to.equal("non-finite samples in ib");
    });
    it("when the phases are sampled at different rates", () => {
      const w = unbalanced(5);
      w.channels.ib = { ...w.channels.ib!, rateHz: 4000 };
      expect(turnFaultAnalyzer.analyze(w, INDUCTION).reason).to.match(/different rates/);
    });
  });

  describe("baseline", () => {
    it("shifts the decision: 5 % is a warning absolute, normal over a 4 % healthy baseline, a fault over 1 % with a +6 % rise… at 7 %", () => {
      const w = unbalanced(5);
      expect(turnFaultAnalyzer.analyze(w, INDUCTION).status).to.equal("warning");
      const over4 = turnFaultAnalyzer.analyze(w, INDUCTION, { turn_fault: { i2_over_i1: 0.04 } });
      expect(over4.status).to.equal("normal");
      expect(over4.baseline_used).to.equal(true);
      expect(over4.features.i2_over_i1_rise_pct).to.be.closeTo(1, 0.05);
      const over1 = turnFaultAnalyzer.analyze(unbalanced(7.1), INDUCTION, { turn_fault: { i2_over_i1: 0.01 } });
      expect(over1.status).to.equal("fault");
    });

    it("keeps the +4..+6 % gap as a warning, score still rising", () => {
      const base = { turn_fault: { i2_over_i1: 0.03 } };
      const at = (pct: number) => turnFaultAnalyzer.analyze(unbalanced(pct), INDUCTION, base);
      expect(at(4.9).status).to.equal("normal");
      expect(at(5.1).status).to.equal("warning");
      expect(at(7.5).status).to.equal("warning");
      expect(at(8.9).status).to.equal("warning");
      expect(at(9.1).status).to.equal("fault");
      expect(at(8.9).score).to.be.above(at(7.5).score);
    });

    it("subtracts a healthy I2 vector (sensor mismatch) and localises the I2 the fault added", () => {
      // CT gain mismatch of ±6 % gives the healthy motor a standing I2 of a few %.
      const voltages = balancedVoltages(325);
      const gains = [1.06, 0.94, 1.0] as const;
      const healthy = turnFaultAnalyzer.analyze(
        currentWindow(withGains(turnFaultCircuit({ voltages, phaseImpedance: fromPolar(30, deg(60)) }), gains), WAVE), INDUCTION);
      const baseline = { turn_fault: { i2_over_i1: healthy.features.i2_over_i1, angle_i2_minus_i1_deg: healthy.features.angle_i2_minus_i1_deg } };
      expect(healthy.features.i2_over_i1).to.be.within(0.03, 0.05);
      const faulted = currentWindow(withGains(turnFaultCircuit({
        voltages, phaseImpedance: fromPolar(30, deg(60)), faultedPhase: "C", severity: 0.25,
      }), gains), WAVE);
      const f = turnFaultAnalyzer.analyze(faulted, INDUCTION, baseline);
      expect(f.status).to.not.equal("normal");
      expect(f.faulted_phase).to.equal("C");
      expect(turnFaultAnalyzer.analyze(
        currentWindow(withGains(turnFaultCircuit({ voltages, phaseImpedance: fromPolar(30, deg(60)) }), gains), { ...WAVE, seed: 99 }),
        INDUCTION, baseline).status).to.equal("normal");
    });
  });

  describe("supply unbalance", () => {
    // A healthy induction motor modelled in sequence quantities: I1 = V1/Z1, I2 = V2/Z2, |Z1/Z2| = 7, ∠Z2 = 70°.
    function healthyOnUnbalancedSupply(v2OverV1: number) {
      const v1 = complex(325, 0);
      const v2 = fromPolar(325 * v2OverV1, deg(40));
      const z1 = fromPolar(30, deg(35)), z2 = fromPolar(30 / 7, deg(70));
      const volt = setFromSequence(v1, divide(v2, v1));
      const cur = setFromSequence(divide(v1, z1), divide(divide(v2, z2), divide(v1, z1)));
      return { window: currentWindow(cur, WAVE, volt), rawRatio: magnitude(sequenceComponents(cur.a, cur.b, cur.c).negative) / magnitude(divide(v1, z1)) };
    }

    it("removes most of the I2 that V2 explains, and says so", () => {
      const { window, rawRatio } = healthyOnUnbalancedSupply(0.008);
      expect(rawRatio).to.be.closeTo(0.056, 0.001); // 7 × 0.8 %: a false warning if uncompensated
      const f = turnFaultAnalyzer.analyze(window, INDUCTION);
      expect(f.features.v2_over_v1).to.be.closeTo(0.008, 1e-4);
      expect(f.features.i2_over_i1_uncompensated).to.be.closeTo(0.056, 0.001);
      expect(f.features.i2_over_i1).to.be.below(0.02);
      expect(f.status).to.equal("normal");
      expect(f.features.low_confidence).to.equal(undefined);
    });

    it("marks the finding lower confidence when V2/V1 ≥ 1 %", () => {
      const f = turnFaultAnalyzer.analyze(healthyOnUnbalancedSupply(0.015).window, INDUCTION);
      expect(f.features.low_confidence).to.equal(1);
      expect(f.reason).to.match(/V2\/V1 = 1\.50 % ≥ 1 %.*lower confidence/);
    });
  });

  it("uses speed × pole pairs as the prior for the fundamental (inverter-fed, no supply_hz)", () => {
    const pmsm: MotorProfile = { ...DEFAULT_MOTOR_PROFILE }; // 4 pole pairs
    const wave = { ...WAVE, rateHz: 8192, frequencyHz: 133.3 };
    const w = unbalanced(6, 60, wave);
    w.rpm = 2000; // 2000/60·4 = 133.3 Hz
    const f = turnFaultAnalyzer.analyze(w, pmsm);
    expect(f.features.fundamental_hz).to.be.closeTo(133.3, 0.02);
    expect(f.features.i2_over_i1).to.be.closeTo(0.06, 0.001);
  });
});
