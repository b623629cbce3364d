/**
 * Writing one window's findings to `fault_diagnosis_results`, one entry per fault family, with exactly the
 * contract fields of docs/architecture.md#results-stream-layout, in this order:
 *   vehicle_id, fault_type, timestamp, status, score, features (JSON), original_message_id, processing_time, fleet_id
 *
 * Public interface:
 *   writeResults(redis, resultsStream, { fleetId, vehicleId, originalMessageId, findings, processingTimeMs,
 *                timestamp?, maxLen?, dedupeTtlS? }): Promise<WriteResultsOutcome>
 *   resultEntryFields(fleetId, vehicleId, originalMessageId, finding, processingTimeMs, timestamp): string[]
 *   parseResultEntry(fields): ResultEntry   (for readers: API history, tests)
 *
 * Decisions:
 * - No other extra stream fields. Old consumers may read the entry positionally, so `fleet_id` (vehicle ids are
 *   unique within a fleet only) comes last and the explanation travels INSIDE `features`: the finding's numeric features, plus `_reason` (string),
 *   `_evidence` (Evidence[]), and `_faulted_phase` / `_bearing_defect` / `_baseline_used` when set. The leading
 *   underscore marks keys that are not numeric features (a baseline never holds them), so a reader that wants
 *   only features drops `_*` keys.
 * - `processing_time` is in seconds (SI; written with microsecond resolution). `timestamp` is ISO 8601,
 *   the diagnosis time unless the caller passes another.
 * - The coordinator writes results inside its one window commit (stores/window-commit.ts), with the same dedupe
 *   hash and the same per-family step; writeResults() is that step on its own (benches, tools, tests).
 * - Idempotency (invariant 2): a Lua script keeps a hash `<resultsStream>:dedupe:<originalMessageId>` with
 *   one field per fault family, and for each family does HSETNX + XADD in the same atomic step; a second
 *   write for the same window and family writes nothing and reports the first entry's id. Why not MULTI with
 *   SET NX: a MULTI cannot make the XADD depend on the SET NX answer, so it needs a round trip between them
 *   and a crash in that gap marks a family as written that never was. The hash expires `dedupeTtlS` after the
 *   last write (default 24 h). It only matters while the window's raw entry is pending: an acknowledged entry is never
 *   delivered again (XAUTOCLAIM takes pending entries only; a DLQ replay gets a new id), and a dead coordinator's
 *   entries are reclaimed within seconds. 24 h covers a full outage of every coordinator for a day; each hash costs
 *   ≈ 0.3 KB (0.25 KB of result ids, 60 B of the window commit's mark), i.e. 27 MB per window/s held (7 days, the
 *   former default, held 180 MB per window/s).
 */
import type { Redis } from "ioredis";
import type { Evidence, FaultType, Finding, FindingStatus } from "../analyzers/types";
import { luaCommand } from "../stores/lua-command";
import { fieldsToObject } from "./stream-replies";

export const DEFAULT_RESULTS_MAXLEN = 100_000;
export const DEFAULT_RESULT_DEDUPE_TTL_S = 24 * 3600;

export interface WriteResultsInput {
  fleetId: string;
  vehicleId: string;
  /** The raw stream id that identifies the window (for assembled windows: the window key). */
  originalMessageId: string;
  findings: readonly Finding[];
  processingTimeMs: number;
  timestamp?: string | Date | number;
  maxLen?: number;
  dedupeTtlS?: number;
}

export interface ResultWrite {
  faultType: FaultType;
  /** Entry id in the results stream (the earlier one when this write was a duplicate). */
  id: string;
  written: boolean;
}

export interface WriteResultsOutcome {
  results: ResultWrite[];
  /** Fault families written by this call. */
  written: FaultType[];
  /** Fault families already written for this window by an earlier call. */
  skipped: FaultType[];
}

/** `features` JSON with the explanation kept inside (see header). */
export function featuresJson(finding: Finding): string {
  const out: Record<string, unknown> = { ...finding.features };
  if (finding.reason !== undefined) out._reason = finding.reason;
  out._evidence = finding.evidence;
  if (finding.faulted_phase !== undefined) out._faulted_phase = finding.faulted_phase;
  if (finding.bearing_defect !== undefined) out._bearing_defect = finding.bearing_defect;
  if (finding.baseline_used !== undefined) out._baseline_used = finding.baseline_used;
  return JSON.stringify(out);
}

function isoTimestamp(t: string | Date | number | undefined): string {
  if (t === undefined) return new Date().toISOString();
  if (typeof t === "string") return t;
  return (typeof t === "number" ? new Date(t) : t).toISOString();
}

