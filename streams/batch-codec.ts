/**
 * Compact binary form of one decoded batch (a short SensorWindow) for the window assembler's Redis buffer,
 * and the merge of several batches into one window. Pure: no I/O.
 *
 * Layout: u32 LE header length | header JSON (UTF-8) | each channel's samples as float32 little-endian, in the
 * header's channel order. Float32 keeps 24-bit mantissas: finer than any vehicle ADC (≤ 16 bit) needs.
 */
import { endianness } from "node:os";
import { CHANNEL_NAMES, type ChannelName, type SensorWindow } from "../analyzers/types";
import { compareStreamIds } from "./stream-replies";

// Typed arrays use the host byte order; the stored format is little-endian.
if (endianness() !== "LE") throw new Error("window-codec assumes a little-endian host");

type ScalarName = "rpm" | "loadPct" | "windingTempC" | "insulationResistanceKohm" | "leakageCurrentMa" | "dcBusV";
const SCALAR_NAMES: readonly ScalarName[] = ["rpm", "loadPct", "windingTempC", "insulationResistanceKohm", "leakageCurrentMa", "dcBusV"];

interface BatchHeader {
  id: string;
  /** Samples of the reference channel: what counts towards the window length. */
  n: number;
  startTime?: string;
  channels: [ChannelName, number, number][]; // name, rateHz, length
  scalars: Partial<Record<ScalarName, number>>;
}

export interface DecodedBatch {
  id: string;
  n: number;
  window: SensorWindow;
}

/** The channel that counts towards the window length: the longest (all channels share one rate in legacy rows). */
export function referenceChannel(batch: SensorWindow): { samples: number; rateHz: number } {
  let best = { samples: 0, rateHz: 0 };
  for (const name of CHANNEL_NAMES) {
    const s = batch.channels[name];
    if (s && s.samples.length > best.samples) best = { samples: s.samples.length, rateHz: s.rateHz };
  }
  return best;
}

export function batchSampleCount(batch: SensorWindow): number {
  return referenceChannel(batch).samples;
}

export function encodeBatch(id: string, batch: SensorWindow): Buffer {
  const channels: [ChannelName, number, number][] = [];
  const data: Buffer[] = [];
  for (const name of CHANNEL_NAMES) {
    const signal = batch.channels[name];
    if (!signal) continue;
    const f32 = signal.samples instanceof Float32Array ? signal.samples : Float32Array.from(signal.samples);
    channels.push([name, signal.rateHz, f32.length]);
    data.push(Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength));
  }
  const scalars: Partial<Record<ScalarName, number>> = {};
  for (const s of SCALAR_NAMES) {
    const v = batch[s];
    if (typeof v === "number" && Number.isFinite(v)) scalars[s] = v;
  }
  const header: BatchHeader = { id, n: batchSampleCount(batch), channels, scalars };
  if (batch.startTime !== undefined) header.startTime = batch.startTime;
  const headerBuf = Buffer.from(JSON.stringify(header), "utf8");
  const len = Buffer.alloc(4);
  len.writeUInt32LE(headerBuf.length, 0);
  return Buffer.concat([len, headerBuf, ...data]);
}

export function decodeBatch(blob: Buffer): DecodedBatch {
  const headerLen = blob.readUInt32LE(0);
  const header = JSON.parse(blob.subarray(4, 4 + headerLen).toString("utf8")) as BatchHeader;
  let offset = 4 + headerLen;
  const window: SensorWindow = { channels: {}, ...header.scalars };
  if (header.startTime !== undefined) window.startTime = header.startTime;
  for (const [name, rateHz, length] of header.channels) {
    const samples = new Float32Array(length);
    Buffer.from(samples.buffer).set(blob.subarray(offset, offset + length * 4));
    offset += length * 4;
    window.channels[name] = { samples, rateHz };
  }
  return { id: header.id, n: header.n, window };
}

export interface MergedWindow {
  window: SensorWindow;
  /** Raw message ids in stream order. */
  messageIds: string[];
  samples: number;
  /** Channels left out because some batch lacked them or carried another rate (a splice would be wrong). */
  droppedChannels: ChannelName[];
}

/**
 * Concatenates batches in stream-id order. Scalars are sample-weighted means over the batches that carry them;
 * startTime is the first batch's.
 */
export function mergeBatches(batches: DecodedBatch[]): MergedWindow {
  const sorted = [...batches].sort((a, b) => compareStreamIds(a.id, b.id));
  const window: SensorWindow = { channels: {} };
  const droppedChannels: ChannelName[] = [];
  if (sorted[0]?.window.startTime !== undefined) window.startTime = sorted[0].window.startTime;
  for (const name of CHANNEL_NAMES) {
    const parts = sorted.map((b) => b.window.channels[name]);
    if (parts.every((p) => p === undefined)) continue;
    const rate = parts[0]?.rateHz;
    if (parts.some((p) => p === undefined || p.rateHz !== rate) || rate === undefined) {
      droppedChannels.push(name);
      continue;
    }
    const total = parts.reduce((sum, p) => sum + (p?.samples.length ?? 0), 0);
    const samples = new Float32Array(total);
    let at = 0;
    for (const p of parts) {
      if (!p) continue;
      samples.set(p.samples, at);
      at += p.samples.length;
    }
    window.channels[name] = { samples, rateHz: rate };
  }
  for (const s of SCALAR_NAMES) {
    let weighted = 0;
    let weight = 0;
    for (const b of sorted) {
      const v = b.window[s];
      if (typeof v !== "number") continue;
      const w = Math.max(b.n, 1);
      weighted += v * w;
      weight += w;
    }
    if (weight > 0) window[s] = weighted / weight;
  }
  return { window, messageIds: sorted.map((b) => b.id), samples: sorted.reduce((sum, b) => sum + b.n, 0), droppedChannels };
}
