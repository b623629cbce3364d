/**
 * The lean ingest path against a real api and Redis: CBOR bodies (typed-array channels), the same 4xx as JSON,
 * idempotent retries; no string over 64 KiB built for a standard window sent as compact JSON or CBOR; the vehicle
 * budget counting samples (many small legacy batches pass, a vehicle sending more samples than its budget is 429).
 */
import { expect } from "chai";
import { encode as encodeCbor } from "cbor-x";
import type { SensorWindow } from "../../analyzers/types";
import { decodeStreamEntry } from "../../ingest/raw-stream-entry";
import { encodeCompact, encodeLegacyRows } from "../../ingest/sensor-data";
import { MAX_TEXT_SLICE } from "../../ingest/json-buffer";
import { makeFleet, nextWindow } from "../../simulator/index";
import { dropPrefix, startApi, type ApiHarness } from "./api-harness";
import { uniqueName } from "./helpers";

/** A standard window: 1 s × 8192 Hz of ia, ib, ic, vib_x (the compact JSON body is ~171 KB). */
function standardWindow(seed: number): SensorWindow {
  const w = nextWindow(makeFleet({ vehicles: 1, seed, faultyShare: 0, durationS: 1, rateHz: 8192, vibRateHz: 8192 }).vehicles[0], 0);
  const channels: SensorWindow["channels"] = {};
  for (const name of ["ia", "ib", "ic", "vib_x"] as const) {
    const signal = w.channels[name];
    if (signal) channels[name] = signal;
  }
  return { ...w, channels };
}

function asFloat32Channels(w: SensorWindow): Record<string, unknown> {
  const channels: Record<string, Float32Array> = {};
  for (const [name, s] of Object.entries(w.channels)) if (s) channels[name] = Float32Array.from(s.samples);
  const { channels: _c, ...rest } = encodeCompact(w);
  const { encoding: _e, ...columnar } = rest;
  return { ...columnar, channels };
}

/** The longest string any Buffer/TextDecoder conversion or JSON.stringify returns while `run` is pending. */
async function longestStringDuring(run: () => Promise<void>): Promise<number> {
  let longest = 0;
  const note = (s: unknown) => {
    if (typeof s === "string" && s.length > longest) longest = s.length;
    return s;
  };
  const proto = Buffer.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const names = ["toString", "utf8Slice", "latin1Slice", "asciiSlice", "base64Slice", "base64urlSlice", "hexSlice", "ucs2Slice"];
  const saved = names.map((n) => [n, proto[n]] as const);
  // eslint-disable-next-line @typescript-eslint/unbound-method -- restored below, called with apply
  const savedDecode = TextDecoder.prototype.decode;
  const savedStringify = JSON.stringify;
  for (const [n, f] of saved) {
    if (typeof f === "function")
      proto[n] = function (this: Buffer, ...a: unknown[]) {
        return note(f.apply(this, a));
      };
  }
  TextDecoder.prototype.decode = function (this: InstanceType<typeof TextDecoder>, ...a: Parameters<InstanceType<typeof TextDecoder>["decode"]>) {
    return note(savedDecode.apply(this, a)) as string;
  };
  JSON.stringify = ((...a: Parameters<typeof JSON.stringify>) => note(savedStringify(...a))) as typeof JSON.stringify;
  try {
    await run();
  } finally {
    for (const [n, f] of saved) proto[n] = f;
    TextDecoder.prototype.decode = savedDecode;
    JSON.stringify = savedStringify;
  }
  return longest;
}

