/**
 * SensorWindow → the wire shapes (simulator, bench, tests, examples). The inverse of the decoders:
 * decodeSensorData(encodeX(w)) gives back w (within float32 precision for the compact shape).
 */
import type { ChannelName, SampledSignal, SensorWindow } from "../analyzers/types";
import { COMPACT_ENCODING, float32ToBase64 } from "./f32-base64";
import { LEGACY_INSULATION_MOHM_TO_KOHM, LEGACY_LEAKAGE_A_TO_MA } from "./legacy-columns";

interface ScalarFields {
  start_time?: string;
  rpm?: number;
  load_pct?: number;
  winding_temp_c?: number;
  insulation_resistance_kohm?: number;
  leakage_current_ma?: number;
  dc_bus_v?: number;
}

export interface ColumnarSensorData extends ScalarFields {
  sampling_rate: number;
  channels: Partial<Record<ChannelName, number[]>>;
  channel_rates?: Partial<Record<ChannelName, number>>;
}

export interface CompactSensorData extends ScalarFields {
  sampling_rate: number;
  encoding: typeof COMPACT_ENCODING;
  channels: Partial<Record<ChannelName, string>>;
  channel_rates?: Partial<Record<ChannelName, number>>;
}

export type LegacyRow = Record<string, number>;
export interface LegacySensorData {
  data: LegacyRow[];
  sampling_rate: number;
}

function channelEntries(window: SensorWindow): [ChannelName, SampledSignal][] {
  return Object.entries(window.channels).filter((e): e is [ChannelName, SampledSignal] => e[1] !== undefined);
}

/** The rate most channels share becomes `sampling_rate`; the others go to `channel_rates`. */
function rateLayout(entries: readonly [ChannelName, SampledSignal][]): { base: number; rates?: Partial<Record<ChannelName, number>> } {
  if (entries.length === 0) throw new Error("a window without channels cannot be encoded");
  const counts = new Map<number, number>();
  for (const [, s] of entries) counts.set(s.rateHz, (counts.get(s.rateHz) ?? 0) + 1);
  const base = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const rates: Partial<Record<ChannelName, number>> = {};
  for (const [name, s] of entries) if (s.rateHz !== base) rates[name] = s.rateHz;
  return Object.keys(rates).length > 0 ? { base, rates } : { base };
}

function scalarFields(window: SensorWindow): ScalarFields {
  const out: ScalarFields = {};
  if (window.startTime !== undefined) out.start_time = window.startTime;
  if (window.rpm !== undefined) out.rpm = window.rpm;
  if (window.loadPct !== undefined) out.load_pct = window.loadPct;
  if (window.windingTempC !== undefined) out.winding_temp_c = window.windingTempC;
  if (window.insulationResistanceKohm !== undefined) out.insulation_resistance_kohm = window.insulationResistanceKohm;
  if (window.leakageCurrentMa !== undefined) out.leakage_current_ma = window.leakageCurrentMa;
  if (window.dcBusV !== undefined) out.dc_bus_v = window.dcBusV;
  return out;
}

/** Shape 2: channels as JSON number arrays. */
export function encodeColumnar(window: SensorWindow): ColumnarSensorData {
  const entries = channelEntries(window);
  const { base, rates } = rateLayout(entries);
  const channels: Partial<Record<ChannelName, number[]>> = {};
  for (const [name, s] of entries) channels[name] = Array.from(s.samples);
  return { sampling_rate: base, ...scalarFields(window), channels, ...(rates ? { channel_rates: rates } : {}) };
}

/** Shape 3: channels as base64 little-endian float32 (about 30 % smaller than JSON, ~15× cheaper to decode). */
export function encodeCompact(window: SensorWindow): CompactSensorData {
  const { head, rates } = compactLayout(window);
  const channels: Partial<Record<ChannelName, string>> = {};
  for (const [name, s] of channelEntries(window)) channels[name] = float32ToBase64(s.samples);
  return { ...head, channels, ...(rates ? { channel_rates: rates } : {}) };
}

/** Everything of shape 3 but the channels' text, in encodeCompact's field order (head, channels, rates). */
export function compactLayout(window: SensorWindow): {
  head: Omit<CompactSensorData, "channels" | "channel_rates">;
  rates: Partial<Record<ChannelName, number>> | undefined;
} {
  const { base, rates } = rateLayout(channelEntries(window));
  return { head: { sampling_rate: base, encoding: COMPACT_ENCODING, ...scalarFields(window) }, rates };
}

const ENGLISH: Readonly<Record<string, string>> = {
  time: "time",
  ia: "Ia",
  ib: "Ib",
  ic: "Ic",
  va: "Va",
  vb: "Vb",
  vc: "Vc",
  vib_x: "vibration_x",
  vib_y: "vibration_y",
  vib_z: "vibration_z",
  temperature: "temperature",
  rpm: "rpm",
  load: "load",
  insulation_resistance: "insulation_resistance",
  leakage_current: "leakage_current",
};
const CHINESE: Readonly<Record<string, string>> = {
  ...ENGLISH,
  time: "时间",
  vib_x: "振动_X",
  vib_y: "振动_Y",
  vib_z: "振动_Z",
  temperature: "温度",
  rpm: "转速",
  load: "负载",
};

/**
 * Shape 1, as an older producer wrote it (one row per sample, scalars repeated on every row, legacy
 * units: MΩ and A). All channels must share one rate and length.
 */
export function encodeLegacyRows(window: SensorWindow, options: { chinese?: boolean; timeColumn?: boolean } = {}): LegacySensorData {
  const names = options.chinese ? CHINESE : ENGLISH;
  const entries = channelEntries(window);
  const { base, rates } = rateLayout(entries);
  if (rates) throw new Error("legacy rows need one sampling rate for every channel");
  const n = entries[0][1].samples.length;
  if (entries.some(([, s]) => s.samples.length !== n)) throw new Error("legacy rows need channels of one length");
  const scalars: [string, number | undefined][] = [
    [names.temperature, window.windingTempC],
    [names.rpm, window.rpm],
    [names.load, window.loadPct],
    [names.insulation_resistance, window.insulationResistanceKohm === undefined ? undefined : window.insulationResistanceKohm / LEGACY_INSULATION_MOHM_TO_KOHM],
    [names.leakage_current, window.leakageCurrentMa === undefined ? undefined : window.leakageCurrentMa / LEGACY_LEAKAGE_A_TO_MA],
  ];
  const data: LegacyRow[] = new Array<LegacyRow>(n);
  for (let i = 0; i < n; i++) {
    const row: LegacyRow = {};
    if (options.timeColumn !== false) row[names.time] = i / base;
    for (const [name, s] of entries) row[names[name]] = s.samples[i];
    for (const [name, v] of scalars) if (v !== undefined) row[name] = v;
    data[i] = row;
  }
  return { data, sampling_rate: base };
}
