/**
 * Insulation scalars a vehicle reports with each window (docs/science.md#insulation): winding temperature from the
 * copper losses, the HV isolation resistance the IMD measures, and the common-mode leakage current.
 */
import type { InsulationClass, MotorProfile } from "../analyzers/types";
import { insulationFaultConductancePu, leakageCapacitiveRise, thermalFaultTemperatureC } from "./faults";
import type { MotorTraits } from "./motor-traits";
import type { OperatingPoint } from "./operating-point";
import type { Prng } from "./prng";
import type { InsulationFaultMode } from "./types";

/** IEC 60085 thermal class limits, °C. */
export const CLASS_LIMIT_C: Readonly<Record<InsulationClass, number>> = { B: 130, F: 155, H: 180, N: 200, R: 220 };

/** UN ECE R100 / ISO 6469-3 minimum isolation for AC-connected HV circuits, Ω per volt of bus. */
export const LEGAL_MIN_OHM_PER_V = 500;

/**
 * Rated winding temperature rise as a fraction of (class limit − 40 °C ambient): motors are usually
 * designed one class cooler than their insulation (e.g. class F insulation at class B rise), ~60 %.
 */
const RATED_RISE_FRACTION = 0.6;

/** IEEE Std 43: insulation resistance roughly halves per 10 °C rise. */
const IR_HALVING_K = 10;

/** IMD and leakage-sensor reading scatter, relative (1σ). */
const READING_SCATTER = 0.01;

export interface InsulationReadings {
  windingTempC: number;
  insulationResistanceKohm: number;
  leakageCurrentMa: number;
}

export function insulationReadings(
  profile: MotorProfile,
  op: OperatingPoint,
  severity: number,
  mode: InsulationFaultMode,
  traits: MotorTraits,
  rng: Prng,
): InsulationReadings {
  const limit = CLASS_LIMIT_C[profile.insulation_class];
  const currentPu = op.currentRmsA / profile.rated_current_a;
  // Copper losses ∝ I²: steady-state rise scales with the square of the current.
  let temp = traits.ambientC + RATED_RISE_FRACTION * (limit - 40) * currentPu * currentPu;
  if (mode === "thermal" && severity > 0) temp = Math.max(temp, thermalFaultTemperatureC(severity, limit));

  const windingMohm = traits.windingIr40Mohm * Math.pow(2, (40 - temp) / IR_HALVING_K);
  const legalMinMohm = (LEGAL_MIN_OHM_PER_V * profile.dc_bus_v) / 1e6;
  const faultConductance = mode === "resistance" ? insulationFaultConductancePu(severity) / legalMinMohm : 0;
  // The IMD sees the winding, the rest of the HV system and any degraded path in parallel.
  const conductance = 1 / windingMohm + 1 / traits.restOfSystemMohm + faultConductance; // 1/MΩ
  const rIsoKohm = (1000 / conductance) * (1 + READING_SCATTER * rng.gaussian());

  // Capacitive common-mode current (∝ bus voltage) plus the resistive part V/R.
  const capacitive = traits.capacitiveLeakageMa * (profile.dc_bus_v / 400) * (1 + (mode === "resistance" ? leakageCapacitiveRise(severity) : 0));
  const resistiveMa = (profile.dc_bus_v / (rIsoKohm * 1000)) * 1000;
  const leakage = (capacitive + resistiveMa) * (1 + READING_SCATTER * rng.gaussian());
  return { windingTempC: temp, insulationResistanceKohm: rIsoKohm, leakageCurrentMa: leakage };
}
