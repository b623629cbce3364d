/**
 * Bad input against the real HTTP ingest API, generated with fast-check (fixed seed): every malformed request gets a
 * 4xx JSON `{error, field, message}` naming the problem, the api stays alive, nothing reaches the raw stream and no
 * circuit breaker opens. Bodies, charsets, content encodings (compressed, broken), and headers (Idempotency-Key,
 * X-Request-ID, keys) are generated. The per-category batches shrink a failure to its smallest case; the last test
 * sends FUZZ_RUNS requests in all (default 10,000; a nightly run sets more) drawn from every cheap category, over
 * keep-alive connections, a few at a time.
 * (Undecodable entries written straight into Redis are dead-lettered at once — see pipeline.spec.ts.)
 */
import { expect } from "chai";
import fc from "fast-check";
import { deflateSync, gzipSync, brotliCompressSync } from "node:zlib";
import { encodeColumnar, encodeCompact } from "../../ingest/sensor-data";
import { makeFleet, nextWindow } from "../../simulator/index";
import { dropPrefix, startApi, type ApiHarness } from "./api-harness";
import { uniqueName } from "./helpers";

interface BadRequest {
  what: string;
  vehicleId: string;
  body: string | Buffer;
  contentType: string | null;
  /** More request headers (Content-Encoding, Idempotency-Key, X-Request-ID, ...). */
  headers?: Record<string, string>;
  /** Another Authorization value than the fleet's ingest key (null: none). */
  authorization?: string | null;
  /** Whether the problem is in a named field (then `field` must be non-empty). */
  fieldProblem: boolean;
  status?: number;
}

/** Over the api's default 4 MB body limit and the 2 MB some tests set (the first test to load the api fixes it). */
const OVERSIZED = 5 * 1024 * 1024;

/** Requests the whole spec sends (at least): FUZZ_RUNS, default 10,000. */
const FUZZ_RUNS = Math.max(1000, Number(process.env.FUZZ_RUNS ?? 10_000));
/** Requests in flight at once in the scaled batch (2 shared cores: more only queues). */
const CONCURRENCY = 8;
const SEED = 20261126;

