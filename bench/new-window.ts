/**
 * The same window as a new object with new views of its samples (no copy). The per-window memo
 * (analyzers/dsp/window-memo.ts) keys on the sample arrays, so a benchmark that analyzes one window repeatedly must
 * hand each call a new window, or it would time memo hits instead of analysis.
 */
import type { SensorWindow } from "../analyzers/types";

export function asNewWindow(window: SensorWindow): SensorWindow {
  const channels: SensorWindow["channels"] = {};
  for (const name of Object.keys(window.channels) as (keyof SensorWindow["channels"])[]) {
    const s = window.channels[name];
    if (s) channels[name] = { samples: s.samples.subarray(0), rateHz: s.rateHz };
  }
  return { ...window, channels };
}
