import { expect } from "chai";
import { addThreePhaseTones, addTones, balancedTone, tone } from "../../../simulator/tones";

describe("simulator/tones", () => {
  const rate = 8192,
    n = 5000; // not a multiple of the re-anchoring block

  it("three-phase recurrence equals direct cosines (odd tone count, a tone above Nyquist skipped)", () => {
    const tones = [balancedTone(50.3, 10, 0.4, 1), balancedTone(251.5, 0.3, 1.1, -1), balancedTone(5000, 1, 0, 1)];
    const a = new Float64Array(n),
      b = new Float64Array(n),
      c = new Float64Array(n);
    addThreePhaseTones(tones, rate, a, b, c);
    let err = 0;
    for (let i = 0; i < n; i++) {
      const t = i / rate;
      const ea = 10 * Math.cos(2 * Math.PI * 50.3 * t + 0.4) + 0.3 * Math.cos(2 * Math.PI * 251.5 * t + 1.1);
      const eb = 10 * Math.cos(2 * Math.PI * 50.3 * t + 0.4 - (2 * Math.PI) / 3) + 0.3 * Math.cos(2 * Math.PI * 251.5 * t + 1.1 + (2 * Math.PI) / 3);
      const ec = 10 * Math.cos(2 * Math.PI * 50.3 * t + 0.4 + (2 * Math.PI) / 3) + 0.3 * Math.cos(2 * Math.PI * 251.5 * t + 1.1 - (2 * Math.PI) / 3);
      err = Math.max(err, Math.abs(a[i] - ea), Math.abs(b[i] - eb), Math.abs(c[i] - ec));
    }
    expect(err).to.be.below(1e-9);
  });

  it("single-channel recurrence equals direct cosines", () => {
    const out = new Float64Array(n);
    addTones([tone(29.9, 0.05, 2), tone(1234.5, 0.02, -1), tone(3000.25, 0.5, 0.3)], rate, out);
    let err = 0;
    for (let i = 0; i < n; i++) {
      const t = i / rate;
      const e = 0.05 * Math.cos(2 * Math.PI * 29.9 * t + 2) + 0.02 * Math.cos(2 * Math.PI * 1234.5 * t - 1) + 0.5 * Math.cos(2 * Math.PI * 3000.25 * t + 0.3);
      err = Math.max(err, Math.abs(out[i] - e));
    }
    expect(err).to.be.below(1e-9);
  });
});
