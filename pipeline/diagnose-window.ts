/**
 * The per-window pipeline of the coordinator, as a plain function of its dependencies:
 *
 *   profile + baseline (cached in process) → fan out ×5 (a reference to the binary raw entry; else claim check:
 *   store the channels once, delete them after; or inline) → vehicle health → one commit (pipeline/commit-window.ts:
 *   results idempotent per original message id and family, vehicle state + history + fleet index, alarm
 *   transitions, critical alerts — one Lua call)
 *   → one event, diagnosis.completed, carrying the health and the alarm transitions
 *
 * Invariants (docs/architecture.md): a fan-out failure throws before anything is written, so the caller leaves the
 * entry pending and a retry writes the one result set (never one with a hole in it); results are written before the
 * caller acks; a retry of a committed window writes nothing again and broadcasts the same transitions; the
 * claim-check key is deleted after the fan-out whether it succeeded or not. Every Redis write happens before the
 * broadcast. The returned WindowDiagnosis says what happened, for the caller and tests.
 */
import type { Redis } from "ioredis";
import type { Finding, SensorWindow } from "../analyzers/types";
import type { WindowTransport } from "../config";
import { EVENTS, type AlarmEvent, type DiagnosisEvent, type FindingSummary } from "../contracts/events";
import { keyNames, type RedisKeys } from "../contracts/redis-keys";
import { OpenAlarmCache } from "../stores/alarm-store";
import type { RawEntryRef } from "../stores/entry-window";
import { ExpiringCache } from "../stores/expiring-cache";
import { deleteWindow, storeWindow } from "../stores/sample-store";
import type { FindingSummary as StateFindingSummary, VehicleState } from "../stores/vehicle-state";
import type { WriteResultsOutcome } from "../streams/results-writer";
import type { AlarmTransition } from "./alarm-transitions";
import { commitDiagnosedWindow, type CommitCaches } from "./commit-window";
import { fanOut, type AnalyzeCall, type TimedFinding } from "./fan-out";
import { aggregateHealth, type VehicleHealth } from "./vehicle-health";
import type { WindowProfile } from "./window-profile";

export interface WindowJob {
  /** The vehicle's fleet: the sending key's, or the legacy fleet for an older producer's entry. */
  fleetId: string;
  vehicleId: string;
  /** The message id results are keyed by: the entry's own id, or the window key of an assembled window. */
  messageId: string;
  timestamp: string;
  window: SensorWindow;
  metadata: Record<string, unknown>;
  /** Set when the window is a binary raw entry: workers read it there (no claim check, nothing to delete). */
  entryRef?: RawEntryRef;
}

/** The coordinator settings the pipeline reads (DiagnosisSettings, from config.ts). */
export interface DiagnoseWindowSettings {
  windowTransport: WindowTransport;
  windowDataTtlS: number;
  resultsStreamMaxLen: number;
  analyzeTimeoutMs: number;
}

/** How long a coordinator trusts that a fleet it wrote is in the set of fleets (re-added after, in case Redis lost it). */
const KNOWN_FLEET_TTL_MS = 60_000;
const KNOWN_FLEETS_CAPACITY = 1000;

/** The caches one coordinator shares between its windows. */
export function commitCaches(): CommitCaches {
  return { openAlarms: new OpenAlarmCache(), knownFleets: new ExpiringCache({ capacity: KNOWN_FLEETS_CAPACITY, ttlMs: KNOWN_FLEET_TTL_MS }) };
}

export interface DiagnoseWindowDeps {
  redis: Redis;
  keys: RedisKeys;
  settings: DiagnoseWindowSettings;
  /** One worker call of the fan-out (the service: broker.call). */
  analyzeCall: AnalyzeCall;
  /** Sends the window's one event to every node (the service: broker.broadcast; not awaited, as before). */
  broadcast(event: typeof EVENTS.diagnosisCompleted, payload: DiagnosisEvent): void;
  profileFor(fleetId: string, vehicleId: string, metadata: Record<string, unknown>): Promise<WindowProfile>;
  /** The coordinator's caches (default: fresh ones, i.e. nothing remembered from earlier windows). */
  caches?: CommitCaches;
  /** Wall clock of the diagnosis timestamp (default: now). */
  clock?: () => Date;
}

export interface WindowDiagnosis {
  findings: Finding[];
  health: VehicleHealth;
  fleetId: string;
  results: WriteResultsOutcome;
  transitions: AlarmTransition[];
  /** The one event broadcast. */
  event: DiagnosisEvent;
  /** False when an earlier attempt had committed this window (its retry wrote nothing). */
  firstCommit: boolean;
  timestamp: string;
  processingMs: number;
}

/** What the steps after the fan-out share. */
interface Diagnosed {
  job: WindowJob;
  source: WindowProfile["source"];
  timed: TimedFinding[];
  findings: Finding[];
  health: VehicleHealth;
  processingMs: number;
  timestamp: string;
}

