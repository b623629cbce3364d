/**
 * POST/GET/DELETE /api/v1/keys (admin keys): a fleet-scoped admin manages its own fleet's keys only; another fleet's
 * key does not exist for it. A created key is in the answer and nowhere else (the store keeps only its hash).
 */
import type { ApiKeyStore } from "../stores/api-keys";
import { fleetInScope } from "./access";
import { HttpError } from "./http-errors";
import { ALL_FLEETS, canAccessFleet, type Principal, type Role } from "./roles";

export async function createKey(apiKeys: ApiKeyStore, principal: Principal, params: { fleet?: string; role: Role; label?: string }) {
  const fleet = params.fleet ?? (principal.fleetId === ALL_FLEETS ? undefined : principal.fleetId);
  if (!fleet) throw new HttpError(422, "invalid_input", "fleet is required for an all-fleet key", "fleet");
  if (!canAccessFleet(principal, fleet)) throw new HttpError(403, "forbidden", "this key may only manage keys of its own fleet", "fleet");
  const created = await apiKeys.create(fleet, params.role, params.label ?? "");
  return { key: created.key, key_id: created.principal.keyId, fleet: created.principal.fleetId, role: created.principal.role };
}

export async function listKeys(apiKeys: ApiKeyStore, principal: Principal, named: string | undefined) {
  const fleet = fleetInScope(principal, named, "fleet");
  const records = await apiKeys.list(fleet);
  return { fleet, keys: records.map((r) => ({ key_id: r.keyId, role: r.role, label: r.label, created_at: r.createdAt, revoked: r.revoked })) };
}

export async function revokeKey(apiKeys: ApiKeyStore, principal: Principal, keyId: string) {
  const record = await apiKeys.describe(keyId);
  if (!record || !canAccessFleet(principal, record.fleetId)) throw new HttpError(404, "not_found", "no such key", "key_id");
  await apiKeys.revoke(keyId);
  return { key_id: keyId, revoked: true };
}
