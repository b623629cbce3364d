/**
 * Windows read straight from their raw stream entry (our gateway's binary layout, docs/architecture.md#raw-stream-layout):
 * the coordinator sends workers a RawEntryRef — stream, entry id, channel layout, scalars — and a worker reads the
 * entry with one XRANGE as Buffers and views its `samples:<channel>` fields as typed arrays. Nothing is copied into
 * another key, so there is nothing to delete either: the entry lives until retention trims it (after its ack).
 */
import type { Redis } from "ioredis";
import type { SensorWindow } from "../analyzers/types";
import { binaryWindow, channelBytes } from "../ingest/binary-window";
import { SAMPLE_SIZE } from "../ingest/sample-bytes";
import type { WindowLayout } from "../ingest/sensor-layout";
import { WindowGoneError } from "./sample-store";

/** Where a window's samples are: a raw stream entry of the binary layout, and that layout. */
export interface RawEntryRef extends WindowLayout {
  stream: string;
  id: string;
}

export function rawEntryRef(stream: string, id: string, layout: WindowLayout): RawEntryRef {
  return { stream, id, channels: layout.channels, scalars: layout.scalars };
}

/** Bytes of samples the entry holds (for bounding what a process keeps). */
export function layoutBytes(layout: Pick<WindowLayout, "channels">): number {
  let n = 0;
  for (const c of Object.values(layout.channels)) n += c.length * SAMPLE_SIZE[c.type];
  return n;
}

/** The whole window of the entry (one XRANGE); a trimmed entry is a WindowGoneError. */
export async function loadEntryWindow(redis: Redis, ref: RawEntryRef): Promise<SensorWindow> {
  const reply = await redis.xrangeBuffer(ref.stream, ref.id, ref.id);
  const entry = reply[0];
  if (!entry) throw new WindowGoneError(`${ref.stream} ${ref.id}`);
  const list = entry[1];
  const fields = new Map<string, Buffer>();
  for (let i = 0; i + 1 < list.length; i += 2) fields.set(list[i].toString("latin1"), list[i + 1]);
  // The coordinator checked these bytes against the layout before it sent the reference: a mismatch here is a bug.
  return binaryWindow(ref, channelBytes(fields, ref));
}
