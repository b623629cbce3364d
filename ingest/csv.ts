/**
 * CSV in the original system's layout: a header row of legacy column names (English or Chinese,
 * e.g. `时间,Ia,Ib,Ic,振动_X,温度,转速,负载`), one row per sample. The sampling rate comes from the
 * time column (or is passed in). Column meanings and units are those of legacy rows
 * (legacy-columns.ts). Delimiter: comma, or tab/semicolon when the header uses one. A leading
 * column with an empty header (pandas' row index) is ignored. Errors name `csv.line[N].Column`.
 */
import type { SensorWindow } from "../analyzers/types";
import { InputError } from "./errors";
import { hasAnyChannel, legacyRate, resolveLegacyHeader, storeLegacyCell, windowFromLegacyColumns, type CellField, type LegacyColumn } from "./legacy-columns";
import { MAX_SAMPLES_PER_CHANNEL, SAMPLING_RATE } from "./limits";
import { expectNumber, joinPath, shown } from "./validate";

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export interface CsvOptions {
  /** Overrides the time column (it must then agree with it within 2 %). */
  samplingRateHz?: number;
}

function unquote(cell: string): string {
  const t = cell.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t;
}

function delimiterOf(header: string): string {
  if (header.includes(",")) return ",";
  if (header.includes("\t")) return "\t";
  if (header.includes(";")) return ";";
  return ",";
}

export function decodeCsv(text: string, options: CsvOptions = {}): SensorWindow {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
  if (lines.length === 0) throw new InputError("csv", "empty file");
  const delimiter = delimiterOf(lines[0]);
  const header = lines[0].split(delimiter).map(unquote);
  const skipIndex = header.length > 1 && header[0] === "" ? 1 : 0;
  const names = header.slice(skipIndex);

  const rowCount = lines.length - 1;
  if (rowCount === 0) throw new InputError("csv.line[2]", "no data rows after the header");
  if (rowCount > MAX_SAMPLES_PER_CHANNEL) throw new InputError("csv", `${rowCount} rows exceed the limit of ${MAX_SAMPLES_PER_CHANNEL}`);

  const lineField = (line: number): string => joinPath("csv.line", line);
  const cellField: CellField = (row, name) => joinPath(lineField(row + 2), name);
  names.forEach((name, k) => {
    if (name === "") throw new InputError(lineField(1), `column ${k + 1 + skipIndex} has an empty name`);
  });
  const quantities = resolveLegacyHeader(names, (name) => joinPath(lineField(1), name));
  const columns: LegacyColumn[] = names.map((name, k) => ({ name, quantity: quantities[k], values: new Float64Array(rowCount) }));
  if (!hasAnyChannel(columns)) throw new InputError(lineField(1), "no waveform column (Ia/Ib/Ic, Va/Vb/Vc or vibration_x/振动_X)");

  for (let row = 0; row < rowCount; row++) {
    const cells = lines[row + 1].split(delimiter);
    if (cells.length !== header.length) {
      throw new InputError(lineField(row + 2), `${cells.length} cells, but the header has ${header.length} columns`);
    }
    for (let k = 0; k < columns.length; k++) {
      const cell = unquote(cells[k + skipIndex]);
      const field = cellField(row, columns[k].name);
      if (!DECIMAL.test(cell)) throw new InputError(field, `expected a number, got ${JSON.stringify(shown(cell))}`);
      storeLegacyCell(columns[k], row, Number(cell), field);
    }
  }

  const rateHz = options.samplingRateHz === undefined ? undefined : expectNumber(options.samplingRateHz, "sampling_rate", SAMPLING_RATE);
  const time = columns.find((c) => c.quantity === "time");
  return windowFromLegacyColumns(columns, legacyRate(time, { rateHz, rateField: "sampling_rate" }, cellField));
}
