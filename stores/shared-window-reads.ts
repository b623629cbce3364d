/**
 * One read of a window per worker process, however many fault services that process hosts: the first service to ask
 * fetches, the others await the same promise and get the SAME typed-array instances (per-window memos of derived
 * signals are keyed on them). A binary raw entry is read whole (one XRANGE); a claim-checked hash is read for the
 * union of the channels the local services read. Entries live a few seconds (the five calls of one window arrive
 * together) and are bounded in number and in bytes, so a burst of windows cannot pin memory.
 */
import type { Redis } from "ioredis";
import { CHANNEL_NAMES, type ChannelName, type SensorWindow } from "../analyzers/types";
import { layoutBytes, loadEntryWindow, type RawEntryRef } from "./entry-window";
import { loadWindow, type WindowRef } from "./sample-store";

/** Where the window's samples are: a claim-check hash, or a binary raw entry. */
export type StoredWindowSource = { windowRef: WindowRef } | { entryRef: RawEntryRef };

interface Entry {
  /** Channels the read fetches (undefined: all of the entry's). */
  channels: ReadonlySet<ChannelName> | undefined;
  window: Promise<SensorWindow>;
  bytes: number;
  expiresAt: number;
}

export interface SharedWindowReadsOptions {
  /** How long a fetched window is kept for the other local services, ms. */
  ttlMs: number;
  /** Most windows kept at once. */
  maxEntries: number;
  /** Most sample bytes kept at once (a standard window is 128 KiB); the newest window is kept even if larger. */
  maxBytes: number;
}

export class SharedWindowReads {
  private readonly entries = new Map<string, Entry>();
  private readonly localChannels = new Set<ChannelName>();
  private heldBytes = 0;
  /** Redis reads made (for tests and the bench: one per window per process). */
  reads = 0;

  constructor(private readonly options: SharedWindowReadsOptions) {}

  /** A local service declares the channels its analyzer reads. */
  register(channels: readonly ChannelName[]): void {
    for (const c of channels) this.localChannels.add(c);
  }

  /** The window with exactly the `wanted` channels, read from Redis at most once per window here. */
  async load(redis: Redis, source: StoredWindowSource, wanted: readonly ChannelName[]): Promise<SensorWindow> {
    const ref = "entryRef" in source ? source.entryRef : source.windowRef;
    if (wanted.length === 0) return { ...ref.scalars, channels: {} };
    const key = "entryRef" in source ? `entry:${source.entryRef.stream}:${source.entryRef.id}` : `hash:${source.windowRef.key}`;
    const now = Date.now();
    let entry = this.entries.get(key);
    if (!entry || (entry.channels && wanted.some((c) => !entry!.channels!.has(c)))) entry = this.read(redis, source, key, wanted, now);
    const full = await entry.window;
    const channels: SensorWindow["channels"] = {};
    for (const c of wanted) if (full.channels[c]) channels[c] = full.channels[c];
    return { ...full, channels };
  }

  get size(): number {
    return this.entries.size;
  }

  /** Sample bytes of the windows held now. */
  get bytes(): number {
    return this.heldBytes;
  }

  private read(redis: Redis, source: StoredWindowSource, key: string, wanted: readonly ChannelName[], now: number): Entry {
    let entry: Entry;
    if ("entryRef" in source) {
      entry = {
        channels: undefined,
        window: loadEntryWindow(redis, source.entryRef),
        bytes: layoutBytes(source.entryRef),
        expiresAt: now + this.options.ttlMs,
      };
    } else {
      const channels = new Set<ChannelName>([...this.localChannels, ...wanted]);
      const names = CHANNEL_NAMES.filter((c) => channels.has(c));
      const layout = { channels: Object.fromEntries(names.flatMap((n) => (source.windowRef.channels[n] ? [[n, source.windowRef.channels[n]]] : []))) };
      entry = { channels, window: loadWindow(redis, source.windowRef, names), bytes: layoutBytes(layout), expiresAt: now + this.options.ttlMs };
    }
    this.reads++;
    this.forget(key);
    this.evict(now, entry.bytes);
    this.entries.set(key, entry);
    this.heldBytes += entry.bytes;
    // A failed read is not kept: the coordinator retries the window and the next call reads again.
    entry.window.catch(() => {
      if (this.entries.get(key) === entry) this.forget(key);
    });
    return entry;
  }

  private forget(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.heldBytes -= e.bytes;
  }

  /** Expired windows first, then the oldest until one more (of `incoming` bytes) fits. */
  private evict(now: number, incoming: number): void {
    for (const [key, e] of this.entries) if (e.expiresAt <= now) this.forget(key);
    for (const key of this.entries.keys()) {
      if (this.entries.size < this.options.maxEntries && this.heldBytes + incoming <= this.options.maxBytes) break;
      this.forget(key);
    }
  }
}
