/**
 * Claim check for decoded windows that have no binary raw entry to point at (older producers' JSON entries, windows
 * assembled from legacy batches; the binary layout is read in place instead, stores/entry-window.ts): the coordinator stores a window's channels ONCE in Redis as raw little-endian
 * sample bytes (one hash per window, one field per channel, short TTL) and sends the fault workers only a
 * reference (WindowRef: key, channel layout, scalars). Each worker fetches just the channels its analyzer reads
 * (HMGET as Buffers) and views them as typed arrays. Why: a 4 × 8192-sample window is ~130 KB; shipping it inline
 * to five workers through the pub/sub transporter cost 5 × (CBOR encode + PUBLISH + copy + decode) per window.
 *
 * Public interface:
 *   storeWindow(redis, key, window, ttlS): Promise<WindowRef>
 *   loadWindow(redis, ref, channels?): Promise<SensorWindow>   (missing key → WindowGoneError)
 *   deleteWindow(redis, key): Promise<void>
 *   channelsRead(analyzer): ChannelName[]       the channels an analyzer declares it reads
 * Samples keep their type (Float32 stays Float32, Float64 stays Float64), so analysis of a fetched window is
 * bit-identical to analysis of the inline one.
 */
import type { Redis } from "ioredis";
import { CHANNEL_NAMES, type Analyzer, type ChannelName, type SensorWindow } from "../analyzers/types";
import { sampleBytes, viewSamples } from "../ingest/sample-bytes";
import { windowLayout, type WindowLayout } from "../ingest/sensor-layout";

/** The hash's key, its channel layout and the window's scalars. */
export interface WindowRef extends WindowLayout {
  key: string;
}

/** A window reference whose data has expired or been deleted: the coordinator stores it again on the stream's retry. */
export class WindowGoneError extends Error {
  constructor(key: string) {
    super(`window data ${key} is gone (expired or deleted)`);
    this.name = "WindowGoneError";
  }
}

export async function storeWindow(redis: Redis, key: string, window: SensorWindow, ttlS: number): Promise<WindowRef> {
  const ref: WindowRef = { key, ...windowLayout(window) };
  const fields: (string | Buffer)[] = [];
  for (const name of CHANNEL_NAMES) {
    const s = window.channels[name];
    if (s) fields.push(name, sampleBytes(s.samples));
  }
  if (fields.length === 0) return ref; // nothing to store: every reader gets the scalars only
  const replies = await redis
    .multi()
    .hset(key, ...fields)
    .expire(key, Math.max(1, Math.round(ttlS)))
    .exec();
  const failed = replies?.find(([err]) => err);
  if (!replies || failed) throw failed?.[0] ?? new Error(`storing window ${key} was aborted`);
  return ref;
}

/** The window of `ref` with only `wanted` channels (default all) fetched. */
export async function loadWindow(redis: Redis, ref: WindowRef, wanted: readonly ChannelName[] = CHANNEL_NAMES): Promise<SensorWindow> {
  const window: SensorWindow = { ...ref.scalars, channels: {} };
  const names = wanted.filter((n) => ref.channels[n] !== undefined);
  if (names.length === 0) return window;
  const values = await redis.hmgetBuffer(ref.key, ...names);
  names.forEach((name, i) => {
    const bytes = values[i];
    const layout = ref.channels[name]!;
    if (!bytes) throw new WindowGoneError(ref.key);
    window.channels[name] = { rateHz: layout.rateHz, samples: viewSamples(bytes, layout.type, layout.length) };
  });
  return window;
}

export async function deleteWindow(redis: Redis, key: string): Promise<void> {
  await redis.unlink(key);
}

/** Channels an analyzer reads: every channel of its required sets plus its optional ones. */
export function channelsRead(analyzer: Pick<Analyzer, "requirements">): ChannelName[] {
  const set = new Set<ChannelName>();
  for (const group of analyzer.requirements.channelsAnyOf) for (const name of group) set.add(name);
  for (const name of analyzer.requirements.optionalChannels ?? []) set.add(name);
  return CHANNEL_NAMES.filter((n) => set.has(n));
}
