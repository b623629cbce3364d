/**
 * One channel's samples from JSON numbers, a Float32Array/Float64Array (a CBOR body's typed arrays) or f32le-base64
 * (a string, or the raw bytes of a long one: ingest/json-buffer.ts), with the per-sample checks every shape shares.
 */
import { InputError } from "./errors";
import { base64BytesToFloat32, base64ToFloat32, COMPACT_ENCODING } from "./f32-base64";
import { JsonBytes } from "./json-buffer";
import { MAX_ABS_SAMPLE, MAX_SAMPLES_PER_CHANNEL } from "./limits";
import { describeValue, joinPath } from "./validate";

/**
 * A module-local copy: tsx/esbuild compile an imported const to a getter call, which the per-sample loops below
 * paid for every sample (2–3 % of the gateway's CPU in the cluster bench profile).
 */
const SAMPLE_LIMIT = MAX_ABS_SAMPLE;

/** Base64 characters that can hold MAX_SAMPLES_PER_CHANNEL float32 values. */
const MAX_BASE64_CHARS = Math.ceil((MAX_SAMPLES_PER_CHANNEL * 4) / 3) * 4;

function checkLength(n: number, field: string): void {
  if (n === 0) throw new InputError(field, "empty channel");
  if (n > MAX_SAMPLES_PER_CHANNEL) throw new InputError(field, `${n} samples exceed the limit of ${MAX_SAMPLES_PER_CHANNEL} per channel`);
}

export function decodeNumberChannel(value: unknown, field: string): Float64Array | Float32Array {
  if (value instanceof Float32Array || value instanceof Float64Array) return checkedSamples(value, field);
  if (!Array.isArray(value)) {
    const hint = typeof value === "string" ? ` (a base64 channel needs "encoding": "${COMPACT_ENCODING}")` : "";
    throw new InputError(field, `expected an array of numbers, got ${describeValue(value)}${hint}`);
  }
  checkLength(value.length, field);
  const out = new Float64Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i];
    if (typeof v !== "number" || !Number.isFinite(v) || Math.abs(v) > SAMPLE_LIMIT) throw sampleError(v, joinPath(field, i));
    out[i] = v;
  }
  return out;
}

export function decodeBase64Channel(value: unknown, field: string): Float32Array {
  if (value instanceof JsonBytes) {
    if (value.length > MAX_BASE64_CHARS) throw new InputError(field, `more than ${MAX_SAMPLES_PER_CHANNEL} samples (limit per channel)`);
    return checkedSamples(base64BytesToFloat32(value.bytes, field), field);
  }
  if (typeof value !== "string") {
    throw new InputError(field, `expected a base64 string (encoding ${COMPACT_ENCODING}), got ${describeValue(value)}`);
  }
  if (value.length === 0) throw new InputError(field, "empty channel");
  if (value.length > MAX_BASE64_CHARS) throw new InputError(field, `more than ${MAX_SAMPLES_PER_CHANNEL} samples (limit per channel)`);
  return checkedSamples(base64ToFloat32(value, field), field);
}

function checkedSamples<T extends Float32Array | Float64Array>(samples: T, field: string): T {
  checkLength(samples.length, field);
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i];
    if (!Number.isFinite(v) || Math.abs(v) > SAMPLE_LIMIT) throw sampleError(v, joinPath(field, i));
  }
  return samples;
}

function sampleError(v: unknown, field: string): InputError {
  if (typeof v === "number" && Number.isFinite(v)) {
    return new InputError(field, `|${v}| exceeds ${MAX_ABS_SAMPLE} (a unit or encoding error, not a measurement)`);
  }
  return new InputError(field, `expected a finite number, got ${describeValue(v)}`);
}
