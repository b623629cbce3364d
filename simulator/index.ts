/**
 * The motor simulator: physics-based, seeded, pure (no I/O, no Math.random).
 *
 * simulateWindow(spec) builds one SensorWindow: three phase currents as phasor tones (fundamental at
 * p·f_r/(1 − s) or p·f_r, 5th/7th harmonics, inherent and supply-driven negative sequence, turn fault
 * as a lowered impedance of the faulted phase, eccentricity sidebands f ± k·f_r / f(1 ± k/p),
 * broken-bar sidebands (1 ± 2s)f and (1 ± 4s)f), CT gain mismatch and sensor noise; optional phase
 * voltages; housing vibration (1×, 2×, 2f, gear mesh, bearing impacts at BPFO/BPFI/2×BSF ringing a
 * structural resonance, broadband noise); insulation scalars (winding temperature, R_iso, leakage).
 * Severity → level mappings are in faults.ts, each anchored on docs/science.md.
 * makeFleet/nextWindow drive many vehicles through drive cycles with growing faults.
 */
export { simulateWindow, faultLevels, DEFAULT_RATE_HZ, DEFAULT_CURRENT_SNR_DB, DEFAULT_VIBRATION_NOISE_G } from "./motor-model";
export {
  makeFleet,
  nextWindow,
  nextVehicleWindow,
  conditionAt,
  drivePointAt,
  type Fleet,
  type FleetOptions,
  type SimulatedVehicle,
  type VehicleFault,
  type VehicleWindow,
} from "./fleet";
export { Prng, deriveSeed, mix32 } from "./prng";
export { operatingPoint, RATED_SLIP, type OperatingPoint } from "./operating-point";
export { bearingDefectFrequencies, type BearingDefectFrequencies } from "./bearing-geometry";
export { bearingImpactRateHz } from "./vibration";
export { eccentricitySidebandFrequencies, brokenBarSidebandFrequencies } from "./currents";
export * from "./faults";
export { CLASS_LIMIT_C, LEGAL_MIN_OHM_PER_V } from "./insulation";
export { motorTraits, DEFAULT_IMPERFECTIONS, type MotorTraits } from "./motor-traits";
export { SIMULATED_PROFILES, PMSM_400V, PMSM_800V, INDUCTION_400V, INDUCTION_600V } from "./profiles";
export type * from "./types";
