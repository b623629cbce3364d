/**
 * Helpers shared by the five analyzers to build findings the same way:
 * one mapping from a severity indicator to status and score, and the two undecided answers.
 */
import type { FaultType, Finding, FindingStatus } from "./types";

/**
 * Thresholds on one indicator that grows with severity (a ratio in %, dB above a floor...).
 * `warning` and `fault` are where those states begin; `saturation` is where the score reaches 1.
 */
export interface SeverityScale {
  warning: number;
  fault: number;
  saturation: number;
}

/**
 * Score in 0..1, monotonic in the indicator: 0..1/3 below warning, 1/3..2/3 between
 * warning and fault, 2/3..1 from fault to saturation. Piecewise linear so that a
 * status and a score never disagree.
 */
export function severityScore(indicator: number, scale: SeverityScale): number {
  if (!Number.isFinite(indicator) || indicator <= 0) return 0;
  const { warning, fault, saturation } = scale;
  if (indicator < warning) return indicator / warning / 3;
  if (indicator < fault) return 1 / 3 + (indicator - warning) / (fault - warning) / 3;
  if (indicator < saturation) return 2 / 3 + (indicator - fault) / (saturation - fault) / 3;
  return 1;
}

export function severityStatus(indicator: number, scale: SeverityScale): "normal" | "warning" | "fault" {
  if (indicator >= scale.fault) return "fault";
  if (indicator >= scale.warning) return "warning";
  return "normal";
}

export function insufficientData(faultType: FaultType, reason: string, features: Record<string, number> = {}): Finding {
  return { fault_type: faultType, status: "insufficient_data", score: 0, features, evidence: [], reason };
}

export function notApplicable(faultType: FaultType, reason: string): Finding {
  return { fault_type: faultType, status: "not_applicable", score: 0, features: {}, evidence: [], reason };
}

/** Orders statuses by how much attention they need (for "worst of" aggregation). */
export const STATUS_RANK: Readonly<Record<FindingStatus, number>> = {
  not_applicable: 0,
  insufficient_data: 1,
  normal: 2,
  warning: 3,
  fault: 4,
};
