/**
 * Insulation degradation from the scalars a vehicle already reports: the IMD's isolation
 * resistance, the common-mode leakage current and the winding temperature. docs/science.md#insulation.
 * Three independent judgements, each on its own severity scale; the finding takes the worst.
 *  - R_iso in Ω/V against the UN R100 / ISO 6469-3 legal minimum (absolute);
 *  - leakage current rise against the vehicle's own baseline (relative only: no absolute limit exists);
 *  - thermal aging rate of the winding insulation, 10 K rule, against its IEC 60085 class.
 */
import { insufficientData, severityScore, severityStatus, STATUS_RANK, type SeverityScale } from "./finding";
import type { Analyzer, Evidence, FeatureBaseline, Finding, InsulationClass, MotorProfile, SensorWindow } from "./types";

/**
 * UN R100 / ISO 6469-3: ≥ 100 Ω/V for a DC bus, ≥ 500 Ω/V for AC buses or AC and DC galvanically
 * connected. The traction motor is on the AC side of the inverter, galvanically connected to the
 * DC bus (the IMD sees both as one network), so the AC figure applies; the working voltage used to
 * normalise is the DC bus voltage the IMD measures against.
 */
export const R_ISO_MIN_OHM_PER_V_AC = 500;
/**
 * Warn at 5× the legal minimum (the upper end of the 2–5× of docs/science.md#isolation-resistance). Insulation resistance halves per
 * ~10 K (IEEE 43) and swings 2–3× with humidity; 5× ≈ 2^2.3 leaves some 23 K of further heating
 * before the legal limit, where 2× would leave a single 10 K swing. At 400 V this is 1 MΩ, the
 * IEC 60364-6 minimum for ≤ 500 V circuits. The score saturates at half the legal minimum.
 */
export const R_ISO_WARNING_MULTIPLE = 5;
const R_ISO_SCALE: SeverityScale = { warning: 1 / R_ISO_WARNING_MULTIPLE, fault: 1, saturation: 2 };

/** IEEE Std 43-2013: insulation resistance is compared at 40 °C and roughly halves per 10 °C rise. */
export const R_ISO_REFERENCE_TEMP_C = 40;
export const R_ISO_HALVING_K = 10;

/**
 * Leakage current rise over the same vehicle's baseline, %: warning above +30 % (the upper end of
 * the 20–30 % of docs/science.md#leakage-current, because the baseline is one value, not per temperature bin, and capacitive
 * leakage drifts 10–20 % with temperature and humidity); fault at +100 %, a doubling, the rise a
 * halving of the resistive insulation path produces [practice, calibrate]. Saturation at +200 %.
 */
export const LEAKAGE_RISE_SCALE: SeverityScale = { warning: 30, fault: 100, saturation: 200 };

/** IEC 60085 thermal-class temperatures, °C (docs/science.md#thermal-aging). */
export const CLASS_LIMIT_C: Readonly<Record<InsulationClass, number>> = { B: 130, F: 155, H: 180, N: 200, R: 220 };
/** 10 K halving interval (Montsinger/Dakin, IEC 60216 HIC ≈ 10 K). */
export const AGING_HALVING_K = 10;
/**
 * The winding sensor reads a little below the hot spot: IEC 60034-1 (Table 7) allows embedded
 * detectors 5 K less than the class temperature for classes B and F [L]; we add 5 K.
 */
export const HOT_SPOT_ALLOWANCE_K = 5;
/**
 * Aging acceleration F_AA = 2^((T_hot − T_class)/10). Warning from 2× (10 K above the class
 * limit: running at the class temperature is the design rate, not a fault); fault from 2^2.5 ≈ 5.7×,
 * i.e. 25 K above class, where the winding runs at the next IEC class's temperature (B→F→H are
 * 25 K apart) and the ~20,000 h class life shrinks to ~3,500 h. Saturation at 16× (+40 K).
 */
export const AGING_SCALE: SeverityScale = { warning: 2, fault: 2 ** 2.5, saturation: 16 };

const validNumber = (x: number | undefined): x is number => x !== undefined && Number.isFinite(x);

/** The three scalar readings this analyzer judges, each present only when plausible. */
interface InsulationReadings {
  resistanceKohm?: number | undefined;
  leakageMa?: number | undefined;
  windingTempC?: number | undefined;
}

interface Judgement {
  status: "normal" | "warning" | "fault";
  score: number;
  summary: string;
}

