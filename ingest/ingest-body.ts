/**
 * The HTTP ingest body `{"sensor_data": {...}, "metadata": {...}}` (docs/architecture.md#ingest-body-shapes) →
 * window + metadata. metadata is optional (defaults to {}), must be an object, nests at most
 * MAX_METADATA_DEPTH levels; any other top-level key is rejected by name.
 */
import type { SensorWindow } from "../analyzers/types";
import { InputError } from "./errors";
import { MAX_METADATA_DEPTH } from "./limits";
import { decodeSensorData } from "./sensor-data";
import { expectBoundedDepth, expectObject, rejectUnknownKeys, type JsonObject } from "./validate";

const BODY_KEYS: ReadonlySet<string> = new Set(["sensor_data", "metadata"]);

export interface DecodedIngestBody {
  window: SensorWindow;
  metadata: JsonObject;
}

export function decodeIngestBody(body: unknown): DecodedIngestBody {
  const obj = expectObject(body, "body");
  rejectUnknownKeys(obj, BODY_KEYS, "");
  if (obj.sensor_data === undefined) throw new InputError("sensor_data", "missing");
  const metadata = obj.metadata === undefined || obj.metadata === null ? {} : expectObject(obj.metadata, "metadata");
  expectBoundedDepth(metadata, "metadata", MAX_METADATA_DEPTH);
  return { window: decodeSensorData(obj.sensor_data, metadata), metadata };
}
