/**
 * Property: whatever arrives, the decoders either return a window or throw InputError — never a
 * TypeError, RangeError or anything else that would crash a worker or block a stream.
 */
import { expect } from "chai";
import fc from "fast-check";
import { decodeCsv } from "../../../ingest/csv";
import { InputError } from "../../../ingest/errors";
import { decodeIngestBody } from "../../../ingest/ingest-body";
import { readRealdata } from "../../../ingest/realdata";
import { decodeSensorData } from "../../../ingest/sensor-data";
import { decodeStreamEntry } from "../../../ingest/raw-stream-entry";
import { parseMotorProfile } from "../../../analyzers/profile";
import { columnar, compact, legacy, type Json } from "./fixtures";

const RUNS = 300;

function onlyInputError(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof InputError)) throw new Error(`threw ${(e as Error)?.name ?? typeof e}: ${(e as Error)?.message ?? String(e)}`, { cause: e });
    expect(e.field).to.be.a("string").and.not.equal("");
  }
}

/** Every path into a JSON value (capped, so that long arrays contribute a few indices). */
function paths(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) {
    for (const i of [0, 1, value.length - 1]) if (i >= 0 && i < value.length) paths(value[i], [...prefix, i], out);
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  }
  return out;
}

/** A copy of `base` with the value at one path replaced (or deleted when replacement is undefined). */
function mutate(base: Json, path: (string | number)[], replacement: Json | undefined): Json {
  if (path.length === 0) return replacement ?? null;
  const copy = JSON.parse(JSON.stringify(base)) as Json;
  let node = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (replacement === undefined) delete node[last];
  else node[last] = replacement;
  return copy;
}

const replacementArb: fc.Arbitrary<Json | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(-1, 0, 1e308, -1e308, "", "NaN", "AAAA", "AA==", [], {}, [[]], "2024-01-01T00:00:00Z"),
);

function mutationProperty(base: Json, decode: (v: unknown) => unknown): fc.IPropertyWithHooks<[number, Json | undefined]> {
  const all = paths(base);
  return fc.property(fc.nat({ max: all.length - 1 }), replacementArb, (i, replacement) => {
    onlyInputError(() => decode(mutate(base, all[i], replacement)));
  });
}

describe("decoders never throw anything but InputError (fast-check)", () => {
  it("decodeSensorData on arbitrary values", () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4 }), fc.anything({ maxDepth: 2 }), (v, m) => onlyInputError(() => decodeSensorData(v, m))),
      { numRuns: RUNS },
    );
  });

  it("decodeSensorData on arbitrary JSON objects with shape keys", () => {
    const shapeLike = fc.record(
      {
        data: fc.jsonValue({ maxDepth: 3 }),
        channels: fc.jsonValue({ maxDepth: 3 }),
        sampling_rate: fc.jsonValue({ maxDepth: 1 }),
        encoding: fc.constantFrom("f32le-base64", "x"),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(shapeLike, (v) => onlyInputError(() => decodeSensorData(v))),
      { numRuns: RUNS },
    );
  });

  it("decodeSensorData on one-field mutations of valid columnar, compact and legacy windows", () => {
    for (const base of [columnar(), compact(), legacy(false), legacy(true)]) {
      fc.assert(
        mutationProperty(base as Json, (v) => decodeSensorData(v)),
        { numRuns: RUNS },
      );
    }
  });

  it("decodeIngestBody on mutations of a valid body", () => {
    fc.assert(mutationProperty({ sensor_data: columnar(), metadata: { a: [1, { b: 2 }] } }, decodeIngestBody), { numRuns: RUNS });
  });

  it("decodeStreamEntry on arbitrary field lists and objects", () => {
    const value = fc.oneof(
      fc.string(),
      fc.jsonValue({ maxDepth: 2 }).map((j) => JSON.stringify(j)),
      fc.constantFrom("motor_sensor_data", "v1", "2024-01-01T00:00:00Z"),
    );
    const names = fc.constantFrom("vehicle_id", "timestamp", "sensor_data", "metadata", "data_type", "x");
    fc.assert(
      fc.property(fc.array(fc.oneof(names, value, fc.anything({ maxDepth: 1 })), { maxLength: 14 }), (list) => onlyInputError(() => decodeStreamEntry(list))),
      {
        numRuns: RUNS,
        // Once found by a random run: a repeated empty field name must still name a field path.
        examples: [[["", 0, "", ""]]],
      },
    );
    fc.assert(
      fc.property(fc.dictionary(names, value), (obj) => onlyInputError(() => decodeStreamEntry(obj))),
      { numRuns: RUNS },
    );
  });

  it("decodeStreamEntry with valid envelope and mutated sensor_data JSON", () => {
    const base = columnar() as Json;
    const all = paths(base);
    fc.assert(
      fc.property(fc.nat({ max: all.length - 1 }), replacementArb, (i, r) => {
        const fields = [
          "vehicle_id",
          "v1",
          "timestamp",
          "2026-01-01T00:00:00Z",
          "sensor_data",
          JSON.stringify(mutate(base, all[i], r)),
          "metadata",
          "{}",
          "data_type",
          "motor_sensor_data",
        ];
        onlyInputError(() => decodeStreamEntry(fields));
      }),
      { numRuns: RUNS },
    );
  });

  it("parseMotorProfile on arbitrary values and mutations of a valid profile", () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 3 }), (v) => onlyInputError(() => parseMotorProfile(v))),
      { numRuns: RUNS },
    );
    const valid: Json = {
      motor_type: "induction",
      pole_pairs: 2,
      rated_rpm: 1750,
      rated_current_a: 6.8,
      rated_voltage_v: 230,
      rotor_bars: 28,
      supply_hz: 60,
      bearing: { n_balls: 9, ball_diameter_mm: 7.94, pitch_diameter_mm: 39.04, contact_angle_deg: 0 },
      insulation_class: "F",
      dc_bus_v: 325,
    };
    fc.assert(
      mutationProperty(valid, (v) => parseMotorProfile(v)),
      { numRuns: RUNS },
    );
  });

  it("decodeCsv on arbitrary text and on line mutations of a valid CSV", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => onlyInputError(() => decodeCsv(s))),
      { numRuns: RUNS },
    );
    const lines = ["时间,Ia,Ib,振动_X,温度", "0,1,2,0.01,40", "0.001,1.5,2,0.02,40", "0.002,1,2.5,0.01,41"];
    fc.assert(
      fc.property(fc.nat({ max: lines.length - 1 }), fc.string({ maxLength: 30 }), (i, s) => {
        const text = lines.map((l, k) => (k === i ? s : l)).join("\n");
        onlyInputError(() => decodeCsv(text));
      }),
      { numRuns: RUNS },
    );
  });

  it("readRealdata on arbitrary values", () => {
    const realdataLike = fc.record(
      {
        schema: fc.constantFrom("motor-realdata/v1", "x"),
        id: fc.jsonValue({ maxDepth: 1 }),
        fs_hz: fc.jsonValue({ maxDepth: 1 }),
        dataset: fc.constantFrom("CWRU", "ITSC", "x"),
        data: fc.jsonValue({ maxDepth: 2 }),
        label: fc.jsonValue({ maxDepth: 1 }),
        operating_point: fc.jsonValue({ maxDepth: 1 }),
        bearing: fc.jsonValue({ maxDepth: 1 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(realdataLike, (v) => onlyInputError(() => readRealdata(v))),
      { numRuns: RUNS },
    );
  });
});