/** What one of the three judgements measured: its features and evidence, its verdict when it could give one, and why not. */
interface Assessment {
  features: Record<string, number>;
  evidence: Evidence[];
  judgement?: Judgement;
  notes: string[];
}

function judge(indicator: number, scale: SeverityScale, summary: string): Judgement {
  const capped = Math.min(indicator, 1e12); // an infinite deficit (R = 0) is as bad as saturation
  return { status: severityStatus(capped, scale), score: severityScore(capped, scale), summary };
}

/** The readings present and plausible (a winding outside −100…500 °C is a sensor fault); at least one is needed. */
function preconditions(window: SensorWindow): InsulationReadings | Finding {
  const { insulationResistanceKohm: r, leakageCurrentMa: leakage, windingTempC: temp } = window;
  const readings: InsulationReadings = {
    resistanceKohm: validNumber(r) && r >= 0 ? r : undefined,
    leakageMa: validNumber(leakage) && leakage >= 0 ? leakage : undefined,
    windingTempC: validNumber(temp) && temp > -100 && temp < 500 ? temp : undefined,
  };
  if (readings.resistanceKohm === undefined && readings.leakageMa === undefined && readings.windingTempC === undefined) {
    return insufficientData("insulation", "no insulation resistance, leakage current or winding temperature in the window");
  }
  return readings;
}

/** 1. Isolation resistance, Ω/V of the working (DC bus) voltage, against the legal minimum. */
function isolationResistance(
  rKohm: number,
  temp: number | undefined,
  window: SensorWindow,
  profile: MotorProfile,
  base: Readonly<Record<string, number>> | undefined,
): Assessment {
  const out: Assessment = { features: {}, evidence: [], notes: [] };
  const busV = validNumber(window.dcBusV) && window.dcBusV > 0 ? window.dcBusV : profile.dc_bus_v;
  if (!(validNumber(busV) && busV > 0)) {
    out.notes.push("R_iso given but no DC bus voltage to express it in Ω/V");
    return out;
  }
  const ohmPerV = (rKohm * 1000) / busV;
  out.features.r_iso_ohm_per_v = ohmPerV;
  out.features.dc_bus_v = busV;
  out.evidence.push({
    name: "R_iso (measured)",
    value: ohmPerV,
    unit: "Ω/V",
    threshold: R_ISO_MIN_OHM_PER_V_AC * R_ISO_WARNING_MULTIPLE,
    reference: `UN R100 / ISO 6469-3 AC minimum ${R_ISO_MIN_OHM_PER_V_AC} Ω/V; warning at ${R_ISO_WARNING_MULTIPLE}×`,
  });
  out.judgement = judge(
    R_ISO_MIN_OHM_PER_V_AC / ohmPerV,
    R_ISO_SCALE,
    `R_iso ${ohmPerV.toFixed(0)} Ω/V (${(ohmPerV / R_ISO_MIN_OHM_PER_V_AC).toFixed(2)}× the ${R_ISO_MIN_OHM_PER_V_AC} Ω/V minimum)`,
  );
  if (temp === undefined) {
    out.notes.push("R_iso not temperature-normalised (no winding temperature)");
    return out;
  }
  // For trending only: the legal limit applies to the resistance as it is, hot or cold.
  const at40 = ohmPerV * 2 ** ((temp - R_ISO_REFERENCE_TEMP_C) / R_ISO_HALVING_K);
  out.features.r_iso_ohm_per_v_40c = at40;
  out.evidence.push({ name: "R_iso at 40 °C (IEEE 43, halves per 10 °C)", value: at40, unit: "Ω/V", reference: `measured at ${temp.toFixed(1)} °C` });
  const base40 = base?.r_iso_ohm_per_v_40c;
  if (validNumber(base40) && base40 > 0) out.features.r_iso_40c_over_baseline = at40 / base40;
  return out;
}

/** 2. Leakage current: relative to the vehicle's baseline only (no absolute limit exists). */
function leakageRise(leakage: number, base: Readonly<Record<string, number>> | undefined): Assessment {
  const out: Assessment = { features: { leakage_current_ma: leakage }, evidence: [], notes: [] };
  const base0 = base?.leakage_current_ma;
  if (!(validNumber(base0) && base0 > 0)) {
    out.evidence.push({ name: "leakage current", value: leakage, unit: "mA" });
    out.notes.push("leakage current not judged: it has no absolute limit, only a rise over the vehicle's baseline");
    return out;
  }
  const risePct = 100 * (leakage / base0 - 1);
  out.features.leakage_rise_pct = risePct;
  out.evidence.push({
    name: "leakage current rise",
    value: risePct,
    unit: "%",
    threshold: LEAKAGE_RISE_SCALE.warning,
    reference: `baseline ${base0} mA`,
  });
  out.judgement = judge(risePct, LEAKAGE_RISE_SCALE, `leakage ${leakage.toFixed(3)} mA, ${risePct >= 0 ? "+" : ""}${risePct.toFixed(0)} % vs baseline`);
  return out;
}

