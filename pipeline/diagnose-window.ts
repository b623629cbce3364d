/**
 * The per-window pipeline of the coordinator, as a plain function of its dependencies:
 *
 *   profile + baseline → fan out ×5 (inline, or claim check: store the channels once, delete them after)
 *   → vehicle health → results (idempotent per original message id and family) → vehicle state + fleet index
 *   → alarm transitions + critical alerts → events (diagnosis.completed, vehicle.health, alarm.*)
 *
 * Invariants (docs/architecture.md): a fan-out failure throws before anything is written, so the caller leaves the
 * entry pending and a retry writes the one result set (never one with a hole in it); results are written before the
 * caller acks; the claim-check key is deleted after the fan-out whether it succeeded or not. Every Redis write
 * happens before the first broadcast. The returned WindowDiagnosis says what happened, for the caller and tests.
 */
import type { Redis } from "ioredis";
import type { FaultType, Finding, FindingStatus, SensorWindow } from "../analyzers/types";
import type { WindowTransport } from "../config";
import { EVENTS, type AlarmEvent, type DiagnosisEvent, type FindingSummary, type HealthEvent } from "../contracts/events";
import { keyNames, type RedisKeys } from "../contracts/redis-keys";
import { loadAlarms, saveAlarms } from "../stores/alarm-store";
import { deleteWindow, storeWindow } from "../stores/sample-store";
import { pushCriticalAlert, saveVehicleState, type FindingSummary as StateFindingSummary } from "../stores/vehicle-state";
import { writeResults, type WriteResultsOutcome } from "../streams/results-writer";
import { alarmTransitions, type AlarmTransition } from "./alarm-transitions";
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
}

/** The coordinator settings the pipeline reads (DiagnosisSettings, from config.ts). */
export interface DiagnoseWindowSettings {
  windowTransport: WindowTransport;
  windowDataTtlS: number;
  resultsStreamMaxLen: number;
  analyzeTimeoutMs: number;
}

/** The payload type of each event a window broadcasts (names from contracts/events.ts). */
export interface WindowEventPayloads {
  [EVENTS.diagnosisCompleted]: DiagnosisEvent;
  [EVENTS.vehicleHealth]: HealthEvent;
  [EVENTS.alarmRaised]: AlarmEvent;
  [EVENTS.alarmCleared]: AlarmEvent;
}

/** One broadcast event with its payload. */
export type WindowEvent = { [E in keyof WindowEventPayloads]: { event: E; payload: WindowEventPayloads[E] } }[keyof WindowEventPayloads];

export interface DiagnoseWindowDeps {
  redis: Redis;
  keys: RedisKeys;
  settings: DiagnoseWindowSettings;
  /** One worker call of the fan-out (the service: broker.call). */
  analyzeCall: AnalyzeCall;
  /** Sends one event to every node (the service: broker.broadcast; not awaited, as before). */
  broadcast(event: WindowEvent["event"], payload: WindowEvent["payload"]): void;
  profileFor(fleetId: string, vehicleId: string, metadata: Record<string, unknown>): Promise<WindowProfile>;
  /** Wall clock of the diagnosis timestamp (default: now). */
  clock?: () => Date;
}

export interface WindowDiagnosis {
  findings: Finding[];
  health: VehicleHealth;
  fleetId: string;
  results: WriteResultsOutcome;
  transitions: AlarmTransition[];
  /** In the order they were broadcast. */
  events: WindowEvent[];
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
  const results = await writeWindowResults(d, deps);
  const fleetId = job.fleetId;
  await saveState(d, deps);
  const transitions = await advanceAlarms(d, deps);
  await pushCriticalAlerts(d, fleetId, transitions, deps);
  const events = windowEvents(d, fleetId, transitions);
  for (const e of events) deps.broadcast(e.event, e.payload);
  return { findings, health: d.health, fleetId, results, transitions, events, timestamp: d.timestamp, processingMs: d.processingMs };
}

