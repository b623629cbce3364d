/**
 * What the coordinator does with one raw stream entry, as a plain function of its dependencies:
 *  - an entry that does not decode is dead-lettered at once with the field that failed (it would fail forever);
 *  - a short legacy batch (below `shortBatchSamples` per channel) is appended to its vehicle's window
 *    (streams/batch-assembler.ts) and held pending until that window is diagnosed, which then acks them all;
 *  - a complete window is diagnosed, then acked. A binary entry's window is not viewed here: the job carries a
 *    reference to the entry (stream + id + layout) and workers read the samples from it.
 * A diagnosis failure throws: the entry stays pending and is retried (invariants 1–3).
 */
import type { SensorWindow } from "../analyzers/types";
import { isInputError } from "../ingest/errors";
import { decodeStreamEntry, type DecodedStreamEntry } from "../ingest/raw-stream-entry";
import type { WindowAssembler } from "../streams/batch-assembler";
import type { EntryOutcome } from "../streams/stream-consumer";
import type { StreamEntry } from "../streams/stream-replies";
import { rawEntryRef, type RawEntryRef } from "../stores/entry-window";
import type { WindowJob } from "./diagnose-window";

export interface RouteEntryDeps {
  /** The stream the entries come from (workers read binary entries there). */
  stream: string;
  shortBatchSamples: number;
  /** The fleet of entries without a fleet_id (an older producer writing straight into the stream). */
  legacyFleetId: string;
  assembler: Pick<WindowAssembler, "append" | "complete">;
  diagnose(job: WindowJob): Promise<unknown>;
  warn(message: string): void;
}

export async function routeStreamEntry(entry: StreamEntry, deps: RouteEntryDeps): Promise<EntryOutcome> {
  const decoded = decodeOrReject(entry);
  if ("error" in decoded) return { outcome: "dead", error: decoded.error };
  if (referenceSamples(decoded) < deps.shortBatchSamples) return assembleBatch(entry.id, decoded, deps);
  await deps.diagnose(windowJob(decoded, entry.id, deps, decoded.binary && rawEntryRef(deps.stream, entry.id, decoded.binary.layout)));
  return "ack";
}

/** The decoded entry, or the failing field for the dead-letter record (other errors are thrown: retry). */
function decodeOrReject(entry: StreamEntry): DecodedStreamEntry | { error: string } {
  try {
    return decodeStreamEntry(entry.samples ? { ...entry.fields, ...entry.samples } : entry.fields);
  } catch (err) {
    if (isInputError(err)) return { error: `${err.field}: ${err.reason}` };
    throw err;
  }
}

/** A short legacy batch (the original boxes sent 10 rows per POST): buffered in Redis until a window is full. */
async function assembleBatch(entryId: string, decoded: DecodedStreamEntry, deps: RouteEntryDeps): Promise<EntryOutcome> {
  const vehicle = { fleetId: decoded.fleetId ?? deps.legacyFleetId, vehicleId: decoded.vehicleId };
  const out = await deps.assembler.append(vehicle, entryId, decoded.window);
  if (out.status === "late") deps.warn(`vehicle ${decoded.vehicleId}: batch ${entryId} arrived after its window closed; dropped`);
  // A buffered batch stays pending until its window is diagnosed: complete() acks all of the window's entries.
  // (A batch already in a window being diagnosed elsewhere waits the same way; a finished or late one is acked.)
  if (out.status === "buffered" || out.status === "duplicate" || out.status === "in_window") return "hold";
  if (out.status !== "window") return "ack";
  await deps.diagnose(windowJob({ ...decoded, window: out.window.window }, out.window.windowKey, deps, undefined));
  await deps.assembler.complete(vehicle, out.window.windowKey);
  return "ack";
}

function windowJob(
  decoded: Omit<DecodedStreamEntry, "binary">,
  messageId: string,
  deps: Pick<RouteEntryDeps, "legacyFleetId">,
  entryRef: RawEntryRef | undefined,
): WindowJob {
  return {
    fleetId: decoded.fleetId ?? deps.legacyFleetId,
    vehicleId: decoded.vehicleId,
    messageId,
    timestamp: decoded.timestamp,
    // Read only if the window is sent inline: a binary entry's samples are viewed on first access.
    get window(): SensorWindow {
      return decoded.window;
    },
    metadata: decoded.metadata,
    ...(entryRef ? { entryRef } : {}),
  };
}

/** Samples of the longest channel (the assembler's reference channel), from the layout when the entry is binary. */
function referenceSamples(decoded: DecodedStreamEntry): number {
  const lengths = decoded.binary
    ? Object.values(decoded.binary.layout.channels).map((c) => c.length)
    : Object.values(decoded.window.channels).map((c) => c.samples.length);
  return Math.max(0, ...lengths);
}