export async function diagnoseWindow(job: WindowJob, deps: DiagnoseWindowDeps): Promise<WindowDiagnosis> {
  const t0 = performance.now();
  const { profile, source, baseline } = await deps.profileFor(job.fleetId, job.vehicleId, job.metadata);
  const timed = await fanOutWindow(job, { profile, baseline }, deps);
  const findings = timed.map((t) => t.finding);
  const d: Diagnosed = {
    job,
    source,
    timed,
    findings,
    health: aggregateHealth(findings),
    processingMs: performance.now() - t0,
    timestamp: (deps.clock?.() ?? new Date()).toISOString(),
  };
  const committed = await commitDiagnosedWindow(
    {
      fleetId: job.fleetId,
      vehicleId: job.vehicleId,
      messageId: job.messageId,
      timestamp: d.timestamp,
      findings,
      state: vehicleState(d),
      processingMs: d.processingMs,
    },
    { redis: deps.redis, keys: deps.keys, caches: deps.caches ?? commitCaches(), resultsMaxLen: deps.settings.resultsStreamMaxLen },
  );
  // A retry of a committed window tells what the first attempt saved: its time and its transitions.
  const { results, transitions, firstCommit, timestamp } = committed;
  const event = windowEvent({ ...d, timestamp }, transitions);
  deps.broadcast(EVENTS.diagnosisCompleted, event);
  return { findings, health: d.health, fleetId: job.fleetId, results, transitions, event, firstCommit, timestamp, processingMs: d.processingMs };
}

/**
 * The five analyze calls over the configured transport; throws when any fails (nothing is written then). A binary
 * raw entry is referenced where it is; other windows go through the claim check (or inline).
 */
async function fanOutWindow(job: WindowJob, p: Pick<WindowProfile, "profile" | "baseline">, deps: DiagnoseWindowDeps): Promise<TimedFinding[]> {
  const options = { timeoutMs: deps.settings.analyzeTimeoutMs, onFailure: "fail" } as const;
  if (deps.settings.windowTransport === "inline") return fanOut(deps.analyzeCall, job.window, p.profile, p.baseline, options);
  if (job.entryRef) return fanOut(deps.analyzeCall, { entryRef: job.entryRef }, p.profile, p.baseline, options);
  // Entry ids are unique per partition only: the key carries the vehicle's partition tag (none with one partition).
  const dataKey = keyNames.windowSamples(deps.keys.vehiclePrefix(job.fleetId, job.vehicleId), job.messageId);
  const windowRef = await storeWindow(deps.redis, dataKey, job.window, deps.settings.windowDataTtlS);
  try {
    return await fanOut(deps.analyzeCall, { windowRef }, p.profile, p.baseline, options);
  } finally {
    // A retry stores it again; a worker still running a timed-out call then answers "gone" (and is ignored).
    void deleteWindow(deps.redis, dataKey).catch(() => undefined);
  }
}

/** Latest state, as saved and as the history keeps it. */
function vehicleState(d: Diagnosed): VehicleState {
  return {
    vehicleId: d.job.vehicleId,
    fleetId: d.job.fleetId,
    // NaN serialises as null: "no family could decide" is not the same as healthy.
    health: d.health.health ?? Number.NaN,
    status: d.health.status,
    findings: Object.fromEntries(d.findings.map((f) => [f.fault_type, stateSummary(f)])),
    updatedAt: d.timestamp,
    originalMessageId: d.job.messageId,
  };
}

/** diagnosis.completed with the window's alarm transitions. */
function windowEvent(d: Diagnosed, transitions: readonly AlarmTransition[]): DiagnosisEvent {
  const base = { vehicle_id: d.job.vehicleId, fleet_id: d.job.fleetId, timestamp: d.timestamp };
  return {
    ...base,
    message_id: d.job.messageId,
    health: d.health.health,
    status: d.health.status,
    profile: d.source,
    findings: d.findings.map(summary),
    processing_ms: d.processingMs,
    latency_ms: Object.fromEntries(d.timed.map((t) => [t.finding.fault_type, t.elapsedMs])),
    alarms: transitions.map((t) =>
      alarmEvent(
        base,
        t,
        d.findings.find((f) => f.fault_type === t.faultType),
      ),
    ),
  };
}

function summary(f: Finding): FindingSummary {
  return { fault_type: f.fault_type, status: f.status, score: f.score, ...(f.reason ? { reason: f.reason } : {}) };
}

function stateSummary(f: Finding): StateFindingSummary {
  return { status: f.status, score: f.score, ...(f.reason ? { reason: f.reason } : {}) };
}

function alarmEvent(base: Pick<AlarmEvent, "vehicle_id" | "fleet_id" | "timestamp">, t: AlarmTransition, f: Finding | undefined): AlarmEvent {
  return {
    ...base,
    kind: t.kind,
    fault_type: t.faultType,
    ...(t.kind === "raised" ? { level: t.level } : {}),
    ...(t.previous ? { previous: t.previous } : {}),
    ...(f ? { score: f.score, ...(f.reason ? { reason: f.reason } : {}) } : {}),
  };
}
