/**
 * api: the HTTP gateway (moleculer-web) and the live push (moleculer-io) on one server.
 * Ingest is done here, not behind another hop: authenticate (headers) → authorize → read and validate the body →
 * XADD motor_raw_data with the key's fleet → 202 {message_id}. Everything else is a thin read over Redis state or
 * a call to `monitor`. Every action declares its `params` and its `permission` (gateway/action.ts): authorize()
 * checks the permission, a before-hook resolves the vehicle's fleet; the actions check neither. The plumbing
 * (routes, sockets, lifecycle) lives in gateway/.
 */
import type { ServiceSchema } from "moleculer";
import ApiGateway from "moleculer-web";
import SocketIOMixin from "moleculer-io";
import { parseMotorProfile } from "../analyzers/profile";
import type { Role } from "../gateway/roles";
import { createKey, listKeys, revokeKey } from "../gateway/key-admin";
import { gatewayActions, type ApiContext, type GatewayRequest, type GatewayTags } from "../gateway/action";
import { authorizeRequest, deadLetterScope, fleetInScope, requirePrincipal, vehicleFleet } from "../gateway/access";
import { decodeOrReject } from "../gateway/http";
import { HttpError } from "../gateway/http-errors";
import {
  fleetIdParam,
  ingestParams,
  keyIdParam,
  labelParam,
  motorProfileParams,
  pageSizeParam,
  roleParam,
  streamEntryIdParam,
  vehicleParams,
} from "../gateway/params";
import { baselineFromParams, baselineParams } from "../gateway/baseline";
import { acceptWindow, type IngestParams } from "../gateway/ingest";
import { createGateway, liveEvents, startGateway, stopGateway } from "../gateway/lifecycle";
import { localOnlyActions } from "../gateway/local-only";
import { metricsExposition, readiness } from "../gateway/probes";
import { apiServiceSettings, fleetOf, principalOf, type Api, type ApiMethods, type ApiSettings, type ApiVars } from "../gateway/service-types";
import { gatewaySettings, type GatewaySettings } from "../gateway/settings";
import { vehicleFindings, vehicleHealth, vehicleHistory } from "../gateway/vehicle-reads";
import { loadConfig, type VtoxConfig } from "../config";
import { listDeadLetters, replayDeadLetter } from "../streams/dead-letter";
import { listCriticalAlerts } from "../stores/vehicle-state";
import { fleetOverview } from "../stores/fleet-overview";
import { API_KEY_REVOKED, type ApiKeyRevokedEvent } from "../contracts/events";

export { gatewaySettings, type GatewaySettings };

