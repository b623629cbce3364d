/**
 * The write step of a diagnosed window: results, state, history, fleet index, alarms and critical alerts in one
 * round trip (stores/window-commit.ts). The alarm transitions are computed here, from the open alarms this process
 * believes in (OpenAlarmCache); when Redis holds others (another coordinator moved the vehicle on, or the cache
 * forgot it) the script answers `stale` with them and the step recomputes — at most MAX_COMMIT_ATTEMPTS times, then
 * it throws and the entry stays pending for a retry. A retry of a committed window writes nothing and gets the
 * first attempt's timestamp and transitions back, so its event says what the lost one would have.
 */
import { FAULT_TYPES, type FaultType, type Finding, type FindingStatus } from "../analyzers/types";
import type { RedisKeys } from "../contracts/redis-keys";
import type { OpenAlarmCache } from "../stores/alarm-store";
import type { ExpiringCache } from "../stores/expiring-cache";
import type { CriticalAlert, VehicleState } from "../stores/vehicle-state";
import { commitWindow } from "../stores/window-commit";
import { resultEntryFields, type WriteResultsOutcome } from "../streams/results-writer";
import type { Redis } from "ioredis";
import { alarmTransitions, type AlarmState, type AlarmTransition } from "./alarm-transitions";

/** Two coordinators racing on one vehicle settle in two attempts; more means something keeps rewriting its alarms. */
export const MAX_COMMIT_ATTEMPTS = 3;

/** In-process memory of write-once or slowly changing facts, shared by the windows of one coordinator. */
export interface CommitCaches {
  openAlarms: OpenAlarmCache;
  /** Fleets this process has recently added to the set of fleets. */
  knownFleets: ExpiringCache<string, true>;
}

export interface DiagnosedWindow {
  fleetId: string;
  vehicleId: string;
  messageId: string;
  /** ISO 8601 diagnosis time. */
  timestamp: string;
  findings: readonly Finding[];
  state: VehicleState;
  processingMs: number;
}

export interface CommitDeps {
  redis: Redis;
  keys: RedisKeys;
  caches: CommitCaches;
  resultsMaxLen: number;
}

export interface Committed {
  results: WriteResultsOutcome;
  transitions: AlarmTransition[];
  /** The diagnosis time the state was saved with (an earlier attempt's, on a retry). */
  timestamp: string;
  /** False when an earlier attempt had committed the window already. */
  firstCommit: boolean;
}

export async function commitDiagnosedWindow(w: DiagnosedWindow, deps: CommitDeps): Promise<Committed> {
  const { openAlarms, knownFleets } = deps.caches;
  const statuses = Object.fromEntries(w.findings.map((f) => [f.fault_type, f.status])) as Partial<Record<FaultType, FindingStatus>>;
  const results = w.findings.map((f) => ({
    faultType: f.fault_type,
    fields: resultEntryFields(w.fleetId, w.vehicleId, w.messageId, f, w.processingMs, w.timestamp),
  }));
  let open: AlarmState = openAlarms.guess(w.fleetId, w.vehicleId);
  for (let attempt = 1; ; attempt++) {
    const { transitions, next } = alarmTransitions(open, statuses);
    const outcome = await commitWindow(deps.redis, deps.keys, {
      originalMessageId: w.messageId,
      state: w.state,
      results,
      expectedAlarms: open,
      nextAlarms: transitions.length > 0 ? next : undefined,
      criticalAlerts: criticalAlerts(w, transitions),
      replay: JSON.stringify({ timestamp: w.timestamp, transitions } satisfies Replay),
      assertFleet: knownFleets.get(w.fleetId) === undefined,
      resultsMaxLen: deps.resultsMaxLen,
    });
    if (outcome.kind === "committed") {
      openAlarms.remember(w.fleetId, w.vehicleId, next);
      knownFleets.set(w.fleetId, true);
      return { results: outcome.results, transitions, timestamp: w.timestamp, firstCommit: true };
    }
    if (outcome.kind === "duplicate") {
      // Later windows of the vehicle may have moved its alarms on since: guess nothing.
      openAlarms.forget(w.fleetId, w.vehicleId);
      const replay = parseReplay(outcome.replay);
      return { results: outcome.results, transitions: replay.transitions, timestamp: replay.timestamp ?? w.timestamp, firstCommit: false };
    }
    openAlarms.remember(w.fleetId, w.vehicleId, outcome.openAlarms);
    open = outcome.openAlarms;
    if (attempt >= MAX_COMMIT_ATTEMPTS) throw new Error(`open alarms of ${w.fleetId}/${w.vehicleId} changed under ${attempt} commit attempts`);
  }
}

/** A raised fault goes to its fleet's critical-alert list. */
function criticalAlerts(w: DiagnosedWindow, transitions: readonly AlarmTransition[]): CriticalAlert[] {
  return transitions.flatMap((t) => {
    const f = w.findings.find((x) => x.fault_type === t.faultType);
    if (t.kind !== "raised" || t.level !== "fault" || !f) return [];
    return [
      {
        vehicleId: w.vehicleId,
        fleetId: w.fleetId,
        faultType: t.faultType,
        status: f.status,
        score: f.score,
        ...(f.reason ? { reason: f.reason } : {}),
        timestamp: w.timestamp,
        originalMessageId: w.messageId,
      },
    ];
  });
}

/** What a commit keeps for a retry of its window. */
interface Replay {
  timestamp: string;
  transitions: AlarmTransition[];
}

/** What a committed window stored (its own JSON); anything unrecognisable is dropped. */
function parseReplay(text: string): Partial<Replay> & Pick<Replay, "transitions"> {
  let parsed: Partial<Record<keyof Replay, unknown>> | null;
  try {
    parsed = JSON.parse(text) as Partial<Record<keyof Replay, unknown>> | null;
  } catch {
    parsed = null;
  }
  const transitions = Array.isArray(parsed?.transitions) ? (parsed.transitions as unknown[]) : [];
  return {
    ...(typeof parsed?.timestamp === "string" ? { timestamp: parsed.timestamp } : {}),
    transitions: transitions.filter(isTransition),
  };
}

function isTransition(t: unknown): t is AlarmTransition {
  if (typeof t !== "object" || t === null) return false;
  const x = t as Partial<Record<string, unknown>>;
  return (x.kind === "raised" || x.kind === "cleared") && (FAULT_TYPES as readonly unknown[]).includes(x.faultType);
}
