/**
 * The `sensor_layout` field of a binary raw entry (docs/architecture.md#raw-stream-layout): the window without its
 * samples — start time, scalars, and per channel its rate, sample count and sample type. The samples themselves
 * travel in the entry's `samples:<channel>` fields (ingest/binary-window.ts).
 *
 * Wire form (snake_case like every JSON contract):
 *   {"start_time": "<ISO>", "rpm": 1500, "load_pct": 80, ..., "channels": {"ia": {"rate_hz": 8192, "samples": 8192, "type": "f32le"}}}
 * Decoding checks it as strictly as an ingest body: unknown keys, ranges and types fail with the field's path.
 */
import { CHANNEL_NAMES, type ChannelName, type SensorWindow } from "../analyzers/types";
import { RAW_SENSOR_LAYOUT_FIELD, SAMPLE_TYPES, type SampleType } from "../contracts/streams";
import { InputError } from "./errors";
import { parseJsonText } from "./json-text";
import { DC_BUS_V, INSULATION_RESISTANCE_KOHM, LEAKAGE_CURRENT_MA, LOAD_PCT, MAX_SAMPLES_PER_CHANNEL, RPM, SAMPLING_RATE, WINDING_TEMP_C } from "./limits";
import { sampleTypeOf } from "./sample-bytes";
import { describeValue, expectIsoTime, expectNumber, expectObject, joinPath, optionalNumber, rejectUnknownKeys, type NumberRange } from "./validate";

export interface ChannelLayout {
  rateHz: number;
  /** Number of samples. */
  length: number;
  type: SampleType;
}

/** A window without its samples: where each channel's bytes are described, plus the start time and scalars. */
export interface WindowLayout {
  channels: Partial<Record<ChannelName, ChannelLayout>>;
  scalars: Omit<SensorWindow, "channels">;
}

type Scalar = keyof Omit<SensorWindow, "channels" | "startTime">;

/** Wire key, window key and bounds of each scalar (the same as an ingest body's, ingest/limits.ts). */
const SCALARS: readonly (readonly [string, Scalar, NumberRange])[] = [
  ["rpm", "rpm", RPM],
  ["load_pct", "loadPct", LOAD_PCT],
  ["winding_temp_c", "windingTempC", WINDING_TEMP_C],
  ["insulation_resistance_kohm", "insulationResistanceKohm", INSULATION_RESISTANCE_KOHM],
  ["leakage_current_ma", "leakageCurrentMa", LEAKAGE_CURRENT_MA],
  ["dc_bus_v", "dcBusV", DC_BUS_V],
];
const LAYOUT_KEYS: ReadonlySet<string> = new Set(["start_time", "channels", ...SCALARS.map(([wire]) => wire)]);
const CHANNEL_KEYS: ReadonlySet<string> = new Set(["rate_hz", "samples", "type"]);
const CHANNEL_SET: ReadonlySet<string> = new Set(CHANNEL_NAMES);
const SAMPLE_COUNT: NumberRange = { min: 1, max: MAX_SAMPLES_PER_CHANNEL, integer: true };

export function windowLayout(window: SensorWindow): WindowLayout {
  const { channels, ...scalars } = window;
  const layout: WindowLayout = { channels: {}, scalars };
  for (const name of CHANNEL_NAMES) {
    const s = channels[name];
    if (s) layout.channels[name] = { rateHz: s.rateHz, length: s.samples.length, type: sampleTypeOf(s.samples) };
  }
  return layout;
}

export function encodeSensorLayout(layout: WindowLayout): string {
  const wire: Record<string, unknown> = {};
  if (layout.scalars.startTime !== undefined) wire.start_time = layout.scalars.startTime;
  for (const [key, name] of SCALARS) if (layout.scalars[name] !== undefined) wire[key] = layout.scalars[name];
  const channels: Record<string, unknown> = {};
  for (const name of CHANNEL_NAMES) {
    const c = layout.channels[name];
    if (c) channels[name] = { rate_hz: c.rateHz, samples: c.length, type: c.type };
  }
  wire.channels = channels;
  return JSON.stringify(wire);
}

/** The `sensor_layout` field's JSON text (string or bytes) → layout; an InputError names the failing path. */
export function decodeSensorLayout(text: unknown): WindowLayout {
  const field = RAW_SENSOR_LAYOUT_FIELD;
  const wire = expectObject(parseJsonText(text, field), field);
  rejectUnknownKeys(wire, LAYOUT_KEYS, field);
  const scalars: WindowLayout["scalars"] = {};
  if (wire.start_time !== undefined && wire.start_time !== null) scalars.startTime = expectIsoTime(wire.start_time, joinPath(field, "start_time"));
  for (const [key, name, range] of SCALARS) {
    const value = optionalNumber(wire[key], joinPath(field, key), range);
    if (value !== undefined) scalars[name] = value;
  }
  const channelsField = joinPath(field, "channels");
  const sent = expectObject(wire.channels, channelsField);
  rejectUnknownKeys(sent, CHANNEL_SET, channelsField);
  const channels: WindowLayout["channels"] = {};
  for (const name of Object.keys(sent) as ChannelName[]) channels[name] = decodeChannelLayout(sent[name], joinPath(channelsField, name));
  if (Object.keys(channels).length === 0) throw new InputError(channelsField, "no channels (at least one of ia..vib_z is needed)");
  checkLengthsPerRate(channels, channelsField);
  return { channels, scalars };
}

function decodeChannelLayout(value: unknown, field: string): ChannelLayout {
  const c = expectObject(value, field);
  rejectUnknownKeys(c, CHANNEL_KEYS, field);
  const type = c.type;
  if (!SAMPLE_TYPES.includes(type as SampleType)) {
    throw new InputError(joinPath(field, "type"), `unknown sample type ${describeValue(type)} (expected one of ${SAMPLE_TYPES.join(", ")})`);
  }
  return {
    rateHz: expectNumber(c.rate_hz, joinPath(field, "rate_hz"), SAMPLING_RATE),
    length: expectNumber(c.samples, joinPath(field, "samples"), SAMPLE_COUNT),
    type: type as SampleType,
  };
}

/** As for an ingest body: channels sampled at one rate cover one time span, so they have one length. */
function checkLengthsPerRate(channels: WindowLayout["channels"], field: string): void {
  const lengthAt = new Map<number, number>();
  for (const [name, c] of Object.entries(channels)) {
    const seen = lengthAt.get(c.rateHz);
    if (seen !== undefined && seen !== c.length)
      throw new InputError(joinPath(joinPath(field, name), "samples"), `${c.length} samples, but other channels at ${c.rateHz} Hz have ${seen}`);
    lengthAt.set(c.rateHz, c.length);
  }
}
