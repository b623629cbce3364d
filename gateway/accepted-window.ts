/**
 * One window on its way into the raw stream, shared by the single and the batch ingest routes: decoded (validation
 * is the full decode), its cost against the vehicle's budget (samples), and its entry in the binary layout (the
 * decoded window's typed arrays are the entry's sample fields: the entry is the store). Built in one place.
 */
import type { DecodedIngestBody } from "../ingest/ingest-body";
import { decodeIngestBody } from "../ingest/ingest-body";
import { expectJsonLike } from "../ingest/cbor-body";
import type { RawEntry } from "../streams/raw-stream-writer";
import { decodeOrReject } from "./http";

export interface AcceptedWindow {
  fleetId: string;
  vehicleId: string;
  /** The decoded window and metadata (what the coordinator will diagnose). */
  decoded: DecodedIngestBody;
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

/** The raw stream entry of an accepted window (docs/architecture.md#raw-stream-layout). */
export function rawEntryOf(accepted: AcceptedWindow): RawEntry {
  return {
    fleetId: accepted.fleetId,
    vehicleId: accepted.vehicleId,
    timestamp: new Date(),
    window: accepted.decoded.window,
    metadata: accepted.decoded.metadata,
  };
}
