/**
 * Ingest after the gate (key, per-key budget, UTF-8 JSON body) and params: full decode (422); the vehicle's and the
 * fleet's budgets (429) and the fleet's vehicle quota (403), shared by every api replica through Redis; then XADD
 * motor_raw_data in the binary layout (the decoded window's samples as they are) with the vehicle's fleet. An
 * Idempotency-Key is scoped by fleet and vehicle and remembers a hash of the body: a retry gets the first id, the
 * same key with another body is 422 `idempotency_key_reused` (nothing is written either way).
 */
import { createHash } from "node:crypto";
import { decodeIngestBody } from "../ingest/ingest-body";
import { appendRawEntry, appendRawEntryOnceWithStatus } from "../streams/raw-stream-writer";
import type { ApiMeta } from "./action";
import { decodeOrReject } from "./http";
import { HttpError } from "./http-errors";
import type { Principal } from "./roles";
import type { GatewayStores } from "./stores";
import { admitVehicle } from "../stores/fleet-quota";
import { keyNames } from "../contracts/redis-keys";

const IDEMPOTENCY_TTL_S = 24 * 3600;

export type IngestDeps = Pick<GatewayStores, "redis" | "keys" | "limiter" | "vehicleLimitPerS" | "fleetQuota">;

export interface IngestParams {
  vehicle_id: string;
  /** Only for an all-fleet key (the fleet is otherwise the key's); not part of the body that is decoded. */
  fleet_id?: string;
  sensor_data: object;
  metadata?: object | null;
}

/** The raw stream entry id of the accepted window (the first one's for a repeated Idempotency-Key). */
export async function acceptWindow(deps: IngestDeps, rawStreamMaxLen: number, principal: Principal, params: IngestParams, meta: ApiMeta): Promise<string> {
  const { vehicle_id: vehicleId, fleet_id: _namedFleet, ...body } = params;
  const fleetId = meta.vehicleFleet ?? principal.fleetId;
  // Validation is the full decode: what is accepted here, the coordinator can diagnose.
  const { window } = decodeOrReject(() => decodeIngestBody(body));
  // The per-key budget was charged by the gate, before the body was read (gateway/request-gate.ts). The vehicle's
  // and the fleet's budgets are charged together: one round trip to Redis, not two.
  const [perVehicle, fleetBytes] = await Promise.all([
    deps.limiter.hit(`vehicle:${fleetId}:${vehicleId}`, deps.vehicleLimitPerS),
    deps.limiter.hit(`fleet-bytes:${fleetId}`, deps.fleetQuota.bytesPerS, Math.max(1, meta.rawBody?.length ?? 0)),
  ]);
  if (!perVehicle.allowed)
    throw new HttpError(429, "rate_limited", "too many requests for this vehicle", "vehicle_id", { retryAfterS: perVehicle.retryAfterS });
  if (!fleetBytes.allowed)
    throw new HttpError(429, "rate_limited", "this fleet's ingest bytes per second are used up", undefined, { retryAfterS: fleetBytes.retryAfterS });
  // A vehicle is admitted (counted toward FLEET_MAX_VEHICLES) only once its window passed every budget.
  if (!(await admitVehicle(deps.redis, deps.keys, fleetId, vehicleId, deps.fleetQuota.maxVehicles))) {
    throw new HttpError(403, "quota_exceeded", `this fleet has reached its quota of ${deps.fleetQuota.maxVehicles} vehicles`, "vehicle_id");
  }
  const rawBody = meta.rawBody;
  delete meta.rawBody;
  // The binary layout: the decoded window's typed arrays are the entry's sample fields (the entry is the store).
  const entry = { fleetId, vehicleId, timestamp: new Date(), window, metadata: body.metadata ?? {} };
  const opts = { maxLen: rawStreamMaxLen };
  // The vehicle's partition stream (STREAM_PARTITIONS): its windows stay in order in one stream.
  const rawStream = deps.keys.rawStreamOf(fleetId, vehicleId);
  if (!meta.idempotencyKey) return appendRawEntry(deps.redis, rawStream, entry, opts);
  // Hashed into the Redis key: any header text (≤ 200 characters, checked by the gate) gives a short, safe key name.
  const scope = createHash("sha256").update(`${fleetId}\n${vehicleId}\n${meta.idempotencyKey}`).digest("base64url");
  const fingerprint = createHash("sha256")
    .update(rawBody ?? JSON.stringify(body))
    .digest("base64url");
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
