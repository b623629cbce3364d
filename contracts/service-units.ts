/**
 * The deployable units of VTOX and the service file each one loads. One name per unit, used alike by the launcher
 * (bin/cluster.ts), the container entry (bin/run-services.ts, SERVICES env), docker-compose.yml and k8s/.
 */
import path from "node:path";
import { WORKER_UNITS, type WorkerUnit } from "./families";

export const CORE_UNITS = ["api", "diagnosis", "monitor"] as const;

export type CoreUnit = (typeof CORE_UNITS)[number];
export type ServiceUnit = CoreUnit | WorkerUnit;

export const ALL_UNITS: readonly ServiceUnit[] = [...CORE_UNITS, ...WORKER_UNITS];

export function isServiceUnit(name: string): name is ServiceUnit {
  return (ALL_UNITS as readonly string[]).includes(name);
}

export function isWorkerUnit(name: string): name is WorkerUnit {
  return (WORKER_UNITS as readonly string[]).includes(name);
}

/** Service file of a unit: `<root>/services/<unit>.service.ts`, or `.js` in a compiled tree (dist/). */
export function serviceFile(unit: ServiceUnit, root: string, compiled = false): string {
  return path.join(root, "services", `${unit}.service.${compiled ? "js" : "ts"}`);
}

/** Parse a SERVICES value such as "fault-turn,fault-bearing" (commas or spaces); throws on an unknown unit. */
export function parseServiceUnits(value: string): ServiceUnit[] {
  const names = value
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new Error("SERVICES is empty: name at least one of " + ALL_UNITS.join(", "));
  const unknown = names.filter((n) => !isServiceUnit(n));
  if (unknown.length > 0) throw new Error(`unknown service unit(s) ${unknown.join(", ")}; known: ${ALL_UNITS.join(", ")}`);
  return [...new Set(names)] as ServiceUnit[];
}
