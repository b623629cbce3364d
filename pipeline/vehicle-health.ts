/**
 * Vehicle health from the five findings of one window.
 * Weights are the original system's (turn 0.25, insulation 0.20, bearing 0.25, eccentricity 0.15,
 * broken bar 0.15), renormalised over the families that reached a decision (normal/warning/fault):
 * a PMSM's not_applicable broken-bar family or a family lacking data neither helps nor hurts.
 * health = 1 − Σ wᵢ·scoreᵢ / Σ wᵢ (1 = healthy); the overall status is the worst decided status.
 */
import { STATUS_RANK } from "../analyzers/finding";
import type { FaultType, Finding, FindingStatus } from "../analyzers/types";

export const HEALTH_WEIGHTS: Readonly<Record<FaultType, number>> = {
  turn_fault: 0.25,
  insulation: 0.2,
  bearing: 0.25,
  eccentricity: 0.15,
  broken_bar: 0.15,
};

export interface VehicleHealth {
  /** 0..1, 1 = healthy; null when no family could decide. */
  health: number | null;
  /** Worst status over all findings (insufficient_data only if nothing decided). */
  status: FindingStatus;
  /** Families that contributed to `health`, with their renormalised weight. */
  weights: Partial<Record<FaultType, number>>;
  /** Family with the highest score among decided ones, if any is above normal. */
  worstFamily?: FaultType;
}

const DECIDED: ReadonlySet<FindingStatus> = new Set(["normal", "warning", "fault"]);

export function isDecided(status: FindingStatus): boolean {
  return DECIDED.has(status);
}

export function aggregateHealth(findings: readonly Finding[]): VehicleHealth {
  const decided = findings.filter((f) => isDecided(f.status));
  const totalWeight = decided.reduce((s, f) => s + HEALTH_WEIGHTS[f.fault_type], 0);
  const status = findings.reduce<FindingStatus>((worst, f) => (STATUS_RANK[f.status] > STATUS_RANK[worst] ? f.status : worst), "not_applicable");
  if (decided.length === 0 || totalWeight === 0) {
    return { health: null, status: findings.length === 0 ? "insufficient_data" : status, weights: {} };
  }
  const weights: Partial<Record<FaultType, number>> = {};
  let weightedScore = 0;
  for (const f of decided) {
    const w = HEALTH_WEIGHTS[f.fault_type] / totalWeight;
    weights[f.fault_type] = w;
    weightedScore += w * clamp01(f.score);
  }
  const abnormal = decided.filter((f) => f.status !== "normal").sort((a, b) => b.score - a.score);
  return {
    health: clamp01(1 - weightedScore),
    status,
    weights,
    ...(abnormal[0] ? { worstFamily: abnormal[0].fault_type } : {}),
  };
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
