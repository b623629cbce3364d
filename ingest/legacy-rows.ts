/**
 * Shape 1 of docs/architecture.md#ingest-body-shapes, the original system's rows:
 * `{"data": [{"时间": 0.0, "Ia": 8.6, ...}, ...], "sampling_rate": 3000}`.
 * Row 0 fixes the columns; every other row must carry exactly the same ones.
 * Column meanings and units: legacy-columns.ts.
 */
import type { SensorWindow } from "../analyzers/types";
import { InputError } from "./errors";
import { hasAnyChannel, legacyRate, resolveLegacyHeader, storeLegacyCell, windowFromLegacyColumns, type CellField, type LegacyColumn } from "./legacy-columns";
import { MAX_LEGACY_ROWS, SAMPLING_RATE } from "./limits";
import { expectArray, expectObject, joinPath, optionalNumber, rejectUnknownKeys, type JsonObject } from "./validate";

const LEGACY_KEYS: ReadonlySet<string> = new Set(["data", "sampling_rate"]);

/** A rate found outside sensor_data (metadata.sampling_rate), used when the rows carry none. */
export interface FallbackRate {
  rateHz: number;
  field: string;
}

export function decodeLegacyRows(sensorData: JsonObject, field: string, fallback?: FallbackRate): SensorWindow {
  rejectUnknownKeys(sensorData, LEGACY_KEYS, field);
  const dataField = joinPath(field, "data");
  const rows = expectArray(sensorData.data, dataField);
  if (rows.length === 0) throw new InputError(dataField, "no rows");
  if (rows.length > MAX_LEGACY_ROWS) throw new InputError(dataField, `${rows.length} rows exceed the limit of ${MAX_LEGACY_ROWS}`);

  const cellField: CellField = (row, name) => joinPath(joinPath(dataField, row), name);
  const first = expectObject(rows[0], joinPath(dataField, 0));
  const names = Object.keys(first);
  const quantities = resolveLegacyHeader(names, (name) => cellField(0, name));
  const columns: LegacyColumn[] = names.map((name, k) => ({ name, quantity: quantities[k], values: new Float64Array(rows.length) }));
  if (!hasAnyChannel(columns)) {
    throw new InputError(joinPath(dataField, 0), "no waveform column (Ia/Ib/Ic, Va/Vb/Vc or vibration_x/振动_X)");
  }

  for (let i = 0; i < rows.length; i++) {
    const row = i === 0 ? first : expectObject(rows[i], joinPath(dataField, i));
    for (const column of columns) {
      if (!Object.prototype.hasOwnProperty.call(row, column.name)) {
        throw new InputError(cellField(i, column.name), "missing (row 0 has this column)");
      }
      storeLegacyCell(column, i, row[column.name], () => cellField(i, column.name));
    }
    if (i > 0 && Object.keys(row).length !== columns.length) {
      const extra = Object.keys(row).find((k) => !names.includes(k)) ?? "";
      throw new InputError(cellField(i, extra), "column not present in row 0");
    }
  }

  const rateField = joinPath(field, "sampling_rate");
  const sent = optionalNumber(sensorData.sampling_rate, rateField, SAMPLING_RATE);
  const source = sent !== undefined ? { rateHz: sent, rateField } : { rateHz: fallback?.rateHz, rateField: fallback?.field ?? rateField };
  const time = columns.find((c) => c.quantity === "time");
  return windowFromLegacyColumns(columns, legacyRate(time, source, cellField));
}
