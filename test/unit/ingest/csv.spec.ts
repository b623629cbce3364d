import { expect } from "chai";
import { decodeCsv } from "../../../ingest/csv";
import { decodeSensorData } from "../../../ingest/sensor-data";
import { expectInputError } from "../../helpers/input-error";

const RATE = 3000;
const N = 30;

function csvText(header: string[], row: (i: number) => (number | string)[], options: { delimiter?: string; bom?: boolean; crlf?: boolean } = {}): string {
  const d = options.delimiter ?? ",";
  const lines = [header.join(d), ...Array.from({ length: N }, (_, i) => row(i).join(d))];
  return (options.bom ? "\uFEFF" : "") + lines.join(options.crlf ? "\r\n" : "\n") + "\n";
}

const t = (i: number): string => (i / RATE).toFixed(6);
const ia = (i: number): number => Number((10 * Math.sin(2 * Math.PI * 50 * (i / RATE))).toFixed(4));
const chineseRow = (i: number): (number | string)[] => [t(i), ia(i), -ia(i), 0, 0.01, 45.5, 1500, 80];

describe("decode/csv", () => {
  it("reads the Chinese layout, rate from the time column", () => {
    const w = decodeCsv(csvText(["时间", "Ia", "Ib", "Ic", "振动_X", "温度", "转速", "负载"], chineseRow));
    // Times carry 6 decimals: ±0.5 µs over the 9.67 ms span bounds the rate error to ~0.16 Hz.
    expect(w.channels.ia!.rateHz).to.be.closeTo(RATE, 0.16);
    expect(w.channels.ia!.samples.length).to.equal(N);
    expect(w.channels.vib_x!.samples[3]).to.equal(0.01);
    expect(w.windingTempC).to.equal(45.5);
    expect(w.rpm).to.equal(1500);
    expect(w.loadPct).to.equal(80);
  });

  it("English and Chinese headers, BOM, CRLF, quotes, tabs and a pandas index column give the same window", () => {
    const chinese = decodeCsv(csvText(["时间", "Ia", "Ib", "Ic", "振动_X", "温度", "转速", "负载"], chineseRow));
    const english = decodeCsv(csvText(['"time"', "Ia", "Ib", "Ic", "vibration_x", "temperature", "rpm", "load"], chineseRow, { bom: true, crlf: true }));
    const tabs = decodeCsv(csvText(["time", "ia", "ib", "ic", "vibration_x", "temperature", "rpm", "load"], chineseRow, { delimiter: "\t" }));
    const indexed = decodeCsv(csvText(["", "时间", "Ia", "Ib", "Ic", "振动_X", "温度", "转速", "负载"], (i) => [i, ...chineseRow(i)]));
    for (const w of [english, tabs, indexed]) expect(w).to.deep.equal(chinese);
  });

  it("matches the same data sent as legacy JSON rows", () => {
    const header = ["time", "Ia", "insulation_resistance", "leakage_current"];
    const fromCsv = decodeCsv(csvText(header, (i) => [t(i), ia(i), 1003.2, 0.001]));
    const fromRows = decodeSensorData({
      data: Array.from({ length: N }, (_, i) => ({ time: Number(t(i)), Ia: ia(i), insulation_resistance: 1003.2, leakage_current: 0.001 })),
    });
    expect(fromCsv).to.deep.equal(fromRows);
    expect(fromCsv.insulationResistanceKohm).to.be.closeTo(1_003_200, 1e-6);
  });

  it("a sampling rate passed in replaces a missing time column", () => {
    const w = decodeCsv("Ia,Ib\n1,2\n3,4\n", { samplingRateHz: 500 });
    expect(w.channels.ib!.rateHz).to.equal(500);
    expect(Array.from(w.channels.ib!.samples)).to.deep.equal([2, 4]);
  });
});

interface BadCsv {
  name: string;
  text: string;
  field: string;
  message?: string;
}

export const CSV_BAD_CASES: BadCsv[] = [
  { name: "empty file", text: "", field: "csv", message: "empty" },
  { name: "only blank lines", text: "\n\n", field: "csv" },
  { name: "header only", text: "time,Ia\n", field: "csv.line[2]", message: "no data rows" },
  { name: "unknown column", text: "time,Ia,foo\n0,1,2\n", field: "csv.line[1].foo", message: "unknown column" },
  { name: "empty column name", text: "time,,Ia\n0,1,2\n", field: "csv.line[1]", message: "empty name" },
  { name: "two names for one quantity", text: "time,Ia,ia\n0,1,2\n", field: "csv.line[1].ia" },
  { name: "row with too few cells", text: "time,Ia\n0,1\n0.001,2\n0.002\n", field: "csv.line[4]", message: "cells" },
  { name: "row with too many cells", text: "time,Ia\n0,1,9\n", field: "csv.line[2]" },
  { name: "non-number cell", text: "time,Ia\n0,1\n0.001,abc\n", field: "csv.line[3].Ia", message: "expected a number" },
  { name: "NaN cell", text: "time,Ia\n0,NaN\n", field: "csv.line[2].Ia" },
  { name: "Infinity cell", text: "time,Ia\n0,Infinity\n", field: "csv.line[2].Ia" },
  { name: "empty cell", text: "time,Ia\n0,\n", field: "csv.line[2].Ia" },
  { name: "hex cell", text: "time,Ia\n0,0x10\n", field: "csv.line[2].Ia" },
  { name: "no time column and no rate", text: "Ia,Ib\n1,2\n3,4\n", field: "sampling_rate", message: "no time column" },
  { name: "time not increasing", text: "time,Ia\n0,1\n0.001,2\n0.001,3\n", field: "csv.line[4].time", message: "increase" },
  { name: "no waveform column", text: "time,rpm\n0,1500\n0.001,1500\n", field: "csv.line[1]", message: "no waveform" },
  { name: "absurd scalar", text: "time,Ia,转速\n0,1,-5\n0.001,1,-5\n", field: "csv.line[2].转速" },
  { name: "blank line inside the data", text: "time,Ia\n0,1\n\n0.002,3\n", field: "csv.line[3]" },
];

describe("decode/csv: bad CSV throws InputError naming line and column", () => {
  for (const c of CSV_BAD_CASES) {
    it(c.name, () => {
      expectInputError(() => decodeCsv(c.text), c.field, c.message);
    });
  }
});
