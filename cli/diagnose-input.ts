/**
 * What `npm run diagnose` reads, recognised from the text itself: a motor-realdata/v1 recording,
 * an ingest body `{sensor_data, metadata}` (any of the three shapes; a bare sensor_data object is
 * accepted too), or a CSV in the original system's column layout. Pure: text in, window out.
 */
import { decodeCsv } from "../ingest/csv";
import { InputError } from "../ingest/errors";
import { decodeIngestBody } from "../ingest/ingest-body";
import { isRealdata, readRealdata } from "../ingest/realdata";
import { decodeSensorData, sensorDataShape } from "../ingest/sensor-data";
import { isPlainObject } from "../ingest/validate";
import type { MotorProfile, SensorWindow } from "../analyzers/types";

export type DiagnoseInputKind = "realdata" | "ingest-body" | "sensor-data" | "csv";

export interface DiagnoseInput {
  kind: DiagnoseInputKind;
  /** A short human description: "CWRU recording cwru_105_…", "ingest body (columnar)". */
  description: string;
  window: SensorWindow;
  /** The profile the input itself implies (realdata rigs); otherwise the caller supplies one. */
  profile?: MotorProfile;
}

export function parseJsonDocument(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new InputError(what, `not valid JSON (${(e as Error).message})`);
  }
}

export function readDiagnoseInput(text: string): DiagnoseInput {
  const body = text.replace(/^\uFEFF/, "");
  const first = body.trimStart()[0];
  if (first !== "{" && first !== "[") return { kind: "csv", description: "CSV (legacy columns)", window: decodeCsv(body) };

  const json = parseJsonDocument(body, "file");
  if (isRealdata(json)) {
    const rec = readRealdata(json);
    const condition = isPlainObject(rec.label) && typeof rec.label.condition === "string" ? `, labelled ${rec.label.condition}` : "";
    return { kind: "realdata", description: `${rec.rig.toUpperCase()} recording ${rec.id}${condition}`, window: rec.window, profile: rec.profile };
  }
  if (isPlainObject(json) && json.sensor_data !== undefined) {
    const shape = sensorDataShape(json.sensor_data);
    return { kind: "ingest-body", description: `ingest body (${shape})`, window: decodeIngestBody(json).window };
  }
  if (isPlainObject(json) && (json.data !== undefined || json.channels !== undefined)) {
    return { kind: "sensor-data", description: `sensor_data (${sensorDataShape(json)})`, window: decodeSensorData(json) };
  }
  throw new InputError("file", 'JSON that is neither a motor-realdata/v1 recording nor an ingest body {"sensor_data": ...}');
}
