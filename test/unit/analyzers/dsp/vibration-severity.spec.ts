import { expect } from "chai";
import { isoClassForPowerKw, isoZone, STANDARD_GRAVITY, velocityRms, zoneNumber } from "../../../../analyzers/dsp/vibration-severity";

const RATE = 8192;

function accel(parts: { f: number; g: number }[], n = 8192): Float64Array {
  return new Float64Array(n).map((_, i) => parts.reduce((s, p) => s + p.g * Math.sin((2 * Math.PI * p.f * i) / RATE + 0.7), 0));
}

/** Velocity RMS of an acceleration sine of `g` at `f`: A/(2πf)/√2, in mm/s. */
const expected = (g: number, f: number): number => ((g * STANDARD_GRAVITY) / (2 * Math.PI * f) / Math.SQRT2) * 1000;

describe("dsp/vibration-severity", () => {
  it("integrates a known acceleration sine to velocity RMS within 1 %", () => {
    for (const [g, f] of [
      [0.1, 50],
      [0.05, 123.4],
      [1, 900.7],
    ]) {
      expect(velocityRms(accel([{ f, g }]), RATE)).to.be.closeTo(expected(g, f), 0.01 * expected(g, f));
    }
  });

  it("counts only 10–1000 Hz: a 2 kHz line and a 3 Hz sway are left out (±2 %)", () => {
    const v = velocityRms(
      accel([
        { f: 80.3, g: 0.1 },
        { f: 2000, g: 2 },
        { f: 3, g: 0.05 },
      ]),
      RATE,
    );
    expect(v).to.be.closeTo(expected(0.1, 80.3), 0.02 * expected(0.1, 80.3));
  });

  it("adds lines in power (two equal lines → √2 × one)", () => {
    const one = expected(0.1, 100);
    const both = Math.hypot(one, expected(0.1, 200));
    expect(
      velocityRms(
        accel([
          { f: 100, g: 0.1 },
          { f: 200, g: 0.1 },
        ]),
        RATE,
      ),
    ).to.be.closeTo(both, 0.01 * both);
  });

  it("places values in the ISO 10816-1 zones of docs/science.md#vibration-severity (class II: 1.12 / 2.8 / 7.1 mm/s)", () => {
    expect(isoZone(1.0, "II")).to.equal("A");
    expect(isoZone(1.12, "II")).to.equal("B");
    expect(isoZone(2.79, "II")).to.equal("B");
    expect(isoZone(4.5, "II")).to.equal("C");
    expect(isoZone(7.1, "II")).to.equal("D");
    expect(isoZone(4.5, "I")).to.equal("D");
    expect(isoZone(4.5, "III")).to.equal("C");
    expect(zoneNumber("C")).to.equal(3);
    expect(isoClassForPowerKw(11)).to.equal("I");
    expect(isoClassForPowerKw(32)).to.equal("II");
    expect(isoClassForPowerKw(150)).to.equal("III");
  });
});
