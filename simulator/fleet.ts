/**
 * A simulated fleet: each vehicle gets a motor profile (PMSM and induction mixed), its own fixed
 * motor imperfections, a drive cycle (speed and load varying smoothly over time) and, for a share
 * of the fleet, a fault whose severity grows over time. nextWindow(vehicle, t) is pure: the same
 * fleet seed, vehicle and t give the same window. Used by the demo fleet and the benchmarks.
 */
import type { MotorProfile, Phase, SensorWindow } from "../analyzers/types";
import { simulateWindow } from "./motor-model";
import { Prng, deriveSeed } from "./prng";
import { SIMULATED_PROFILES } from "./profiles";
import type { FaultSpec, NoiseSpec, SimulatedBearingDefect, SimulatedCondition } from "./types";

export interface FleetOptions {
  vehicles: number;
  seed: number;
  /** Fraction of vehicles (0..1) that develop a fault. */
  faultyShare: number;
  /** Window length, s (default 1). */
  durationS?: number;
  rateHz?: number;
  vibRateHz?: number;
  includeVoltages?: boolean;
  /** Profiles to draw from (default SIMULATED_PROFILES: two PMSM, two induction). */
  profiles?: readonly MotorProfile[];
  /** Vehicle id prefix (default "SIM"). */
  idPrefix?: string;
  /** Time for a fault to grow from its initial severity to 1, s (default 1800). */
  faultRampS?: number;
  /** Sensor clock of t = 0, ms since the epoch; when set, windows carry startTime. */
  startEpochMs?: number;
}

export interface VehicleFault {
  type: Exclude<SimulatedCondition, "healthy">;
  phase?: Phase;
  bearingDefect?: SimulatedBearingDefect;
  /** Seconds after t = 0 at which the fault appears. */
  onsetS: number;
  initialSeverity: number;
  rampS: number;
}

/** One harmonic of a drive cycle: period, amplitude (per unit) and phase. */
interface CycleTerm {
  periodS: number;
  amplitude: number;
  phaseRad: number;
}

export interface SimulatedVehicle {
  id: string;
  profile: MotorProfile;
  /** Fixed per vehicle: CT gains, asymmetry, resonance, insulation constants. */
  motorSeed: number;
  /** Root of the per-window seeds. */
  seed: number;
  fault: VehicleFault | null;
  noise: NoiseSpec;
  speedCycle: { meanPu: number; terms: CycleTerm[] };
  loadCycle: { meanPct: number; terms: CycleTerm[] };
  durationS: number;
  rateHz?: number;
  vibRateHz?: number;
  includeVoltages: boolean;
  startEpochMs?: number;
}

export interface Fleet {
  vehicles: SimulatedVehicle[];
}

const FAULTS_ANY_MOTOR: readonly VehicleFault["type"][] = ["turn_fault", "insulation", "bearing", "eccentricity"];

function cycle(rng: Prng, count: number, amplitude: number): CycleTerm[] {
  return Array.from({ length: count }, () => ({
    periodS: rng.between(60, 900),
    amplitude: amplitude * rng.between(0.3, 1),
    phaseRad: rng.between(0, 2 * Math.PI),
  }));
}

function evaluate(terms: readonly CycleTerm[], t: number): number {
  let v = 0;
  for (const c of terms) v += c.amplitude * Math.sin((2 * Math.PI * t) / c.periodS + c.phaseRad);
  return v;
}

