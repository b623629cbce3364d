import { expect } from "chai";
import { phasorAt, phasorsAt, refineFrequency } from "../../../../analyzers/dsp/phasor";

function tones(n: number, rate: number, parts: { f: number; a: number; phiDeg?: number }[], dc = 0): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = dc;
    for (const p of parts) v += p.a * Math.cos(2 * Math.PI * p.f * (i / rate) + ((p.phiDeg ?? 0) * Math.PI) / 180);
    x[i] = v;
  }
  return x;
}

const wrapDeg = (d: number): number => ((d + 540) % 360) - 180;
const degOf = (rad: number): number => (rad * 180) / Math.PI;

describe("dsp/phasor", () => {
  it("recovers amplitude (±0.5 %) and phase (±0.5°) of an off-bin tone with a DC offset", () => {
    const rate = 8192,
      n = 8192;
    // 50.37 Hz is 0.37 bin off the 1 Hz grid: an FFT bin would lose ~0.9 dB here.
    for (const phiDeg of [-170, -35, 0, 72.5, 155]) {
      const x = tones(n, rate, [{ f: 50.37, a: 10, phiDeg }], 4.2);
      const p = phasorAt(x, rate, 50.37);
      expect(p.amplitude).to.be.closeTo(10, 0.05);
      expect(wrapDeg(degOf(p.phaseRad) - phiDeg)).to.be.closeTo(0, 0.5);
    }
  });

  it("rejects a 5 % third harmonic and keeps the fundamental exact", () => {
    const rate = 1000,
      n = 5000;
    const x = tones(n, rate, [
      { f: 60.03, a: 6.4, phiDeg: 30 },
      { f: 180.09, a: 0.32, phiDeg: -80 },
    ]);
    const p = phasorAt(x, rate, 60.03);
    expect(p.amplitude).to.be.closeTo(6.4, 6.4 * 0.005);
    expect(wrapDeg(degOf(p.phaseRad) - 30)).to.be.closeTo(0, 0.5);
    // And the harmonic itself is measured at its own frequency.
    const h = phasorAt(x, rate, 180.09);
    expect(h.amplitude).to.be.closeTo(0.32, 0.32 * 0.005);
  });

  it("stays exact over a long record (recurrence drift) and with only 10 cycles", () => {
    const long = tones(200_000, 20_000, [{ f: 123.4, a: 1, phiDeg: 45 }]);
    const p = phasorAt(long, 20_000, 123.4);
    expect(p.amplitude).to.be.closeTo(1, 1e-4);
    expect(degOf(p.phaseRad)).to.be.closeTo(45, 0.01);
    const short = tones(167, 1000, [{ f: 60, a: 1, phiDeg: 10 }]); // 10 cycles at 60 Hz
    const q = phasorAt(short, 1000, 60);
    expect(q.amplitude).to.be.closeTo(1, 0.005);
    expect(degOf(q.phaseRad)).to.be.closeTo(10, 0.5);
  });

  it("uses only the first `length` samples when asked, and answers 0 for an empty record", () => {
    const x = tones(1000, 1000, [{ f: 50, a: 2 }]);
    const y = new Float64Array(1500);
    y.set(x);
    y.fill(100, 1000);
    expect(phasorAt(y, 1000, 50, 1000).amplitude).to.be.closeTo(2, 0.01);
    expect(phasorAt(new Float64Array(0), 1000, 50).amplitude).to.equal(0);
  });
});

describe("dsp/phasor refineFrequency", () => {
  it("turns a coarse estimate (±0.1 Hz) into a precise one (±0.001 Hz) on a noisy tone", () => {
    const rate = 1000,
      n = 5000,
      f = 59.967;
    const x = tones(n, rate, [
      { f, a: 7, phiDeg: 12 },
      { f: 3 * f, a: 0.3 },
    ]);
    let seed = 3;
    for (let i = 0; i < n; i++) {
      seed = (seed * 16807) % 2147483647;
      x[i] += 0.05 * (seed / 2147483647 - 0.5);
    }
    for (const coarse of [f - 0.1, f + 0.07, f]) expect(refineFrequency(x, rate, coarse)).to.be.closeTo(f, 0.001);
  });

  it("phasorsAt of three signals (one fused pass) equals phasorAt of each, bit for bit", () => {
    const rate = 8192;
    const a = Float32Array.from(tones(5000, rate, [{ f: 50.3, a: 10, phiDeg: 20 }], 0.4));
    const b = Float32Array.from(
      tones(5003, rate, [
        { f: 50.3, a: 9.5, phiDeg: -100 },
        { f: 250, a: 0.3 },
      ]),
    );
    const c = Float32Array.from(tones(5001, rate, [{ f: 50.3, a: 10.2, phiDeg: 140 }]));
    for (const length of [undefined, 4096, 3]) {
      const fused = phasorsAt([a, b, c], rate, 50.31, length);
      const n = Math.min(length ?? Infinity, a.length, b.length, c.length);
      expect(fused).to.deep.equal([a, b, c].map((x) => phasorAt(x, rate, 50.31, n)));
    }
  });
});
