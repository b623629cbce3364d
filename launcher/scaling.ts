/**
 * Development-mode autoscaling: turn the monitor's advice (`monitor.scaling`) into at most one step per family,
 * within [min, max] processes per family and not more often than `cooldownMs` per family. The advice shape is owned by
 * the monitor service, so it is parsed leniently: `{ families: { <fault type | family | service name>: { action } } }`.
 */
import { isWorkerUnit } from "../contracts/service-units";
import { WORKER_UNIT_OF, WORKER_UNITS, SERVICE_OF_UNIT, type WorkerUnit } from "../contracts/families";

export type ScalingAction = "scale_out" | "scale_in" | "keep";

export interface FamilyAdvice {
  action: ScalingAction;
  why?: string | undefined;
}

function familyOfKey(key: string): WorkerUnit | undefined {
  if (isWorkerUnit(key)) return key;
  if (key in WORKER_UNIT_OF) return WORKER_UNIT_OF[key as keyof typeof WORKER_UNIT_OF];
  return WORKER_UNITS.find((f) => SERVICE_OF_UNIT[f] === key);
}

/** Advice per family; unknown keys and malformed entries are ignored. */
export function parseScalingAdvice(raw: unknown): Partial<Record<WorkerUnit, FamilyAdvice>> {
  const out: Partial<Record<WorkerUnit, FamilyAdvice>> = {};
  const families = (raw as { families?: unknown } | null)?.families;
  if (families == null || typeof families !== "object") return out;
  for (const [key, value] of Object.entries(families as Record<string, unknown>)) {
    const family = familyOfKey(key);
    const action = (value as { action?: unknown } | null)?.action;
    if (!family || (action !== "scale_out" && action !== "scale_in" && action !== "keep")) continue;
    const why = (value as { why?: unknown }).why;
    out[family] = { action, why: typeof why === "string" ? why : undefined };
  }
  return out;
}

export interface ScalingBounds {
  min: number;
  max: number;
  cooldownMs: number;
}

export interface ScalingStep {
  family: WorkerUnit;
  delta: 1 | -1;
  why: string;
}

export function scalingSteps(
  advice: Partial<Record<WorkerUnit, FamilyAdvice>>,
  counts: Readonly<Record<WorkerUnit, number>>,
  bounds: ScalingBounds,
  lastStepAt: ReadonlyMap<WorkerUnit, number>,
  now: number,
): ScalingStep[] {
  const steps: ScalingStep[] = [];
  for (const family of WORKER_UNITS) {
    const a = advice[family];
    if (!a || a.action === "keep") continue;
    const last = lastStepAt.get(family);
    if (last !== undefined && now - last < bounds.cooldownMs) continue;
    const n = counts[family];
    if (a.action === "scale_out" && n < bounds.max) steps.push({ family, delta: 1, why: a.why ?? "advised" });
    if (a.action === "scale_in" && n > bounds.min) steps.push({ family, delta: -1, why: a.why ?? "advised" });
  }
  return steps;
}
