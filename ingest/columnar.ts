/**
 * Shapes 2 and 3 of docs/architecture.md#ingest-body-shapes: columnar channels as JSON number arrays, or (with
 * `"encoding": "f32le-base64"`) as base64 float32 strings. One rate for all channels
 * (`sampling_rate`) unless `channel_rates` gives a channel its own (vibration is often faster).
 * Every key is known: anything else is rejected by name, so typos never pass silently.
 */
import { CHANNEL_NAMES, type ChannelName, type SampledSignal, type SensorWindow } from "../analyzers/types";
import { InputError } from "./errors";
import { decodeBase64Channel, decodeNumberChannel } from "./channel-samples";
import { COMPACT_ENCODING } from "./f32-base64";
import { DC_BUS_V, INSULATION_RESISTANCE_KOHM, LEAKAGE_CURRENT_MA, LOAD_PCT, RPM, SAMPLING_RATE, WINDING_TEMP_C } from "./limits";
import {
  describeValue,
  expectIsoTime,
  expectNumber,
  expectObject,
  joinPath,
  optionalNumber,
  rejectUnknownKeys,
  type JsonObject,
  type NumberRange,
} from "./validate";

export const COLUMNAR_KEYS: ReadonlySet<string> = new Set([
  "sampling_rate",
  "start_time",
  "channels",
  "channel_rates",
  "encoding",
  "rpm",
  "load_pct",
  "winding_temp_c",
  "insulation_resistance_kohm",
  "leakage_current_ma",
  "dc_bus_v",
]);
const CHANNEL_SET: ReadonlySet<string> = new Set(CHANNEL_NAMES);

export function decodeColumnar(sensorData: JsonObject, field: string): SensorWindow {
  rejectUnknownKeys(sensorData, COLUMNAR_KEYS, field);
  const compact = decodeEncoding(sensorData.encoding, joinPath(field, "encoding"));
  const rateField = joinPath(field, "sampling_rate");
  if (sensorData.sampling_rate === undefined) throw new InputError(rateField, "missing");
  const baseRate = expectNumber(sensorData.sampling_rate, rateField, SAMPLING_RATE);

  const channelsField = joinPath(field, "channels");
  if (sensorData.channels === undefined) throw new InputError(channelsField, "missing");
  const sent = expectObject(sensorData.channels, channelsField);
  rejectUnknownKeys(sent, CHANNEL_SET, channelsField);
  const names = Object.keys(sent) as ChannelName[];
  if (names.length === 0) throw new InputError(channelsField, "no channels (at least one of ia..vib_z is needed)");

  const rates = decodeChannelRates(sensorData.channel_rates, joinPath(field, "channel_rates"), names);
  const channels: Partial<Record<ChannelName, SampledSignal>> = {};
  for (const name of names) {
    const channelField = joinPath(channelsField, name);
    const samples = compact ? decodeBase64Channel(sent[name], channelField) : decodeNumberChannel(sent[name], channelField);
    channels[name] = { samples, rateHz: rates.get(name) ?? baseRate };
  }
  checkLengthsPerRate(channels, channelsField);

  const window: SensorWindow = { channels };
  if (sensorData.start_time !== undefined && sensorData.start_time !== null) {
    window.startTime = expectIsoTime(sensorData.start_time, joinPath(field, "start_time"));
  }
  const scalar = (key: string, range: NumberRange): number | undefined => optionalNumber(sensorData[key], joinPath(field, key), range);
  assignDefined(window, "rpm", scalar("rpm", RPM));
  assignDefined(window, "loadPct", scalar("load_pct", LOAD_PCT));
  assignDefined(window, "windingTempC", scalar("winding_temp_c", WINDING_TEMP_C));
  assignDefined(window, "insulationResistanceKohm", scalar("insulation_resistance_kohm", INSULATION_RESISTANCE_KOHM));
  assignDefined(window, "leakageCurrentMa", scalar("leakage_current_ma", LEAKAGE_CURRENT_MA));
  assignDefined(window, "dcBusV", scalar("dc_bus_v", DC_BUS_V));
  return window;
}

type WindowScalar = "rpm" | "loadPct" | "windingTempC" | "insulationResistanceKohm" | "leakageCurrentMa" | "dcBusV";

/** Keeps absent scalars absent (not `undefined`-valued keys), so windows compare and serialise cleanly. */
function assignDefined(window: SensorWindow, key: WindowScalar, value: number | undefined): void {
  if (value !== undefined) window[key] = value;
}

/** true for the compact encoding, false for plain JSON numbers (no `encoding` key). */
function decodeEncoding(value: unknown, field: string): boolean {
  if (value === undefined) return false;
  if (value === COMPACT_ENCODING) return true;
  throw new InputError(field, `unknown encoding ${describeValue(value)} (only "${COMPACT_ENCODING}", or no encoding for number arrays)`);
}

function decodeChannelRates(value: unknown, field: string, present: readonly ChannelName[]): Map<ChannelName, number> {
  const rates = new Map<ChannelName, number>();
  if (value === undefined) return rates;
  const sent = expectObject(value, field);
  rejectUnknownKeys(sent, CHANNEL_SET, field);
  for (const [name, rate] of Object.entries(sent)) {
    if (!present.includes(name as ChannelName)) throw new InputError(joinPath(field, name), "rate given for a channel that was not sent");
    rates.set(name as ChannelName, expectNumber(rate, joinPath(field, name), SAMPLING_RATE));
  }
  return rates;
}

/** Channels sampled at one rate come from one acquisition, so they must have one length. */
function checkLengthsPerRate(channels: Partial<Record<ChannelName, SampledSignal>>, field: string): void {
  const firstAtRate = new Map<number, { name: string; length: number }>();
  for (const [name, signal] of Object.entries(channels) as [ChannelName, SampledSignal][]) {
    const first = firstAtRate.get(signal.rateHz);
    if (first === undefined) firstAtRate.set(signal.rateHz, { name, length: signal.samples.length });
    else if (first.length !== signal.samples.length) {
      throw new InputError(
        joinPath(field, name),
        `${signal.samples.length} samples, but ${first.name} at the same rate (${signal.rateHz} Hz) has ${first.length}`,
      );
    }
  }
}
