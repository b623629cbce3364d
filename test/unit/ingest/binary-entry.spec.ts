import { expect } from "chai";
import fc from "fast-check";
import type { SensorWindow } from "../../../analyzers/types";
import { isInputError } from "../../../ingest/errors";
import { decodeStreamEntry } from "../../../ingest/raw-stream-entry";
import { rawEntryFields } from "../../../streams/raw-stream-writer";

const TIMESTAMP = "2026-01-02T03:04:05.000Z";

/** A window with a float32 channel pair, a float64 channel at its own rate, a start time and scalars. */
function window(): SensorWindow {
  const ia = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i / 3));
  const ib = Float32Array.from({ length: 64 }, (_, i) => Math.cos(i / 3));
  const vib = Float64Array.from({ length: 128 }, (_, i) => 1e-3 * i);
  return {
    startTime: "2026-01-02T03:04:04.000Z",
    channels: { ia: { samples: ia, rateHz: 8192 }, ib: { samples: ib, rateHz: 8192 }, vib_x: { samples: vib, rateHz: 16384 } },
    rpm: 1500,
    loadPct: 80,
    dcBusV: 400,
  };
}

function fields(): (string | Buffer)[] {
  return rawEntryFields({ fleetId: "fleetA", vehicleId: "VIN-1", timestamp: TIMESTAMP, window: window(), metadata: { trip: 7 } });
}

/** The field list with `name`'s value replaced (or the pair removed when `value` is undefined). */
function withField(list: (string | Buffer)[], name: string, value: string | Buffer | undefined): (string | Buffer)[] {
  const i = list.findIndex((v, k) => k % 2 === 0 && v === name);
  if (i < 0) throw new Error(`no field ${name}`);
  const out = [...list];
  if (value === undefined) out.splice(i, 2);
  else out[i + 1] = value;
  return out;
}

function layoutOf(list: (string | Buffer)[]): Record<string, unknown> & { channels: Record<string, Record<string, unknown>> } {
  return JSON.parse(String(list[list.indexOf("sensor_layout") + 1])) as Record<string, unknown> & { channels: Record<string, Record<string, unknown>> };
}

function failingField(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isInputError(err)) return err.field;
    throw err;
  }
  throw new Error("expected an InputError");
}

