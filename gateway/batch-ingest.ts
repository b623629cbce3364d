/**
 * POST …/diagnosis-stream/batches: many windows (typically an older producer's 10-row batches, of any vehicles of
 * the caller's fleet) in one request, each answered on its own: `{message_id}` or `{status, error, field, message}`.
 * A bad item is never written and never rejects the others. Each item is checked exactly like a single POST —
 * decode (422), the vehicle's samples budget (429), the fleet's vehicle quota (403) — and the fleet's bytes
 * budget is charged once for the whole body. Budgets and quotas are one round trip for all vehicles at once; the
 * accepted items are written with pipelined XADDs, one round trip for the batch.
 */
import type { Principal } from "./roles";
import { ALL_FLEETS } from "./roles";
import type { ApiMeta } from "./action";
import { decodeWindow, rawEntryOf, windowSamples, type AcceptedWindow } from "./accepted-window";
import { batchItems, type BatchItemSource } from "./batch-items";
import { HttpError, toHttpError, type ErrorBody } from "./http-errors";
import { ingestBudgets, refusal, type IngestDeps } from "./ingest";
import { fleetInScope } from "./access";
import { admitWindow, budgetCost, fleetBytesBucket } from "../stores/ingest-budget";
import { rawEntryFields } from "../streams/raw-stream-writer";
import { expectObject, rejectUnknownKeys } from "../ingest/validate";
import { expectFleetId, expectVehicleId } from "../ingest/vehicle-id";
import { InputError } from "../ingest/errors";

export type BatchItemResult = { status: 202; message_id: string } | ({ status: number } & ErrorBody & { retry_after_s?: number });

export interface BatchResult {
  accepted: number;
  rejected: number;
  items: BatchItemResult[];
}

const ITEM_KEYS: ReadonlySet<string> = new Set(["vehicle_id", "fleet_id", "sensor_data", "metadata"]);

type Checked = { index: number; window: AcceptedWindow } | { index: number; error: BatchItemResult };

function failure(err: unknown): BatchItemResult {
  const { status, body } = toHttpError(err);
  if (status >= 500) throw err;
  const retryAfterS = (err as { data?: { retryAfterS?: number } }).data?.retryAfterS;
  return { status, ...body, ...(retryAfterS ? { retry_after_s: retryAfterS } : {}) };
}

/** One item → its accepted window (not yet budgeted) or its error. */
function checkItem(source: BatchItemSource, principal: Principal, requestFleet: string | undefined): AcceptedWindow | BatchItemResult {
  if ("syntaxError" in source) return { status: 400, error: "invalid_json", field: "body", message: `item is ${source.syntaxError}` };
  try {
    const obj = expectObject(source.value, "item");
    rejectUnknownKeys(obj, ITEM_KEYS, "");
    const vehicleId = expectVehicleId(obj.vehicle_id, "vehicle_id");
    const named = obj.fleet_id === undefined ? requestFleet : expectFleetId(obj.fleet_id, "fleet_id");
    // A fleet key writes to its own fleet only: naming another is refused, whether that fleet exists or not.
    if (principal.fleetId !== ALL_FLEETS && named !== undefined && named !== principal.fleetId) {
      throw new HttpError(403, "forbidden", "this key may not write to another fleet", "fleet_id");
    }
    const fleetId = fleetInScope(principal, named, "fleet_id");
    const { vehicle_id: _v, fleet_id: _f, ...body } = obj;
    const decoded = decodeWindow(body);
    return { fleetId, vehicleId, decoded };
  } catch (err) {
    if (err instanceof InputError) return failure(new HttpError(422, "invalid_input", err.reason, err.field));
    return failure(err);
  }
}

const vehicleOf = (w: AcceptedWindow): string => `${w.fleetId}\n${w.vehicleId}`;

