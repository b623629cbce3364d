/**
 * Bad input against the real HTTP ingest API, generated with fast-check: every malformed request gets a 4xx JSON
 * `{error, field, message}` naming the problem, the api stays alive, and nothing reaches the raw stream.
 * (Undecodable entries written straight into Redis are dead-lettered at once — see pipeline.spec.ts.)
 */
import { expect } from "chai";
import fc from "fast-check";
import { encodeColumnar, encodeCompact } from "../../ingest/sensor-data";
import { makeFleet, nextWindow } from "../../simulator/index";
import { dropPrefix, startApi, type ApiHarness } from "./api-harness";
import { uniqueName } from "./helpers";

interface BadRequest {
  what: string;
  vehicleId: string;
  body: string;
  contentType: string | null;
  /** Whether the problem is in a named field (then `field` must be non-empty). */
  fieldProblem: boolean;
  status?: number;
}

/** Over the api's default 4 MB body limit and the 2 MB some tests set (the first test to load the api fixes it). */
const OVERSIZED = 5 * 1024 * 1024;

describe("ingest fuzz: malformed requests are rejected with a 4xx naming the problem", function () {
  this.timeout(60_000);
  const tag = uniqueName("fuzz");
  let api: ApiHarness;
  let ingestKey: string;
  let tried = 0;
  const fleet = makeFleet({ vehicles: 1, seed: 11, faultyShare: 0, durationS: 0.0625, rateHz: 4096, vibRateHz: 4096 });
  const window = nextWindow(fleet.vehicles[0], 0);
  const columnar = encodeColumnar(window) as unknown as Record<string, unknown> & { channels: Record<string, unknown[]> };
  const compact = encodeCompact(window) as unknown as Record<string, unknown> & { channels: Record<string, string> };
  const channelNames = Object.keys(columnar.channels);
  const n = (columnar.channels[channelNames[0]] as number[]).length;

  before(async () => {
    api = await startApi(tag, "fuzz-api", { INGEST_BODY_LIMIT: "2mb", INGEST_RATE_LIMIT: "100000", INGEST_VEHICLE_RATE_LIMIT: "100000" });
    ingestKey = await api.key("fleetF", "ingest");
  });

  after(async () => {
    console.log(`      ${tried} malformed requests tried, all rejected with a 4xx`);
    await dropPrefix(api.redis, tag);
    await api.stop();
  });

  async function send(req: BadRequest): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
    tried++;
    const headers: Record<string, string> = { authorization: `Bearer ${ingestKey}` };
    if (req.contentType !== null) headers["content-type"] = req.contentType;
    const res = await fetch(`${api.base}/api/v1/diagnosis-stream/vehicles/${encodeURIComponent(req.vehicleId)}/data`, { method: "POST", headers, body: req.body });
    const text = await res.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      /* asserted below */
    }
    return { status: res.status, body, text };
  }

  async function checkBatch(arb: fc.Arbitrary<BadRequest>, numRuns: number): Promise<void> {
    const before = await api.redis.xlen(api.keys.rawStream);
    await fc.assert(
      fc.asyncProperty(arb, async (req) => {
        const { status, body, text } = await send(req);
        const where = `${req.what}: ${status} ${text.slice(0, 200)}`;
        expect(status, where).to.be.within(400, 499);
        if (req.status) expect(status, where).to.equal(req.status);
        expect(body.error, where).to.be.a("string").and.not.empty;
        expect(body.message, where).to.be.a("string").and.not.empty;
        if (req.fieldProblem) expect(body.field, where).to.be.a("string").and.not.empty;
        expect(text, where).not.to.match(/\bat .+\.[jt]s:\d+|node_modules|stack/);
      }),
      { numRuns, seed: 20261126 },
    );
    expect((await fetch(`${api.base}/live`)).status, "api alive after the batch").to.equal(200);
    expect(await api.redis.xlen(api.keys.rawStream), "nothing reached the stream").to.equal(before);
  }

  const json = (v: unknown) => JSON.stringify(v);
  const good = (sensorData: unknown, extra: Record<string, unknown> = {}): BadRequest => ({
    what: "", vehicleId: "EV-FUZZ-1", body: json({ sensor_data: sensorData, ...extra }), contentType: "application/json", fieldProblem: true,
  });

  it("accepts the unmodified bodies (so the rejections below are caused by the corruption)", async () => {
    for (const sd of [columnar, compact]) {
      const res = await fetch(`${api.base}/api/v1/diagnosis-stream/vehicles/EV-FUZZ-OK/data`, {
        method: "POST", headers: { authorization: `Bearer ${ingestKey}`, "content-type": "application/json" }, body: json({ sensor_data: sd }),
      });
      expect(res.status).to.equal(202);
    }
    await api.redis.del(api.keys.rawStream);
  });

  it("wrong types, non-finite numbers and absurd values in any field", async () => {
    const badScalar = fc.oneof(
      fc.constantFrom<unknown>("NaN", "Infinity", "-Infinity", "1e999", null, true, false, [], {}, "", "8192", [1, 2]),
      fc.string({ maxLength: 8 }),
    );
    const badRate = fc.oneof(badScalar, fc.constantFrom<unknown>(0, -1, -8192, 1e12, 0.5, 2e6));
    const field = fc.constantFrom("rpm", "load_pct", "winding_temp_c", "insulation_resistance_kohm", "leakage_current_ma", "dc_bus_v");
    const arb = fc.oneof(
      badRate.map((v) => ({ ...good({ ...columnar, sampling_rate: v }), what: `sampling_rate=${json(v)}` })),
      // null stands for "not measured" in the optional scalars, so it is not among their bad values.
      fc.tuple(field, fc.oneof(badScalar.filter((v) => v !== null), fc.constantFrom<unknown>(-1e9, 1e12))).map(([f, v]) => ({ ...good({ ...columnar, [f]: v }), what: `${f}=${json(v)}` })),
      // JSON cannot carry NaN/Infinity: raw tokens make the body invalid JSON, 1e999 parses to Infinity.
      fc.constantFrom("NaN", "Infinity", "1e999", "-1e999").map((tok) => ({
        ...good(null), what: `raw token ${tok}`, body: json({ sensor_data: columnar }).replace(/"sampling_rate":\d+/, `"sampling_rate":${tok}`),
      })),
      fc.tuple(fc.constantFrom(...channelNames), fc.integer({ min: 0, max: n - 1 }), fc.constantFrom<unknown>("NaN", "Infinity", null, "1", true, {}, [1], 1e7, -1e7)).map(([ch, i, v]) => {
        const arr = [...columnar.channels[ch]];
        arr[i] = v;
        return { ...good({ ...columnar, channels: { ...columnar.channels, [ch]: arr } }), what: `channels.${ch}[${i}]=${json(v)}` };
      }),
      fc.constantFrom<unknown>(null, 1, "x", [], [[1, 2]], { ia: "1,2" }).map((v) => ({ ...good({ ...columnar, channels: v }), what: `channels=${json(v)}` })),
      fc.constantFrom<unknown>(null, 1, "x", [], true).map((v) => ({ ...good(v), what: `sensor_data=${json(v)}` })),
    );
    await checkBatch(arb, 120);
  });

  it("empty, mismatched and enormous channel arrays", async () => {
    const arb = fc.oneof(
      fc.constantFrom(...channelNames).map((ch) => ({ ...good({ ...columnar, channels: { ...columnar.channels, [ch]: [] } }), what: `${ch} empty` })),
      fc.tuple(fc.constantFrom(...channelNames), fc.integer({ min: 1, max: n - 1 })).map(([ch, cut]) => ({
        ...good({ ...columnar, channels: { ...columnar.channels, [ch]: columnar.channels[ch].slice(0, cut) } }), what: `${ch} shortened to ${cut}`,
      })),
      fc.constant({ ...good({ ...columnar, channels: {} }), what: "no channels" }),
      // 2^20 + 1 samples of "0": under the body limit, over the per-channel sample cap.
      fc.constant({
        ...good(null), what: "2^20+1 samples",
        body: `{"sensor_data":{"sampling_rate":8192,"channels":{"ia":[${"0,".repeat(2 ** 20)}0]}}}`,
      }),
    );
    await checkBatch(arb, 40);
  });

  it("unknown encodings and broken base64 in the compact shape", async () => {
    const ch = Object.keys(compact.channels)[0];
    const arb = fc.oneof(
      fc.oneof(fc.constantFrom("f64le-base64", "F32LE-BASE64", "base64", "", "gzip"), fc.string({ maxLength: 12 }))
        .filter((e) => e !== "f32le-base64").map((e) => ({ ...good({ ...compact, encoding: e }), what: `encoding=${json(e)}` })),
      fc.oneof(fc.constantFrom("!!!!", "A", "AAA", "AAAAA===", "====", "@@@@AAAA", " "), fc.string({ minLength: 1, maxLength: 10 }).map((s) => `${s}*`))
        .map((b) => ({ ...good({ ...compact, channels: { ...compact.channels, [ch]: b } }), what: `channels.${ch}="${b}"` })),
      fc.constant({ ...good({ ...compact, channels: { ...compact.channels, [ch]: compact.channels[ch].slice(0, -8) } }), what: "one channel shorter (base64)" }),
      // NaN as float32 bits: 0x7fc00000 little-endian.
      fc.constant({ ...good({ ...compact, channels: { ...compact.channels, [ch]: Buffer.from(new Float32Array(n).fill(Number.NaN).buffer).toString("base64") } }), what: "NaN samples (f32)" }),
    );
    await checkBatch(arb, 40);
  });

  it("vehicle ids with control, glob, space, brace or newline characters, or too long", async () => {
    const badChar = fc.constantFrom("*", " ", "\n", "\r", "\t", "\u0000", "\u001b", "{", "}", "?", "[", "]", "/", "\\", "\"", "'", "%", "é", "💥");
    const arb = fc.oneof(
      fc.tuple(fc.stringMatching(/^[A-Za-z0-9]{0,10}$/), badChar, fc.stringMatching(/^[A-Za-z0-9]{0,10}$/)).map(([a, c, b]) => `${a}${c}${b}`),
      fc.integer({ min: 65, max: 300 }).map((len) => "V".repeat(len)),
    ).map((vehicleId): BadRequest => ({ ...good(columnar), vehicleId, what: `vehicle id ${json(vehicleId)}`, status: 400 }));
    await checkBatch(arb, 60);
  });

  it("wrong top-level shapes, deep nesting, wrong content types, invalid JSON and oversized bodies", async () => {
    const body = json({ sensor_data: columnar });
    const deep = (depth: number) => `${"[".repeat(depth)}1${"]".repeat(depth)}`;
    const arb = fc.oneof(
      fc.constantFrom("[]", "1", "\"x\"", "null", "{}", "{\"metadata\":{}}", json({ sensor_data: columnar, metadata: "x" }))
        .map((b): BadRequest => ({ ...good(null), body: b, what: `body ${b.slice(0, 40)}` })),
      fc.integer({ min: 9, max: 5000 }).map((d): BadRequest => ({ ...good(null), body: `{"sensor_data":${body.slice(15, -1)},"metadata":{"x":${deep(d)}}}`, what: `metadata nested ${d} deep` })),
      fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "application/jsonp", null)
        .map((ct): BadRequest => ({ ...good(null), body, contentType: ct, what: `content-type ${ct}`, status: 415 })),
      fc.constantFrom("{", "{\"sensor_data\":", "{'a':1}", "{\"a\":1,}", "\u0000", "{\"sensor_data\":{}}}")
        .map((b): BadRequest => ({ ...good(null), body: b, what: `invalid JSON ${json(b)}` })),
      fc.constant<BadRequest>({ ...good(null), body: json({ sensor_data: columnar, pad: "x".repeat(OVERSIZED) }), what: "body over the limit", status: 413 }),
    );
    await checkBatch(arb, 60);
  });
});
