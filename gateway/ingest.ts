/**
 * Ingest after the gate (key, per-key budget, body read and parsed: JSON or CBOR) and params: full decode (422);
 * the vehicle's budget in samples and the fleet's in bytes (429) and the fleet's vehicle quota (403), shared by
 * every api replica through Redis and checked in one script (stores/ingest-budget.ts); then XADD motor_raw_data in the binary layout (the decoded window's samples as
 * they are) with the vehicle's fleet. An Idempotency-Key is scoped by fleet and vehicle and remembers a hash of the body: a retry gets the
 * first id, the same key with another body is 422 `idempotency_key_reused` (nothing is written either way).
 */
import { createHash } from "node:crypto";
import { appendRawEntry, appendRawEntryOnceWithStatus } from "../streams/raw-stream-writer";
import type { ApiMeta } from "./action";
import { decodeWindow, rawEntryOf, windowSamples, type AcceptedWindow } from "./accepted-window";
import { HttpError } from "./http-errors";
import type { Principal } from "./roles";
import type { GatewayStores } from "./stores";
import { admitWindow, budgetCost, type IngestAdmission, type IngestBudgets } from "../stores/ingest-budget";
import { keyNames } from "../contracts/redis-keys";

const IDEMPOTENCY_TTL_S = 24 * 3600;

export type IngestDeps = Pick<GatewayStores, "redis" | "keys" | "limiter" | "vehicleSamplesPerS" | "fleetQuota">;

export interface IngestParams {
  vehicle_id: string;
  /** Only for an all-fleet key (the fleet is otherwise the key's). */
  fleet_id?: string;
}

/** The budgets of this api's configuration (per second). */
export function ingestBudgets(deps: IngestDeps): IngestBudgets {
  return {
    prefix: deps.keys.prefix,
    windowS: 1,
    vehicleSamplesPerS: deps.vehicleSamplesPerS,
    fleetBytesPerS: deps.fleetQuota.bytesPerS,
    maxVehicles: deps.fleetQuota.maxVehicles,
  };
}

/** A refused window's answer: 429 with Retry-After for a budget, 403 for the vehicle quota. */
export function refusal(admission: Exclude<IngestAdmission, { admitted: true }>, maxVehicles: number): HttpError {
  if (admission.refusedBy === "vehicle_quota")
    return new HttpError(403, "quota_exceeded", `this fleet has reached its quota of ${maxVehicles} vehicles`, "vehicle_id");
  if (admission.refusedBy === "vehicle_samples")
    return new HttpError(429, "rate_limited", "this vehicle's samples per second are used up", "vehicle_id", { retryAfterS: admission.retryAfterS });
  return new HttpError(429, "rate_limited", "this fleet's ingest bytes per second are used up", undefined, { retryAfterS: admission.retryAfterS });
}

/** The raw stream entry id of the accepted window (the first one's for a repeated Idempotency-Key). */
export async function acceptWindow(deps: IngestDeps, rawStreamMaxLen: number, principal: Principal, params: IngestParams, meta: ApiMeta): Promise<string> {
  const vehicleId = params.vehicle_id;
  const fleetId = meta.vehicleFleet ?? principal.fleetId;
  const raw = meta.rawBody ?? Buffer.alloc(0);
  // Validation is the full decode: what is accepted here, the coordinator can diagnose.
  const decoded = decodeWindow(meta.windowBody ?? {});
  // The per-key budget was charged by the gate, before the body was read (gateway/request-gate.ts). The vehicle's
  // samples, the fleet's bytes and the fleet's vehicle quota: one script, one round trip, all or nothing.
  const admission = await admitWindow(deps.redis, deps.keys, ingestBudgets(deps), {
    fleetId,
    vehicleId,
    samples: budgetCost(windowSamples(decoded), deps.vehicleSamplesPerS),
    bytes: budgetCost(raw.length, deps.fleetQuota.bytesPerS),
  });
  if (!admission.admitted) throw refusal(admission, deps.fleetQuota.maxVehicles);
  delete meta.rawBody;
  delete meta.windowBody;
  const accepted: AcceptedWindow = { fleetId, vehicleId, decoded };
  const entry = rawEntryOf(accepted);
  const opts = { maxLen: rawStreamMaxLen };
  // The vehicle's partition stream (STREAM_PARTITIONS): its windows stay in order in one stream.
  const rawStream = deps.keys.rawStreamOf(fleetId, vehicleId);
  if (!meta.idempotencyKey) return appendRawEntry(deps.redis, rawStream, entry, opts);
  // Hashed into the Redis key: any header text (≤ 200 characters, checked by the gate) gives a short, safe key name.
  const scope = createHash("sha256").update(`${fleetId}\n${vehicleId}\n${meta.idempotencyKey}`).digest("base64url");
  const fingerprint = createHash("sha256").update(raw).digest("base64url");
  // Under the vehicle's partition tag: the script touches this record and the partition's stream (one cluster slot).
  const dedupeKey = keyNames.dedupe(deps.keys.vehiclePrefix(fleetId, vehicleId), "ingest", scope);
  const { id, conflict } = await appendRawEntryOnceWithStatus(deps.redis, rawStream, dedupeKey, IDEMPOTENCY_TTL_S, entry, {
    ...opts,
    fingerprint,
  });
  if (conflict)
    throw new HttpError(
      422,
      "idempotency_key_reused",
      "this Idempotency-Key was used for another body on this vehicle; use a new key for new data",
      "idempotency-key",
    );
  return id;
}