export function resultEntryFields(
  fleetId: string,
  vehicleId: string,
  originalMessageId: string,
  finding: Finding,
  processingTimeMs: number,
  timestamp: string,
): string[] {
  // The order of RESULT_ENTRY_FIELDS (contracts/streams.ts); fleet_id last, for readers that go by position.
  return [
    "vehicle_id",
    vehicleId,
    "fault_type",
    finding.fault_type,
    "timestamp",
    timestamp,
    "status",
    finding.status,
    "score",
    String(Number.isFinite(finding.score) ? finding.score : 0),
    "features",
    featuresJson(finding),
    "original_message_id",
    originalMessageId,
    "processing_time",
    (processingTimeMs / 1000).toFixed(6),
    "fleet_id",
    fleetId,
  ];
}

const writeResultsScript = luaCommand({
  name: "vtoxWriteResults",
  numberOfKeys: 2,
  lua: `
local ttl, maxlen, n = ARGV[1], ARGV[2], tonumber(ARGV[3])
local out = {}
local pos = 4
for i = 1, n do
  local family = ARGV[pos]
  local nfields = tonumber(ARGV[pos + 1])
  if redis.call('HSETNX', KEYS[1], family, '') == 1 then
    local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', maxlen, '*', unpack(ARGV, pos + 2, pos + 1 + nfields))
    redis.call('HSET', KEYS[1], family, id)
    out[#out + 1] = {family, id, 1}
  else
    out[#out + 1] = {family, redis.call('HGET', KEYS[1], family), 0}
  end
  pos = pos + 2 + nfields
end
redis.call('EXPIRE', KEYS[1], ttl)
return out
`,
});

export function resultDedupeKey(resultsStream: string, originalMessageId: string): string {
  return `${resultsStream}:dedupe:${originalMessageId}`;
}

export async function writeResults(redis: Redis, resultsStream: string, input: WriteResultsInput): Promise<WriteResultsOutcome> {
  const timestamp = isoTimestamp(input.timestamp);
  const args: (string | number)[] = [input.dedupeTtlS ?? DEFAULT_RESULT_DEDUPE_TTL_S, input.maxLen ?? DEFAULT_RESULTS_MAXLEN, input.findings.length];
  for (const f of input.findings) {
    const fields = resultEntryFields(input.fleetId, input.vehicleId, input.originalMessageId, f, input.processingTimeMs, timestamp);
    args.push(f.fault_type, fields.length, ...fields);
  }
  const reply = await writeResultsScript.run(redis, [resultDedupeKey(resultsStream, input.originalMessageId), resultsStream], args);
  if (!Array.isArray(reply)) throw new Error("unexpected reply from write-results script");
  const results: ResultWrite[] = reply.map((row: unknown) => {
    const [faultType, id, written] = (Array.isArray(row) ? row : []) as unknown[];
    return { faultType: String(faultType) as FaultType, id: String(id), written: written === 1 };
  });
  return {
    results,
    written: results.filter((r) => r.written).map((r) => r.faultType),
    skipped: results.filter((r) => !r.written).map((r) => r.faultType),
  };
}

/** One results-stream entry, decoded. */
export interface ResultEntry {
  id: string;
  /** "" for an entry written before results carried the fleet. */
  fleetId: string;
  vehicleId: string;
  faultType: FaultType;
  timestamp: string;
  status: FindingStatus;
  score: number;
  features: Record<string, number>;
  reason?: string;
  evidence: Evidence[];
  originalMessageId: string;
  processingTimeS: number;
  /** Other `_*` keys found in features (faulted phase, bearing defect, baseline flag). */
  extras: Record<string, unknown>;
}

export function parseResultEntry(id: string, list: unknown): ResultEntry {
  const f = fieldsToObject(list);
  let parsed: Record<string, unknown> = {};
  try {
    const v: unknown = JSON.parse(f.features ?? "{}");
    if (v && typeof v === "object" && !Array.isArray(v)) parsed = v as Record<string, unknown>;
  } catch {
    /* an old producer's malformed features: keep the entry, without features */
  }
  const features: Record<string, number> = {};
  const extras: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (k.startsWith("_")) extras[k] = v;
    else if (typeof v === "number") features[k] = v;
  }
  const { _reason: reason, _evidence: evidence, ...rest } = extras;
  return {
    id,
    fleetId: f.fleet_id ?? "",
    vehicleId: f.vehicle_id ?? "",
    faultType: (f.fault_type ?? "") as FaultType,
    timestamp: f.timestamp ?? "",
    status: (f.status ?? "insufficient_data") as FindingStatus,
    score: Number(f.score ?? 0),
    features,
    ...(typeof reason === "string" ? { reason } : {}),
    evidence: Array.isArray(evidence) ? (evidence as Evidence[]) : [],
    originalMessageId: f.original_message_id ?? "",
    processingTimeS: Number(f.processing_time ?? 0),
    extras: rest,
  };
}
