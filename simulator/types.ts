/** What the simulator is asked to produce: one motor, one operating point, one condition, one seed. */
import type { BearingDefect, FaultType, MotorProfile, Phase } from "../analyzers/types";

/** The true condition of a simulated motor: healthy or one of the five fault families. */
export type SimulatedCondition = FaultType | "healthy";

/** Bearing defects the simulator can inject (a cage fault alone shows only as FTF modulation; not simulated). */
export type SimulatedBearingDefect = Exclude<BearingDefect, "cage">;

/** How an insulation fault shows: a falling isolation resistance with rising leakage, or thermal overload. */
export type InsulationFaultMode = "resistance" | "thermal";

export interface FaultSpec {
  type: SimulatedCondition;
  /** 0 (none) .. 1 (severe); each fault family maps it onto published levels (see faults.ts). */
  severity: number;
  /** Turn fault: the shorted phase (default A). */
  phase?: Phase;
  /** Bearing: which part carries the defect (default outer_race). */
  bearingDefect?: SimulatedBearingDefect;
  /** Insulation: resistance/leakage degradation (default) or a thermal overload. */
  insulationMode?: InsulationFaultMode;
}

export interface NoiseSpec {
  /** Fundamental power over broadband current-sensor noise power, dB (default 50). */
  currentSnrDb?: number;
  /** Broadband accelerometer noise, g RMS (default 0.02). */
  vibrationNoiseG?: number;
}

export interface Imperfections {
  /** Spread of the three current transducers' gains, ±% (uniform per channel, per motor; default 1.5). */
  ctGainMismatchPct?: number;
  /** Supply (or inverter) voltage unbalance V2/V1, % (default 0). */
  supplyUnbalancePct?: number;
  /** 5th-harmonic current as % of the fundamental; the 7th is 0.6 of it (default 3). */
  harmonicsPct?: number;
  /** Inherent negative-sequence current of a healthy machine, I2/I1 in % (per motor ±20 %, random angle; default 2.5). */
  inherentAsymmetryPct?: number;
}

export interface SimulationSpec {
  profile: MotorProfile;
  /** Shaft speed, rev/min. Ignored for an induction motor whose profile has supply_hz: its speed follows from the slip. */
  rpm: number;
  /** Load, % of rated torque. */
  loadPct: number;
  durationS: number;
  /** Current and voltage sampling rate, Hz (default 8192). */
  rateHz?: number;
  /** Vibration sampling rate, Hz (default rateHz). */
  vibRateHz?: number;
  fault: FaultSpec;
  noise?: NoiseSpec;
  /** Drives everything that changes from window to window: noise, start phases, impulse jitter. */
  seed: number;
  /**
   * Drives what is fixed for one physical motor: CT gains, inherent asymmetry, structural resonance,
   * machine lines, insulation and thermal constants (default: `seed`). Keep it fixed across a
   * vehicle's windows so that a baseline learned on it stays valid.
   */
  motorSeed?: number;
  imperfections?: Imperfections;
  /** Add va, vb, vc (default false). */
  includeVoltages?: boolean;
  /** Sensor clock time of the first sample, passed through to the window. */
  startTime?: string;
}
