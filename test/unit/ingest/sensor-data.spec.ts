import { expect } from "chai";
import { decodeSensorData, encodeColumnar, encodeCompact, encodeLegacyRows, sensorDataShape } from "../../../ingest/sensor-data";
import { MAX_LEGACY_ROWS, MAX_SAMPLES_PER_CHANNEL } from "../../../ingest/limits";
import type { ChannelName, SensorWindow } from "../../../analyzers/types";
import { expectInputError } from "../../helpers/input-error";
import { columnar, compact, f32Base64, legacy, N, RATE_HZ, sampleWindow, type Json } from "./fixtures";

function expectSameSamples(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  expect(actual.length).to.equal(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (Math.abs(actual[i] - expected[i]) > tolerance) expect.fail(`sample ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

function expectSameWindow(actual: SensorWindow, expected: SensorWindow, tolerance: number): void {
  expect(Object.keys(actual.channels).sort()).to.deep.equal(Object.keys(expected.channels).sort());
  for (const name of Object.keys(expected.channels) as ChannelName[]) {
    expect(actual.channels[name]!.rateHz).to.be.closeTo(expected.channels[name]!.rateHz, 1e-6 * expected.channels[name]!.rateHz);
    expectSameSamples(actual.channels[name]!.samples, expected.channels[name]!.samples, tolerance);
  }
  for (const key of ["rpm", "loadPct", "windingTempC", "insulationResistanceKohm", "leakageCurrentMa"] as const) {
    if (expected[key] === undefined) expect(actual[key]).to.equal(undefined);
    else expect(actual[key]).to.be.closeTo(expected[key], 1e-9 * Math.max(1, Math.abs(expected[key])));
  }
}

describe("decode/sensor-data: the three shapes", () => {
  it("columnar decodes channels, rate and every scalar exactly", () => {
    const w = decodeSensorData(columnar());
    expectSameWindow(w, sampleWindow(), 0);
    expect(w.startTime).to.equal("2026-01-15T08:30:00.000Z");
    expect(w.dcBusV).to.equal(400);
    expect(w.channels.ia!.samples).to.be.instanceOf(Float64Array);
  });

  it("compact equals columnar within float32 precision, as Float32Array", () => {
    const fromCompact = decodeSensorData(compact());
    const fromColumnar = decodeSensorData(columnar());
    expect(fromCompact.channels.ia!.samples).to.be.instanceOf(Float32Array);
    // float32 keeps 24 bits of mantissa: relative error ≤ 2^-24 ≈ 6e-8; 180 V × 6e-8 ≈ 1.1e-5.
    expectSameWindow(fromCompact, fromColumnar, 180 * 2 ** -24);
    expect(sensorDataShape(compact())).to.equal("compact");
  });

  it("compact decodes large channels (unpooled buffers) and small ones (pooled, maybe unaligned)", () => {
    for (const n of [1, 3, 5, 1000, 5000]) {
      const values = Array.from({ length: n }, (_, i) => Math.sin(i) * 100);
      const body = { sampling_rate: 1000, encoding: "f32le-base64", channels: { ia: f32Base64(values) } };
      expectSameSamples(decodeSensorData(body).channels.ia!.samples, new Float32Array(values), 0);
    }
  });

  it("legacy rows with English and Chinese column names give the same window as columnar", () => {
    const english = decodeSensorData(legacy(false));
    const chinese = decodeSensorData(legacy(true));
    expectSameWindow(chinese, english, 0);
    expectSameWindow(english, sampleWindow(), 1e-12);
  });

  it("legacy units: insulation_resistance in MΩ → kΩ, leakage_current in A → mA", () => {
    const body = {
      data: [
        { 时间: 0, Ia: 8.6, Ib: -8.6, Ic: 0, vibration_x: 0.03, temperature: 45.3, rpm: 1500, load: 80, insulation_resistance: 1003.2, leakage_current: 0.001 },
      ],
      sampling_rate: 3000,
    };
    const w = decodeSensorData(body);
    expect(w.insulationResistanceKohm).to.be.closeTo(1_003_200, 1e-6);
    expect(w.leakageCurrentMa).to.be.closeTo(1, 1e-12);
    expect(w.windingTempC).to.equal(45.3);
    expect(w.rpm).to.equal(1500);
    expect(w.loadPct).to.equal(80);
    expect(w.channels.ia!.rateHz).to.equal(3000);
    expect(Array.from(w.channels.vib_x!.samples)).to.deep.equal([0.03]);
  });

  it("legacy alternative names: time, 振动_X, 温度, 转速, 负载 and lowercase ia/ib/ic", () => {
    const rows = [0, 1, 2, 3].map((i) => ({ time: i / 2000, ia: i, ib: 2 * i, ic: 0, 振动_X: 0.01 * i, 温度: 50 + i, 转速: 1000, 负载: 40 }));
    const w = decodeSensorData({ data: rows });
    expect(w.channels.ia!.rateHz).to.be.closeTo(2000, 1e-9);
    expect(Array.from(w.channels.ib!.samples)).to.deep.equal([0, 2, 4, 6]);
    expect(w.windingTempC).to.equal(51.5); // averaged over the window
    expect(w.rpm).to.equal(1000);
    expect(w.loadPct).to.equal(40);
  });

  it("legacy rate inference from the time column, robust to times rounded to 4 decimals", () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({ 时间: Number((i / 3000).toFixed(4)), Ia: Math.sin(i) }));
    const w = decodeSensorData({ data: rows });
    // (n-1)/(t_last - t_0) = 299 / 0.0997 — within the rounding of the last time (±0.00005 s).
    expect(w.channels.ia!.rateHz).to.be.closeTo(3000, 3000 * (0.00005 / 0.0997) + 1e-9);
    expect(w.channels.ia!.samples.length).to.equal(300);
  });

  it("legacy: sampling_rate wins over the time column when they agree; metadata.sampling_rate is a fallback", () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({ time: i / 1000.5, Ia: i }));
    expect(decodeSensorData({ data: rows, sampling_rate: 1000 }).channels.ia!.rateHz).to.equal(1000);
    const noTime = Array.from({ length: 10 }, (_, i) => ({ Ia: i }));
    expect(decodeSensorData({ data: noTime }, { sampling_rate: 2500 }).channels.ia!.rateHz).to.equal(2500);
    expect(decodeSensorData({ data: noTime, sampling_rate: 500 }, { sampling_rate: 2500 }).channels.ia!.rateHz).to.equal(500);
  });

  it("channel_rates gives a channel its own rate and length", () => {
    const body = columnar();
    body.channels.vib_x = Array.from({ length: 4 * N }, (_, i) => Math.sin(i / 10));
    body.channel_rates = { vib_x: 4 * RATE_HZ };
    const w = decodeSensorData(body);
    expect(w.channels.vib_x!.rateHz).to.equal(4 * RATE_HZ);
    expect(w.channels.vib_x!.samples.length).to.equal(4 * N);
    expect(w.channels.ia!.rateHz).to.equal(RATE_HZ);
  });

  it("scalars are optional, and null counts as absent", () => {
    const w = decodeSensorData({ sampling_rate: 100, channels: { ia: [1, 2, 3] }, rpm: null });
    expect(w).to.deep.equal({ channels: { ia: { samples: new Float64Array([1, 2, 3]), rateHz: 100 } } });
  });

  it("encoders round-trip: columnar exactly, compact within float32, legacy within float64", () => {
    const w = sampleWindow();
    const viaJson = (x: unknown): unknown => JSON.parse(JSON.stringify(x));
    expectSameWindow(decodeSensorData(viaJson(encodeColumnar(w))), w, 0);
    expectSameWindow(decodeSensorData(viaJson(encodeCompact(w))), w, 180 * 2 ** -24);
    expectSameWindow(decodeSensorData(viaJson(encodeLegacyRows(w, { chinese: true }))), w, 1e-12);
    const mixed: SensorWindow = {
      channels: {
        ia: { samples: new Float64Array([1, 2]), rateHz: 100 },
        ib: { samples: new Float64Array([3, 4]), rateHz: 100 },
        vib_x: { samples: new Float64Array([5, 6, 7, 8]), rateHz: 200 },
      },
    };
    const enc = encodeCompact(mixed);
    expect(enc.sampling_rate).to.equal(100);
    expect(enc.channel_rates).to.deep.equal({ vib_x: 200 });
    expectSameWindow(decodeSensorData(viaJson(enc)), mixed, 0);
  });
});

type Mutable = { [key: string]: Json | undefined } & { channels?: Json; data?: Json };
interface BadCase {
  name: string;
  build: () => unknown;
  field: string;
  metadata?: unknown;
  message?: string | RegExp;
}

function col(mutate: (b: ReturnType<typeof columnar>) => void): () => unknown {
  return () => {
    const b = columnar();
    mutate(b);
    return b;
  };
}
function cmp(mutate: (b: ReturnType<typeof compact>) => void): () => unknown {
  return () => {
    const b = compact();
    mutate(b);
    return b;
  };
}
function leg(mutate: (b: ReturnType<typeof legacy>) => void, chinese = false): () => unknown {
  return () => {
    const b = legacy(chinese);
    mutate(b);
    return b;
  };
}
const rows = (b: ReturnType<typeof legacy>): { [key: string]: Json }[] => b.data;

export const SENSOR_DATA_BAD_CASES: BadCase[] = [
  // Not an object / no recognisable shape
  { name: "null", build: () => null, field: "sensor_data" },
  { name: "an array", build: () => [1, 2], field: "sensor_data" },
  { name: "a JSON string instead of an object", build: () => JSON.stringify(columnar()), field: "sensor_data" },
  { name: "a number", build: () => 42, field: "sensor_data" },
  { name: "neither data nor channels", build: () => ({ sampling_rate: 1000 }), field: "sensor_data", message: "expected" },
  { name: "both data and channels", build: () => ({ ...columnar(), data: [] }), field: "sensor_data", message: "both" },
  // Columnar: keys
  {
    name: "unknown top-level key",
    build: col((b) => {
      (b as Mutable).foo = 1;
    }),
    field: "sensor_data.foo",
    message: "unknown key",
  },
  {
    name: "misspelt sampling_rate",
    build: col((b) => {
      (b as Mutable).sampling_rae = 1000;
    }),
    field: "sensor_data.sampling_rae",
  },
  {
    name: "unknown top-level key with odd characters",
    build: col((b) => {
      (b as Mutable)["a b"] = 1;
    }),
    field: 'sensor_data["a b"]',
  },
  {
    name: "unknown channel name",
    build: col((b) => {
      b.channels.id = [1];
    }),
    field: "sensor_data.channels.id",
    message: "unknown key",
  },
  {
    name: "upper-case channel name in columnar",
    build: col((b) => {
      b.channels.IA = b.channels.ia;
      delete b.channels.ia;
    }),
    field: "sensor_data.channels.IA",
  },
  {
    name: "channels is an array",
    build: col((b) => {
      (b as Mutable).channels = [[1, 2]];
    }),
    field: "sensor_data.channels",
  },
  {
    name: "channels is null",
    build: col((b) => {
      (b as Mutable).channels = null;
    }),
    field: "sensor_data.channels",
  },
  {
    name: "no channels",
    build: col((b) => {
      (b as Mutable).channels = {};
    }),
    field: "sensor_data.channels",
    message: "no channels",
  },
  // Columnar: samples
  {
    name: "empty channel",
    build: col((b) => {
      b.channels.ia = [];
    }),
    field: "sensor_data.channels.ia",
    message: "empty",
  },
  {
    name: "NaN sample",
    build: col((b) => {
      (b.channels.ia as unknown[])[12] = NaN;
    }),
    field: "sensor_data.channels.ia[12]",
    message: "NaN",
  },
  {
    name: "Infinity sample",
    build: col((b) => {
      (b.channels.ib as unknown[])[3] = Infinity;
    }),
    field: "sensor_data.channels.ib[3]",
  },
  {
    name: "-Infinity sample",
    build: col((b) => {
      (b.channels.ic as unknown[])[0] = -Infinity;
    }),
    field: "sensor_data.channels.ic[0]",
  },
  {
    name: "numeric string sample",
    build: col((b) => {
      b.channels.ic[7] = "1.5";
    }),
    field: "sensor_data.channels.ic[7]",
    message: "string",
  },
  {
    name: "null sample",
    build: col((b) => {
      b.channels.ia[5] = null;
    }),
    field: "sensor_data.channels.ia[5]",
  },
  {
    name: "nested array sample",
    build: col((b) => {
      b.channels.ia[0] = [1, 2];
    }),
    field: "sensor_data.channels.ia[0]",
  },
  {
    name: "object sample",
    build: col((b) => {
      b.channels.vib_x[9] = { v: 1 };
    }),
    field: "sensor_data.channels.vib_x[9]",
  },
  {
    name: "boolean sample",
    build: col((b) => {
      b.channels.va[63] = true;
    }),
    field: "sensor_data.channels.va[63]",
  },
  {
    name: "absurd sample magnitude",
    build: col((b) => {
      b.channels.ia[2] = 1e300;
    }),
    field: "sensor_data.channels.ia[2]",
    message: "exceeds",
  },
  {
    name: "hole in a sparse array",
    build: col((b) => {
      const a = new Array<Json>(4);
      a[0] = 1;
      b.channels.ia = a;
    }),
    field: "sensor_data.channels.ia[1]",
  },
  {
    name: "base64 string without encoding",
    build: col((b) => {
      (b.channels as { [k: string]: Json }).ia = "AAAAAA==";
    }),
    field: "sensor_data.channels.ia",
    message: "encoding",
  },
  {
    name: "channel is a number",
    build: col((b) => {
      (b.channels as { [k: string]: Json }).ia = 3;
    }),
    field: "sensor_data.channels.ia",
  },
  {
    name: "channel is an object",
    build: col((b) => {
      (b.channels as { [k: string]: Json }).ia = { "0": 1 };
    }),
    field: "sensor_data.channels.ia",
  },
  {
    name: "channel lengths differ at one rate",
    build: col((b) => {
      b.channels.ib = b.channels.ib.slice(1);
    }),
    field: "sensor_data.channels.ib",
    message: "same rate",
  },
  {
    name: "too many samples in a channel",
    build: col((b) => {
      b.channels.ia = new Array<Json>(MAX_SAMPLES_PER_CHANNEL + 1);
    }),
    field: "sensor_data.channels.ia",
    message: "limit",
  },
  // Columnar: sampling rate
  {
    name: "sampling_rate missing",
    build: col((b) => {
      delete (b as Mutable).sampling_rate;
    }),
    field: "sensor_data.sampling_rate",
    message: "missing",
  },
  {
    name: "sampling_rate 0",
    build: col((b) => {
      b.sampling_rate = 0;
    }),
    field: "sensor_data.sampling_rate",
  },
  {
    name: "sampling_rate negative",
    build: col((b) => {
      b.sampling_rate = -8192;
    }),
    field: "sensor_data.sampling_rate",
  },
  {
    name: "sampling_rate absurd (> 1 MHz)",
    build: col((b) => {
      b.sampling_rate = 2e6;
    }),
    field: "sensor_data.sampling_rate",
    message: "out of range",
  },
  {
    name: "sampling_rate NaN",
    build: col((b) => {
      (b as Mutable).sampling_rate = NaN;
    }),
    field: "sensor_data.sampling_rate",
  },
  {
    name: "sampling_rate as a string",
    build: col((b) => {
      b.sampling_rate = "8192";
    }),
    field: "sensor_data.sampling_rate",
  },
  {
    name: "sampling_rate null",
    build: col((b) => {
      b.sampling_rate = null;
    }),
    field: "sensor_data.sampling_rate",
  },
  // Columnar: encoding and per-channel rates
  {
    name: "unknown encoding",
    build: col((b) => {
      b.encoding = "f16le-base64";
    }),
    field: "sensor_data.encoding",
    message: "unknown encoding",
  },
  {
    name: "encoding not a string",
    build: col((b) => {
      b.encoding = 42;
    }),
    field: "sensor_data.encoding",
  },
  {
    name: "channel_rates names an unknown channel",
    build: col((b) => {
      b.channel_rates = { foo: 100 };
    }),
    field: "sensor_data.channel_rates.foo",
  },
  {
    name: "channel_rates names a channel not sent",
    build: col((b) => {
      b.channel_rates = { vib_y: 100 };
    }),
    field: "sensor_data.channel_rates.vib_y",
    message: "not sent",
  },
  {
    name: "channel_rates value 0",
    build: col((b) => {
      b.channel_rates = { vib_x: 0 };
    }),
    field: "sensor_data.channel_rates.vib_x",
  },
  {
    name: "channel_rates value absurd",
    build: col((b) => {
      b.channel_rates = { vib_x: 5e6 };
    }),
    field: "sensor_data.channel_rates.vib_x",
  },
  {
    name: "channel_rates not an object",
    build: col((b) => {
      b.channel_rates = [25600];
    }),
    field: "sensor_data.channel_rates",
  },
  // Columnar: scalars
  {
    name: "negative rpm",
    build: col((b) => {
      b.rpm = -1;
    }),
    field: "sensor_data.rpm",
  },
  {
    name: "rpm above 100000",
    build: col((b) => {
      b.rpm = 150000;
    }),
    field: "sensor_data.rpm",
  },
  {
    name: "rpm as a string",
    build: col((b) => {
      b.rpm = "1500";
    }),
    field: "sensor_data.rpm",
  },
  {
    name: "rpm as an object",
    build: col((b) => {
      b.rpm = { value: 1500 };
    }),
    field: "sensor_data.rpm",
  },
  {
    name: "winding temperature below -60 °C",
    build: col((b) => {
      b.winding_temp_c = -100;
    }),
    field: "sensor_data.winding_temp_c",
  },
  {
    name: "winding temperature above 300 °C",
    build: col((b) => {
      b.winding_temp_c = 400;
    }),
    field: "sensor_data.winding_temp_c",
  },
  {
    name: "negative insulation resistance",
    build: col((b) => {
      b.insulation_resistance_kohm = -5;
    }),
    field: "sensor_data.insulation_resistance_kohm",
  },
  {
    name: "negative leakage current",
    build: col((b) => {
      b.leakage_current_ma = -0.1;
    }),
    field: "sensor_data.leakage_current_ma",
  },
  {
    name: "absurd leakage current",
    build: col((b) => {
      b.leakage_current_ma = 1e6;
    }),
    field: "sensor_data.leakage_current_ma",
  },
  {
    name: "dc_bus_v zero",
    build: col((b) => {
      b.dc_bus_v = 0;
    }),
    field: "sensor_data.dc_bus_v",
  },
  {
    name: "dc_bus_v absurd",
    build: col((b) => {
      b.dc_bus_v = 50000;
    }),
    field: "sensor_data.dc_bus_v",
  },
  {
    name: "load_pct absurd",
    build: col((b) => {
      b.load_pct = 1000;
    }),
    field: "sensor_data.load_pct",
  },
  {
    name: "start_time not a date",
    build: col((b) => {
      b.start_time = "yesterday";
    }),
    field: "sensor_data.start_time",
  },
  {
    name: "start_time a number",
    build: col((b) => {
      b.start_time = 1700000000;
    }),
    field: "sensor_data.start_time",
  },
  {
    name: "start_time impossible date",
    build: col((b) => {
      b.start_time = "2024-13-45T99:00:00Z";
    }),
    field: "sensor_data.start_time",
  },
  // Compact
  {
    name: "compact: characters outside base64",
    build: cmp((b) => {
      b.channels.ia = "@@@@";
    }),
    field: "sensor_data.channels.ia",
    message: "base64",
  },
  {
    name: "compact: base64url alphabet",
    build: cmp((b) => {
      b.channels.ia = "AA-_";
    }),
    field: "sensor_data.channels.ia",
    message: "base64",
  },
  {
    name: "compact: length not a multiple of 4 characters",
    build: cmp((b) => {
      b.channels.ia = "AAAAA";
    }),
    field: "sensor_data.channels.ia",
  },
  {
    name: "compact: padding in the middle",
    build: cmp((b) => {
      b.channels.ia = "AA==AAAA";
    }),
    field: "sensor_data.channels.ia",
  },
  {
    name: "compact: bytes not a multiple of 4",
    build: cmp((b) => {
      b.channels.ia = "AAA=";
    }),
    field: "sensor_data.channels.ia",
    message: "multiple of 4",
  },
  {
    name: "compact: channel as a number array",
    build: cmp((b) => {
      (b.channels as { [k: string]: Json }).ia = [1, 2];
    }),
    field: "sensor_data.channels.ia",
    message: "base64",
  },
  {
    name: "compact: empty channel",
    build: cmp((b) => {
      b.channels.ia = "";
    }),
    field: "sensor_data.channels.ia",
    message: "empty",
  },
  {
    name: "compact: NaN bit pattern",
    build: cmp((b) => {
      b.channels.ia = f32Base64([1, 2, NaN, 4]);
    }),
    field: "sensor_data.channels.ia[2]",
    message: "NaN",
  },
  {
    name: "compact: Infinity bit pattern",
    build: cmp((b) => {
      b.channels.vib_x = f32Base64([Infinity]);
    }),
    field: "sensor_data.channels.vib_x[0]",
  },
  {
    name: "compact: channel lengths differ",
    build: cmp((b) => {
      b.channels.ib = f32Base64([1, 2, 3]);
    }),
    field: "sensor_data.channels.ib",
  },
  {
    name: "compact: too many samples",
    build: cmp((b) => {
      b.channels.ia = "A".repeat(Math.ceil(((MAX_SAMPLES_PER_CHANNEL + 1) * 4) / 3) * 4);
    }),
    field: "sensor_data.channels.ia",
    message: "limit",
  },
  {
    name: "compact: unknown channel",
    build: cmp((b) => {
      b.channels.temp = "AAAAAA==";
    }),
    field: "sensor_data.channels.temp",
  },
  // Legacy rows
  { name: "legacy: data is an object", build: () => ({ data: { Ia: [1] }, sampling_rate: 1000 }), field: "sensor_data.data" },
  { name: "legacy: no rows", build: () => ({ data: [], sampling_rate: 1000 }), field: "sensor_data.data", message: "no rows" },
  { name: "legacy: row 0 not an object", build: () => ({ data: [[0, 1, 2]], sampling_rate: 1000 }), field: "sensor_data.data[0]" },
  {
    name: "legacy: a later row is null",
    build: leg((b) => {
      (b.data as Json[])[3] = null;
    }),
    field: "sensor_data.data[3]",
  },
  {
    name: "legacy: unknown column",
    build: leg((b) => {
      rows(b).forEach((r) => {
        r.foo = 1;
      });
    }),
    field: "sensor_data.data[0].foo",
    message: "unknown column",
  },
  {
    name: "legacy: two names for one quantity",
    build: leg((b) => {
      rows(b).forEach((r) => {
        r.温度 = 40;
      });
    }),
    field: "sensor_data.data[0].温度",
    message: "same quantity",
  },
  {
    name: "legacy: column missing in a later row",
    build: leg((b) => {
      delete rows(b)[2].Ib;
    }),
    field: "sensor_data.data[2].Ib",
    message: "missing",
  },
  {
    name: "legacy: extra column in a later row",
    build: leg((b) => {
      rows(b)[5].Vb = 1;
    }),
    field: "sensor_data.data[5].Vb",
    message: "not present in row 0",
  },
  {
    name: "legacy: NaN cell",
    build: leg((b) => {
      rows(b)[1].Ia = NaN;
    }),
    field: "sensor_data.data[1].Ia",
  },
  {
    name: "legacy: string cell",
    build: leg((b) => {
      rows(b)[1].Ia = "8.6";
    }),
    field: "sensor_data.data[1].Ia",
  },
  {
    name: "legacy: Chinese column, bad cell",
    build: leg((b) => {
      rows(b)[4].振动_X = null;
    }, true),
    field: "sensor_data.data[4].振动_X",
  },
  {
    name: "legacy: too many rows",
    build: () => ({ data: new Array<Json>(MAX_LEGACY_ROWS + 1), sampling_rate: 1000 }),
    field: "sensor_data.data",
    message: "limit",
  },
  {
    name: "legacy: no rate and no time column",
    build: () => ({ data: [{ Ia: 1 }, { Ia: 2 }] }),
    field: "sensor_data.sampling_rate",
    message: "no time column",
  },
  {
    name: "legacy: sampling_rate 0",
    build: leg((b) => {
      b.sampling_rate = 0;
    }),
    field: "sensor_data.sampling_rate",
  },
  {
    name: "legacy: sampling_rate disagrees with the time column",
    build: leg((b) => {
      b.sampling_rate = 2 * RATE_HZ;
    }),
    field: "sensor_data.sampling_rate",
    message: "disagrees",
  },
  {
    name: "legacy: time not increasing",
    build: leg((b) => {
      rows(b)[7].time = rows(b)[6].time;
    }),
    field: "sensor_data.data[7].time",
    message: "increase",
  },
  {
    name: "legacy: time with a gap (dropped samples)",
    build: () => ({ data: [0, 1, 2, 5, 6, 7, 8].map((t) => ({ time: t / 1000, Ia: t })) }),
    field: "sensor_data.data[3].time",
    message: "uniform grid",
  },
  {
    name: "legacy: time column implies an absurd rate",
    build: () => ({ data: [0, 1000, 2000].map((t) => ({ time: t, Ia: 1 })) }),
    field: "sensor_data.data[1].time",
    message: "seconds",
  },
  {
    name: "legacy: scalar columns only",
    build: () => ({
      data: [
        { time: 0, rpm: 1500 },
        { time: 0.001, rpm: 1500 },
      ],
    }),
    field: "sensor_data.data[0]",
    message: "no waveform",
  },
  {
    name: "legacy: unknown top-level key",
    build: leg((b) => {
      b.vehicle = "x";
    }),
    field: "sensor_data.vehicle",
  },
  {
    name: "legacy: negative rpm in a row",
    build: leg((b) => {
      rows(b)[9].rpm = -10;
    }),
    field: "sensor_data.data[9].rpm",
  },
  {
    name: "legacy: 温度 above 300 °C",
    build: leg((b) => {
      rows(b)[0].温度 = 500;
    }, true),
    field: "sensor_data.data[0].温度",
  },
  {
    name: "legacy: negative insulation resistance",
    build: leg((b) => {
      rows(b)[8].insulation_resistance = -1;
    }),
    field: "sensor_data.data[8].insulation_resistance",
  },
  {
    name: "legacy: bad metadata.sampling_rate fallback",
    build: () => ({ data: [{ Ia: 1 }, { Ia: 2 }] }),
    metadata: { sampling_rate: -5 },
    field: "metadata.sampling_rate",
  },
];

describe("decode/sensor-data: bad input throws InputError naming the field", () => {
  for (const c of SENSOR_DATA_BAD_CASES) {
    it(c.name, () => {
      const input = c.build();
      expectInputError(() => decodeSensorData(input, c.metadata), c.field, c.message);
    });
  }

  it(`covers ${SENSOR_DATA_BAD_CASES.length} distinct bad inputs`, () => {
    expect(new Set(SENSOR_DATA_BAD_CASES.map((c) => c.name)).size).to.equal(SENSOR_DATA_BAD_CASES.length);
    expect(SENSOR_DATA_BAD_CASES.length).to.be.greaterThan(80);
  });

  it("the error body is the HTTP contract {error, field, message}", () => {
    const err = expectInputError(
      () =>
        decodeSensorData(
          col((b) => {
            (b.channels.ia as unknown[])[12] = NaN;
          })(),
        ),
      "sensor_data.channels.ia[12]",
    );
    expect(err.toBody()).to.deep.equal({ error: "invalid_input", field: "sensor_data.channels.ia[12]", message: "expected a finite number, got NaN" });
    expect(err.message).to.equal("sensor_data.channels.ia[12]: expected a finite number, got NaN");
  });
});
