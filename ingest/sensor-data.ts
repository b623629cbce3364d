/**
 * `sensor_data` of an ingest body or stream entry → SensorWindow, whichever of the three shapes
 * of docs/architecture.md#ingest-body-shapes it comes in (legacy rows, columnar, compact). Pure; every defect of the
 * input throws InputError naming the field, and nothing else is ever thrown for bad input.
 */
import type { SensorWindow } from "../analyzers/types";
import { decodeColumnar } from "./columnar";
import { InputError } from "./errors";
import { decodeLegacyRows, type FallbackRate } from "./legacy-rows";
import { SAMPLING_RATE } from "./limits";
import { expectNumber, expectObject, isPlainObject, joinPath } from "./validate";

export { encodeColumnar, encodeCompact, encodeLegacyRows } from "./encode";
export type { ColumnarSensorData, CompactSensorData, LegacyRow, LegacySensorData } from "./encode";
export { InputError } from "./errors";

export type SensorDataShape = "legacy" | "columnar" | "compact";

/** Which shape an object is in: `data` → legacy rows; `channels` → columnar, or compact with `encoding`. */
export function sensorDataShape(sensorData: unknown, field = "sensor_data"): SensorDataShape {
  const obj = expectObject(sensorData, field);
  const hasRows = obj.data !== undefined;
  const hasChannels = obj.channels !== undefined;
  if (hasRows && hasChannels) throw new InputError(field, 'has both "data" (legacy rows) and "channels" (columnar); send one');
  if (hasRows) return "legacy";
  if (hasChannels) return obj.encoding === undefined ? "columnar" : "compact";
  throw new InputError(field, 'expected "data" (legacy rows) or "channels" (columnar/compact)');
}

/**
 * Decodes one window. `metadata` is consulted for one thing only: a legacy producer that put
 * `sampling_rate` in metadata rather than beside the rows (used when the rows carry none).
 * `field` is the path prefix of error fields (`sensor_data` in the HTTP and stream contracts).
 */
export function decodeSensorData(sensorData: unknown, metadata?: unknown, field = "sensor_data"): SensorWindow {
  const shape = sensorDataShape(sensorData, field);
  const obj = sensorData as Record<string, unknown>;
  if (shape === "legacy") return decodeLegacyRows(obj, field, metadataRate(metadata));
  return decodeColumnar(obj, field);
}

function metadataRate(metadata: unknown): FallbackRate | undefined {
  if (!isPlainObject(metadata) || metadata.sampling_rate === undefined) return undefined;
  const field = joinPath("metadata", "sampling_rate");
  return { rateHz: expectNumber(metadata.sampling_rate, field, SAMPLING_RATE), field };
}
