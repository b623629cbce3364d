/**
 * One read of a claim-checked window per worker process, however many fault services that process hosts: the first
 * service to ask fetches the union of the channels the local services read; the others await the same promise.
 * Entries live a few seconds (the five calls of one window arrive together) and are bounded in number, so a burst
 * of windows cannot pin memory.
 */
import type { Redis } from "ioredis";
import { CHANNEL_NAMES, type ChannelName, type SensorWindow } from "../analyzers/types";
import { loadWindow, type WindowRef } from "./sample-store";

interface Entry {
  channels: ReadonlySet<ChannelName>;
  window: Promise<SensorWindow>;
  expiresAt: number;
}

export interface SharedWindowReadsOptions {
  /** How long a fetched window is kept for the other local services, ms. */
  ttlMs: number;
  /** Most windows kept at once (a standard window is ~130 KB of samples). */
  maxEntries: number;
}

export class SharedWindowReads {
  private readonly entries = new Map<string, Entry>();
  private readonly localChannels = new Set<ChannelName>();
  /** Redis reads made (for tests and the bench: one per window per process). */
  reads = 0;

  constructor(private readonly options: SharedWindowReadsOptions) {}

  /** A local service declares the channels its analyzer reads. */
  register(channels: readonly ChannelName[]): void {
    for (const c of channels) this.localChannels.add(c);
  }

  /** The window of `ref` with exactly the `wanted` channels, read from Redis at most once per window here. */
  async load(redis: Redis, ref: WindowRef, wanted: readonly ChannelName[]): Promise<SensorWindow> {
    if (wanted.length === 0) return { ...ref.scalars, channels: {} };
    const now = Date.now();
    this.evict(now);
    let entry = this.entries.get(ref.key);
    if (!entry || wanted.some((c) => !entry!.channels.has(c))) {
      const channels = new Set<ChannelName>([...this.localChannels, ...wanted]);
      const pending = loadWindow(
        redis,
        ref,
        CHANNEL_NAMES.filter((c) => channels.has(c)),
      );
      this.reads++;
      entry = { channels, window: pending, expiresAt: now + this.options.ttlMs };
      this.entries.set(ref.key, entry);
      // A failed read is not kept: the coordinator retries the window and the next call reads again.
      const failed = entry;
      pending.catch(() => {
        if (this.entries.get(ref.key) === failed) this.entries.delete(ref.key);
      });
    }
    const full = await entry.window;
    const channels: SensorWindow["channels"] = {};
    for (const c of wanted) if (full.channels[c]) channels[c] = full.channels[c];
    return { ...full, channels };
  }

  get size(): number {
    return this.entries.size;
  }

  private evict(now: number): void {
    for (const [key, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(key);
    while (this.entries.size >= this.options.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }
}
