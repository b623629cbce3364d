/**
 * The per-window memo (analyzers/dsp/window-memo.ts): shared results are bit-identical to fresh ones, the two
 * current-signature families compute the current spectrum once per window, and a hit never crosses parameters.
 */
import { expect } from "chai";
import { brokenBarAnalyzer } from "../../../../analyzers/broken-bar";
import { currentSpectrum } from "../../../../analyzers/dsp/current-spectrum";
import { forgetWindow, MAX_ENTRIES_PER_WINDOW, memoCounts, memoised, resetMemoCounts } from "../../../../analyzers/dsp/window-memo";
import { eccentricityAnalyzer } from "../../../../analyzers/eccentricity";
import { ANALYZERS, analyzeAll } from "../../../../analyzers/index";
import type { MotorProfile, SensorWindow } from "../../../../analyzers/types";
import { simulateWindow } from "../../../../simulator/motor-model";
import { INDUCTION_400V, PMSM_400V } from "../../../../simulator/profiles";
import type { FaultSpec } from "../../../../simulator/types";

function standardWindow(profile: MotorProfile, fault: FaultSpec, seed: number, durationS = 1): SensorWindow {
  return simulateWindow({ profile, rpm: 0.6 * profile.rated_rpm, loadPct: 80, durationS, rateHz: 8192, fault, seed });
}

/** The same window with every sample array copied: nothing memoised for the original can be found for it. */
function freshCopy(window: SensorWindow): SensorWindow {
  const channels: SensorWindow["channels"] = {};
  for (const [name, s] of Object.entries(window.channels) as [keyof SensorWindow["channels"], { samples: Float32Array | Float64Array; rateHz: number }][])
    channels[name] = { samples: s.samples.slice(), rateHz: s.rateHz };
  return { ...window, channels };
}

const CASES: { profile: MotorProfile; fault: FaultSpec }[] = [
  { profile: INDUCTION_400V, fault: { type: "healthy", severity: 0 } },
  { profile: INDUCTION_400V, fault: { type: "broken_bar", severity: 0.6 } },
  { profile: INDUCTION_400V, fault: { type: "eccentricity", severity: 0.6 } },
  { profile: PMSM_400V, fault: { type: "eccentricity", severity: 0.6 } },
  { profile: PMSM_400V, fault: { type: "turn_fault", severity: 0.6, phase: "B" } },
];

describe("per-window memo of derived signals", () => {
  it("analyzeAll through the memo gives bit-identical findings to each analyzer on its own fresh copy", () => {
    CASES.forEach(({ profile, fault }, i) => {
      const window = standardWindow(profile, fault, 700 + i);
      const shared = analyzeAll(window, profile);
      const alone = Object.values(ANALYZERS).map((a) => a.analyze(freshCopy(window), profile));
      expect(JSON.stringify(shared), `${profile.motor_type}/${fault.type}`).to.equal(JSON.stringify(alone));
    });
  });

  it("broken bar reuses the current spectrum eccentricity computed for the same window", () => {
    // 2 s: at this slip broken bar needs more than 1 s to separate (1 − 2s)f from f.
    const window = standardWindow(INDUCTION_400V, { type: "broken_bar", severity: 0.6 }, 11, 2);
    resetMemoCounts();
    const eccentricity = eccentricityAnalyzer.analyze(window, INDUCTION_400V);
    expect(memoCounts()).to.deep.equal({ computed: 1, reused: 0 });
    const brokenBar = brokenBarAnalyzer.analyze(window, INDUCTION_400V);
    expect(memoCounts()).to.deep.equal({ computed: 1, reused: 1 });
    expect(eccentricity.status).to.not.equal("insufficient_data");
    expect(brokenBar.status).to.be.oneOf(["warning", "fault"]);
    // Another window (other arrays, same content) computes its own.
    brokenBarAnalyzer.analyze(freshCopy(window), INDUCTION_400V);
    expect(memoCounts()).to.deep.equal({ computed: 2, reused: 1 });
  });

  it("never answers for other parameters or other co-inputs", () => {
    const window = standardWindow(INDUCTION_400V, { type: "healthy", severity: 0 }, 12);
    const options = { priorHz: 60, priorTolerance: 0.15, highestRatio: 2, marginHz: 6, taper: "blackman-harris" } as const;
    resetMemoCounts();
    const wide = currentSpectrum(window, options);
    const narrow = currentSpectrum(window, { ...options, highestRatio: 1.25 });
    expect(memoCounts()).to.deep.equal({ computed: 2, reused: 0 });
    if ("problem" in wide || "problem" in narrow) throw new Error("no spectrum");
    expect(narrow.decimation).to.be.above(wide.decimation);
    // Same ia, another ib: a different window as far as the spectrum is concerned.
    const ib = window.channels.ib!;
    const otherIb: SensorWindow = { ...window, channels: { ...window.channels, ib: { samples: ib.samples.slice(), rateHz: ib.rateHz } } };
    const other = currentSpectrum(otherIb, options);
    expect(memoCounts()).to.deep.equal({ computed: 3, reused: 0 });
    expect(currentSpectrum(otherIb, options)).to.equal(other);
    expect(memoCounts()).to.deep.equal({ computed: 3, reused: 1 });
    // The original ib again: recomputed (not the other window's result), and bit-identical to the first computation.
    const again = currentSpectrum(window, options);
    expect(again).to.not.equal(wide);
    expect(again).to.deep.equal(wide);
    expect(memoCounts()).to.deep.equal({ computed: 4, reused: 1 });
  });

  it("recomputes when a sample array was rewritten in place, and after forgetWindow", () => {
    const samples = new Float64Array(1024).map((_, i) => Math.sin(i / 10));
    let calls = 0;
    const sum = () => {
      calls++;
      return samples.reduce((a, b) => a + b, 0);
    };
    const first = memoised(samples, "sum", sum);
    expect(memoised(samples, "sum", sum)).to.equal(first);
    expect(calls).to.equal(1);
    samples.set(samples.map((x) => 2 * x));
    expect(memoised(samples, "sum", sum)).to.be.closeTo(2 * first, 1e-9);
    expect(calls).to.equal(2);
    forgetWindow(samples);
    memoised(samples, "sum", sum);
    expect(calls).to.equal(3);
  });

  it(`keeps at most ${MAX_ENTRIES_PER_WINDOW} entries per window, the oldest dropped first`, () => {
    const samples = new Float64Array([1, 2, 3]);
    let calls = 0;
    for (let k = 0; k <= MAX_ENTRIES_PER_WINDOW; k++) memoised(samples, `k${k}`, () => ++calls);
    expect(calls).to.equal(MAX_ENTRIES_PER_WINDOW + 1);
    expect(memoised(samples, `k${MAX_ENTRIES_PER_WINDOW}`, () => ++calls)).to.equal(MAX_ENTRIES_PER_WINDOW + 1);
    expect(memoised(samples, "k0", () => ++calls)).to.equal(MAX_ENTRIES_PER_WINDOW + 2);
  });
});
