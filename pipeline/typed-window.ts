/**
 * Windows cross the transporter as typed arrays (CBOR keeps Float32Array/Float64Array intact).
 * Callers that speak JSON (the REPL, a script) send plain number arrays; this converts them once at
 * the boundary so analyzers always see typed arrays.
 */
import { CHANNEL_NAMES, type SampledSignal, type SensorWindow } from "../analyzers/types";

export function asTypedWindow(input: SensorWindow): SensorWindow {
  const channels: SensorWindow["channels"] = {};
  for (const name of CHANNEL_NAMES) {
    const ch = input.channels?.[name];
    if (ch) channels[name] = asTypedSignal(ch);
  }
  return { ...input, channels };
}

function asTypedSignal(signal: SampledSignal): SampledSignal {
  const s: unknown = signal.samples;
  if (s instanceof Float32Array || s instanceof Float64Array) return signal;
  if (Array.isArray(s)) return { rateHz: signal.rateHz, samples: Float64Array.from(s as number[]) };
  throw new TypeError("channel samples must be a Float32Array, Float64Array or number[]");
}