describe("ingest: CBOR bodies, no large strings, budgets in samples", function () {
  this.timeout(60_000);
  const tag = uniqueName("bin");
  let api: ApiHarness;
  let key: string;

  before(async () => {
    api = await startApi(tag, "bin-api", { INGEST_RATE_LIMIT: "100000", FLEET_INGEST_BYTES_PER_S: "1gb" });
    key = await api.key("fleetB", "ingest");
  });

  after(async () => {
    await dropPrefix(api.redis, tag);
    await api.stop();
  });

  const url = (vehicle: string) => `${api.base}/api/v1/diagnosis-stream/vehicles/${vehicle}/data`;
  function post(vehicle: string, body: Buffer | string, contentType: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(url(vehicle), { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": contentType, ...headers }, body });
  }
  async function entry(id: string) {
    const rows = await api.redis.xrangeBuffer(api.keys.rawStream, id, id);
    expect(rows, `entry ${id}`).to.have.length(1);
    return decodeStreamEntry(rows[0][1]);
  }

  it("a CBOR window with Float32Array channels is accepted and stored as the same samples", async () => {
    const w = standardWindow(1);
    const res = await post("EV-C1", encodeCbor({ sensor_data: asFloat32Channels(w), metadata: { trip: 7 } }), "application/cbor");
    expect(res.status, await res.clone().text()).to.equal(202);
    const { message_id: id } = (await res.json()) as { message_id: string };
    const stored = await entry(id);
    expect(stored.vehicleId).to.equal("EV-C1");
    expect(stored.fleetId).to.equal("fleetB");
    expect(stored.metadata).to.deep.equal({ trip: 7 });
    expect(Array.from(stored.window.channels.ia!.samples)).to.deep.equal(Array.from(Float32Array.from(w.channels.ia!.samples)));
    expect(stored.window.channels.vib_x!.rateHz).to.equal(8192);
  });

  it("a CBOR body with number arrays or base64 channels is accepted like JSON", async () => {
    const small = nextWindow(makeFleet({ vehicles: 1, seed: 3, faultyShare: 0, durationS: 0.125, rateHz: 4096, vibRateHz: 4096 }).vehicles[0], 0);
    for (const sensorData of [encodeCompact(small), encodeLegacyRows(small)]) {
      const res = await post("EV-C2", encodeCbor({ sensor_data: sensorData }), "application/cbor");
      expect(res.status, await res.text()).to.equal(202);
    }
  });

  it("a bad field in a CBOR body is 422 naming it; broken CBOR is 400; metadata JSON cannot hold is 422", async () => {
    const w = standardWindow(2);
    const sd = asFloat32Channels(w) as { channels: Record<string, Float32Array> };
    sd.channels.ib[5] = Number.NaN;
    let res = await post("EV-C3", encodeCbor({ sensor_data: sd }), "application/cbor");
    expect(res.status).to.equal(422);
    expect(((await res.json()) as { field: string }).field).to.equal("sensor_data.channels.ib[5]");

    res = await post("EV-C3", encodeCbor({ sensor_data: asFloat32Channels(w), extra: 1 }), "application/cbor");
    expect(res.status).to.equal(422);
    expect(((await res.json()) as { field: string }).field).to.equal("extra");

    res = await post("EV-C3", encodeCbor({ sensor_data: asFloat32Channels(w), metadata: { at: new Date(0) } }), "application/cbor");
    expect(res.status).to.equal(422);
    expect(((await res.json()) as { field: string }).field).to.equal("metadata.at");

    // A JSON body's metadata string over 64 KiB (left as bytes by the parser) is refused by name, not stored oddly.
    const longNote = JSON.stringify({ sensor_data: encodeCompact(w), metadata: { note: "n".repeat(70_000) } });
    res = await post("EV-C3", longNote, "application/json");
    expect(res.status).to.equal(422);
    expect(((await res.json()) as { field: string }).field).to.equal("metadata.note");

    res = await post("EV-C3", Buffer.from([0xbf, 0x61]), "application/cbor");
    expect(res.status).to.equal(400);
    expect(await res.json()).to.include({ error: "invalid_cbor", field: "body" });

    res = await post("EV-C3", encodeCbor([1, 2]), "application/cbor");
    expect(res.status).to.equal(422);
    expect(((await res.json()) as { field: string }).field).to.equal("body");

    res = await post("EV-C3", encodeCbor({ sensor_data: asFloat32Channels(w) }), "application/cbor; charset=utf-8");
    expect(res.status).to.equal(415);
    expect(((await res.json()) as { field: string }).field).to.equal("content-type");
  });

  it("a CBOR retry with the same Idempotency-Key gets the first id and writes nothing; another body is 422", async () => {
    const body = encodeCbor({ sensor_data: asFloat32Channels(standardWindow(4)) });
    const before = await api.redis.xlen(api.keys.rawStream);
    const first = await post("EV-C4", body, "application/cbor", { "idempotency-key": "cbor-1" });
    const again = await post("EV-C4", body, "application/cbor", { "idempotency-key": "cbor-1" });
    expect(first.status).to.equal(202);
    expect(again.status).to.equal(202);
    expect(((await again.json()) as { message_id: string }).message_id).to.equal(((await first.json()) as { message_id: string }).message_id);
    expect(await api.redis.xlen(api.keys.rawStream)).to.equal(before + 1);
    const other = await post("EV-C4", encodeCbor({ sensor_data: asFloat32Channels(standardWindow(5)) }), "application/cbor", { "idempotency-key": "cbor-1" });
    expect(other.status).to.equal(422);
    expect(((await other.json()) as { error: string }).error).to.equal("idempotency_key_reused");
  });

  it("no string over 64 KiB is built for a standard window sent as compact JSON or as CBOR", async () => {
    const w = standardWindow(6);
    const json = Buffer.from(JSON.stringify({ sensor_data: encodeCompact(w), metadata: { trip: 1 } }));
    const cbor = encodeCbor({ sensor_data: asFloat32Channels(w), metadata: { trip: 1 } });
    expect(json.length, "the JSON body is larger than any slice").to.be.above(2 * MAX_TEXT_SLICE);
    // Warm both paths first (first calls compile and load modules).
    expect((await post("EV-S1", json, "application/json")).status).to.equal(202);
    expect((await post("EV-S1", cbor, "application/cbor")).status).to.equal(202);
    for (const [body, type] of [
      [json, "application/json"],
      [cbor, "application/cbor"],
    ] as const) {
      let status = 0;
      const longest = await longestStringDuring(async () => {
        const res = await post("EV-S1", body, type);
        status = res.status;
        await res.text();
      });
      expect(status, type).to.equal(202);
      expect(longest, `${type}: longest string`).to.be.at.most(MAX_TEXT_SLICE);
      // The JSON body's base64 channels are read through strings (the observation sees them); a CBOR body's channels
      // stay binary all the way into the stream entry, so its longest string is a short field (the metadata, an id).
      if (type === "application/json") expect(longest, `${type}: the observation saw the body's channels`).to.be.above(1000);
      else expect(longest, `${type}: no channel data as text`).to.be.below(1000);
    }
  });

  it("the vehicle budget counts samples: 300 legacy 10-row batches pass, a vehicle over its samples gets 429", async () => {
    const limited = await startApi(tag, "bin-api-samples", { INGEST_RATE_LIMIT: "100000", INGEST_VEHICLE_SAMPLES_PER_S: "100000" });
    try {
      const lkey = await limited.key("fleetS", "ingest");
      const rows = encodeLegacyRows(
        nextWindow(makeFleet({ vehicles: 1, seed: 7, faultyShare: 0, durationS: 10 / 3000, rateHz: 3000, vibRateHz: 3000 }).vehicles[0], 0),
      );
      const body = JSON.stringify({ sensor_data: rows });
      const send = (vehicle: string, b: string) =>
        fetch(`${limited.base}/api/v1/diagnosis-stream/vehicles/${vehicle}/data`, {
          method: "POST",
          headers: { authorization: `Bearer ${lkey}`, "content-type": "application/json" },
          body: b,
        });
      const statuses: number[] = [];
      for (let i = 0; i < 300; i += 20) statuses.push(...(await Promise.all(Array.from({ length: 20 }, () => send("EV-LEG", body).then((r) => r.status)))));
      expect(
        statuses.filter((s) => s === 202),
        "300 small batches of one vehicle",
      ).to.have.length(300);
      // 4 channels × 8192 samples: three such windows exceed 100,000 samples.
      const big = JSON.stringify({ sensor_data: encodeCompact(standardWindow(8)) });
      const bigStatuses: number[] = [];
      let limitedRes: Response | undefined;
      for (let i = 0; i < 4; i++) {
        const res = await send("EV-BIG", big);
        bigStatuses.push(res.status);
        if (res.status === 429) limitedRes ??= res;
        else await res.text();
      }
      expect(bigStatuses.slice(0, 3), bigStatuses.join(",")).to.deep.equal([202, 202, 202]);
      expect(bigStatuses[3]).to.equal(429);
      expect(Number(limitedRes!.headers.get("retry-after"))).to.be.at.least(1);
      expect(((await limitedRes!.json()) as { field: string }).field).to.equal("vehicle_id");
    } finally {
      await dropPrefix(limited.redis, tag);
      await limited.stop();
    }
  });
});
