/**
 * The five fault families, once: the analyzers' fault type (the results stream's `fault_type`), the Moleculer
 * service that runs it, and the deployable unit (service file, container, Deployment) that hosts it.
 */
import { FAULT_TYPES, type FaultType } from "../analyzers/types";

export { FAULT_TYPES, type FaultType };

/** Deployable units that host one fault family each (services/<unit>.service.ts). */
export const WORKER_UNITS = ["fault-turn", "fault-insulation", "fault-bearing", "fault-eccentricity", "fault-broken-bar"] as const;
export type WorkerUnit = (typeof WORKER_UNITS)[number];

/** Moleculer service names of the five workers. */
export const FAULT_SERVICE_NAMES = ["fault.turn", "fault.insulation", "fault.bearing", "fault.eccentricity", "fault.broken-bar"] as const;
export type FaultServiceName = (typeof FAULT_SERVICE_NAMES)[number];

interface FamilyRow {
  faultType: FaultType;
  service: FaultServiceName;
  unit: WorkerUnit;
}

/** The family ↔ service ↔ unit table. */
export const FAMILIES: readonly FamilyRow[] = [
  { faultType: "turn_fault", service: "fault.turn", unit: "fault-turn" },
  { faultType: "insulation", service: "fault.insulation", unit: "fault-insulation" },
  { faultType: "bearing", service: "fault.bearing", unit: "fault-bearing" },
  { faultType: "eccentricity", service: "fault.eccentricity", unit: "fault-eccentricity" },
  { faultType: "broken_bar", service: "fault.broken-bar", unit: "fault-broken-bar" },
];

function rowOf(faultType: FaultType): FamilyRow {
  const row = FAMILIES.find((f) => f.faultType === faultType);
  if (!row) throw new Error(`no family row for ${faultType}`);
  return row;
}

/** Moleculer service name of each family's worker. */
export const FAULT_SERVICES: Readonly<Record<FaultType, FaultServiceName>> = Object.fromEntries(FAULT_TYPES.map((t) => [t, rowOf(t).service])) as Record<
  FaultType,
  FaultServiceName
>;

/** Deployable unit of each family. */
export const WORKER_UNIT_OF: Readonly<Record<FaultType, WorkerUnit>> = Object.fromEntries(FAULT_TYPES.map((t) => [t, rowOf(t).unit])) as Record<
  FaultType,
  WorkerUnit
>;

/** Service name of each worker unit. */
export const SERVICE_OF_UNIT: Readonly<Record<WorkerUnit, FaultServiceName>> = Object.fromEntries(FAMILIES.map((f) => [f.unit, f.service])) as Record<
  WorkerUnit,
  FaultServiceName
>;
