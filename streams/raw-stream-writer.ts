/**
 * Writing windows into the raw stream `motor_raw_data` in the layouts of docs/architecture.md#raw-stream-layout:
 *  - given `sensorData`, the original layout:
 *      vehicle_id, timestamp (ISO), sensor_data (JSON string), metadata (JSON string), data_type=motor_sensor_data
 *    in exactly that field order, so that entries are indistinguishable from the original producer's;
 *  - given a decoded `window`, the binary layout (our gateway): vehicle_id, timestamp, metadata, data_type,
 *    fleet_id, sensor_layout (JSON), then one `samples:<channel>` field per channel holding the typed array's own
 *    bytes (little-endian, no copy, no string) — the entry is the window's only store.
 *
 * Public interface:
 *   rawEntryFields(entry: RawEntry): string[]            (Buffer in the list only if you passed one)
 *   appendRawEntry(redis, stream, entry, { maxLen }): Promise<string>          XADD stream MAXLEN ~ n * ...
 *   appendRawEntryOnce(redis, stream, idempotencyKey, ttlS, entry, { maxLen }): Promise<string>
 *   appendRawEntryOnceWithStatus(...same): Promise<{ id, duplicate }>
 *
 * `sensorData` / `metadata` given as a string or Buffer are taken as JSON text that is already
 * serialised (the gateway holds the request body) and written byte for byte; anything else is
 * JSON.stringify'd. The contract's sensor_data is always an object, so a string never means a JSON string value.
 *
 * Idempotent append — why one Lua script rather than SET NX + XADD in MULTI: MULTI cannot make the XADD
 * conditional on the SET NX result, and the entry id is not known before the XADD, so a MULTI variant needs a
 * placeholder written first; a crash between the placeholder and the XADD then leaves a key that claims a
 * window that was never written (the client got an error and retries, and the retry is refused until the TTL
 * runs out). The script checks the key, XADDs and stores the new id under the key in one atomic step:
 * Redis never runs another command in between and persists/replicates the script's effects together.
 */
import type { Redis } from "ioredis";
import { luaCommand } from "../stores/lua-command";
import type { SensorWindow } from "../analyzers/types";
import { MOTOR_SENSOR_DATA_TYPE, RAW_FLEET_FIELD, RAW_SENSOR_LAYOUT_FIELD, samplesField } from "../contracts/streams";
import { sampleBytes } from "../ingest/sample-bytes";
import { encodeSensorLayout, windowLayout } from "../ingest/sensor-layout";

/** Default bound for the raw stream; lag against it is the monitor's job (invariant 4). */
export const DEFAULT_RAW_MAXLEN = 100_000;

/** Pre-serialised JSON text (string or UTF-8 bytes) or a value to serialise. */
export type JsonInput = string | Buffer | object;

interface RawEntryCommon {
  /** The sending key's fleet (written after the five original fields); absent as in an older producer's entry. */
  fleetId?: string;
  vehicleId: string;
  /** ISO string, Date or epoch milliseconds; written as ISO 8601. */
  timestamp: string | Date | number;
  metadata?: JsonInput;
}

/** The original layout: the sensor_data JSON as sent. */
export type JsonRawEntry = RawEntryCommon & { sensorData: JsonInput; window?: never };
/** The binary layout: a decoded window whose typed arrays become the entry's sample fields. */
export type BinaryRawEntry = RawEntryCommon & { window: SensorWindow; sensorData?: never };
export type RawEntry = JsonRawEntry | BinaryRawEntry;

export interface AppendOptions {
  /** Approximate MAXLEN (`~`) bound of the stream. */
  maxLen?: number;
}

function jsonField(value: JsonInput | undefined): string | Buffer {
  if (value === undefined) return "{}";
  if (typeof value === "string" || Buffer.isBuffer(value)) return value;
  return JSON.stringify(value);
}

function isoTimestamp(t: string | Date | number): string {
  if (typeof t === "string") return t;
  return (typeof t === "number" ? new Date(t) : t).toISOString();
}

