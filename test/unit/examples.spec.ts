import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { decodeIngestBody } from "../../ingest/ingest-body";
import { buildExampleBody, renderExampleBody } from "../../examples/make-example-window";
import { REPO_ROOT } from "../helpers/realdata-dir";

describe("examples/window.json", () => {
  const text = readFileSync(path.join(REPO_ROOT, "examples", "window.json"), "utf8");

  it("is exactly what examples/make-example-window.ts generates (regenerate it after changing the script)", () => {
    expect(renderExampleBody(buildExampleBody())).to.equal(text);
  });

  it("is a valid columnar ingest body: 7 channels × 1024 samples at 4096 Hz (0.25 s)", () => {
    const { window, metadata } = decodeIngestBody(JSON.parse(text));
    expect(Object.keys(window.channels).sort()).to.deep.equal(["ia", "ib", "ic", "va", "vb", "vc", "vib_x"]);
    for (const s of Object.values(window.channels)) {
      expect(s.rateHz).to.equal(4096);
      expect(s.samples.length).to.equal(1024);
    }
    expect(window.rpm).to.equal(1500);
    expect(metadata.source).to.equal("examples/make-example-window.ts");
  });

  it("has balanced three-phase currents of the stated amplitude (ia + ib + ic ≈ 0, peak ≈ 40 A)", () => {
    const { window } = decodeIngestBody(JSON.parse(text));
    const [a, b, c] = [window.channels.ia!.samples, window.channels.ib!.samples, window.channels.ic!.samples];
    let maxSum = 0;
    let peak = 0;
    for (let i = 0; i < a.length; i++) {
      maxSum = Math.max(maxSum, Math.abs(a[i] + b[i] + c[i]));
      peak = Math.max(peak, Math.abs(a[i]));
    }
    // Harmonics 5 and 7 are not zero-sequence, so the sum is noise only: 3 × 0.15 A σ, bounded at ~5σ.
    expect(maxSum).to.be.below(2.5);
    expect(peak).to.be.within(38, 43);
  });
});
