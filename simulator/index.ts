/** The motor simulator: physics-based, seeded, pure. */
export { simulateWindow, faultLevels, DEFAULT_RATE_HZ, DEFAULT_CURRENT_SNR_DB, DEFAULT_VIBRATION_NOISE_G } from "./motor-model";
export {
  makeFleet, nextWindow, nextVehicleWindow, conditionAt, drivePointAt,
  type Fleet, type FleetOptions, type SimulatedVehicle, type VehicleFault, type VehicleWindow,
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
