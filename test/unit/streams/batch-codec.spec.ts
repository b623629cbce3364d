import { expect } from "chai";
import type { SensorWindow } from "../../../analyzers/types";
import { decodeBatch, encodeBatch, mergeBatches } from "../../../streams/batch-codec";

function batch(first: number, extra: Partial<SensorWindow> = {}): SensorWindow {
  const ia = Float64Array.from({ length: 10 }, (_, i) => first + i + 0.25);
  return {
    channels: { ia: { samples: ia, rateHz: 3000 }, vib_x: { samples: new Float32Array(10).fill(0.5), rateHz: 3000 } },
    rpm: 1500,
    insulationResistanceKohm: 1000,
    startTime: `t${first}`,
    ...extra,
  };
}

describe("window codec (assembler buffer format)", () => {
  it("round-trips channels, rates, scalars and start time through float32 bytes", () => {
    const decoded = decodeBatch(encodeBatch("5-1", batch(7)));
    expect(decoded.id).to.equal("5-1");
    expect(decoded.n).to.equal(10);
    expect(Array.from(decoded.window.channels.ia!.samples)).to.deep.equal(Array.from({ length: 10 }, (_, i) => 7 + i + 0.25));
    expect(decoded.window).to.deep.include({ rpm: 1500, insulationResistanceKohm: 1000, startTime: "t7" });
    expect(decoded.window.channels.vib_x!.rateHz).to.equal(3000);
  });

  it("merges in stream-id order (numeric, not lexical), weights scalars by samples, drops inconsistent channels", () => {
    const a = decodeBatch(encodeBatch("9-0", batch(0, { rpm: 1000 })));
    const b = decodeBatch(
      encodeBatch(
        "10-0",
        batch(10, { rpm: 2000, channels: { ia: { samples: new Float32Array(30), rateHz: 3000 }, vib_x: { samples: new Float32Array(30), rateHz: 6000 } } }),
      ),
    );
    const merged = mergeBatches([b, a]);
    expect(merged.messageIds).to.deep.equal(["9-0", "10-0"]);
    expect(merged.samples).to.equal(40);
    expect(merged.window.channels.ia!.samples.length).to.equal(40);
    expect(merged.window.channels.ia!.samples[0]).to.equal(0.25);
    expect(merged.droppedChannels).to.deep.equal(["vib_x"]);
    expect(merged.window.rpm).to.equal((1000 * 10 + 2000 * 30) / 40);
    expect(merged.window.startTime).to.equal("t0");
  });
});
