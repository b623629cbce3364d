/**
 * An in-process cache bounded in entries and in time, for facts the coordinator would otherwise read from Redis on
 * every window (profiles, open alarms, fleet membership). At most `capacity` entries, the least recently used
 * dropped first; an entry older than `ttlMs` is a miss, so a lost invalidation is healed within that time.
 */
export interface ExpiringCacheOptions {
  capacity: number;
  ttlMs: number;
  /** Monotonic clock in ms (tests). */
  now?: () => number;
}

export class ExpiringCache<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();
  private readonly now: () => number;

  constructor(private readonly options: ExpiringCacheOptions) {
    if (!(options.capacity >= 1)) throw new RangeError("capacity must be at least 1");
    if (!(options.ttlMs > 0)) throw new RangeError("ttlMs must be positive");
    this.now = options.now ?? (() => performance.now());
  }

  get size(): number {
    return this.entries.size;
  }

  /** The live entry for `key` (it becomes the most recently used), or undefined. */
  get(key: K): V | undefined {
    const found = this.entries.get(key);
    if (found === undefined) return undefined;
    this.entries.delete(key);
    if (found.expiresAt <= this.now()) return undefined;
    this.entries.set(key, found);
    return found.value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.options.capacity) this.entries.delete(this.entries.keys().next().value as K);
    this.entries.set(key, { value, expiresAt: this.now() + this.options.ttlMs });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
