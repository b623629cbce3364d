/**
 * Per-window cost of the current-signature analyzers (eccentricity, broken bar) on the system's
 * standard window (1 s at 8192 Hz, three phase currents) and on longer broken-bar records.
 * Prints median wall and mean CPU µs next to a reference 8192-point FFT, so numbers from a loaded machine can be scaled.
 * Run: npx tsx bench/mcsa-analyzers.bench.ts
 */
import { brokenBarAnalyzer } from "../analyzers/broken-bar";
import { realFft } from "../analyzers/dsp/fft";
import { eccentricityAnalyzer } from "../analyzers/eccentricity";
import type { Analyzer, MotorProfile, SensorWindow } from "../analyzers/types";
import { brokenBarLines, eccentricityLines, inductionRpm, mcsaWindow } from "../test/helpers/mcsa-signal";
import { parseCommandLine } from "../cli/args";
import { asNewWindow } from "./new-window";

parseCommandLine("bench:mcsa", "npm run bench:mcsa (no options)", { options: {} });

const IM: MotorProfile = {
  motor_type: "induction",
  pole_pairs: 2,
  rated_rpm: 1455,
  rated_current_a: 50,
  rated_voltage_v: 400,
  rotor_bars: 28,
  bearing: { n_balls: 9, ball_diameter_mm: 7.94, pitch_diameter_mm: 39.04, contact_angle_deg: 0 },
  insulation_class: "F",
  dc_bus_v: 600,
};

/** Median wall time and mean CPU time (user + system) per call, µs: on a shared machine CPU time is the steadier figure. */
function measure(fn: () => unknown, reps: number): { wall: number; cpu: number } {
  for (let i = 0; i < 10; i++) fn();
  const t: number[] = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    t.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  const c = process.cpuUsage(c0);
  t.sort((a, b) => a - b);
  return { wall: t[t.length >> 1], cpu: (c.user + c.system) / reps };
}

function window(durationS: number, slip: number): SensorWindow {
  const op = { supplyHz: 50, slip, polePairs: 2 };
  const rpm = inductionRpm(op);
  const lines = [...brokenBarLines(op, -45), ...eccentricityLines(50, rpm / 60, -50)];
  return mcsaWindow({ rateHz: 8192, durationS, fundamentalHz: 50, amplitudeA: 40, lines, snrDb: 40, seed: 1 }, { rpm, loadPct: 80 });
}

const reference = new Float64Array(8192).map((_, i) => Math.sin(i));
const ref = measure(() => realFft(reference, 8192), 300);
console.log(`reference realFft 8192: wall ${ref.wall.toFixed(0)} µs, cpu ${ref.cpu.toFixed(0)} µs`);
const cases: [string, Analyzer, SensorWindow][] = [
  ["eccentricity, 1 s, 3 phases", eccentricityAnalyzer, window(1, 0.03)],
  ["broken bar, 1 s, s = 4 % (decided)", brokenBarAnalyzer, window(1, 0.04)],
  ["broken bar, 1 s, s = 1.2 % (insufficient_data)", brokenBarAnalyzer, window(1, 0.012)],
  ["broken bar, 5 s, s = 1.2 %", brokenBarAnalyzer, window(5, 0.012)],
  ["broken bar, 10 s, s = 1 %", brokenBarAnalyzer, window(10, 0.01)],
];
for (const [name, analyzer, w] of cases) {
  const status = analyzer.analyze(w, IM).status;
  // A new window per call: the per-window memo would otherwise answer every call after the first.
  const m = measure(() => analyzer.analyze(asNewWindow(w), IM), 60);
  console.log(`${name}: wall ${m.wall.toFixed(0)} µs, cpu ${m.cpu.toFixed(0)} µs (${status})`);
}
