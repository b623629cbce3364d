/**
 * The original system's column layout (legacy JSON rows and CSV), English or Chinese names,
 * turned into a SensorWindow. One place decides what each column means and in which unit.
 *
 * Units of legacy columns (the original system did not write them down; decided here):
 * - `时间`/`time`: seconds since the window start.
 * - `Ia`/`Ib`/`Ic` (`Va`...): A (V); `vibration_x`/`振动_X`: g, the unit of our vib_* channels.
 * - `temperature`/`温度`: winding temperature, °C. `load`/`负载`: % of rated torque. `rpm`/`转速`: rev/min.
 * - `insulation_resistance`: **MΩ**, converted ×1000 to kΩ. The example value 1003.2 is a typical
 *   healthy megohmmeter reading (≈1 GΩ); insulation test sets and Chinese motor test reports
 *   (GB/T 18488) state IR in MΩ. Read as kΩ it would be 1 MΩ, a degraded winding, and the
 *   example is clearly a healthy one.
 * - `leakage_current`: **A**, converted ×1000 to mA (0.001 A = 1 mA, a plausible common-mode
 *   leakage; 0.001 mA = 1 µA would be below what a vehicle sensor resolves).
 * Per-row scalars (speed, load, temperature, insulation) are averaged over the window.
 */
import type { ChannelName, SampledSignal, SensorWindow } from "../analyzers/types";
import { InputError } from "./errors";
import { INSULATION_RESISTANCE_KOHM, LEAKAGE_CURRENT_MA, LOAD_PCT, MAX_ABS_SAMPLE, RPM, SAMPLING_RATE, WINDING_TEMP_C } from "./limits";
import { expectNumber, type NumberRange } from "./validate";

export type LegacyScalar = "temperature" | "rpm" | "load" | "insulation_resistance" | "leakage_current";
export type LegacyQuantity = "time" | ChannelName | LegacyScalar;

/** Every accepted column name and what it measures. */
export const LEGACY_COLUMNS: Readonly<Record<string, LegacyQuantity>> = Object.freeze({
  时间: "time",
  time: "time",
  Ia: "ia",
  ia: "ia",
  Ib: "ib",
  ib: "ib",
  Ic: "ic",
  ic: "ic",
  Va: "va",
  va: "va",
  Vb: "vb",
  vb: "vb",
  Vc: "vc",
  vc: "vc",
  vibration_x: "vib_x",
  振动_X: "vib_x",
  vib_x: "vib_x",
  vibration_y: "vib_y",
  振动_Y: "vib_y",
  vib_y: "vib_y",
  vibration_z: "vib_z",
  振动_Z: "vib_z",
  vib_z: "vib_z",
  temperature: "temperature",
  温度: "temperature",
  rpm: "rpm",
  转速: "rpm",
  load: "load",
  负载: "load",
  insulation_resistance: "insulation_resistance",
  绝缘电阻: "insulation_resistance",
  leakage_current: "leakage_current",
  漏电流: "leakage_current",
});

/** Legacy unit → domain unit factors (see the header). */
export const LEGACY_INSULATION_MOHM_TO_KOHM = 1000;
export const LEGACY_LEAKAGE_A_TO_MA = 1000;

/** Allowed range of each legacy column, in the legacy unit. */
const LEGACY_RANGE: Readonly<Record<LegacyScalar, NumberRange>> = {
  temperature: WINDING_TEMP_C,
  rpm: RPM,
  load: LOAD_PCT,
  insulation_resistance: { ...INSULATION_RESISTANCE_KOHM, max: INSULATION_RESISTANCE_KOHM.max / 1000, unit: "MΩ" },
  leakage_current: { ...LEAKAGE_CURRENT_MA, max: LEAKAGE_CURRENT_MA.max / 1000, unit: "A" },
};
const SAMPLE_RANGE: NumberRange = { min: -MAX_ABS_SAMPLE, max: MAX_ABS_SAMPLE };
// Seconds; wide enough for absolute Unix times (≈1.7e9 s) that some producers write instead of relative ones.
const TIME_RANGE: NumberRange = { min: -1e10, max: 1e10, unit: "s" };

export function rangeOfLegacyQuantity(q: LegacyQuantity): NumberRange {
  if (q === "time") return TIME_RANGE;
  return q in LEGACY_RANGE ? LEGACY_RANGE[q as LegacyScalar] : SAMPLE_RANGE;
}

/** One column of a legacy table: its quantity, the name it was sent under, its values. */
export interface LegacyColumn {
  quantity: LegacyQuantity;
  name: string;
  values: Float64Array;
  /** Its quantity's range, looked up once per column rather than once per cell (storeLegacyCell). */
  range?: NumberRange;
}