describe("ingest fuzz: malformed requests are rejected with a 4xx naming the problem", function () {
  this.timeout(60_000 + FUZZ_RUNS * 20);
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
    console.log(`      ${tried} malformed requests tried, all rejected with a 4xx (FUZZ_RUNS=${FUZZ_RUNS})`);
    await dropPrefix(api.redis, tag);
    await api.stop();
  });

  async function send(req: BadRequest): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
    tried++;
    const headers: Record<string, string> = {
      ...(req.authorization === undefined ? { authorization: `Bearer ${ingestKey}` } : req.authorization === null ? {} : { authorization: req.authorization }),
      ...req.headers,
    };
    if (req.contentType !== null) headers["content-type"] = req.contentType;
    const res = await fetch(`${api.base}/api/v1/diagnosis-stream/vehicles/${encodeURIComponent(req.vehicleId)}/data`, {
      method: "POST",
      headers,
      body: req.body,
    });
    const text = await res.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      /* asserted below */
    }
    const requestId = res.headers.get("x-request-id") ?? "";
    if (!/^[A-Za-z0-9._:-]{1,128}$/.test(requestId)) throw new Error(`${req.what}: X-Request-ID answered ${JSON.stringify(requestId)}`);
    return { status: res.status, body, text };
  }

  /** The assertions on one answer; throws naming the request. */
  function checkAnswer(req: BadRequest, { status, body, text }: { status: number; body: Record<string, unknown>; text: string }): void {
    const where = `${req.what}: ${status} ${text.slice(0, 200)}`;
    expect(status, where).to.be.within(400, 499);
    if (req.status) expect(status, where).to.equal(req.status);
    expect(body.error, where).to.be.a("string").and.not.empty;
    expect(body.message, where).to.be.a("string").and.not.empty;
    if (req.fieldProblem) expect(body.field, where).to.be.a("string").and.not.empty;
    expect(text, where).not.to.match(/\bat .+\.[jt]s:\d+|node_modules|stack/);
  }

  /** No circuit breaker of this broker is open or half-open. */
  function openBreakers(): string[] {
    const store =
      (api.broker as unknown as { CircuitBreakerStore?: Map<string, { state: string }> }).CircuitBreakerStore ?? new Map<string, { state: string }>();
    return [...store.entries()].filter(([, s]) => s.state !== "CIRCUIT_CLOSE").map(([name, s]) => `${name}: ${s.state}`);
  }

  async function checkBatch(arb: fc.Arbitrary<BadRequest>, numRuns: number): Promise<void> {
    const before = await api.redis.xlen(api.keys.rawStream);
    await fc.assert(
      fc.asyncProperty(arb, async (req) => checkAnswer(req, await send(req))),
      { numRuns, seed: SEED },
    );
    await checkAfterBatch(before);
  }

  async function checkAfterBatch(streamLengthBefore: number): Promise<void> {
    expect((await fetch(`${api.base}/live`)).status, "api alive after the batch").to.equal(200);
    expect(await api.redis.xlen(api.keys.rawStream), "nothing reached the stream").to.equal(streamLengthBefore);
    expect(openBreakers(), "circuit breakers opened").to.deep.equal([]);
  }

  const json = (v: unknown) => JSON.stringify(v);
  const good = (sensorData: unknown, extra: Record<string, unknown> = {}): BadRequest => ({
    what: "",
    vehicleId: "EV-FUZZ-1",
    body: json({ sensor_data: sensorData, ...extra }),
    contentType: "application/json",
    fieldProblem: true,
  });

  it("accepts the unmodified bodies (so the rejections below are caused by the corruption)", async () => {
    for (const sd of [columnar, compact]) {
      const res = await fetch(`${api.base}/api/v1/diagnosis-stream/vehicles/EV-FUZZ-OK/data`, {
        method: "POST",
        headers: { authorization: `Bearer ${ingestKey}`, "content-type": "application/json" },
        body: json({ sensor_data: sd }),
      });
      expect(res.status).to.equal(202);
    }
    await api.redis.del(api.keys.rawStream);
  });

  function valueArb(): fc.Arbitrary<BadRequest> {
    const badScalar = fc.oneof(
      fc.constantFrom<unknown>("NaN", "Infinity", "-Infinity", "1e999", null, true, false, [], {}, "", "8192", [1, 2]),
      fc.string({ maxLength: 8 }),
    );
    const badRate = fc.oneof(badScalar, fc.constantFrom<unknown>(0, -1, -8192, 1e12, 0.5, 2e6));
    const field = fc.constantFrom("rpm", "load_pct", "winding_temp_c", "insulation_resistance_kohm", "leakage_current_ma", "dc_bus_v");
    const arb = fc.oneof(
      badRate.map((v) => ({ ...good({ ...columnar, sampling_rate: v }), what: `sampling_rate=${json(v)}` })),
      // null stands for "not measured" in the optional scalars, so it is not among their bad values.
      fc
        .tuple(
          field,
          fc.oneof(
            badScalar.filter((v) => v !== null),
            fc.constantFrom<unknown>(-1e9, 1e12),
          ),
        )
        .map(([f, v]) => ({ ...good({ ...columnar, [f]: v }), what: `${f}=${json(v)}` })),
      // JSON cannot carry NaN/Infinity: raw tokens make the body invalid JSON, 1e999 parses to Infinity.
      fc.constantFrom("NaN", "Infinity", "1e999", "-1e999").map((tok) => ({
        ...good(null),
        what: `raw token ${tok}`,
        body: json({ sensor_data: columnar }).replace(/"sampling_rate":\d+/, `"sampling_rate":${tok}`),
      })),
      fc
        .tuple(
          fc.constantFrom(...channelNames),
          fc.integer({ min: 0, max: n - 1 }),
          fc.constantFrom<unknown>("NaN", "Infinity", null, "1", true, {}, [1], 1e7, -1e7),
        )
        .map(([ch, i, v]) => {
          const arr = [...columnar.channels[ch]];
          arr[i] = v;
          return { ...good({ ...columnar, channels: { ...columnar.channels, [ch]: arr } }), what: `channels.${ch}[${i}]=${json(v)}` };
        }),
      fc.constantFrom<unknown>(null, 1, "x", [], [[1, 2]], { ia: "1,2" }).map((v) => ({ ...good({ ...columnar, channels: v }), what: `channels=${json(v)}` })),
      fc.constantFrom<unknown>(null, 1, "x", [], true).map((v) => ({ ...good(v), what: `sensor_data=${json(v)}` })),
    );
    return arb;
  }
  it("wrong types, non-finite numbers and absurd values in any field", () => checkBatch(valueArb(), 120));

  function channelArb(heavy: boolean): fc.Arbitrary<BadRequest> {
    const arb = fc.oneof(
      fc.constantFrom(...channelNames).map((ch) => ({ ...good({ ...columnar, channels: { ...columnar.channels, [ch]: [] } }), what: `${ch} empty` })),
      fc.tuple(fc.constantFrom(...channelNames), fc.integer({ min: 1, max: n - 1 })).map(([ch, cut]) => ({
        ...good({ ...columnar, channels: { ...columnar.channels, [ch]: columnar.channels[ch].slice(0, cut) } }),
        what: `${ch} shortened to ${cut}`,
      })),
      fc.constant({ ...good({ ...columnar, channels: {} }), what: "no channels" }),
      // 2^20 + 1 samples of "0": under the body limit, over the per-channel sample cap (2 MB: not in the scaled batch).
      ...(heavy
        ? [
            fc.constant({
              ...good(null),
              what: "2^20+1 samples",
              body: `{"sensor_data":{"sampling_rate":8192,"channels":{"ia":[${"0,".repeat(2 ** 20)}0]}}}`,
            }),
          ]
        : []),
    );
    return arb;
  }
  it("empty, mismatched and enormous channel arrays", () => checkBatch(channelArb(true), 40));

  function compactArb(): fc.Arbitrary<BadRequest> {
    const ch = Object.keys(compact.channels)[0];
    const arb = fc.oneof(
      fc
        .oneof(fc.constantFrom("f64le-base64", "F32LE-BASE64", "base64", "", "gzip"), fc.string({ maxLength: 12 }))
        .filter((e) => e !== "f32le-base64")
        .map((e) => ({ ...good({ ...compact, encoding: e }), what: `encoding=${json(e)}` })),
      fc
        .oneof(
          fc.constantFrom("!!!!", "A", "AAA", "AAAAA===", "====", "@@@@AAAA", " "),
          fc.string({ minLength: 1, maxLength: 10 }).map((s) => `${s}*`),
        )
        .map((b) => ({ ...good({ ...compact, channels: { ...compact.channels, [ch]: b } }), what: `channels.${ch}="${b}"` })),
      fc.constant({
        ...good({ ...compact, channels: { ...compact.channels, [ch]: compact.channels[ch].slice(0, -8) } }),
        what: "one channel shorter (base64)",
      }),
      // NaN as float32 bits: 0x7fc00000 little-endian.
      fc.constant({
        ...good({ ...compact, channels: { ...compact.channels, [ch]: Buffer.from(new Float32Array(n).fill(Number.NaN).buffer).toString("base64") } }),
        what: "NaN samples (f32)",
      }),
    );
    return arb;
  }
  it("unknown encodings and broken base64 in the compact shape", () => checkBatch(compactArb(), 40));

  function vehicleIdArb(): fc.Arbitrary<BadRequest> {
    const badChar = fc.constantFrom("*", " ", "\n", "\r", "\t", "\u0000", "\u001b", "{", "}", "?", "[", "]", "/", "\\", '"', "'", "%", "é", "💥");
    const arb = fc
      .oneof(
        fc.tuple(fc.stringMatching(/^[A-Za-z0-9]{0,10}$/), badChar, fc.stringMatching(/^[A-Za-z0-9]{0,10}$/)).map(([a, c, b]) => `${a}${c}${b}`),
        fc.integer({ min: 65, max: 300 }).map((len) => "V".repeat(len)),
      )
      .map((vehicleId): BadRequest => ({ ...good(columnar), vehicleId, what: `vehicle id ${json(vehicleId)}`, status: 400 }));
    return arb;
  }
  it("vehicle ids with control, glob, space, brace or newline characters, or too long", () => checkBatch(vehicleIdArb(), 60));

  function shapeArb(heavy: boolean): fc.Arbitrary<BadRequest> {
    const body = json({ sensor_data: columnar });
    const deep = (depth: number) => `${"[".repeat(depth)}1${"]".repeat(depth)}`;
    const arb = fc.oneof(
      fc
        .constantFrom("[]", "1", '"x"', "null", "{}", '{"metadata":{}}', json({ sensor_data: columnar, metadata: "x" }))
        .map((b): BadRequest => ({ ...good(null), body: b, what: `body ${b.slice(0, 40)}` })),
      fc.integer({ min: 9, max: heavy ? 5000 : 200 }).map((d): BadRequest => ({
        ...good(null),
        body: `{"sensor_data":${body.slice(15, -1)},"metadata":{"x":${deep(d)}}}`,
        what: `metadata nested ${d} deep`,
      })),
      fc
        .constantFrom("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "application/jsonp", null)
        .map((ct): BadRequest => ({ ...good(null), body, contentType: ct, what: `content-type ${ct}`, status: 415 })),
      fc
        .constantFrom("{", '{"sensor_data":', "{'a':1}", '{"a":1,}', "\u0000", '{"sensor_data":{}}}')
        .map((b): BadRequest => ({ ...good(null), body: b, what: `invalid JSON ${json(b)}` })),
      ...(heavy
        ? [
            fc.constant<BadRequest>({
              ...good(null),
              body: json({ sensor_data: columnar, pad: "x".repeat(OVERSIZED) }),
              what: "body over the limit",
              status: 413,
            }),
          ]
        : []),
    );
    return arb;
  }
  it("wrong top-level shapes, deep nesting, wrong content types, invalid JSON and oversized bodies", () => checkBatch(shapeArb(true), 60));

  /** Charsets, content encodings and compression, odd headers, and bytes that are not UTF-8 JSON. */
  function transportArb(): fc.Arbitrary<BadRequest> {
    const body = json({ sensor_data: compact });
    const token = fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/);
    const charset = fc
      .oneof(
        fc.constantFrom(
          "utf-16le",
          "utf-16be",
          "utf-16",
          "utf-7",
          "UTF-7",
          "utf-32",
          "latin1",
          "iso-8859-1",
          "us-ascii",
          "windows-1252",
          "koi8-r",
          '"utf-16"',
          "",
          "utf-8x",
          "cesu-8",
        ),
        token,
      )
      .filter((c) => !/^"?utf-?8"?$/i.test(c));
    const encoded = (cs: string): Buffer => (/^"?utf-?16/i.test(cs) ? Buffer.from(body, "utf16le") : Buffer.from(body));
    const compress = { gzip: gzipSync, "x-gzip": gzipSync, deflate: deflateSync, br: brotliCompressSync } as const;
    const encoding = fc
      .oneof(fc.constantFrom("gzip", "x-gzip", "deflate", "br", "compress", "zstd", "gzip, identity", "identity, gzip", "GZIP"), token)
      .filter((e) => e.toLowerCase() !== "identity");
    const printable = fc.stringMatching(/^[ -~]{0,40}$/);
    // HTTP trims whitespace (tabs too) at the ends of a header value: a tab inside a key has a visible character on each side.
    const visible = fc.stringMatching(/^[!-~]{1,20}$/);
    return fc.oneof(
      charset.map((cs): BadRequest => ({
        ...good(null),
        body: encoded(cs),
        contentType: `application/json; charset=${cs}`,
        what: `charset ${cs}`,
        status: 415,
      })),
      fc.tuple(fc.constantFrom("boundary=x", "q=1", "foo", "charset=utf-8; x=1", "version=2"), fc.boolean()).map(([param, upper]): BadRequest => ({
        ...good(null),
        body,
        contentType: `${upper ? "APPLICATION/JSON" : "application/json"}; ${param}`,
        what: `content-type parameter ${param}`,
        status: 415,
      })),
      fc.tuple(encoding, fc.constantFrom("compressed", "plain", "garbage", "truncated")).map(([enc, kind]): BadRequest => {
        const c = compress[enc.toLowerCase() as keyof typeof compress];
        const payload =
          kind === "plain" || !c
            ? Buffer.from(body)
            : kind === "garbage"
              ? Buffer.from("not compressed at all")
              : kind === "truncated"
                ? c(Buffer.from(body)).subarray(0, 40)
                : c(Buffer.from(body));
        return { ...good(null), body: payload, headers: { "content-encoding": enc }, what: `content-encoding ${enc} (${kind})`, status: 415 };
      }),
      // A gzip bomb: 16 MB of zeros in ~16 KB; never inflated.
      fc.constant<BadRequest>({
        ...good(null),
        body: gzipSync(Buffer.alloc(16 * 1024 * 1024)),
        headers: { "content-encoding": "gzip" },
        what: "gzip bomb",
        status: 415,
      }),
      fc
        .oneof(
          fc.integer({ min: 201, max: 4000 }).map((len) => "k".repeat(len)),
          fc.tuple(visible, visible).map(([a, b]) => `${a}\t${b}`),
        )
        .map((key): BadRequest => ({
          ...good(null),
          body,
          headers: { "idempotency-key": key },
          what: `Idempotency-Key of ${key.length} characters${key.includes("\t") ? " with a tab" : ""}`,
          status: 400,
        })),
      fc
        .oneof(
          fc.constant(null),
          fc.constantFrom("Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "vtox_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
          printable.map((t) => `Bearer ${t}`),
        )
        .map((authorization): BadRequest => ({
          ...good(null),
          body,
          authorization,
          what: `Authorization ${json(authorization)}`,
          status: 401,
          fieldProblem: false,
        })),
      // Bytes that are not UTF-8, or UTF-16 claimed to be UTF-8; an X-Request-ID that must not be echoed.
      fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 64 }), printable).map(([bytes, rid]): BadRequest => ({
        ...good(null),
        body: Buffer.concat([Buffer.from('{"sensor_data":"'), Buffer.from(bytes.map((b) => b | 0x80)), Buffer.from('"}')]),
        headers: { "x-request-id": `${rid}<>` },
        what: `non-UTF-8 bytes ${Buffer.from(bytes).toString("hex").slice(0, 16)}`,
      })),
      fc.constant<BadRequest>({ ...good(null), body: Buffer.from(body, "utf16le"), what: "UTF-16 bytes sent as UTF-8" }),
      fc.constant<BadRequest>({
        ...good(null),
        body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json({ sensor_data: { ...compact, encoding: "x" } }))]),
        what: "BOM then a bad body",
      }),
    );
  }

  it("charsets, content encodings, compression, Idempotency-Key, keys and non-UTF-8 bytes", () => checkBatch(transportArb(), 200));

  it(`FUZZ_RUNS requests in all, from every category at once (${FUZZ_RUNS}; keep-alive, ${CONCURRENCY} in flight)`, async () => {
    const runs = Math.max(0, FUZZ_RUNS - tried);
    const arb = fc.oneof(valueArb(), channelArb(false), compactArb(), vehicleIdArb(), shapeArb(false), transportArb(), transportArb());
    const requests = fc.sample(arb, { numRuns: runs, seed: SEED });
    const before = await api.redis.xlen(api.keys.rawStream);
    const failures: string[] = [];
    let next = 0;
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < requests.length) {
          const req = requests[next++];
          try {
            checkAnswer(req, await send(req));
          } catch (err) {
            failures.push((err as Error).message.slice(0, 300));
          }
        }
      }),
    );
    console.log(`      scaled batch: ${requests.length} requests in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    expect(failures.slice(0, 5), `${failures.length} of ${requests.length} requests not answered as expected`).to.deep.equal([]);
    await checkAfterBatch(before);
    expect(tried, "requests sent by the spec").to.be.at.least(FUZZ_RUNS);
    // Ingest still works for everyone.
    const ok = await fetch(`${api.base}/api/v1/diagnosis-stream/vehicles/EV-FUZZ-OK/data`, {
      method: "POST",
      headers: { authorization: `Bearer ${ingestKey}`, "content-type": "application/json" },
      body: json({ sensor_data: compact }),
    });
    expect(ok.status).to.equal(202);
    await api.redis.del(api.keys.rawStream);
  });
});
