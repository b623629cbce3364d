/**
 * The deployable units of VTOX and the service file each one loads. One name per unit, used alike by the launcher
 * (bin/cluster.ts), the container entry (bin/run-services.ts, SERVICES env), docker-compose.yml and k8s/.
 */
import path from "node:path";
import type { FaultType } from "../analyzers/types";

export const CORE_UNITS = ["api", "diagnosis", "monitor"] as const;
export const FAULT_FAMILIES = ["fault-turn", "fault-insulation", "fault-bearing", "fault-eccentricity", "fault-broken-bar"] as const;

export type CoreUnit = (typeof CORE_UNITS)[number];
export type FaultFamily = (typeof FAULT_FAMILIES)[number];
export type ServiceUnit = CoreUnit | FaultFamily;

export const ALL_UNITS: readonly ServiceUnit[] = [...CORE_UNITS, ...FAULT_FAMILIES];

/** The monitor speaks in fault types (analyzers/types.ts); processes are per family file. */
export const FAMILY_OF_FAULT_TYPE: Readonly<Record<FaultType, FaultFamily>> = {
	turn_fault: "fault-turn",
	insulation: "fault-insulation",
	bearing: "fault-bearing",
	eccentricity: "fault-eccentricity",
	broken_bar: "fault-broken-bar"
};

/** Moleculer service name of each family (services/fault-*.service.ts). */
export const SERVICE_NAME_OF_FAMILY: Readonly<Record<FaultFamily, string>> = {
	"fault-turn": "fault.turn",
	"fault-insulation": "fault.insulation",
	"fault-bearing": "fault.bearing",
	"fault-eccentricity": "fault.eccentricity",
	"fault-broken-bar": "fault.broken-bar"
};

export function isServiceUnit(name: string): name is ServiceUnit {
	return (ALL_UNITS as readonly string[]).includes(name);
}

export function isFaultFamily(name: string): name is FaultFamily {
	return (FAULT_FAMILIES as readonly string[]).includes(name);
}

/** Service file of a unit: `<root>/services/<unit>.service.ts`, or `.js` in a compiled tree (dist/). */
export function serviceFile(unit: ServiceUnit, root: string, compiled = false): string {
	return path.join(root, "services", `${unit}.service.${compiled ? "js" : "ts"}`);
}

/** Parse a SERVICES value such as "fault-turn,fault-bearing" (commas or spaces); throws on an unknown unit. */
export function parseServiceUnits(value: string): ServiceUnit[] {
	const names = value
		.split(/[\s,]+/)
		.map(s => s.trim())
		.filter(Boolean);
	if (names.length === 0) throw new Error("SERVICES is empty: name at least one of " + ALL_UNITS.join(", "));
	const unknown = names.filter(n => !isServiceUnit(n));
	if (unknown.length > 0) throw new Error(`unknown service unit(s) ${unknown.join(", ")}; known: ${ALL_UNITS.join(", ")}`);
	return [...new Set(names)] as ServiceUnit[];
}