export function rawEntryFields(entry: JsonRawEntry & { sensorData: string | object; metadata?: string | object }): string[];
export function rawEntryFields(entry: RawEntry): (string | Buffer)[];
export function rawEntryFields(entry: RawEntry): (string | Buffer)[] {
  if (entry.window) return binaryEntryFields(entry);
  return [
    "vehicle_id",
    entry.vehicleId,
    "timestamp",
    isoTimestamp(entry.timestamp),
    "sensor_data",
    jsonField(entry.sensorData),
    "metadata",
    jsonField(entry.metadata),
    "data_type",
    MOTOR_SENSOR_DATA_TYPE,
    ...(entry.fleetId === undefined ? [] : [RAW_FLEET_FIELD, entry.fleetId]),
  ];
}

function binaryEntryFields(entry: BinaryRawEntry): (string | Buffer)[] {
  const fields: (string | Buffer)[] = [
    "vehicle_id",
    entry.vehicleId,
    "timestamp",
    isoTimestamp(entry.timestamp),
    "metadata",
    jsonField(entry.metadata),
    "data_type",
    MOTOR_SENSOR_DATA_TYPE,
    ...(entry.fleetId === undefined ? [] : [RAW_FLEET_FIELD, entry.fleetId]),
    RAW_SENSOR_LAYOUT_FIELD,
    encodeSensorLayout(windowLayout(entry.window)),
  ];
  for (const [name, signal] of Object.entries(entry.window.channels)) fields.push(samplesField(name), sampleBytes(signal.samples));
  return fields;
}

export async function appendRawEntry(redis: Redis, stream: string, entry: RawEntry, opts: AppendOptions = {}): Promise<string> {
  const id = await redis.xadd(stream, "MAXLEN", "~", opts.maxLen ?? DEFAULT_RAW_MAXLEN, "*", ...rawEntryFields(entry));
  if (id === null) throw new Error(`XADD to ${stream} returned no id`);
  return id;
}

// The record is "<fingerprint> <entry id>": a reuse with another fingerprint (another body) is told apart from a retry.
const appendOnceScript = luaCommand({
  name: "vtoxAppendRawOnceV2",
  numberOfKeys: 2,
  lua: `
local existing = redis.call('GET', KEYS[1])
if existing then
  local sep = string.find(existing, ' ', 1, true)
  local fp = sep and string.sub(existing, 1, sep - 1) or ''
  local id = sep and string.sub(existing, sep + 1) or existing
  if fp == ARGV[3] then return {id, 1} end
  return {id, 2}
end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, 4))
redis.call('SET', KEYS[1], ARGV[3] .. ' ' .. id, 'EX', ARGV[1])
return {id, 0}
`,
});

export interface AppendOnceResult {
  /** The entry's id: the new one, or the one written by the first append under the same key. */
  id: string;
  /** True when the key had been used already (for the same fingerprint) and nothing was written. */
  duplicate: boolean;
  /** True when the key had been used for another fingerprint (another body): nothing was written, refuse it. */
  conflict: boolean;
}

export interface AppendOnceOptions extends AppendOptions {
  /** What the key must keep meaning (e.g. a hash of the body): a reuse with another fingerprint is a conflict. */
  fingerprint?: string;
}

/**
 * XADD unless `idempotencyKey` (a full Redis key, e.g. RedisKeys.dedupe("ingest", fleet + ":" + header))
 * was used within `ttlS` seconds; returns the first id for a repeated key.
 */
export async function appendRawEntryOnceWithStatus(
  redis: Redis,
  stream: string,
  idempotencyKey: string,
  ttlS: number,
  entry: RawEntry,
  opts: AppendOnceOptions = {},
): Promise<AppendOnceResult> {
  const fingerprint = opts.fingerprint ?? "";
  if (fingerprint.includes(" ")) throw new RangeError("an idempotency fingerprint has no spaces");
  const reply = await appendOnceScript.run(
    redis,
    [idempotencyKey, stream],
    [Math.max(1, Math.round(ttlS)), opts.maxLen ?? DEFAULT_RAW_MAXLEN, fingerprint, ...rawEntryFields(entry)],
  );
  if (!Array.isArray(reply) || typeof reply[0] !== "string") throw new Error("unexpected reply from append-once script");
  return { id: reply[0], duplicate: reply[1] === 1, conflict: reply[1] === 2 };
}

export async function appendRawEntryOnce(
  redis: Redis,
  stream: string,
  idempotencyKey: string,
  ttlS: number,
  entry: RawEntry,
  opts: AppendOnceOptions = {},
): Promise<string> {
  return (await appendRawEntryOnceWithStatus(redis, stream, idempotencyKey, ttlS, entry, opts)).id;
}
