/**
 * A decoded window as the compact shape's JSON text, built as bytes: what `JSON.stringify(encodeCompact(window))`
 * gives, without ever holding a channel's base64 (or the whole text) as one string over 64 KiB. The gateway
 * writes it for a body that carried no JSON text of its own (CBOR).
 */
import type { SensorWindow } from "../analyzers/types";
import { compactLayout } from "./encode";
import { float32LeBytes } from "./f32-base64";

/** Sample bytes per base64 slice: a multiple of 3 (whole quads), 64 KiB of text. */
const SLICE_BYTES = 48 * 1024;

function pushBase64(samples: Float32Array | Float64Array, out: Buffer[]): void {
  const bytes = float32LeBytes(samples);
  for (let start = 0; start < bytes.length; start += SLICE_BYTES) {
    out.push(Buffer.from(bytes.toString("base64", start, Math.min(bytes.length, start + SLICE_BYTES)), "latin1"));
  }
}

export function compactJsonBytes(window: SensorWindow): Buffer {
  const { head, rates } = compactLayout(window);
  const pieces: Buffer[] = [Buffer.from(`${JSON.stringify(head).slice(0, -1)},"channels":{`)];
  let first = true;
  for (const [name, signal] of Object.entries(window.channels)) {
    if (signal === undefined) continue;
    pieces.push(Buffer.from(`${first ? "" : ","}${JSON.stringify(name)}:"`));
    pushBase64(signal.samples, pieces);
    pieces.push(Buffer.from('"'));
    first = false;
  }
  pieces.push(Buffer.from(rates ? `},"channel_rates":${JSON.stringify(rates)}}` : "}}"));
  return Buffer.concat(pieces);
}
