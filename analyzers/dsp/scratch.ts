/**
 * One pool for the DSP's reusable buffers and memoised tables (FFT plans, tapers, FIR kernels, work arrays).
 * Fresh pages are slow on the target machines (docs/performance.md#fresh-memory), so per-size buffers are kept and
 * reused; but window lengths come from vehicles, so every cache keyed by a size is bounded the same way: at most
 * `capacity` entries, the least recently used dropped first. Pure computation may use it: it holds no I/O.
 */

/** How many sizes each cache keeps; a fleet sends a handful of window lengths, a misbehaving box many. */
export const DEFAULT_CAPACITY = 8;

export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(
    readonly name: string,
    readonly capacity: number = DEFAULT_CAPACITY,
  ) {
    if (!(capacity >= 1)) throw new RangeError("capacity must be at least 1");
  }

  /** The entry for `key`, made by `make` on a miss; a hit becomes the most recently used. */
  get(key: K, make: () => V): V {
    const found = this.entries.get(key);
    if (found !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, found);
      return found;
    }
    const made = make();
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as K);
    this.entries.set(key, made);
    return made;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}

const pool: BoundedCache<unknown, unknown>[] = [];

/** A cache registered in the pool (for inspection and clearing: benchmarks, tests). */
export function pooledCache<K, V>(name: string, capacity: number = DEFAULT_CAPACITY): BoundedCache<K, V> {
  const cache = new BoundedCache<K, V>(name, capacity);
  pool.push(cache);
  return cache;
}

/** Entries held per cache, by name. */
export function poolSizes(): Record<string, number> {
  return Object.fromEntries(pool.map((c) => [c.name, c.size]));
}

export function clearPool(): void {
  for (const c of pool) c.clear();
}
