/**
 * Per-window memo of derived signals (decimated currents, the current spectrum, ...), so that one window's analyzers
 * never compute the same thing twice while each stays a pure function of (window, profile).
 *
 * Entries hang off the window's own sample arrays in a WeakMap: they die with the window (bounded without a TTL or a
 * key), and in a worker process every fault service handed the same channel objects shares them with no I/O.
 * The key names every parameter the result depends on, and the other arrays it read are checked by identity, so a
 * hit is always the result the same call would compute now. Contract: sample arrays are not written once a window
 * is formed; as a guard against a decoder that reuses one array for the next window, a hit also checks a fingerprint
 * of evenly spaced samples.
 */
import type { Samples } from "../types";

/** Entries kept per anchor array: a window asks for a handful; more means callers vary a parameter continuously. */
export const MAX_ENTRIES_PER_WINDOW = 16;
/** Samples compared on every hit to detect an array rewritten in place. */
const FINGERPRINT_POINTS = 16;

interface Entry {
  /** Other inputs the value was computed from, compared by identity. */
  readonly with: readonly object[];
  readonly value: unknown;
}

interface Anchored {
  readonly fingerprint: Float64Array;
  readonly entries: Map<string, Entry>;
}

const memo = new WeakMap<Samples, Anchored>();
let computed = 0;
let reused = 0;

function fingerprintOf(x: Samples): Float64Array {
  const out = new Float64Array(FINGERPRINT_POINTS + 1);
  const n = x.length;
  out[0] = n;
  if (n === 0) return out;
  for (let i = 0; i < FINGERPRINT_POINTS; i++) out[i + 1] = x[Math.floor((i * (n - 1)) / (FINGERPRINT_POINTS - 1))];
  return out;
}

function sameFingerprint(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function anchoredFor(anchor: Samples): Anchored {
  const found = memo.get(anchor);
  const fingerprint = fingerprintOf(anchor);
  if (found && sameFingerprint(found.fingerprint, fingerprint)) return found;
  const fresh: Anchored = { fingerprint, entries: new Map() };
  memo.set(anchor, fresh);
  return fresh;
}

/**
 * `compute()` once per (anchor, key, co-inputs): the value is shared, so callers must treat it (and any array in it)
 * as read-only. `key` must spell out every parameter besides the arrays; `withInputs` lists the other arrays read.
 */
export function memoised<T>(anchor: Samples, key: string, compute: () => T, withInputs: readonly object[] = []): T {
  const { entries } = anchoredFor(anchor);
  const hit = entries.get(key);
  if (hit && hit.with.length === withInputs.length && hit.with.every((o, i) => o === withInputs[i])) {
    reused++;
    return hit.value as T;
  }
  const value = compute();
  computed++;
  entries.delete(key);
  if (entries.size >= MAX_ENTRIES_PER_WINDOW) entries.delete(entries.keys().next().value as string);
  entries.set(key, { with: [...withInputs], value });
  return value;
}

/** Drops what is memoised for `anchor` (for a caller that must rewrite a sample array in place). */
export function forgetWindow(anchor: Samples): void {
  memo.delete(anchor);
}

/** Memo traffic since the last reset: how often a value was computed and how often one was reused (tests, benchmarks). */
export function memoCounts(): { computed: number; reused: number } {
  return { computed, reused };
}

export function resetMemoCounts(): void {
  computed = 0;
  reused = 0;
}
