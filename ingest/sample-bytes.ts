/**
 * Channel samples as raw little-endian bytes and back, without copying: the binary stream layout and the claim
 * check both carry a typed array's own memory. Reading copies only when the bytes sit at an offset the typed array
 * cannot view (Float32Array needs a multiple of 4, Float64Array of 8).
 */
import { endianness } from "node:os";
import type { Samples } from "../analyzers/types";
import type { SampleType } from "../contracts/streams";

if (endianness() !== "LE") throw new Error("sample bytes assume a little-endian host");

export const SAMPLE_SIZE: Readonly<Record<SampleType, number>> = { f32le: 4, f64le: 8 };

export function sampleTypeOf(samples: Samples): SampleType {
  return samples instanceof Float64Array ? "f64le" : "f32le";
}

/** The samples' own memory as a Buffer (no copy). */
export function sampleBytes(samples: Samples): Buffer {
  return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
}

/** A typed-array view of `bytes` holding `length` samples of `type`; throws a RangeError on a length mismatch. */
export function viewSamples(bytes: Buffer, type: SampleType, length: number): Samples {
  const size = SAMPLE_SIZE[type];
  if (bytes.length !== length * size) throw new RangeError(`holds ${bytes.length} bytes, expected ${length * size} (${length} × ${type})`);
  const aligned = bytes.byteOffset % size === 0 ? bytes : Buffer.from(bytes);
  return type === "f64le" ? new Float64Array(aligned.buffer, aligned.byteOffset, length) : new Float32Array(aligned.buffer, aligned.byteOffset, length);
}
