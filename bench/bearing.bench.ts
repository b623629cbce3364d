/**
 * Per-window cost of the bearing analyzer on the standard window (1.0 s of vib_x at 8192 Hz),
 * healthy and with an outer-race defect, at three speeds. Run: npx tsx bench/bearing.bench.ts
 * Reports median wall and CPU microseconds over 7 rounds, and the cost in units of one 8192-point
 * real FFT timed in the same rounds — the machine is shared and drifts, the ratio much less.
 */
import { bearingAnalyzer } from "../analyzers/bearing";
import { bearingFrequencies } from "../analyzers/bearing-frequencies";
import { DEFAULT_MOTOR_PROFILE } from "../analyzers/default-profile";
import { realFft } from "../analyzers/dsp/fft";
import type { SensorWindow } from "../analyzers/types";
import { bearingSignal } from "../test/helpers/bearing-signal";
import { parseCommandLine } from "../cli/args";

parseCommandLine("bench:bearing", "npm run bench:bearing (no options: BENCH_WINDOWS from the environment)", { options: {} });

const RATE = 8192;
const ROUNDS = 7;
const PER_ROUND = Number(process.env.BENCH_WINDOWS ?? 400);

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1];
}

for (const rpm of [1800, 3000, 4000]) {
  const f = bearingFrequencies(DEFAULT_MOTOR_PROFILE.bearing, rpm / 60);
  for (const defectHz of [undefined, f.bpfo]) {
    const x = Float32Array.from(bearingSignal({ rateHz: RATE, durationS: 1, defectHz, impulseG: 0.3, resonanceHz: 2500, shaftHz: rpm / 60, seed: 3 }));
    const window: SensorWindow = { channels: { vib_x: { samples: x, rateHz: RATE } }, rpm };
    let finding = bearingAnalyzer.analyze(window, DEFAULT_MOTOR_PROFILE);
    for (let i = 0; i < 200; i++) finding = bearingAnalyzer.analyze(window, DEFAULT_MOTOR_PROFILE);
    const wall: number[] = [],
      cpu: number[] = [],
      ratio: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const f0 = process.hrtime.bigint();
      for (let i = 0; i < PER_ROUND; i++) realFft(x, 8192);
      const fftUs = Number(process.hrtime.bigint() - f0) / 1e3 / PER_ROUND;
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < PER_ROUND; i++) finding = bearingAnalyzer.analyze(window, DEFAULT_MOTOR_PROFILE);
      wall.push(Number(process.hrtime.bigint() - t0) / 1e3 / PER_ROUND);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / PER_ROUND);
      ratio.push(wall[wall.length - 1] / fftUs);
    }
    console.log(
      `${rpm} rpm ${defectHz ? "outer race" : "healthy   "}: ${median(wall).toFixed(0)} µs wall, ${median(cpu).toFixed(0)} µs cpu,` +
        ` ${median(ratio).toFixed(1)} × rfft(8192)` +
        ` (min wall ${Math.min(...wall).toFixed(0)}) → ${finding.status}${finding.bearing_defect ? " " + finding.bearing_defect : ""},` +
        ` band ${finding.features.demod_lo_hz}–${finding.features.demod_hi_hz} Hz`,
    );
  }
}
