import { expect } from "chai";
import { MOTOR_SENSOR_DATA_TYPE } from "../../../contracts/streams";
import { rawEntryFields } from "../../../streams/raw-stream-writer";
import { decodeIngestBody } from "../../../ingest/ingest-body";
import { decodeStreamEntry, isValidVehicleId, VEHICLE_ID_PATTERN } from "../../../ingest/raw-stream-entry";
import { expectInputError } from "../../helpers/input-error";
import { columnar, compact, legacy } from "./fixtures";

const TIMESTAMP = "2026-01-15T08:30:00.250Z";

function entry(overrides: Record<string, string | undefined> = {}): string[] {
  const fields: Record<string, string | undefined> = {
    vehicle_id: "VIN-5YJ3E1EA7KF317000",
    timestamp: TIMESTAMP,
    sensor_data: JSON.stringify(columnar()),
    metadata: JSON.stringify({ firmware: "1.2.3", fleet: "north" }),
    data_type: MOTOR_SENSOR_DATA_TYPE,
    ...overrides,
  };
  return Object.entries(fields).flatMap(([k, v]) => (v === undefined ? [] : [k, v]));
}

function deepMetadata(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

describe("decode/stream-entry", () => {
  it("decodes a motor_raw_data entry given as the flat XREADGROUP field list", () => {
    const e = decodeStreamEntry(entry());
    expect(e.vehicleId).to.equal("VIN-5YJ3E1EA7KF317000");
    expect(e.timestamp).to.equal(TIMESTAMP);
    expect(e.metadata).to.deep.equal({ firmware: "1.2.3", fleet: "north" });
    expect(e.window.channels.ia!.samples.length).to.equal(64);
    expect(e.window.rpm).to.equal(1480);
  });

  it("accepts Buffer values (ioredis ...Buffer commands) and an object of fields", () => {
    const flat = entry();
    const asBuffers = flat.map((x) => Buffer.from(x, "utf8"));
    expect(decodeStreamEntry(asBuffers).window.channels.ib!.samples.length).to.equal(64);
    const obj: Record<string, string> = {};
    for (let i = 0; i < flat.length; i += 2) obj[flat[i]] = flat[i + 1];
    expect(decodeStreamEntry(obj).vehicleId).to.equal("VIN-5YJ3E1EA7KF317000");
  });

  it("decodes entries of an older producer (legacy rows, Chinese columns) and compact ones", () => {
    expect(decodeStreamEntry(entry({ sensor_data: JSON.stringify(legacy(true)) })).window.windingTempC).to.be.closeTo(68, 1e-9);
    expect(decodeStreamEntry(entry({ sensor_data: JSON.stringify(compact()) })).window.channels.vib_x!.samples).to.be.instanceOf(Float32Array);
  });

  it("accepts the ISO forms older producers write (Python isoformat, space separator, offsets, leap day)", () => {
    for (const ts of ["2024-01-15T08:30:00.123456", "2024-01-15 08:30:00", "2024-01-15T08:30:00+08:00", "2024-02-29T00:00:00Z"]) {
      expect(decodeStreamEntry(entry({ timestamp: ts })).timestamp).to.equal(ts);
    }
  });

  it("ignores unknown extra fields (forward compatible)", () => {
    expect(decodeStreamEntry([...entry(), "trace_id", "abc"]).vehicleId).to.equal("VIN-5YJ3E1EA7KF317000");
  });

  it("the producer's rawEntryFields builds exactly the five contract fields, and they decode back", () => {
    const fields = rawEntryFields({ vehicleId: "bus-7", timestamp: TIMESTAMP, sensorData: JSON.stringify(columnar()) });
    expect(fields.filter((_, i) => i % 2 === 0)).to.deep.equal(["vehicle_id", "timestamp", "sensor_data", "metadata", "data_type"]);
    expect(decodeStreamEntry(fields).metadata).to.deep.equal({});
  });

  describe("vehicle id rule: 1-64 of [A-Za-z0-9._:-]", () => {
    const good = ["a", "VIN-5YJ3E1EA7KF317000", "fleet.north:bus_7", "x".repeat(64), "123e4567-e89b-12d3-a456-426614174000"];
    const bad = ["", "x".repeat(65), "bus 7", "bus/7", "bus*", "{a}", "über", "a\nb", "a\u0000"];
    for (const id of good)
      it(`accepts ${JSON.stringify(id.length > 20 ? id.slice(0, 20) + "…" : id)}`, () =>
        expect(isValidVehicleId(id), `${JSON.stringify(id)} accepted`).to.equal(true));
    for (const id of bad) it(`rejects ${JSON.stringify(id.length > 20 ? id.slice(0, 20) + "…" : id)}`, () => expect(isValidVehicleId(id)).to.equal(false));
    it("non-strings are invalid", () => {
      for (const v of [undefined, null, 7, ["a"], { id: "a" }]) expect(isValidVehicleId(v)).to.equal(false);
      expect(VEHICLE_ID_PATTERN.source).to.equal("^[A-Za-z0-9._:-]{1,64}$");
    });
  });
});

interface BadCase {
  name: string;
  fields: unknown;
  field: string;
  message?: string;
}

export const STREAM_ENTRY_BAD_CASES: BadCase[] = [
  { name: "not a list or object", fields: "vehicle_id", field: "entry" },
  { name: "null", fields: null, field: "entry" },
  { name: "odd number of items", fields: entry().slice(0, 9), field: "entry", message: "odd" },
  { name: "non-string field name", fields: [1, "x", ...entry()], field: "entry[0]" },
  ...(["vehicle_id", "timestamp", "sensor_data", "metadata", "data_type"] as const).map((f) => ({
    name: `missing ${f}`,
    fields: entry({ [f]: undefined }),
    field: f,
    message: "missing",
  })),
  { name: "repeated field", fields: [...entry(), "vehicle_id", "other"], field: "vehicle_id", message: "repeated" },
  { name: "wrong data_type", fields: entry({ data_type: "motor_status" }), field: "data_type", message: MOTOR_SENSOR_DATA_TYPE },
  { name: "vehicle id empty", fields: entry({ vehicle_id: "" }), field: "vehicle_id" },
  { name: "vehicle id too long", fields: entry({ vehicle_id: "v".repeat(65) }), field: "vehicle_id" },
  { name: "vehicle id with a space", fields: entry({ vehicle_id: "bus 7" }), field: "vehicle_id" },
  { name: "vehicle id with a slash", fields: entry({ vehicle_id: "../etc" }), field: "vehicle_id" },
  { name: "vehicle id with a glob character", fields: entry({ vehicle_id: "bus*" }), field: "vehicle_id" },
  { name: "timestamp not ISO", fields: entry({ timestamp: "1700000000" }), field: "timestamp" },
  { name: "timestamp impossible time of day", fields: entry({ timestamp: "2026-01-10T25:61:00Z" }), field: "timestamp" },
  { name: "timestamp impossible date (Date.parse would roll it over)", fields: entry({ timestamp: "2026-02-30T10:00:00Z" }), field: "timestamp" },
  { name: "timestamp with trailing text", fields: entry({ timestamp: "2026-01-10T10:00:00Z; drop" }), field: "timestamp" },
  { name: "sensor_data not JSON", fields: entry({ sensor_data: "{sampling_rate: 1" }), field: "sensor_data", message: "not valid JSON" },
  { name: "sensor_data empty string", fields: entry({ sensor_data: "" }), field: "sensor_data", message: "not valid JSON" },
  { name: "sensor_data JSON null", fields: entry({ sensor_data: "null" }), field: "sensor_data" },
  {
    name: "sensor_data with a bad sample",
    fields: entry({ sensor_data: JSON.stringify({ sampling_rate: 100, channels: { ia: [1, "x"] } }) }),
    field: "sensor_data.channels.ia[1]",
  },
  { name: "metadata not JSON", fields: entry({ metadata: "{'a':1}" }), field: "metadata", message: "not valid JSON" },
  { name: "metadata a JSON array", fields: entry({ metadata: "[1,2]" }), field: "metadata" },
  { name: "metadata a JSON string", fields: entry({ metadata: '"hello"' }), field: "metadata" },
  { name: "metadata nested too deep", fields: entry({ metadata: JSON.stringify(deepMetadata(20)) }), field: "metadata", message: "deeper" },
  {
    name: "value not a string in object form",
    fields: { ...Object.fromEntries([["vehicle_id", 7]]), timestamp: TIMESTAMP, sensor_data: "{}", metadata: "{}", data_type: MOTOR_SENSOR_DATA_TYPE },
    field: "vehicle_id",
  },
];

export const INGEST_BODY_BAD_CASES: BadCase[] = [
  { name: "body not an object", fields: [], field: "body" },
  { name: "unknown body key", fields: { sensor_data: columnar(), vehicle_id: "x" }, field: "vehicle_id", message: "unknown key" },
  { name: "sensor_data missing", fields: { metadata: {} }, field: "sensor_data", message: "missing" },
  { name: "metadata not an object", fields: { sensor_data: columnar(), metadata: "x" }, field: "metadata" },
  { name: "metadata nested too deep", fields: { sensor_data: columnar(), metadata: deepMetadata(20) }, field: "metadata" },
  { name: "bad channel inside the body", fields: { sensor_data: { sampling_rate: 100, channels: { ia: [] } } }, field: "sensor_data.channels.ia" },
];

describe("decode/stream-entry: bad entries throw InputError naming the field", () => {
  for (const c of STREAM_ENTRY_BAD_CASES) {
    it(c.name, () => {
      expectInputError(() => decodeStreamEntry(c.fields), c.field, c.message);
    });
  }
});

describe("decode/ingest-body", () => {
  it("decodes {sensor_data, metadata}; metadata defaults to {}", () => {
    const d = decodeIngestBody({ sensor_data: columnar() });
    expect(d.metadata).to.deep.equal({});
    expect(d.window.channels.ia!.samples.length).to.equal(64);
  });
  for (const c of INGEST_BODY_BAD_CASES) {
    it(`rejects: ${c.name}`, () => {
      expectInputError(() => decodeIngestBody(c.fields), c.field, c.message);
    });
  }
});