/** 3. Thermal aging of the winding insulation (10 K rule) against its IEC 60085 class. */
function thermalAging(temp: number, profile: MotorProfile): Assessment {
  const out: Assessment = { features: { winding_temp_c: temp }, evidence: [], notes: [] };
  const classLimit = CLASS_LIMIT_C[profile.insulation_class];
  if (classLimit === undefined) {
    out.notes.push(`unknown insulation class "${String(profile.insulation_class)}"`);
    return out;
  }
  const hotSpot = temp + HOT_SPOT_ALLOWANCE_K;
  const aging = 2 ** ((hotSpot - classLimit) / AGING_HALVING_K);
  out.features.hot_spot_c = hotSpot;
  out.features.class_limit_c = classLimit;
  out.features.aging_acceleration = aging;
  out.evidence.push({
    name: `thermal aging factor F_AA (class ${profile.insulation_class}, ${classLimit} °C)`,
    value: aging,
    unit: "× class rate",
    threshold: AGING_SCALE.warning,
    reference: `hot spot ${hotSpot.toFixed(1)} °C = winding ${temp.toFixed(1)} °C + ${HOT_SPOT_ALLOWANCE_K} K`,
  });
  out.judgement = judge(
    aging,
    AGING_SCALE,
    `hot spot ${hotSpot.toFixed(0)} °C vs class ${profile.insulation_class} ${classLimit} °C, aging ×${aging.toFixed(2)}`,
  );
  return out;
}

/** The three judgements, in this order, for the readings the window has. */
function measurements(readings: InsulationReadings, window: SensorWindow, profile: MotorProfile, baseline?: FeatureBaseline): Assessment[] {
  const base = baseline?.insulation;
  const { resistanceKohm, leakageMa, windingTempC } = readings;
  const assessments: Assessment[] = [];
  if (resistanceKohm !== undefined) assessments.push(isolationResistance(resistanceKohm, windingTempC, window, profile, base));
  if (leakageMa !== undefined) assessments.push(leakageRise(leakageMa, base));
  if (windingTempC !== undefined) assessments.push(thermalAging(windingTempC, profile));
  return assessments;
}

/**
 * The worst judgement decides (worst status, then highest score; the first on a tie); the score is
 * the highest of all. With no judgement possible, insufficient_data with the reasons.
 */
function decision(assessments: readonly Assessment[]): Finding {
  const features: Record<string, number> = Object.assign({}, ...assessments.map((a) => a.features)) as Record<string, number>;
  const evidence = assessments.flatMap((a) => a.evidence);
  const notes = assessments.flatMap((a) => a.notes);
  const judgements = assessments.flatMap((a) => (a.judgement ? [a.judgement] : []));
  if (judgements.length === 0) {
    return { ...insufficientData("insulation", notes.join("; "), features), evidence };
  }
  const worst = judgements.reduce((w, j) => (STATUS_RANK[j.status] > STATUS_RANK[w.status] || (j.status === w.status && j.score > w.score) ? j : w));
  const others = judgements.filter((j) => j !== worst).map((j) => j.summary);
  return {
    fault_type: "insulation",
    status: worst.status,
    score: Math.max(...judgements.map((j) => j.score)),
    features,
    evidence,
    reason: [`${worst.summary} → ${worst.status}`, ...others, ...notes].join("; "),
    baseline_used: features.leakage_rise_pct !== undefined,
  };
}

export const insulationAnalyzer: Analyzer = {
  faultType: "insulation",
  requirements: {
    channelsAnyOf: [[]],
    minSampleRateHz: 0,
    minDurationS: 0,
    // Any one of these suffices; dcBusV falls back to the profile.
    scalars: ["insulationResistanceKohm", "leakageCurrentMa", "windingTempC", "dcBusV"],
  },

  analyze(window: SensorWindow, profile: MotorProfile, baseline?: FeatureBaseline): Finding {
    const readings = preconditions(window);
    if ("status" in readings) return readings;
    return decision(measurements(readings, window, profile, baseline));
  },
};
