/**
 * The FFT backends behind analyzers/dsp/fft.ts: PFFFT (WASM SIMD, single precision) loads synchronously and agrees
 * with fft.js (double precision) to single-precision rounding; sizes PFFFT does not take stay on fft.js.
 */
import { expect } from "chai";
import { complexFft, fftBackend, realFft, useFftBackend } from "../../../../analyzers/dsp/fft";
import { loadPffft } from "../../../../analyzers/dsp/pffft";

/** Largest |a − b| over the largest |a|: the error relative to the transform's scale. */
function relativeError(a: Float64Array, b: Float64Array): number {
  let err = 0,
    scale = 0;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(a[i]));
  }
  return err / scale;
}

function testSignal(n: number): Float64Array {
  return new Float64Array(n).map((_, i) => Math.sin(0.37 * i) + 0.3 * Math.cos(1.1 * i + 0.2) + 1e-4 * Math.sin(2.9 * i) + 0.5);
}

describe("FFT backends", () => {
  after(() => useFftBackend("pffft"));

  it("loads PFFFT synchronously (WASM SIMD) and uses it by default", () => {
    expect(loadPffft(), "pffft").to.not.equal(null);
    expect(fftBackend()).to.equal("pffft");
  });

  for (const size of [16, 64, 1024, 8192, 16384]) {
    it(`real FFT of ${size} points: PFFFT within single-precision rounding of fft.js`, () => {
      const x = testSignal(size - 7); // zero padding path
      const taper = new Float64Array(size - 7).map((_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (size - 7)));
      useFftBackend("fft.js");
      const reference = realFft(x, size, taper, 0.25).slice();
      useFftBackend("pffft");
      const wasm = realFft(x, size, taper, 0.25).slice();
      expect(wasm.length).to.equal(size + 2);
      expect(relativeError(reference, wasm)).to.be.below(1e-6);
      expect(wasm[1]).to.equal(0);
      expect(wasm[size + 1]).to.equal(0);
    });
  }

  for (const size of [8, 256, 4096]) {
    it(`complex FFT of ${size} points, forward and inverse (scaled 1/size): PFFFT matches fft.js`, () => {
      const data = testSignal(2 * size);
      for (const inverse of [false, true]) {
        useFftBackend("fft.js");
        const reference = complexFft(data, inverse).slice();
        useFftBackend("pffft");
        const wasm = complexFft(data, inverse).slice();
        expect(relativeError(reference, wasm), inverse ? "inverse" : "forward").to.be.below(1e-6);
      }
      const roundTrip = complexFft(complexFft(data).slice(), true);
      expect(relativeError(data, roundTrip.slice())).to.be.below(1e-6);
    });
  }
});
