/**
 * Events the coordinator broadcasts after each window; every api replica pushes them to its Socket.IO rooms
 * (`vehicle:<id>`, `fleet:<fleet>`). Payloads use the results stream's snake_case names.
 */
import type { FaultType, FindingStatus } from "../analyzers/types";
import type { ProfileSource } from "./actions";

export const EVENTS = {
  diagnosisCompleted: "diagnosis.completed",
  vehicleHealth: "vehicle.health",
  alarmRaised: "alarm.raised",
  alarmCleared: "alarm.cleared",
} as const;

/** The Socket.IO event name each broker event is pushed as. */
export const SOCKET_EVENTS = { diagnosis: "diagnosis", health: "health", alarm: "alarm" } as const;

export interface FindingSummary {
  fault_type: FaultType;
  status: FindingStatus;
  score: number;
  reason?: string;
}

/** Payload of `diagnosis.completed` (pushed to Socket.IO as `diagnosis`). */
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
}

/** Payload of `vehicle.health` (pushed as `health`). */
export interface HealthEvent {
  vehicle_id: string;
  fleet_id: string;
  timestamp: string;
  health: number | null;
  status: FindingStatus;
}

/** Payload of `alarm.raised` / `alarm.cleared` (pushed as `alarm`). */
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

export const API_KEY_REVOKED = "apikey.revoked";

/** `apikey.revoked`, broadcast by the api that revoked a key: every api forgets it and closes its sockets. */
export interface ApiKeyRevokedEvent {
  key_id: string;
}
