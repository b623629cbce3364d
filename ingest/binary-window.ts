/**
 * The samples of a binary raw entry: one `samples:<channel>` field of raw little-endian bytes per channel its
 * `sensor_layout` names (docs/architecture.md#raw-stream-layout). Checking costs no copy: only presence and byte
 * length are checked (the gateway checked every sample value when it accepted the window).
 */
import type { ChannelName, SensorWindow } from "../analyzers/types";
import { samplesField } from "../contracts/streams";
import { InputError } from "./errors";
import { SAMPLE_SIZE, viewSamples } from "./sample-bytes";
import type { WindowLayout } from "./sensor-layout";

/** Each channel's bytes, exactly as the entry holds them. */
export type ChannelBytes = Partial<Record<ChannelName, Buffer>>;

/** The channels' byte fields of an entry; a missing or non-binary field or a wrong byte length is an InputError naming it. */
export function channelBytes(fields: ReadonlyMap<string, unknown>, layout: WindowLayout): ChannelBytes {
  const out: ChannelBytes = {};
  for (const [name, c] of Object.entries(layout.channels) as [ChannelName, NonNullable<WindowLayout["channels"][ChannelName]>][]) {
    const field = samplesField(name);
    const value = fields.get(field);
    if (value === undefined) throw new InputError(field, "missing stream field (named by sensor_layout.channels)");
    if (!Buffer.isBuffer(value)) throw new InputError(field, "expected binary sample bytes");
    const expected = c.length * SAMPLE_SIZE[c.type];
    if (value.length !== expected) throw new InputError(field, `holds ${value.length} bytes, expected ${expected} (${c.length} samples of ${c.type})`);
    out[name] = value;
  }
  return out;
}

/** The window as typed arrays over the entry's bytes (copied only where unaligned). */
export function binaryWindow(layout: WindowLayout, bytes: ChannelBytes): SensorWindow {
  const window: SensorWindow = { ...layout.scalars, channels: {} };
  for (const [name, c] of Object.entries(layout.channels) as [ChannelName, NonNullable<WindowLayout["channels"][ChannelName]>][]) {
    window.channels[name] = { rateHz: c.rateHz, samples: viewSamples(bytes[name]!, c.type, c.length) };
  }
  return window;
}