/** Maps header names to quantities, rejecting unknown names and two names for one quantity. */
export function resolveLegacyHeader(names: readonly string[], fieldOf: (name: string) => string): LegacyQuantity[] {
  const seen = new Map<LegacyQuantity, string>();
  return names.map((name) => {
    const quantity = Object.prototype.hasOwnProperty.call(LEGACY_COLUMNS, name) ? LEGACY_COLUMNS[name] : undefined;
    if (quantity === undefined) {
      throw new InputError(fieldOf(name), `unknown column (known: ${Object.keys(LEGACY_COLUMNS).join(", ")})`);
    }
    const earlier = seen.get(quantity);
    if (earlier !== undefined) throw new InputError(fieldOf(name), `same quantity as column "${earlier}"`);
    seen.set(quantity, name);
    return quantity;
  });
}

/** JSON path of one cell: `sensor_data.data[3].Ia` for rows, `csv.line[5].Ia` for CSV. */
export type CellField = (row: number, columnName: string) => string;

export interface LegacyRateSource {
  /** A rate sent beside the table (legacy `sampling_rate`, or metadata's). */
  rateHz?: number | undefined;
  /** Where that rate came from, for error messages. */
  rateField: string;
}

/**
 * The sampling rate of a legacy table. From the time column: (n − 1)/(t_last − t_0), the span
 * estimate, robust to times rounded to a few decimals; every time must then sit within half a
 * sample of its uniform position (so a dropped sample or a jump is caught). A rate sent beside
 * the table wins but must agree with the time column within 2 % (beyond that every fault
 * frequency the analyzers compute would be off by more than the ±2 % bearing search band).
 */
export function legacyRate(time: LegacyColumn | undefined, source: LegacyRateSource, cellField: CellField): number {
  const inferred = time === undefined ? undefined : rateFromTimeColumn(time, cellField);
  if (source.rateHz !== undefined) {
    if (inferred !== undefined && Math.abs(inferred - source.rateHz) > 0.02 * source.rateHz) {
      throw new InputError(source.rateField, `${source.rateHz} Hz disagrees with the time column (${inferred.toPrecision(6)} Hz)`);
    }
    return source.rateHz;
  }
  if (inferred === undefined) {
    throw new InputError(source.rateField, "missing, and there is no time column (时间/time) to infer it from");
  }
  return inferred;
}

function rateFromTimeColumn(time: LegacyColumn, cellField: CellField): number | undefined {
  const t = time.values;
  if (t.length < 2) return undefined;
  for (let i = 1; i < t.length; i++) {
    if (!(t[i] > t[i - 1])) throw new InputError(cellField(i, time.name), `time must increase (${t[i]} after ${t[i - 1]})`);
  }
  const dt = (t[t.length - 1] - t[0]) / (t.length - 1);
  for (let i = 1; i < t.length - 1; i++) {
    if (Math.abs(t[i] - (t[0] + i * dt)) > 0.5 * dt) {
      throw new InputError(cellField(i, time.name), `time ${t[i]} is not on the uniform grid of step ${dt.toPrecision(6)} s (gap or jitter)`);
    }
  }
  const rate = 1 / dt;
  if (rate < SAMPLING_RATE.min || rate > SAMPLING_RATE.max) {
    throw new InputError(
      cellField(1, time.name),
      `time column implies ${rate.toPrecision(6)} Hz, outside ${SAMPLING_RATE.min}..${SAMPLING_RATE.max} Hz (times must be in seconds)`,
    );
  }
  return rate;
}

function average(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Builds the window from validated columns (all of the same length) at `rateHz`. */
export function windowFromLegacyColumns(columns: readonly LegacyColumn[], rateHz: number): SensorWindow {
  const channels: Partial<Record<ChannelName, SampledSignal>> = {};
  const window: SensorWindow = { channels };
  for (const { quantity, values } of columns) {
    switch (quantity) {
      case "time":
        break;
      case "temperature":
        window.windingTempC = average(values);
        break;
      case "rpm":
        window.rpm = average(values);
        break;
      case "load":
        window.loadPct = average(values);
        break;
      case "insulation_resistance":
        window.insulationResistanceKohm = average(values) * LEGACY_INSULATION_MOHM_TO_KOHM;
        break;
      case "leakage_current":
        window.leakageCurrentMa = average(values) * LEGACY_LEAKAGE_A_TO_MA;
        break;
      default:
        channels[quantity] = { samples: values, rateHz };
    }
  }
  return window;
}

/**
 * Checks one cell and stores it (shared by the JSON-row and CSV readers). The cell's field path is built only for
 * an error: building it for every cell cost more than the rest of a 10-row batch's decoding.
 */
export function storeLegacyCell(column: LegacyColumn, row: number, value: unknown, field: string | (() => string)): void {
  const range = (column.range ??= rangeOfLegacyQuantity(column.quantity));
  if (
    typeof value === "number" &&
    Number.isFinite(value) &&
    (range.minExclusive ? value > range.min : value >= range.min) &&
    value <= range.max &&
    (!range.integer || Number.isInteger(value))
  ) {
    column.values[row] = value;
    return;
  }
  column.values[row] = expectNumber(value, typeof field === "string" ? field : field(), range);
}

export function hasAnyChannel(columns: readonly LegacyColumn[]): boolean {
  return columns.some((c) => c.quantity !== "time" && !(c.quantity in LEGACY_RANGE));
}
