import { expect } from "chai";
import { estimateFundamental } from "../../../analyzers/dsp/fundamental";
import { amplitudeSpectrum, peakInBand, toDb } from "../../../analyzers/dsp/spectrum";
import type { MotorProfile, Phase, SensorWindow } from "../../../analyzers/types";
import { brokenBarDeltaDb, eccentricitySidebandDb, turnFaultNegativeSequenceRatio } from "../../../simulator/faults";
import { DEFAULT_IMPERFECTIONS, motorTraits } from "../../../simulator/motor-traits";
import { simulateWindow } from "../../../simulator/motor-model";
import { RATED_SLIP } from "../../../simulator/operating-point";
import { INDUCTION_400V, PMSM_400V, PMSM_800V } from "../../../simulator/profiles";
import type { SimulationSpec } from "../../../simulator/types";
import { bearingDefectFrequencies } from "../../../simulator/bearing-geometry";
import { CLASS_LIMIT_C, LEGAL_MIN_OHM_PER_V } from "../../../simulator/insulation";
import { angleDeg, magnitude, phasorAt, sequenceComponents, squaredEnvelopeSpectrum, wrapDeg } from "./signal-helpers";

const RATE = 8192;
const CLEAN = { ctGainMismatchPct: 0, supplyUnbalancePct: 0, harmonicsPct: 3, inherentAsymmetryPct: 0 };

function spec(profile: MotorProfile, over: Partial<SimulationSpec> = {}): SimulationSpec {
  return { profile, rpm: 0.6 * profile.rated_rpm, loadPct: 80, durationS: 1, fault: { type: "healthy", severity: 0 }, seed: 7, ...over };
}

function samples(w: SensorWindow, ch: "ia" | "ib" | "ic" | "vib_x"): Float32Array | Float64Array {
  const s = w.channels[ch]?.samples;
  if (!s) throw new Error(`missing ${ch}`);
  return s;
}

/** Expected electrical frequency from the physics (not from the simulator's code). */
function expectedHz(profile: MotorProfile, rpm: number, loadPct: number): number {
  const fr = rpm / 60;
  return profile.motor_type === "pmsm" ? fr * profile.pole_pairs : (fr * profile.pole_pairs) / (1 - (RATED_SLIP * loadPct) / 100);
}