export function makeFleet(options: FleetOptions): Fleet {
  const profiles = options.profiles ?? SIMULATED_PROFILES;
  if (profiles.length === 0) throw new RangeError("a fleet needs at least one profile");
  const count = Math.max(0, Math.floor(options.vehicles));
  const rng = new Prng(deriveSeed(options.seed, "fleet"));
  // Choose exactly round(share × n) faulty vehicles by a seeded shuffle.
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const faulty = new Set(order.slice(0, Math.round(Math.min(1, Math.max(0, options.faultyShare)) * count)));
  const prefix = options.idPrefix ?? "SIM";
  const vehicles: SimulatedVehicle[] = [];
  let faultIndex = 0;
  const profileOffset = rng.int(profiles.length);
  for (let i = 0; i < count; i++) {
    const vr = new Prng(deriveSeed(options.seed, `vehicle-${i}`));
    const profile = profiles[(i + profileOffset) % profiles.length];
    let fault: VehicleFault | null = null;
    if (faulty.has(i)) {
      const kinds = profile.motor_type === "induction" ? [...FAULTS_ANY_MOTOR, "broken_bar" as const] : FAULTS_ANY_MOTOR;
      const type = kinds[faultIndex++ % kinds.length];
      fault = {
        type,
        onsetS: vr.between(0, 300),
        initialSeverity: vr.between(0.1, 0.4),
        rampS: options.faultRampS ?? 1800,
      };
      if (type === "turn_fault") fault.phase = (["A", "B", "C"] as const)[vr.int(3)];
      if (type === "bearing") fault.bearingDefect = vr.uniform() < 0.5 ? "outer_race" : "inner_race";
    }
    const vehicle: SimulatedVehicle = {
      id: `${prefix}-${String(i + 1).padStart(4, "0")}`,
      profile,
      motorSeed: deriveSeed(options.seed, `motor-${i}`),
      seed: deriveSeed(options.seed, `windows-${i}`),
      fault,
      noise: { currentSnrDb: vr.between(45, 55), vibrationNoiseG: vr.between(0.015, 0.04) },
      speedCycle: { meanPu: vr.between(0.4, 0.7), terms: cycle(vr, 3, 0.15) },
      loadCycle: { meanPct: vr.between(45, 70), terms: cycle(vr, 3, 15) },
      durationS: options.durationS ?? 1,
      includeVoltages: options.includeVoltages ?? false,
    };
    if (options.rateHz !== undefined) vehicle.rateHz = options.rateHz;
    if (options.vibRateHz !== undefined) vehicle.vibRateHz = options.vibRateHz;
    if (options.startEpochMs !== undefined) vehicle.startEpochMs = options.startEpochMs;
    vehicles.push(vehicle);
  }
  return { vehicles };
}

/** Speed (rpm) and load (%) of the vehicle's drive cycle at time t (s). */
export function drivePointAt(vehicle: SimulatedVehicle, t: number): { rpm: number; loadPct: number } {
  const speedPu = Math.min(1, Math.max(0.15, vehicle.speedCycle.meanPu + evaluate(vehicle.speedCycle.terms, t)));
  const loadPct = Math.min(100, Math.max(10, vehicle.loadCycle.meanPct + evaluate(vehicle.loadCycle.terms, t)));
  return { rpm: speedPu * vehicle.profile.rated_rpm, loadPct };
}

/** The true condition at time t: what an ideal diagnosis would report. */
export function conditionAt(vehicle: SimulatedVehicle, t: number): FaultSpec {
  const f = vehicle.fault;
  if (!f || t < f.onsetS) return { type: "healthy", severity: 0 };
  const severity = Math.min(1, f.initialSeverity + ((1 - f.initialSeverity) * (t - f.onsetS)) / f.rampS);
  const spec: FaultSpec = { type: f.type, severity };
  if (f.phase) spec.phase = f.phase;
  if (f.bearingDefect) spec.bearingDefect = f.bearingDefect;
  return spec;
}

export interface VehicleWindow {
  window: SensorWindow;
  truth: FaultSpec;
  rpm: number;
  loadPct: number;
}

/** The window the vehicle uploads at time t (s), with the truth behind it. */
export function nextVehicleWindow(vehicle: SimulatedVehicle, t: number): VehicleWindow {
  const { rpm, loadPct } = drivePointAt(vehicle, t);
  const truth = conditionAt(vehicle, t);
  const window = simulateWindow({
    profile: vehicle.profile,
    rpm,
    loadPct,
    durationS: vehicle.durationS,
    ...(vehicle.rateHz !== undefined ? { rateHz: vehicle.rateHz } : {}),
    ...(vehicle.vibRateHz !== undefined ? { vibRateHz: vehicle.vibRateHz } : {}),
    fault: truth,
    noise: vehicle.noise,
    seed: deriveSeed(vehicle.seed, Math.round(t * 1000)),
    motorSeed: vehicle.motorSeed,
    includeVoltages: vehicle.includeVoltages,
    ...(vehicle.startEpochMs !== undefined ? { startTime: new Date(vehicle.startEpochMs + t * 1000).toISOString() } : {}),
  });
  return { window, truth, rpm, loadPct };
}

/** The window the vehicle uploads at time t (s). */
export function nextWindow(vehicle: SimulatedVehicle, t: number): SensorWindow {
  return nextVehicleWindow(vehicle, t).window;
}
