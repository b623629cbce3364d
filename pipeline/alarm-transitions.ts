/**
 * Alarm transitions per vehicle and fault family, from the previous and the new status.
 * An alarm is raised when a family enters warning or fault (or escalates warning → fault) and cleared
 * when it returns to normal. Undecided answers (insufficient_data, not_applicable) change nothing:
 * a sensor dropout must neither clear a real alarm nor raise a false one.
 */
import type { FaultType, FindingStatus } from "../analyzers/types";

export type AlarmLevel = "warning" | "fault";
/** The alarm state kept per family: the level of the open alarm, or none. */
export type AlarmState = Partial<Record<FaultType, AlarmLevel>>;

export type AlarmTransition =
  { kind: "raised"; faultType: FaultType; level: AlarmLevel; previous?: AlarmLevel } | { kind: "cleared"; faultType: FaultType; previous: AlarmLevel };

export function alarmTransitions(
  open: Readonly<AlarmState>,
  statuses: Readonly<Partial<Record<FaultType, FindingStatus>>>,
): { transitions: AlarmTransition[]; next: AlarmState } {
  const next: AlarmState = { ...open };
  const transitions: AlarmTransition[] = [];
  for (const [faultType, status] of Object.entries(statuses) as [FaultType, FindingStatus][]) {
    const previous = open[faultType];
    if (status === "warning" || status === "fault") {
      if (previous !== status) {
        // Escalation and de-escalation between warning and fault both re-raise at the new level.
        transitions.push({ kind: "raised", faultType, level: status, ...(previous ? { previous } : {}) });
        next[faultType] = status;
      }
    } else if (status === "normal" && previous) {
      transitions.push({ kind: "cleared", faultType, previous });
      delete next[faultType];
    }
  }
  return { transitions, next };
}