/** The vehicles' samples budgets and quotas, all vehicles at once; returns the error of each refused vehicle. */
async function refusedVehicles(deps: IngestDeps, windows: readonly AcceptedWindow[]): Promise<Map<string, BatchItemResult>> {
  const samples = new Map<string, { window: AcceptedWindow; samples: number }>();
  for (const w of windows) {
    const seen = samples.get(vehicleOf(w));
    // Each window costs what it would on the single route; their sum may exceed the budget, and is then refused.
    samples.set(vehicleOf(w), { window: w, samples: (seen?.samples ?? 0) + budgetCost(windowSamples(w.decoded), deps.vehicleSamplesPerS) });
  }
  const budgets = ingestBudgets(deps);
  const vehicles = [...samples.values()];
  // The fleet's bytes were charged for the whole body: each vehicle's check charges none.
  const admissions = await Promise.all(
    vehicles.map((v) =>
      admitWindow(deps.redis, deps.keys, budgets, { fleetId: v.window.fleetId, vehicleId: v.window.vehicleId, samples: v.samples, bytes: 0 }),
    ),
  );
  const refused = new Map<string, BatchItemResult>();
  vehicles.forEach((v, i) => {
    const admission = admissions[i];
    if (!admission.admitted) refused.set(vehicleOf(v.window), failure(refusal(admission, deps.fleetQuota.maxVehicles)));
  });
  return refused;
}

export async function acceptBatch(
  deps: IngestDeps,
  rawStreamMaxLen: number,
  principal: Principal,
  requestFleet: string | undefined,
  meta: ApiMeta,
): Promise<BatchResult> {
  const raw = meta.rawBody ?? Buffer.alloc(0);
  delete meta.rawBody;
  const sources = batchItems(raw, meta.bodyMedia ?? "json");
  const checked: Checked[] = sources.map((source, index) => {
    const out = checkItem(source, principal, requestFleet);
    return "decoded" in out ? { index, window: out } : { index, error: out };
  });
  const windows = checked.flatMap((c) => ("window" in c ? [c.window] : []));
  // The fleet's bytes: the whole body, once (every item is this request's fleet's, or the all-fleet key's choice).
  for (const fleetId of new Set(windows.map((w) => w.fleetId))) {
    const fleetBytes = await deps.limiter.hit(fleetBytesBucket(fleetId), deps.fleetQuota.bytesPerS, budgetCost(raw.length, deps.fleetQuota.bytesPerS));
    if (!fleetBytes.allowed)
      throw new HttpError(429, "rate_limited", "this fleet's ingest bytes per second are used up", undefined, { retryAfterS: fleetBytes.retryAfterS });
  }
  const refused = windows.length > 0 ? await refusedVehicles(deps, windows) : new Map<string, BatchItemResult>();
  const toWrite = checked.filter((c): c is { index: number; window: AcceptedWindow } => "window" in c && !refused.has(vehicleOf(c.window)));
  const pipeline = deps.redis.pipeline();
  // Each vehicle's partition stream (STREAM_PARTITIONS), as on the single route.
  for (const c of toWrite) {
    const stream = deps.keys.rawStreamOf(c.window.fleetId, c.window.vehicleId);
    pipeline.xadd(stream, "MAXLEN", "~", rawStreamMaxLen, "*", ...rawEntryFields(rawEntryOf(c.window)));
  }
  const replies = toWrite.length > 0 ? ((await pipeline.exec()) ?? []) : [];
  const items: BatchItemResult[] = new Array<BatchItemResult>(checked.length);
  let accepted = 0;
  toWrite.forEach((c, k) => {
    const [err, id] = replies[k] ?? [new Error("no reply"), null];
    // One failed XADD (e.g. Redis at maxmemory) fails its item only: the others are written and must be answered.
    if (err || typeof id !== "string")
      items[c.index] = { status: 503, error: "service_unavailable", message: "storage temporarily unavailable, retry this item" };
    else {
      items[c.index] = { status: 202, message_id: id };
      accepted++;
    }
  });
  for (const c of checked) {
    if ("error" in c) items[c.index] = c.error;
    else if (items[c.index] === undefined) items[c.index] = refused.get(vehicleOf(c.window)) as BatchItemResult;
  }
  return { accepted, rejected: checked.length - accepted, items };
}
