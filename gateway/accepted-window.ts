/**
 * One window on its way into the raw stream, shared by the single and the batch ingest routes: decoded (validation
 * is the full decode), its cost against the vehicle's budget (samples), the JSON text its entry carries, and the
 * entry itself. The entry is built in one place (rawEntryOf), so a change of the entry layout is one line.
 */
import type { DecodedIngestBody } from "../ingest/ingest-body";
import { decodeIngestBody } from "../ingest/ingest-body";
import { expectJsonLike } from "../ingest/cbor-body";
import { compactJsonBytes } from "../ingest/compact-json";
import { jsonMemberSpan } from "../ingest/json-member-span";
import type { RawEntry } from "../streams/raw-stream-writer";
import type { BodyMedia } from "./body";
import { decodeOrReject } from "./http";

export interface AcceptedWindow {
  fleetId: string;
  vehicleId: string;
  /** The decoded window and metadata (what the coordinator will diagnose). */
  decoded: DecodedIngestBody;
  /** sensor_data as JSON text: the client's own bytes for a JSON body, the compact shape's for a CBOR one. */
  sensorData: Buffer;
}

/**
 * The body `{sensor_data, metadata}` decoded (422 naming the field). Metadata is stored as JSON text, so it must hold
 * only what JSON can (a CBOR body could send more) and no string over 64 KiB (left as bytes by the JSON parser).
 */
export function decodeWindow(body: unknown): DecodedIngestBody {
  return decodeOrReject(() => {
    const decoded = decodeIngestBody(body);
    expectJsonLike(decoded.metadata, "metadata");
    return decoded;
  });
}

/** Samples in a window, all channels: what the vehicle's budget counts (a legacy 10-row batch of 4 channels is 40). */
export function windowSamples(decoded: DecodedIngestBody): number {
  let n = 0;
  for (const signal of Object.values(decoded.window.channels)) n += signal?.samples.length ?? 0;
  return n;
}

/** The JSON text of sensor_data: sliced out of a JSON body (never re-serialised), built as bytes for CBOR. */
export function sensorDataBytes(raw: Buffer, media: BodyMedia, decoded: DecodedIngestBody): Buffer {
  if (media !== "cbor") {
    const span = jsonMemberSpan(raw, "sensor_data");
    if (span) return raw.subarray(span.start, span.end);
  }
  return compactJsonBytes(decoded.window);
}

/** The raw stream entry of an accepted window (docs/architecture.md#raw-stream-layout). */
export function rawEntryOf(accepted: AcceptedWindow): RawEntry {
  return {
    fleetId: accepted.fleetId,
    vehicleId: accepted.vehicleId,
    timestamp: new Date(),
    sensorData: accepted.sensorData,
    metadata: accepted.decoded.metadata,
  };
}
