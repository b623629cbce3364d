/**
 * The one event the coordinator broadcasts per window, `diagnosis.completed`, carrying the health and the alarm
 * transitions too; every api replica turns it into the Socket.IO events `diagnosis`, `health` and `alarm` for its
 * rooms (`vehicle:<fleet>/<id>`, `fleet:<fleet>`). Payloads use the results stream's snake_case names.
 */
import type { FaultType, FindingStatus } from "../analyzers/types";
import type { ProfileSource } from "./actions";

export const EVENTS = {
  diagnosisCompleted: "diagnosis.completed",
  /** Broadcast by the api after a PUT of a profile or baseline: coordinators drop their cached copy. */
  profileChanged: "vehicle.profile.changed",
} as const;

/** The Socket.IO events a window is pushed as. */
export const SOCKET_EVENTS = { diagnosis: "diagnosis", health: "health", alarm: "alarm" } as const;

export interface FindingSummary {
  fault_type: FaultType;
  status: FindingStatus;
  score: number;
  reason?: string;
}

/** Payload of `diagnosis.completed`; pushed to Socket.IO as `diagnosis` (without `alarms`), `health` and one `alarm` each. */
export interface DiagnosisEvent {
  vehicle_id: string;
  fleet_id: string;
  message_id: string;
  timestamp: string;
  health: number | null;
  status: FindingStatus;
  profile: ProfileSource;
  findings: FindingSummary[];
  processing_ms: number;
  /** Wall time of each family's analyze call as seen by the coordinator, ms (for the monitor). */
  latency_ms: Partial<Record<FaultType, number>>;
  /** The window's alarm transitions, in order (usually none). */
  alarms: AlarmEvent[];
}

/** The Socket.IO `diagnosis` payload. */
export type DiagnosisSocketPayload = Omit<DiagnosisEvent, "alarms">;

/** The Socket.IO `health` payload, taken from `diagnosis.completed`. */
export interface HealthEvent {
  vehicle_id: string;
  fleet_id: string;
  timestamp: string;
  health: number | null;
  status: FindingStatus;
}

/** One alarm transition (pushed to Socket.IO as `alarm`). */
export interface AlarmEvent {
  vehicle_id: string;
  fleet_id: string;
  timestamp: string;
  kind: "raised" | "cleared";
  fault_type: FaultType;
  level?: "warning" | "fault";
  previous?: "warning" | "fault";
  score?: number;
  reason?: string;
}

/** Payload of `vehicle.profile.changed`. */
export interface ProfileChangedEvent {
  fleet_id: string;
  vehicle_id: string;
}

export const API_KEY_REVOKED = "apikey.revoked";

/** `apikey.revoked`, broadcast by the api that revoked a key: every api forgets it and closes its sockets. */
export interface ApiKeyRevokedEvent {
  key_id: string;
}
