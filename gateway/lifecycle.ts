/** What the api does when it is created, started and stopped, and the broker events it pushes to its sockets. */
import type { Context } from "moleculer";
import { API_KEY_REVOKED, EVENTS, type ApiKeyRevokedEvent, type DiagnosisEvent } from "../contracts/events";
import { closeRedis } from "../stores/redis";
import { attachLiveSockets, disconnectKey, pushToRooms, socketMessagesOf, sweepRevokedSockets } from "./live-sockets";
import type { Api } from "./service-types";
import { openGatewayStores } from "./stores";

/** How often open sockets' keys are checked for a revocation made outside the api (`npm run keys -- revoke`). */
const REVOKED_SOCKET_SWEEP_MS = 3000;

export function createGateway(api: Api): void {
  // An HTTP request is handled by the api that received it: with preferLocal off (moleculer.config.ts) the strategy
  // could otherwise send the request, sensor body included, to another api replica over the transporter — and while
  // the transporter reconnects after a Redis restart that answered a generic 404 (seen in the chaos run).
  // moleculer-web built its routes in its own created(), which runs before the service's.
  for (const route of (api as unknown as { routes: { callOptions?: Record<string, unknown> }[] }).routes) {
    route.callOptions = { ...route.callOptions, nodeID: api.broker.nodeID };
  }
  Object.assign(
    api,
    openGatewayStores(api.settings, api.broker.nodeID, (err) => api.logger.debug("redis:", err.message)),
  );
}

export async function startGateway(api: Api): Promise<void> {
  await api.apiKeys.registerBootstrapKey();
  await api.marker.intact();
  attachLiveSockets(api.io, { apiKeys: api.apiKeys });
  // Revocations made outside the api (CLI) close sockets too, within this interval.
  api.stopSweep = sweepRevokedSockets(api.io, api.apiKeys, REVOKED_SOCKET_SWEEP_MS);
}

export async function stopGateway(api: Api): Promise<void> {
  api.stopSweep?.();
  await closeRedis(api.redis);
}

/** Broker events → Socket.IO rooms; a revocation anywhere closes that key's sockets here. */
export const liveEvents = {
  // A window's one event becomes the Socket.IO events diagnosis, health and one alarm per transition.
  [EVENTS.diagnosisCompleted](this: Api, ctx: Context<DiagnosisEvent>) {
    for (const m of socketMessagesOf(ctx.params)) pushToRooms(this.io, m.event, ctx.params.vehicle_id, ctx.params.fleet_id, m.payload);
  },
  [API_KEY_REVOKED](this: Api, ctx: Context<ApiKeyRevokedEvent>) {
    this.apiKeys.forget(ctx.params.key_id);
    disconnectKey(this.io, ctx.params.key_id);
  },
};