/** The five analyze calls over the configured transport; throws when any fails (nothing is written then). */
async function fanOutWindow(job: WindowJob, p: Pick<WindowProfile, "profile" | "baseline">, deps: DiagnoseWindowDeps): Promise<TimedFinding[]> {
  const options = { timeoutMs: deps.settings.analyzeTimeoutMs, onFailure: "fail" } as const;
  if (deps.settings.windowTransport === "inline") return fanOut(deps.analyzeCall, job.window, p.profile, p.baseline, options);
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

/** One results-stream entry per family, idempotent per (original message id, family). */
function writeWindowResults(d: Diagnosed, deps: DiagnoseWindowDeps): Promise<WriteResultsOutcome> {
  return writeResults(deps.redis, deps.keys.resultsStreamOf(d.job.fleetId, d.job.vehicleId), {
    fleetId: d.job.fleetId,
    vehicleId: d.job.vehicleId,
    originalMessageId: d.job.messageId,
    findings: d.findings,
    processingTimeMs: d.processingMs,
    timestamp: d.timestamp,
    maxLen: deps.settings.resultsStreamMaxLen,
  });
}

/** Latest state, history and fleet index. */
async function saveState(d: Diagnosed, deps: DiagnoseWindowDeps): Promise<void> {
  await saveVehicleState(deps.redis, deps.keys, d.job.vehicleId, {
    fleetId: d.job.fleetId,
    // NaN serialises as null: "no family could decide" is not the same as healthy.
    health: d.health.health ?? Number.NaN,
    status: d.health.status,
    findings: Object.fromEntries(d.findings.map((f) => [f.fault_type, stateSummary(f)])),
    updatedAt: d.timestamp,
    originalMessageId: d.job.messageId,
  });
}

/** Open alarms moved on by this window's statuses; saved only when something changed. */
async function advanceAlarms(d: Diagnosed, deps: DiagnoseWindowDeps): Promise<AlarmTransition[]> {
  const statuses = Object.fromEntries(d.findings.map((f) => [f.fault_type, f.status])) as Partial<Record<FaultType, FindingStatus>>;
  const open = await loadAlarms(deps.redis, deps.keys.vehiclePrefix(d.job.fleetId, d.job.vehicleId), d.job.fleetId, d.job.vehicleId);
  const { transitions, next } = alarmTransitions(open, statuses);
  if (transitions.length > 0) await saveAlarms(deps.redis, deps.keys.vehiclePrefix(d.job.fleetId, d.job.vehicleId), d.job.fleetId, d.job.vehicleId, next);
  return transitions;
}

/** A raised fault goes to its fleet's critical-alert list. */
async function pushCriticalAlerts(d: Diagnosed, fleetId: string, transitions: readonly AlarmTransition[], deps: DiagnoseWindowDeps): Promise<void> {
  for (const t of transitions) {
    const f = findingOf(d, t.faultType);
    if (t.kind !== "raised" || t.level !== "fault" || !f) continue;
    await pushCriticalAlert(deps.redis, deps.keys, fleetId, {
      vehicleId: d.job.vehicleId,
      fleetId,
      faultType: t.faultType,
      status: f.status,
      score: f.score,
      ...(f.reason ? { reason: f.reason } : {}),
      timestamp: d.timestamp,
      originalMessageId: d.job.messageId,
    });
  }
}

/** diagnosis.completed, vehicle.health, then one alarm.* per transition. */
function windowEvents(d: Diagnosed, fleetId: string, transitions: readonly AlarmTransition[]): WindowEvent[] {
  const base = { vehicle_id: d.job.vehicleId, fleet_id: fleetId, timestamp: d.timestamp };
  const completed: DiagnosisEvent = {
    ...base,
    message_id: d.job.messageId,
    health: d.health.health,
    status: d.health.status,
    profile: d.source,
    findings: d.findings.map(summary),
    processing_ms: d.processingMs,
    latency_ms: Object.fromEntries(d.timed.map((t) => [t.finding.fault_type, t.elapsedMs])),
  };
  return [
    { event: EVENTS.diagnosisCompleted, payload: completed },
    { event: EVENTS.vehicleHealth, payload: { ...base, health: d.health.health, status: d.health.status } },
    ...transitions.map((t): WindowEvent => {
      const payload = alarmEvent(base, t, findingOf(d, t.faultType));
      return t.kind === "raised" ? { event: EVENTS.alarmRaised, payload } : { event: EVENTS.alarmCleared, payload };
    }),
  ];
}

function findingOf(d: Diagnosed, faultType: FaultType): Finding | undefined {
  return d.findings.find((f) => f.fault_type === faultType);
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
