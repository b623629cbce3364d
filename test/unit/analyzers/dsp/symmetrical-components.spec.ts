import { expect } from "chai";
import {
  A_OPERATOR,
  A_SQUARED,
  angleDeg360,
  complex,
  fromPolar,
  magnitude,
  multiply,
  parkVectorModulation,
  phaseQuantities,
  sequenceComponents,
  type Complex,
} from "../../../../analyzers/dsp/symmetrical-components";

const deg = (d: number): number => (d * Math.PI) / 180;
function expectComplex(actual: Complex, expected: Complex, tol = 1e-9): void {
  expect(actual.re).to.be.closeTo(expected.re, tol);
  expect(actual.im).to.be.closeTo(expected.im, tol);
}

describe("dsp/symmetrical-components", () => {
  it("a balanced A-B-C set is pure positive sequence", () => {
    const ia = fromPolar(10, deg(20));
    const s = sequenceComponents(ia, multiply(A_SQUARED, ia), multiply(A_OPERATOR, ia));
    expectComplex(s.positive, ia);
    expect(magnitude(s.negative)).to.be.below(1e-12);
    expect(magnitude(s.zero)).to.be.below(1e-12);
  });

  it("an A-C-B set is pure negative sequence", () => {
    const ia = fromPolar(4, deg(-50));
    const s = sequenceComponents(ia, multiply(A_OPERATOR, ia), multiply(A_SQUARED, ia));
    expectComplex(s.negative, ia);
    expect(magnitude(s.positive)).to.be.below(1e-12);
    expect(magnitude(s.zero)).to.be.below(1e-12);
  });

  it("matches a hand-computed unbalanced set", () => {
    // Ia = 1∠0, Ib = 1∠−90°, Ic = 0 (hand):
    //   I0 = (1 − j)/3
    //   I1 = (1 + a·(−j))/3 = (1 + (−1/2 + j√3/2)(−j))/3 = (1 + √3/2 + j/2)/3
    //   I2 = (1 + a²·(−j))/3 = (1 + (−1/2 − j√3/2)(−j))/3 = (1 − √3/2 + j/2)/3
    const s = sequenceComponents(complex(1, 0), complex(0, -1), complex(0, 0));
    const r3 = Math.sqrt(3);
    expectComplex(s.zero, complex(1 / 3, -1 / 3));
    expectComplex(s.positive, complex((1 + r3 / 2) / 3, 1 / 6));
    expectComplex(s.negative, complex((1 - r3 / 2) / 3, 1 / 6));
    // |I2|/|I1| = |0.1340 + 0.5j| / |1.8660 + 0.5j| = 0.5176 / 1.9319 = 0.2679 (= tan 15°)
    expect(magnitude(s.negative) / magnitude(s.positive)).to.be.closeTo(Math.tan(deg(15)), 1e-9);
    // ∠I2 − ∠I1 = 75° − 15° = 60°
    expect(angleDeg360(s.negative) - angleDeg360(s.positive)).to.be.closeTo(60, 1e-9);
  });

  it("round-trips through phase quantities", () => {
    const s = { zero: complex(0.1, -0.2), positive: complex(5, 3), negative: complex(-0.4, 0.7) };
    const [a, b, c] = phaseQuantities(s);
    const back = sequenceComponents(a, b, c);
    expectComplex(back.zero, s.zero);
    expectComplex(back.positive, s.positive);
    expectComplex(back.negative, s.negative);
  });

  it("Park's vector modulus is flat for balanced currents and its 2f/DC ratio equals I2/I1", () => {
    const rate = 5000,
      n = 5000,
      f = 50;
    const build = (i2: number) => {
      const seq = { zero: complex(0.3, 0), positive: fromPolar(10, deg(10)), negative: fromPolar(10 * i2, deg(70)) };
      const [pa, pb, pc] = phaseQuantities(seq);
      const wave = (p: Complex) => Float64Array.from({ length: n }, (_, i) => magnitude(p) * Math.cos(2 * Math.PI * f * (i / rate) + Math.atan2(p.im, p.re)));
      return [wave(pa), wave(pb), wave(pc)] as const;
    };
    const [ha, hb, hc] = build(0);
    const healthy = parkVectorModulation(ha, hb, hc, rate, f, n);
    expect(healthy.dc).to.be.closeTo(10 * Math.sqrt(1.5), 1e-6);
    expect(healthy.ratio).to.be.below(1e-6);
    const [ua, ub, uc] = build(0.05);
    // |i| = √(3/2)·|I1 + I2·e^{−j2ωt}|: its 2f line is I2/I1 to first order (0.05 → 0.0499...)
    expect(parkVectorModulation(ua, ub, uc, rate, f, n).ratio).to.be.closeTo(0.05, 0.001);
  });
});
