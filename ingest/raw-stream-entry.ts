/**
 * One `motor_raw_data` stream entry → {fleetId, vehicleId, timestamp, window, metadata}.
 * Fields (docs/architecture.md#raw-stream-layout): vehicle_id, timestamp (ISO), sensor_data (JSON string),
 * metadata (JSON string), data_type = "motor_sensor_data", and from our gateway fleet_id. Entries written by an
 * older producer (no fleet_id) decode like any other. Our gateway's binary layout has `sensor_layout` and
 * `samples:<channel>` fields instead of `sensor_data`: its samples are checked (presence, byte length) but not
 * viewed until someone asks for `window` — the coordinator only sends workers a reference to the entry. Unknown extra fields are ignored (forward compatible);
 * a missing or repeated field, bad JSON, a wrong data_type or a bad vehicle id is an InputError
 * naming the field, so the consumer can dead-letter the entry with that reason.
 */
import type { SensorWindow } from "../analyzers/types";
import { MOTOR_SENSOR_DATA_TYPE, RAW_BINARY_ENTRY_FIELDS, RAW_ENTRY_FIELDS, RAW_FLEET_FIELD, RAW_SENSOR_LAYOUT_FIELD } from "../contracts/streams";
import { binaryWindow, channelBytes, type ChannelBytes } from "./binary-window";
import { InputError } from "./errors";
import { parseJsonText } from "./json-text";
import { MAX_METADATA_DEPTH } from "./limits";
import { decodeSensorData } from "./sensor-data";
import { decodeSensorLayout, type WindowLayout } from "./sensor-layout";
import { expectBoundedDepth, expectIsoTime, expectObject, isPlainObject, joinPath, shown, type JsonObject } from "./validate";
import { expectFleetId, expectVehicleId } from "./vehicle-id";

export { isValidVehicleId, VEHICLE_ID_PATTERN, VEHICLE_ID_MAX_LENGTH, expectVehicleId } from "./vehicle-id";

/** Field values as ioredis returns them: strings, or Buffers with the `...Buffer` commands. */
export type StreamValue = string | Buffer;

export interface DecodedStreamEntry {
  /** The sending key's fleet, or null for an entry of an older producer (it belongs to the legacy fleet). */
  fleetId: string | null;
  vehicleId: string;
  timestamp: string;
  /** For a binary entry, built (as views over its bytes) on first access. */
  readonly window: SensorWindow;
  metadata: JsonObject;
  /** Set for a binary entry: its layout and channel bytes, so the window can be referenced instead of copied. */
  binary?: { layout: WindowLayout; bytes: ChannelBytes };
}

/**
 * Accepts the flat `[name, value, name, value, ...]` list of an XREAD/XREADGROUP reply or an
 * object of the same fields.
 */
export function decodeStreamEntry(fields: unknown): DecodedStreamEntry {
  const f = collectFields(fields);
  const binary = f.has(RAW_SENSOR_LAYOUT_FIELD);
  if (binary && f.has("sensor_data")) throw new InputError("sensor_data", "an entry carries sensor_data or sensor_layout, not both");
  for (const name of binary ? RAW_BINARY_ENTRY_FIELDS : RAW_ENTRY_FIELDS) {
    if (f.get(name) === undefined) throw new InputError(name, "missing stream field");
  }
  const dataType = text(f.get("data_type"), "data_type");
  if (dataType !== MOTOR_SENSOR_DATA_TYPE) {
    throw new InputError("data_type", `expected "${MOTOR_SENSOR_DATA_TYPE}", got ${JSON.stringify(shown(dataType))}`);
  }
  const vehicleId = expectVehicleId(text(f.get("vehicle_id"), "vehicle_id"));
  const fleetField = f.get(RAW_FLEET_FIELD);
  const fleetId = fleetField === undefined ? null : expectFleetId(text(fleetField, RAW_FLEET_FIELD), RAW_FLEET_FIELD);
  const timestamp = expectIsoTime(text(f.get("timestamp"), "timestamp"), "timestamp");
  const metadata = expectObject(parseJsonText(f.get("metadata"), "metadata"), "metadata");
  expectBoundedDepth(metadata, "metadata", MAX_METADATA_DEPTH);
  if (!binary) {
    const window = decodeSensorData(parseJsonText(f.get("sensor_data"), "sensor_data"), metadata);
    return { fleetId, vehicleId, timestamp, window, metadata };
  }
  const layout = decodeSensorLayout(f.get(RAW_SENSOR_LAYOUT_FIELD));
  const bytes = channelBytes(f, layout);
  let view: SensorWindow | undefined;
  return {
    fleetId,
    vehicleId,
    timestamp,
    metadata,
    binary: { layout, bytes },
    get window(): SensorWindow {
      return (view ??= binaryWindow(layout, bytes));
    },
  };
}

function text(value: unknown, field: string): string {
  if (typeof value === "string") return value;
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  throw new InputError(field, "expected a string value");
}

function collectFields(fields: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (isPlainObject(fields)) {
    for (const [k, v] of Object.entries(fields)) out.set(k, v);
    return out;
  }
  if (!Array.isArray(fields)) throw new InputError("entry", "expected a list of field/value pairs or an object of fields");
  if (fields.length % 2 !== 0) throw new InputError("entry", `odd number of items (${fields.length}) in a field/value list`);
  for (let i = 0; i < fields.length; i += 2) {
    const rawName: unknown = fields[i];
    const name = typeof rawName === "string" ? rawName : Buffer.isBuffer(rawName) ? rawName.toString("utf8") : undefined;
    if (name === undefined) throw new InputError(joinPath("entry", i), "field name is not a string");
    // An empty or odd name cannot stand as the field path itself: name its position instead.
    if (out.has(name)) throw new InputError(name || joinPath("entry", i), `field ${JSON.stringify(name)} repeated in the entry`);
    out.set(name, fields[i + 1]);
  }
  return out;
}
