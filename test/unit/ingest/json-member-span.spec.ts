import { expect } from "chai";
import fc from "fast-check";
import { jsonMemberSpan } from "../../../ingest/json-member-span";

function member(text: string, key: string): unknown {
  const buf = Buffer.from(text);
  const span = jsonMemberSpan(buf, key);
  return span === undefined ? undefined : JSON.parse(buf.toString("utf8", span.start, span.end));
}

describe("jsonMemberSpan", () => {
  it("finds a top-level member's value text, whatever comes before and after", () => {
    const text = ` { "metadata" : {"a":[1,2,{"sensor_data":0}], "s":"x\\"}"} ,"sensor_data":{"channels":{"ia":"AAAA"},"rate":8192} , "z": null }`;
    expect(member(text, "sensor_data")).to.deep.equal({ channels: { ia: "AAAA" }, rate: 8192 });
    expect(member(text, "z")).to.equal(null);
    expect(member(text, "absent")).to.equal(undefined);
  });

  it("takes the last of repeated keys and decodes escaped keys, as JSON.parse does", () => {
    expect(member(`{"k":1,"k":[2]}`, "k")).to.deep.equal([2]);
    expect(member(`{"sensor\\u005fdata":"v"}`, "sensor_data")).to.equal("v");
    expect(member(`{"k":"a\\\\"}`, "k")).to.equal("a\\");
  });

  it("agrees with JSON.parse on arbitrary objects", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.string(), (obj, key) => {
        const text = JSON.stringify(obj, null, obj && Object.keys(obj).length % 2 ? 2 : undefined);
        const expected: unknown = Object.prototype.hasOwnProperty.call(obj, key) ? JSON.parse(JSON.stringify(obj[key])) : undefined;
        expect(member(text, key)).to.deep.equal(expected);
      }),
      { numRuns: 300 },
    );
  });
});
