/**
 * Per-window cost of the current-signature analyzers (eccentricity, broken bar) on the system's
 * standard window (1 s at 8192 Hz, three phase currents) and on longer broken-bar records.
 * Prints medians in µs next to a reference 8192-point FFT, so numbers from a loaded machine can be scaled.
 * Run: npx tsx bench/mcsa-analyzers.bench.ts
 */
import { brokenBarAnalyzer } from "../analyzers/broken-bar";
import { realFft } from "../analyzers/dsp/fft";
import { eccentricityAnalyzer } from "../analyzers/eccentricity";
import type { Analyzer, MotorProfile, SensorWindow } from "../analyzers/types";
import { brokenBarLines, eccentricityLines, inductionRpm, mcsaWindow } from "../test/helpers/mcsa-signal";

const IM: MotorProfile = {
  motor_type: "induction", pole_pairs: 2, rated_rpm: 1455, rated_current_a: 50, rated_voltage_v: 400, rotor_bars: 28,
  bearing: { n_balls: 9, ball_diameter_mm: 7.94, pitch_diameter_mm: 39.04, contact_angle_deg: 0 }, insulation_class: "F", dc_bus_v: 600,
};

function medianMicros(fn: () => unknown, reps: number): number {
  for (let i = 0; i < 5; i++) fn();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    t.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  t.sort((a, b) => a - b);
  return t[t.length >> 1];
}

function window(durationS: number, slip: number): SensorWindow {
  const op = { supplyHz: 50, slip, polePairs: 2 };
  const rpm = inductionRpm(op);
  const lines = [...brokenBarLines(op, -45), ...eccentricityLines(50, rpm / 60, -50)];
  return mcsaWindow({ rateHz: 8192, durationS, fundamentalHz: 50, amplitudeA: 40, lines, snrDb: 40, seed: 1 }, { rpm, loadPct: 80 });
}

const reference = new Float64Array(8192).map((_, i) => Math.sin(i));
console.log(`reference realFft 8192: ${medianMicros(() => realFft(reference, 8192), 200).toFixed(0)} µs`);
const cases: [string, Analyzer, SensorWindow][] = [
  ["eccentricity, 1 s, 3 phases", eccentricityAnalyzer, window(1, 0.03)],
  ["broken bar, 1 s, s = 4 % (decided)", brokenBarAnalyzer, window(1, 0.04)],
  ["broken bar, 1 s, s = 1.2 % (insufficient_data)", brokenBarAnalyzer, window(1, 0.012)],
  ["broken bar, 5 s, s = 1.2 %", brokenBarAnalyzer, window(5, 0.012)],
  ["broken bar, 10 s, s = 1 %", brokenBarAnalyzer, window(10, 0.01)],
];
for (const [name, analyzer, w] of cases) {
  const status = analyzer.analyze(w, IM).status;
  console.log(`${name}: ${medianMicros(() => analyzer.analyze(w, IM), 60).toFixed(0)} µs (${status})`);
}