export function createApiService(gateway: GatewaySettings): ServiceSchema {
  const schema: ServiceSchema<ApiSettings, ApiMethods, ApiVars> = {
    name: "api",
    mixins: [ApiGateway, SocketIOMixin as unknown as ServiceSchema],

    settings: apiServiceSettings(gateway),

    actions: gatewayActions<Api>({
      live: {
        permission: "public",
        params: {},
        visibility: "published",
        handler: () => ({ status: "ok" }),
      },

      ready: {
        permission: "public",
        params: {},
        async handler(ctx: ApiContext) {
          const { ready, checks } = await readiness(this.broker, this.redis, this.marker, {
            alertPct: this.settings.redisMemoryAlertPct,
            readyPct: this.settings.redisMemoryReadyPct,
          });
          if (!ready) ctx.meta.$statusCode = 503;
          return { status: ready ? "ready" : "not_ready", checks };
        },
      },

      /** Cluster-wide host details: an operate key or METRICS_TOKEN (gateway/request-gate.ts). */
      metrics: {
        permission: "operate",
        params: {},
        handler(ctx: ApiContext): string {
          ctx.meta.$responseType = "text/plain; version=0.0.4; charset=utf-8";
          return metricsExposition(this.broker);
        },
      },

      ingest: {
        permission: "ingest",
        vehicle: "write",
        body: "json-raw",
        params: ingestParams,
        async handler(ctx: ApiContext<IngestParams>) {
          const messageId = await acceptWindow(this, this.settings.rawStreamMaxLen, principalOf(ctx), ctx.params, ctx.meta);
          ctx.meta.$statusCode = 202;
          return { message_id: messageId };
        },
      },

      vehicleHealth: {
        permission: "read",
        vehicle: "read",
        params: vehicleParams,
        handler(ctx: ApiContext<{ vehicle_id: string }>) {
          return vehicleHealth(this.redis, this.keys, fleetOf(ctx), ctx.params.vehicle_id);
        },
      },

      vehicleHistory: {
        permission: "read",
        vehicle: "read",
        params: { ...vehicleParams, limit: pageSizeParam(500, 50) },
        handler(ctx: ApiContext<{ vehicle_id: string; limit: number }>) {
          return vehicleHistory(this.redis, this.keys, fleetOf(ctx), ctx.params.vehicle_id, ctx.params.limit);
        },
      },

      /** The latest window's five findings with their evidence (for the dashboard's vehicle view). */
      vehicleFindings: {
        permission: "read",
        vehicle: "read",
        params: vehicleParams,
        handler(ctx: ApiContext<{ vehicle_id: string }>) {
          return vehicleFindings(this.redis, this.keys, fleetOf(ctx), ctx.params.vehicle_id);
        },
      },

      fleetOverview: {
        permission: "read",
        params: { fleet_id: fleetIdParam(true) },
        async handler(ctx: ApiContext<{ fleet_id?: string }>) {
          return fleetOverview(this.redis, this.keys, fleetInScope(principalOf(ctx), ctx.params.fleet_id, "fleet_id"));
        },
      },

      criticalAlerts: {
        permission: "read",
        params: { fleet_id: fleetIdParam(true) },
        async handler(ctx: ApiContext<{ fleet_id?: string }>) {
          const fleetId = fleetInScope(principalOf(ctx), ctx.params.fleet_id, "fleet_id");
          return { fleet_id: fleetId, alerts: await listCriticalAlerts(this.redis, this.keys, fleetId) };
        },
      },

      systemStatus: {
        permission: "operate",
        params: {},
        async handler(ctx: ApiContext) {
          const [streams, cluster] = await Promise.all([ctx.call("monitor.streams").catch(() => null), ctx.call("monitor.cluster").catch(() => null)]);
          return { status: streams && cluster ? "ok" : "degraded", streams, cluster };
        },
      },

      systemPerformance: {
        permission: "read",
        params: {},
        handler: (ctx: ApiContext) => ctx.call("monitor.rates"),
      },

      clusterStatus: {
        permission: "operate",
        params: {},
        async handler(ctx: ApiContext) {
          const [cluster, scaling, alerts] = await Promise.all([ctx.call("monitor.cluster"), ctx.call("monitor.scaling"), ctx.call("monitor.alerts")]);
          return { cluster, scaling, alerts };
        },
      },

      dlqList: {
        permission: "operate",
        params: { count: pageSizeParam(500, 100) },
        async handler(ctx: ApiContext<{ count: number }>) {
          // An operator sees its own fleet's dead letters; the root admin (all-fleet key) every fleet's.
          const scope = { count: ctx.params.count, legacyFleetId: this.settings.legacyFleetId, ...deadLetterScope(principalOf(ctx)) };
          return { entries: await listDeadLetters(this.redis, this.keys.deadLetterStream, scope) };
        },
      },

      dlqReplay: {
        permission: "operate",
        params: { id: streamEntryIdParam },
        async handler(ctx: ApiContext<{ id: string }>) {
          const newId = await replayDeadLetter(this.redis, this.keys.deadLetterStream, this.keys.rawStream, ctx.params.id, {
            maxLen: this.settings.rawStreamMaxLen,
            legacyFleetId: this.settings.legacyFleetId,
            ...deadLetterScope(principalOf(ctx)),
          });
          if (!newId) throw new HttpError(404, "not_found", "no such dead letter", "id");
          ctx.meta.$statusCode = 202;
          return { message_id: newId };
        },
      },

      /** The key is in this answer and nowhere else (gateway/key-admin.ts). */
      createKey: {
        permission: "admin",
        body: "json",
        params: { fleet: fleetIdParam(true), role: roleParam, label: labelParam },
        async handler(ctx: ApiContext<{ fleet?: string; role: Role; label?: string }>) {
          const created = await createKey(this.apiKeys, principalOf(ctx), ctx.params);
          ctx.meta.$statusCode = 201;
          ctx.meta.$location = `/api/v1/keys/${created.key_id}`;
          return created;
        },
      },

      listKeys: {
        permission: "admin",
        params: { fleet: fleetIdParam(true) },
        handler(ctx: ApiContext<{ fleet?: string }>) {
          return listKeys(this.apiKeys, principalOf(ctx), ctx.params.fleet);
        },
      },

      revokeKey: {
        permission: "admin",
        params: { key_id: keyIdParam },
        async handler(ctx: ApiContext<{ key_id: string }>) {
          const revoked = await revokeKey(this.apiKeys, principalOf(ctx), ctx.params.key_id);
          // Every api replica (this one included) forgets the key and closes its sockets.
          await ctx.broadcast(API_KEY_REVOKED, { key_id: revoked.key_id } satisfies ApiKeyRevokedEvent);
          return revoked;
        },
      },

      putVehicleProfile: {
        permission: "operate",
        vehicle: "write",
        body: "json",
        params: motorProfileParams,
        async handler(ctx: ApiContext<{ vehicle_id: string; fleet_id?: string }>) {
          const { vehicle_id: vehicleId, fleet_id: _namedFleet, ...body } = ctx.params;
          const profile = decodeOrReject(() => parseMotorProfile(body));
          await this.profiles.setProfile(fleetOf(ctx), vehicleId, profile);
          return { vehicle_id: vehicleId, profile };
        },
      },

      putVehicleBaseline: {
        permission: "operate",
        vehicle: "write",
        body: "json",
        params: baselineParams,
        async handler(ctx: ApiContext<{ vehicle_id: string }>) {
          const baseline = baselineFromParams(ctx.params);
          await this.profiles.setBaseline(fleetOf(ctx), ctx.params.vehicle_id, baseline);
          return { vehicle_id: ctx.params.vehicle_id, baseline };
        },
      },
    }),

    hooks: {
      // After params validation (so vehicle_id is well-formed), before every handler.
      before: { "*": "guardVehicle" },
    },

    // Broker events pushed to the Socket.IO rooms; a revocation closes that key's sockets (gateway/lifecycle.ts).
    events: liveEvents,

    methods: {
      /** moleculer-web authorization hook, after the gate authenticated (gateway/request-gate.ts): `permission` and `body` tags again (gateway/access.ts). */
      authorize(ctx: ApiContext, _route: unknown, req: GatewayRequest): void {
        authorizeRequest(req, ctx.meta.principal);
      },

      /** The action's `vehicle` tag: the vehicle is the key's fleet's (an all-fleet key names the fleet with `fleet_id`). */
      async guardVehicle(ctx: ApiContext<{ vehicle_id?: string; fleet_id?: string }>): Promise<void> {
        const action = ctx.action as Partial<GatewayTags> | undefined;
        requirePrincipal(action, ctx.meta.principal);
        if (action?.vehicle) ctx.meta.vehicleFleet = vehicleFleet(principalOf(ctx), ctx.params.fleet_id);
      },
    },

    created() {
      createGateway(this);
    },

    started() {
      return startGateway(this);
    },

    stopped() {
      return stopGateway(this);
    },
  };
  // No breaker, no retries on the api's own actions, the mixins' included (gateway/local-only.ts).
  return { ...schema, merged: localOnlyActions } as unknown as ServiceSchema;
}

export function serviceFromConfig(config: VtoxConfig): ServiceSchema {
  return createApiService(gatewaySettings(config));
}

/** moleculer-runner calls this when it loads the file: the configuration is read then. */
export default (): ServiceSchema => serviceFromConfig(loadConfig());
