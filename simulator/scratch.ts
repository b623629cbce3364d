/**
 * Reusable zeroed Float64 work buffers, one per named slot and length. Fresh pages are slow on the
 * target machines (docs/performance.md#fresh-memory: first touch 250–300 MB/s), so the simulator accumulates
 * in these and hands out compact Float32 copies — the precision a sensor stream carries anyway.
 */
const buffers = new Map<string, Float64Array>();

/** Keep the cache small: long windows are rare and should not pin memory forever. */
const MAX_CACHED_SAMPLES = 1 << 20;

export function scratch(slot: string, n: number): Float64Array {
  const key = `${slot}:${n}`;
  let b = buffers.get(key);
  if (!b) {
    b = new Float64Array(n);
    if (n <= MAX_CACHED_SAMPLES) buffers.set(key, b);
  } else {
    b.fill(0);
  }
  return b;
}

export function toFloat32(x: Float64Array): Float32Array {
  return Float32Array.from(x);
}
