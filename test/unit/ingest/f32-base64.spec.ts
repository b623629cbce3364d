import { expect } from "chai";
import fc from "fast-check";
import { base64ToFloat32, decodeStrictBase64, float32ToBase64 } from "../../../ingest/f32-base64";

const STRICT_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

describe("decode/f32-base64", () => {
  it("decodeStrictBase64 accepts exactly the strings the strict regular expression accepts", () => {
    const chars = fc.constantFrom(..."ABCxyz019+/=-_ \n*é".split(""));
    const text = fc.array(chars, { maxLength: 16 }).map((a) => a.join(""));
    fc.assert(
      fc.property(text, (s) => {
        const expected = s.length % 4 === 0 && STRICT_BASE64.test(s);
        expect(decodeStrictBase64(s) !== null, JSON.stringify(s)).to.equal(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it("valid encodings of random bytes always decode to the same bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const decoded = decodeStrictBase64(Buffer.from(bytes).toString("base64"));
        expect(decoded && Array.from(decoded)).to.deep.equal(Array.from(bytes));
      }),
    );
  });

  it("float32 round trip is exact for float32 values, float32-rounded for doubles", () => {
    const f32 = new Float32Array([0, -1.5, 3.4e38, 1e-45, 123.456]);
    expect(Array.from(base64ToFloat32(float32ToBase64(f32), "x"))).to.deep.equal(Array.from(f32));
    expect(base64ToFloat32(float32ToBase64([0.1]), "x")[0]).to.equal(Math.fround(0.1));
  });

  it("little-endian on the wire: 1.0f is 00 00 80 3f", () => {
    expect(Buffer.from(float32ToBase64([1]), "base64").toString("hex")).to.equal("0000803f");
  });
});
