/**
 * JSON from a body's bytes (ingest/json-buffer.ts): the same value as JSON.parse for any input, strings over
 * 64 KiB kept as bytes, every syntax error refused, and no string over 64 KiB built while parsing.
 */
import { expect } from "chai";
import { JsonBytes, JsonSyntaxError, MAX_TEXT_SLICE, parseJsonBuffer } from "../../../ingest/json-buffer";
import { decodeBase64Channel } from "../../../ingest/channel-samples";
import { float32ToBase64 } from "../../../ingest/f32-base64";

const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

describe("parseJsonBuffer: JSON from bytes in slices of at most 64 KiB", () => {
  it("gives what JSON.parse gives, small and large (objects and arrays over 64 KiB)", () => {
    const numbers = Array.from({ length: 30_000 }, (_, i) => Math.sin(i) * 1e3);
    const cases: unknown[] = [
      { a: 1, b: [true, null, "x"], c: { "é ü": "\u2028", 'k"q': -0.5e-7 } },
      [1, 2, 3],
      { sensor_data: { channels: { ia: numbers, ib: numbers.slice(0, 5000) }, sampling_rate: 8192 }, metadata: { trip: 4 } },
      numbers.map((x, i) => ({ i, x, s: `s${i}` })),
      { nested: [[numbers.slice(0, 9000)], [numbers.slice(9000)]] },
      "a short string",
      { __proto__: 1, a: 2, a2: 3 },
    ];
    for (const value of cases) {
      const raw = bytes(value);
      expect(parseJsonBuffer(raw)).to.deep.equal(JSON.parse(raw.toString()));
    }
    const spaced = Buffer.from(` \n{ "a" : [ 1 , 2 ] , "b" : ${JSON.stringify(numbers)} }\t`);
    expect(parseJsonBuffer(spaced)).to.deep.equal(JSON.parse(spaced.toString()));
  });

  it("keeps a string over 64 KiB as its bytes, which the base64 channel decoder reads in slices", () => {
    const samples = Float32Array.from({ length: 40_000 }, (_, i) => Math.cos(i));
    const text = float32ToBase64(samples);
    expect(text.length).to.be.above(MAX_TEXT_SLICE);
    const parsed = parseJsonBuffer(bytes({ channels: { ia: text } })) as { channels: { ia: unknown } };
    expect(parsed.channels.ia).to.be.instanceOf(JsonBytes);
    expect(Array.from(decodeBase64Channel(parsed.channels.ia, "ia"))).to.deep.equal(Array.from(samples));
    const broken = parseJsonBuffer(bytes({ ia: `${text.slice(0, 50_000)}*${text.slice(50_001)}` })) as { ia: unknown };
    expect(() => decodeBase64Channel(broken.ia, "ia")).to.throw(/not valid base64/);
  });

  it("refuses what JSON.parse refuses, small or large", () => {
    const big = JSON.stringify(Array.from({ length: 20_000 }, (_, i) => i));
    const bad = [
      "",
      "{",
      "[1,]",
      '{"a":1 "b":2}',
      '{"a":1,}',
      `{"a":${big} "b":1}`,
      `{"a":${big},}`,
      `[${big.slice(1, -1)},]`,
      `${big}x`,
      `{"a":[${"1,".repeat(40_000)}x]}`,
      `{"s":"${"a".repeat(70_000)}\\n"}`,
      `{"${"k".repeat(70_000)}":1}`,
    ];
    for (const text of bad) expect(() => parseJsonBuffer(Buffer.from(text)), text.slice(0, 40)).to.throw(JsonSyntaxError);
    // Deep nesting of large containers is refused quickly (each level would rescan its span).
    const t0 = performance.now();
    const deep = Buffer.from(`${"[".repeat(500_000)}${"]".repeat(500_000)}`);
    expect(() => parseJsonBuffer(deep)).to.throw(JsonSyntaxError);
    expect(performance.now() - t0, "ms for a 1 MB nest").to.be.below(2000);
    const invalidUtf8 = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    expect(() => parseJsonBuffer(invalidUtf8))
      .to.throw(JsonSyntaxError)
      .with.property("utf8", true);
  });

  it("never builds a string over 64 KiB while parsing a 1 MB body", () => {
    const body = bytes({ channels: { ia: float32ToBase64(new Float32Array(100_000)), ib: Array.from({ length: 60_000 }, (_, i) => i / 7) } });
    expect(body.length).to.be.above(1_000_000);
    let longest = 0;
    const proto = Buffer.prototype as unknown as { toString: (this: Buffer, ...args: unknown[]) => string };
    const original = proto.toString;
    proto.toString = function (this: Buffer, ...args: unknown[]) {
      const s = original.apply(this, args);
      longest = Math.max(longest, s.length);
      return s;
    };
    try {
      parseJsonBuffer(body);
    } finally {
      proto.toString = original;
    }
    expect(longest).to.be.above(1000).and.at.most(MAX_TEXT_SLICE);
  });
});