describe("simulator/motor-model", () => {
  it("is deterministic: same spec and seed → bit-identical window; another seed → different noise", () => {
    const s = spec(INDUCTION_400V, { fault: { type: "bearing", severity: 0.5, bearingDefect: "inner_race" }, includeVoltages: true });
    const a = simulateWindow(s),
      b = simulateWindow(s),
      c = simulateWindow({ ...s, seed: 8 });
    for (const ch of ["ia", "ib", "ic", "va", "vb", "vc", "vib_x"] as const) {
      const x = a.channels[ch]!.samples,
        y = b.channels[ch]!.samples,
        z = c.channels[ch]!.samples;
      expect(Buffer.from(x.buffer).compare(Buffer.from(y.buffer)), `${ch}: bytes differ`).to.equal(0);
      expect(Buffer.from(x.buffer).equals(Buffer.from(z.buffer)), ch).to.equal(false);
    }
    expect(a.insulationResistanceKohm).to.equal(b.insulationResistanceKohm);
    expect(a.leakageCurrentMa).to.not.equal(c.leakageCurrentMa);
  });

  it("puts the fundamental at f = p·f_r for a PMSM and p·f_r/(1 − s) for an induction motor", () => {
    for (const profile of [PMSM_400V, PMSM_800V, INDUCTION_400V]) {
      for (const [rpmPu, load] of [
        [0.3, 30],
        [0.9, 100],
      ] as const) {
        const rpm = rpmPu * profile.rated_rpm;
        const w = simulateWindow(spec(profile, { rpm, loadPct: load }));
        const f = expectedHz(profile, rpm, load);
        const est = estimateFundamental(w.channels.ia!, { expectedHz: f });
        expect(est, profile.motor_type).to.not.equal(null);
        expect(est!.frequencyHz, `${profile.motor_type} ${rpm} rpm`).to.be.closeTo(f, 0.02);
        // Amplitude follows rated current and load (√2·I_rms; 5 % for CT gain and winding spread).
        expect(est!.amplitude).to.be.greaterThan(0);
      }
    }
  });

  it("a fixed-supply induction motor runs at supply_hz with the speed its slip gives", () => {
    const profile = { ...INDUCTION_400V, pole_pairs: 2, rated_rpm: 1455, supply_hz: 50 };
    const w = simulateWindow(spec(profile, { rpm: 1234, loadPct: 100 }));
    expect(estimateFundamental(w.channels.ia!, { expectedHz: 50 })!.frequencyHz).to.be.closeTo(50, 0.02);
    expect(w.rpm).to.be.closeTo(1500 * (1 - RATED_SLIP), 1e-9);
  });

  it("places eccentricity sidebands at f ± f_r (induction) and f(1 ± 1/p) (PMSM) at the requested level ±1.5 dB", () => {
    for (const profile of [INDUCTION_400V, PMSM_400V]) {
      for (const severity of [0, 0.3, 0.6, 1]) {
        const s = spec(profile, { durationS: 2, fault: { type: "eccentricity", severity }, seed: 11, motorSeed: 3 });
        const w = simulateWindow(s);
        const f = expectedHz(profile, s.rpm, s.loadPct);
        const fr = s.rpm / 60;
        const sp = amplitudeSpectrum(samples(w, "ia"), RATE, { taper: "blackman-harris", size: 4 * 2 * RATE });
        const fund = peakInBand(sp, f - 1, f + 1)!;
        const healthy = motorTraits(3, DEFAULT_IMPERFECTIONS, RATE).healthyEccentricityDb;
        const want = eccentricitySidebandDb(severity, healthy);
        const sidebands = profile.motor_type === "pmsm" ? [f * (1 - 1 / profile.pole_pairs), f * (1 + 1 / profile.pole_pairs)] : [f - fr, f + fr];
        for (const fe of sidebands) {
          const pk = peakInBand(sp, fe - 0.5, fe + 0.5)!;
          expect(pk.frequencyHz, `${profile.motor_type} sideband`).to.be.closeTo(fe, 0.05);
          expect(toDb(pk.amplitude, fund.amplitude), `${profile.motor_type} sev ${severity} at ${fe.toFixed(1)} Hz`).to.be.closeTo(want, 1.5);
        }
      }
    }
  });

  it("places the broken-bar LSB at (1 − 2s)f with the requested ΔdB, weaker at light load", () => {
    const profile = INDUCTION_400V;
    const healthy = motorTraits(5, DEFAULT_IMPERFECTIONS, RATE).healthyBrokenBarDeltaDb;
    for (const [severity, load] of [
      [0, 100],
      [0.5, 100],
      [1, 100],
      [1, 50],
    ] as const) {
      const s = spec(profile, { durationS: 8, loadPct: load, fault: { type: "broken_bar", severity }, seed: 12, motorSeed: 5 });
      const w = simulateWindow(s);
      const f = expectedHz(profile, s.rpm, load);
      const slip = (RATED_SLIP * load) / 100;
      const lsbHz = (1 - 2 * slip) * f;
      const sp = amplitudeSpectrum(samples(w, "ib"), RATE, { taper: "blackman-harris", size: 2 * 8 * RATE });
      const fund = peakInBand(sp, f - 0.3, f + 0.3)!;
      const lsb = peakInBand(sp, lsbHz - 0.2, lsbHz + 0.2)!;
      expect(lsb.frequencyHz).to.be.closeTo(lsbHz, 0.03);
      const delta = -toDb(lsb.amplitude, fund.amplitude);
      expect(delta, `severity ${severity} load ${load}`).to.be.closeTo(brokenBarDeltaDb(severity, load, healthy), 1.5);
    }
    expect(brokenBarDeltaDb(1, 12.5, 57)).to.be.closeTo(brokenBarDeltaDb(1, 100, 57) + 9, 1e-9);
  });

  it("refuses broken bars on a PMSM (no cage)", () => {
    expect(() => simulateWindow(spec(PMSM_400V, { fault: { type: "broken_bar", severity: 1 } }))).to.throw(RangeError);
  });

  function negativeSequence(w: SensorWindow, f: number): { ratio: number; angle: number } {
    const [a, b, c] = (["ia", "ib", "ic"] as const).map((ch) => phasorAt(samples(w, ch), RATE, f));
    const { i1, i2 } = sequenceComponents(a, b, c);
    return { ratio: magnitude(i2) / magnitude(i1), angle: wrapDeg(angleDeg(i2) - angleDeg(i1)) };
  }

  it("turn fault: I2/I1 at the requested ratio, and ∠I2 − ∠I1 steps by 120° from phase A to B to C", () => {
    for (const profile of [PMSM_400V, INDUCTION_400V]) {
      for (const severity of [0.25, 0.6, 1]) {
        const angles: Record<Phase, number> = { A: 0, B: 0, C: 0 };
        for (const phase of ["A", "B", "C"] as const) {
          const s = spec(profile, { fault: { type: "turn_fault", severity, phase }, imperfections: CLEAN, seed: 21 });
          const w = simulateWindow(s);
          const m = negativeSequence(w, expectedHz(profile, s.rpm, s.loadPct));
          expect(m.ratio, `${profile.motor_type} ${severity} ${phase}`).to.be.closeTo(turnFaultNegativeSequenceRatio(severity), 0.003);
          angles[phase] = m.angle;
        }
        expect(wrapDeg(angles.B - angles.A)).to.be.closeTo(120, 3);
        expect(wrapDeg(angles.C - angles.A)).to.be.closeTo(-120, 3);
      }
    }
  });

  it("turn fault with realistic imperfections: healthy I2/I1 1.5–4 %, 10/20/40 % turns inside the ITSC ranges", () => {
    const ratios = (severity: number) =>
      Array.from({ length: 12 }, (_, i) => {
        const s = spec(PMSM_400V, { fault: { type: "turn_fault", severity, phase: "B" }, seed: 100 + i, motorSeed: 200 + i });
        return negativeSequence(simulateWindow(s), expectedHz(PMSM_400V, s.rpm, s.loadPct)).ratio;
      });
    const mean = (x: number[]) => x.reduce((p, q) => p + q, 0) / x.length;
    const healthy = ratios(0);
    expect(Math.max(...healthy)).to.be.below(0.045);
    expect(mean(healthy)).to.be.within(0.015, 0.035);
    expect(mean(ratios(0.25))).to.be.within(0.05, 0.09);
    expect(mean(ratios(0.5))).to.be.within(0.1, 0.16);
    expect(mean(ratios(1))).to.be.within(0.18, 0.22);
  });

  it("turn fault: the Park's-vector modulus carries a 2f ripple of about I2/I1 (EPVA follows from the currents)", () => {
    const profile = PMSM_400V;
    const s = spec(profile, { fault: { type: "turn_fault", severity: 1, phase: "C" }, imperfections: CLEAN, seed: 22 });
    const w = simulateWindow(s);
    const [a, b, c] = (["ia", "ib", "ic"] as const).map((ch) => samples(w, ch));
    const mod = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) {
      const d = Math.sqrt(2 / 3) * a[i] - b[i] / Math.sqrt(6) - c[i] / Math.sqrt(6);
      const q = (b[i] - c[i]) / Math.SQRT2;
      mod[i] = Math.hypot(d, q);
    }
    const f = expectedHz(profile, s.rpm, s.loadPct);
    const dc = mod.reduce((p, x) => p + x, 0) / mod.length;
    const ripple = magnitude(phasorAt(mod, RATE, 2 * f));
    expect(ripple / dc).to.be.closeTo(turnFaultNegativeSequenceRatio(1), 0.02);
  });

  it("supply unbalance: voltages carry V2/V1 as requested and drive a negative-sequence current", () => {
    const profile = INDUCTION_400V;
    const s = spec(profile, { includeVoltages: true, imperfections: { ...CLEAN, supplyUnbalancePct: 1 }, seed: 23 });
    const w = simulateWindow(s);
    const f = expectedHz(profile, s.rpm, s.loadPct);
    const [va, vb, vc] = (["va", "vb", "vc"] as const).map((ch) => phasorAt(w.channels[ch]!.samples, RATE, f));
    const v = sequenceComponents(va, vb, vc);
    expect(magnitude(v.i2) / magnitude(v.i1)).to.be.closeTo(0.01, 0.001);
    // NEMA MG-1: 1 % voltage unbalance → 6–10 % (and more at light load) current unbalance.
    expect(negativeSequence(w, f).ratio).to.be.within(0.06, 0.15);
  });

  it("bearing: impacts repeat at BPFO, BPFI and 2×BSF (squared-envelope spectrum, within 0.5 %)", () => {
    for (const profile of [PMSM_400V, INDUCTION_400V]) {
      for (const defect of ["outer_race", "inner_race", "ball"] as const) {
        const s = spec(profile, { durationS: 2, fault: { type: "bearing", severity: 0.8, bearingDefect: defect }, seed: 31 });
        const w = simulateWindow(s);
        const fr = s.rpm / 60;
        const bf = bearingDefectFrequencies(profile.bearing, fr);
        const rate = defect === "outer_race" ? bf.bpfo : defect === "inner_race" ? bf.bpfi : 2 * bf.bsf;
        const env = squaredEnvelopeSpectrum(samples(w, "vib_x"), RATE, 1500, 3500);
        const pk = peakInBand(env, 0.9 * rate, 1.1 * rate)!;
        expect(Math.abs(pk.frequencyHz / rate - 1), `${profile.motor_type} ${defect}`).to.be.below(0.005);
      }
    }
  });

  it("bearing: a healthy bearing shows no defect line in the envelope; impact energy grows with severity", () => {
    const profile = PMSM_400V;
    const bf = bearingDefectFrequencies(profile.bearing, (0.6 * profile.rated_rpm) / 60);
    const line = (severity: number) => {
      const w = simulateWindow(spec(profile, { durationS: 2, fault: { type: "bearing", severity }, seed: 41 }));
      const env = squaredEnvelopeSpectrum(samples(w, "vib_x"), RATE, 1500, 3500);
      const pk = peakInBand(env, 0.98 * bf.bpfo, 1.02 * bf.bpfo)!;
      const floor = peakInBand(env, 0.6 * bf.bpfo, 0.8 * bf.bpfo)!;
      return toDb(pk.amplitude, floor.amplitude);
    };
    const [h, mild, severe] = [line(0), line(0.3), line(1)];
    expect(h).to.be.below(10);
    expect(mild).to.be.above(h + 10);
    expect(severe).to.be.above(mild);
  });

  it("insulation scalars: healthy R_iso far above 500 Ω/V; severe below it with leakage up; thermal fault above the class limit", () => {
    for (const profile of [PMSM_400V, PMSM_800V, INDUCTION_400V]) {
      const legalKohm = (LEGAL_MIN_OHM_PER_V * profile.dc_bus_v) / 1000;
      for (let motor = 0; motor < 5; motor++) {
        const at = (severity: number, loadPct = 100, mode: "resistance" | "thermal" = "resistance") =>
          simulateWindow(spec(profile, { loadPct, fault: { type: "insulation", severity, insulationMode: mode }, seed: 50 + motor, motorSeed: 60 + motor }));
        const h = at(0),
          mid = at(0.6),
          sev = at(1),
          cold = at(0, 0),
          hot = at(1, 100, "thermal");
        expect(h.insulationResistanceKohm!).to.be.above(5 * legalKohm);
        expect(h.insulationResistanceKohm!).to.be.above(2000); // several MΩ even with a hot winding
        expect(mid.insulationResistanceKohm!).to.be.within(2 * legalKohm, 5 * legalKohm);
        expect(sev.insulationResistanceKohm!).to.be.below(legalKohm);
        expect(mid.leakageCurrentMa!).to.be.above(1.2 * h.leakageCurrentMa!);
        expect(sev.leakageCurrentMa!).to.be.above(mid.leakageCurrentMa!);
        expect(h.windingTempC!).to.be.within(40, CLASS_LIMIT_C[profile.insulation_class] - 20);
        expect(cold.windingTempC!).to.be.below(h.windingTempC!);
        expect(hot.windingTempC!).to.be.above(CLASS_LIMIT_C[profile.insulation_class]);
        expect(h.dcBusV).to.equal(profile.dc_bus_v);
      }
    }
  });
});
