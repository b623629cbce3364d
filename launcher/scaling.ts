/**
 * Development-mode autoscaling: turn the monitor's advice (`monitor.scaling`) into at most one step per family,
 * within [min, max] processes per family and not more often than `cooldownMs` per family. The advice shape is owned by
 * the monitor service, so it is parsed leniently: `{ families: { <fault type | family | service name>: { action } } }`.
 */
import { FAMILY_OF_FAULT_TYPE, FAULT_FAMILIES, SERVICE_NAME_OF_FAMILY, isFaultFamily, type FaultFamily } from "../contracts/service-units";

export type ScalingAction = "scale_out" | "scale_in" | "keep";

export interface FamilyAdvice {
	action: ScalingAction;
	why?: string;
}

function familyOfKey(key: string): FaultFamily | undefined {
	if (isFaultFamily(key)) return key;
	if (key in FAMILY_OF_FAULT_TYPE) return FAMILY_OF_FAULT_TYPE[key as keyof typeof FAMILY_OF_FAULT_TYPE];
	return FAULT_FAMILIES.find(f => SERVICE_NAME_OF_FAMILY[f] === key);
}

/** Advice per family; unknown keys and malformed entries are ignored. */
export function parseScalingAdvice(raw: unknown): Partial<Record<FaultFamily, FamilyAdvice>> {
	const out: Partial<Record<FaultFamily, FamilyAdvice>> = {};
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
	family: FaultFamily;
	delta: 1 | -1;
	why: string;
}

export function scalingSteps(
	advice: Partial<Record<FaultFamily, FamilyAdvice>>,
	counts: Readonly<Record<FaultFamily, number>>,
	bounds: ScalingBounds,
	lastStepAt: ReadonlyMap<FaultFamily, number>,
	now: number
): ScalingStep[] {
	const steps: ScalingStep[] = [];
	for (const family of FAULT_FAMILIES) {
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
