/**
 * The gateway's access rules in one place. The route's authorize() applies the action's `permission` and `body`
 * tags (after authenticate(), before params validation); the service's before-hook applies the `vehicle` tag (after
 * validation, so the vehicle id is well-formed). Actions themselves check nothing of this.
 */
import { Errors } from "moleculer";
import type { IncomingHttpHeaders } from "node:http";
import { keyFromHeaders, type ApiKeyStore } from "../stores/api-keys";
import type { GatewayRequest, GatewayTags } from "./action";
import { checkBodyHeaders } from "./body";
import { HttpError } from "./http-errors";
import { ALL_FLEETS, can, type Principal } from "./roles";

/** The caller's key (Authorization: Bearer or X-API-Key) → its principal; 401 without a valid one, 503 if the store is away. */
export async function authenticateKey(apiKeys: ApiKeyStore, headers: IncomingHttpHeaders): Promise<Principal> {
  const key = keyFromHeaders(headers);
  if (!key) throw new HttpError(401, "unauthorized", "an API key is required (Authorization: Bearer <key> or X-API-Key)");
  const principal = await apiKeys.verify(key).catch(() => {
    throw new HttpError(503, "service_unavailable", "key store unavailable");
  });
  if (!principal) throw new HttpError(401, "unauthorized", "invalid API key");
  return principal;
}

/** Permission (401 without a principal, 403 without the role's grant), then the body's content type (415). */
export function authorizeRequest(req: GatewayRequest, principal: Principal | undefined): void {
  const action = req.$action;
  const permission = action?.permission;
  // Fail closed: an action reachable over HTTP without a declared permission is a programming error.
  if (!permission) throw new Errors.MoleculerServerError(`action ${action?.name ?? "?"} declares no permission`, 500, "NO_PERMISSION");
  if (permission === "public") return;
  if (!principal) throw new HttpError(401, "unauthorized", "an API key is required");
  if (!can(principal.role, permission)) throw new HttpError(403, "forbidden", `this key may not ${permission}`);
  if (action.body) checkBodyHeaders(req.headers, action.body);
}

/** The principal of a call to a non-public action (HTTP calls always have one; other callers must pass one). */
export function requirePrincipal(action: Partial<GatewayTags> | undefined, principal: Principal | undefined): void {
  if (action?.permission && action.permission !== "public" && !principal) throw new HttpError(401, "unauthorized", "an API key is required");
}

/** The fleet of the vehicle a request names: the key's own; an all-fleet key must name it (`fleet_id`). */
export function vehicleFleet(principal: Principal, named: string | undefined): string {
  return fleetInScope(principal, named, "fleet_id");
}

/** Whose dead letters a key may see and replay: its own fleet's; the all-fleet key's are every fleet's. */
export function deadLetterScope(principal: Principal): { fleetId?: string } {
  return principal.fleetId === ALL_FLEETS ? {} : { fleetId: principal.fleetId };
}

/** The fleet a fleet-wide read or key listing is about: the key's own, or for the all-fleet key the one named. */
export function fleetInScope(principal: Principal, named: string | undefined, field: string): string {
  if (principal.fleetId !== ALL_FLEETS) return principal.fleetId;
  if (!named) throw new HttpError(400, "invalid_input", `${field} is required for an all-fleet key`, field);
  return named;
}