describe("binary raw entries (sensor_layout + samples:<channel>)", () => {
  it("writes the original fields, fleet_id, sensor_layout, then each channel's own bytes, and no sensor_data", () => {
    const w = window();
    const list = rawEntryFields({ fleetId: "fleetA", vehicleId: "VIN-1", timestamp: TIMESTAMP, window: w });
    const names = list.filter((_, i) => i % 2 === 0);
    expect(names).to.deep.equal(["vehicle_id", "timestamp", "metadata", "data_type", "fleet_id", "sensor_layout", "samples:ia", "samples:ib", "samples:vib_x"]);
    const ia = list[list.indexOf("samples:ia") + 1] as Buffer;
    expect(ia.buffer, "the typed array's memory, not a copy").to.equal(w.channels.ia!.samples.buffer);
    expect(layoutOf(list)).to.deep.equal({
      start_time: "2026-01-02T03:04:04.000Z",
      rpm: 1500,
      load_pct: 80,
      dc_bus_v: 400,
      channels: {
        ia: { rate_hz: 8192, samples: 64, type: "f32le" },
        ib: { rate_hz: 8192, samples: 64, type: "f32le" },
        vib_x: { rate_hz: 16384, samples: 128, type: "f64le" },
      },
    });
  });

  it("decodes back bit for bit in each channel's sample type, the same view on every access", () => {
    const d = decodeStreamEntry(fields());
    expect(d).to.include({ fleetId: "fleetA", vehicleId: "VIN-1", timestamp: TIMESTAMP });
    expect(d.metadata).to.deep.equal({ trip: 7 });
    expect(d.binary?.layout.channels.vib_x).to.deep.equal({ rateHz: 16384, length: 128, type: "f64le" });
    expect(d.binary?.layout.scalars).to.deep.equal({ startTime: "2026-01-02T03:04:04.000Z", rpm: 1500, loadPct: 80, dcBusV: 400 });
    expect(d.window).to.deep.equal(window());
    expect(d.window.channels.vib_x!.samples).to.be.instanceOf(Float64Array);
    expect(d.window, "viewed once, then the same instances").to.equal(d.window);
  });

  it("views unaligned bytes through an aligned copy", () => {
    const list = fields();
    const i = list.indexOf("samples:ia") + 1;
    const bytes = list[i] as Buffer;
    const odd = Buffer.alloc(bytes.length + 1).subarray(1);
    bytes.copy(odd);
    list[i] = odd;
    expect(Array.from(decodeStreamEntry(list).window.channels.ia!.samples)).to.deep.equal(Array.from(window().channels.ia!.samples));
  });

  it("names the field of a wrong byte length, an unknown sample type, a missing or textual channel field", () => {
    const list = fields();
    const ia = list[list.indexOf("samples:ia") + 1] as Buffer;
    expect(failingField(() => decodeStreamEntry(withField(list, "samples:ia", ia.subarray(4))))).to.equal("samples:ia");
    expect(failingField(() => decodeStreamEntry(withField(list, "samples:ib", undefined)))).to.equal("samples:ib");
    expect(failingField(() => decodeStreamEntry(withField(list, "samples:ia", "not bytes")))).to.equal("samples:ia");
    const f16 = layoutOf(list);
    f16.channels.ia.type = "f16le";
    expect(failingField(() => decodeStreamEntry(withField(list, "sensor_layout", JSON.stringify(f16))))).to.equal("sensor_layout.channels.ia.type");
    const mismatched = layoutOf(list);
    mismatched.channels.ib.samples = 32;
    expect(failingField(() => decodeStreamEntry(withField(list, "sensor_layout", JSON.stringify(mismatched))))).to.equal("sensor_layout.channels.ib.samples");
    const unknown = { ...layoutOf(list), gain: 2 };
    expect(failingField(() => decodeStreamEntry(withField(list, "sensor_layout", JSON.stringify(unknown))))).to.equal("sensor_layout.gain");
    expect(failingField(() => decodeStreamEntry(withField(list, "sensor_layout", "{not json")))).to.equal("sensor_layout");
    expect(failingField(() => decodeStreamEntry([...list, "sensor_data", "{}"]))).to.equal("sensor_data");
    expect(failingField(() => decodeStreamEntry(withField(list, "metadata", undefined)))).to.equal("metadata");
  });

  it("on any mutation of the layout or the sample bytes: a window or an InputError naming a field, never another error", () => {
    const list = fields();
    const layout = layoutOf(list);
    const targets: [string, string?][] = [
      ["start_time"],
      ["rpm"],
      ["channels"],
      ...Object.keys(layout.channels).flatMap((c) => ["rate_hz", "samples", "type", ""].map((k): [string, string] => [c, k])),
    ];
    const replacement = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined));
    const decodeOrInputError = (entry: (string | Buffer)[]): void => {
      try {
        const d = decodeStreamEntry(entry);
        // A decoded entry's window must view without error.
        for (const c of Object.values(d.window.channels)) expect(c.samples.length).to.be.greaterThan(0);
      } catch (err) {
        if (!isInputError(err)) throw err;
        expect(err.field).to.be.a("string").and.not.equal("");
      }
    };
    fc.assert(
      fc.property(fc.nat({ max: targets.length - 1 }), replacement, fc.integer({ min: -16, max: 16 }), (t, value, cut) => {
        const mutated = layoutOf(list);
        const [key, sub] = targets[t];
        const holder: Record<string, unknown> = sub === undefined ? mutated : sub === "" ? mutated.channels : mutated.channels[key];
        const name = sub === undefined || sub === "" ? key : sub;
        if (value === undefined) delete holder[name];
        else holder[name] = value;
        let entry = withField(list, "sensor_layout", JSON.stringify(mutated));
        const bytes = list[list.indexOf("samples:ib") + 1] as Buffer;
        entry = withField(entry, "samples:ib", cut < 0 ? bytes.subarray(-cut) : Buffer.concat([bytes, Buffer.alloc(cut)]));
        decodeOrInputError(entry);
      }),
      { numRuns: 300 },
    );
  });
});
