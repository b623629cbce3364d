/**
 * Bounds on what a window may carry. They reject garbage and units errors, not unusual motors:
 * each is far outside anything a traction motor or its sensors produce, and the reason is given.
 */
import type { NumberRange } from "./validate";

/**
 * Samples per channel: 2^20 = 1,048,576 (41 s at 25.6 kHz, 128 s at 8192 Hz — more than the
 * 10 s a broken-bar analysis wants). Beyond this a single window would cost hundreds of MB of heap.
 */
export const MAX_SAMPLES_PER_CHANNEL = 2 ** 20;

/** Legacy rows are objects (~10× the memory per sample of a number array), so their cap is lower: 2^18. */
export const MAX_LEGACY_ROWS = 2 ** 18;

/** Sampling rate: ≥ 1 Hz (below that it is not a waveform) and ≤ 1 MHz (no motor sensor needs more). */
export const SAMPLING_RATE: NumberRange = { min: 1, max: 1_000_000, unit: "Hz" };

/** |sample| ≤ 10^6 in its unit (A, V, g): anything larger is a unit or encoding error, not a measurement. */
export const MAX_ABS_SAMPLE = 1e6;

/** Shaft speed magnitude, rev/min: 100,000 is above any traction or industrial motor. */
export const RPM: NumberRange = { min: 0, max: 100_000, unit: "rpm" };

/** Load, % of rated torque: negative in regenerative braking; traction motors peak at 2–3× rated. */
export const LOAD_PCT: NumberRange = { min: -300, max: 300, unit: "%" };

/** Winding temperature: −60 °C (arctic cold soak) to 300 °C (above class R's 220 °C limit). */
export const WINDING_TEMP_C: NumberRange = { min: -60, max: 300, unit: "°C" };

/** Isolation resistance, kΩ: 0 (dead short) to 10^10 kΩ = 10 TΩ (the top of megohmmeter ranges). */
export const INSULATION_RESISTANCE_KOHM: NumberRange = { min: 0, max: 1e10, unit: "kΩ" };

/** Leakage current, mA: 0 to 10 A; a ground fault of more trips the vehicle's protection long before. */
export const LEAKAGE_CURRENT_MA: NumberRange = { min: 0, max: 10_000, unit: "mA" };

/** DC bus voltage: > 0 and ≤ 2000 V (800 V-class systems run up to ~1000 V). */
export const DC_BUS_V: NumberRange = { min: 0, max: 2000, minExclusive: true, unit: "V" };

/** Free-form metadata may nest this many objects/arrays deep, no more. */
export const MAX_METADATA_DEPTH = 8;
