/**
 * What each API key role may do. An ingest key (a vehicle's telematics box) can only write;
 * a viewer only read; an operator also manages profiles, alarms and dead letters; an admin also keys.
 */
import { FLEET_ID_PATTERN } from "../ingest/vehicle-id";
export type Role = "ingest" | "viewer" | "operator" | "admin";
export type Permission = "ingest" | "read" | "operate" | "admin";

export const ROLES: readonly Role[] = ["ingest", "viewer", "operator", "admin"];

const GRANTS: Readonly<Record<Role, readonly Permission[]>> = {
  ingest: ["ingest"],
  viewer: ["read"],
  operator: ["read", "operate"],
  admin: ["ingest", "read", "operate", "admin"],
};

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** Who is calling: resolved from an API key, carried in ctx.meta.principal. */
export interface Principal {
  keyId: string;
  /** The fleet the key belongs to; "*" only for the bootstrap admin key from VTOX_ADMIN_KEY. */
  fleetId: string;
  role: Role;
}

export const ALL_FLEETS = "*";

/** A key sees only its own fleet; the bootstrap admin sees all. */
export function canAccessFleet(principal: Principal, fleetId: string): boolean {
  return principal.fleetId === ALL_FLEETS || principal.fleetId === fleetId;
}

/** Fleet ids share the vehicle id alphabet so they are safe inside Redis keys and room names. */
export { FLEET_ID_PATTERN };
