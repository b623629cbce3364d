/**
 * simulateWindow(spec): one SensorWindow of a traction motor at a steady operating point with a
 * chosen condition, built from the physics of docs/science.md. Pure and deterministic: the same spec
 * (and seed) gives bit-identical samples.
 */
import type { SampledSignal, SensorWindow } from "../analyzers/types";
import { electricalTones, type FaultLevels } from "./currents";
import { insulationReadings } from "./insulation";
import { DEFAULT_IMPERFECTIONS, motorTraits } from "./motor-traits";
import { operatingPoint } from "./operating-point";
import { Prng, deriveSeed } from "./prng";
import { scratch, toFloat32 } from "./scratch";
import { addThreePhaseTones } from "./tones";
import type { SimulationSpec } from "./types";
import { simulateVibration } from "./vibration";

export const DEFAULT_RATE_HZ = 8192;
export const DEFAULT_CURRENT_SNR_DB = 50;
export const DEFAULT_VIBRATION_NOISE_G = 0.02;
/** Voltage sensing is cleaner than current sensing: 60 dB SNR. */
const VOLTAGE_SNR_DB = 60;

export function faultLevels(spec: SimulationSpec): FaultLevels {
  const { type, severity } = spec.fault;
  const s = Math.min(1, Math.max(0, Number.isFinite(severity) ? severity : 0));
  return {
    turn: type === "turn_fault" ? s : 0,
    turnPhase: spec.fault.phase ?? "A",
    eccentricity: type === "eccentricity" ? s : 0,
    brokenBar: type === "broken_bar" ? s : 0,
    bearing: type === "bearing" ? s : 0,
    insulation: type === "insulation" ? s : 0,
  };
}

function validate(spec: SimulationSpec, rateHz: number, vibRateHz: number): void {
  if (!(spec.durationS > 0) || !Number.isFinite(spec.durationS)) throw new RangeError(`durationS must be > 0, got ${spec.durationS}`);
  if (!(rateHz > 0) || !(vibRateHz > 0)) throw new RangeError("sampling rates must be > 0");
  if (!Number.isFinite(spec.rpm) || spec.rpm <= 0) throw new RangeError(`rpm must be > 0, got ${spec.rpm}`);
  if (spec.fault.type === "broken_bar" && spec.profile.motor_type !== "induction") {
    throw new RangeError("broken rotor bars exist only in induction motors (a PMSM has no cage)");
  }
}

/** Channels leave the simulator as Float32, like the compact ingest encoding (f32le). */
function signal(samples: Float64Array, rateHz: number): SampledSignal {
  return { samples: toFloat32(samples), rateHz };
}

export function simulateWindow(spec: SimulationSpec): SensorWindow {
  const rateHz = spec.rateHz ?? DEFAULT_RATE_HZ;
  const vibRateHz = spec.vibRateHz ?? rateHz;
  validate(spec, rateHz, vibRateHz);
  const imperfections = { ...DEFAULT_IMPERFECTIONS, ...spec.imperfections };
  const traits = motorTraits(spec.motorSeed ?? spec.seed, imperfections, vibRateHz);
  const op = operatingPoint(spec.profile, spec.rpm, spec.loadPct);
  const levels = faultLevels(spec);
  const n = Math.round(spec.durationS * rateHz);
  const nVib = Math.round(spec.durationS * vibRateHz);

  const phases = new Prng(deriveSeed(spec.seed, "phases"));
  const el = electricalTones(spec.profile, op, spec.loadPct, levels, traits, imperfections.harmonicsPct, imperfections.supplyUnbalancePct, phases);

  const ia = scratch("ia", n),
    ib = scratch("ib", n),
    ic = scratch("ic", n);
  addThreePhaseTones(el.currents, rateHz, ia, ib, ic);
  const currentNoise = new Prng(deriveSeed(spec.seed, "current-noise"));
  const sigmaI = el.currentRmsA / Math.pow(10, (spec.noise?.currentSnrDb ?? DEFAULT_CURRENT_SNR_DB) / 20);
  currentNoise.addGaussianNoise(ia, sigmaI);
  currentNoise.addGaussianNoise(ib, sigmaI);
  currentNoise.addGaussianNoise(ic, sigmaI);

  const window: SensorWindow = {
    channels: { ia: signal(ia, rateHz), ib: signal(ib, rateHz), ic: signal(ic, rateHz) },
  };
  if (spec.startTime !== undefined) window.startTime = spec.startTime;

  if (spec.includeVoltages) {
    const va = scratch("va", n),
      vb = scratch("vb", n),
      vc = scratch("vc", n);
    addThreePhaseTones(el.voltages, rateHz, va, vb, vc);
    const voltageNoise = new Prng(deriveSeed(spec.seed, "voltage-noise"));
    const sigmaV = el.voltageRmsV / Math.pow(10, VOLTAGE_SNR_DB / 20);
    voltageNoise.addGaussianNoise(va, sigmaV);
    voltageNoise.addGaussianNoise(vb, sigmaV);
    voltageNoise.addGaussianNoise(vc, sigmaV);
    window.channels.va = signal(va, rateHz);
    window.channels.vb = signal(vb, rateHz);
    window.channels.vc = signal(vc, rateHz);
  }

  const vib = simulateVibration(
    nVib,
    vibRateHz,
    {
      profile: spec.profile,
      op,
      loadPct: spec.loadPct,
      levels,
      bearingDefect: spec.fault.bearingDefect ?? "outer_race",
      traits,
      noiseG: spec.noise?.vibrationNoiseG ?? DEFAULT_VIBRATION_NOISE_G,
    },
    new Prng(deriveSeed(spec.seed, "vibration")),
    new Prng(deriveSeed(spec.seed, "vibration-noise")),
  );
  window.channels.vib_x = signal(vib, vibRateHz);

  const insulation = insulationReadings(
    spec.profile,
    op,
    levels.insulation,
    spec.fault.insulationMode ?? "resistance",
    traits,
    new Prng(deriveSeed(spec.seed, "insulation")),
  );
  // The asked speed, or the slip speed of a fixed-supply induction motor.
  window.rpm = spec.profile.motor_type === "induction" && spec.profile.supply_hz ? 60 * op.shaftHz : spec.rpm;
  window.loadPct = spec.loadPct;
  window.windingTempC = insulation.windingTempC;
  window.insulationResistanceKohm = insulation.insulationResistanceKohm;
  window.leakageCurrentMa = insulation.leakageCurrentMa;
  window.dcBusV = spec.profile.dc_bus_v;
  return window;
}
