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
import { gatewayActions, type ApiContext, type GatewayRequest, type GatewayTags } from "../gateway/action";
import { authorizeRequest, fleetInScope, requirePrincipal, vehicleFleet } from "../gateway/access";
import { decodeOrReject } from "../gateway/http";
import { fleetIdParam, ingestParams, motorProfileParams, pageSizeParam, vehicleParams } from "../gateway/params";
import { baselineFromParams, baselineParams } from "../gateway/baseline";
import { acceptWindow, type IngestParams } from "../gateway/ingest";
import { acceptBatch } from "../gateway/batch-ingest";
import { createGateway, liveEvents, startGateway, stopGateway } from "../gateway/lifecycle";
import { localOnlyActions } from "../gateway/local-only";
import { operationsActions } from "../gateway/operations-actions";
import { apiServiceSettings, fleetOf, principalOf, type Api, type ApiMethods, type ApiSettings, type ApiVars } from "../gateway/service-types";
import { gatewaySettings, type GatewaySettings } from "../gateway/settings";
import { vehicleFindings, vehicleHealth, vehicleHistory } from "../gateway/vehicle-reads";
import { loadConfig, type VtoxConfig } from "../config";
import { listCriticalAlerts } from "../stores/vehicle-state";
import { EVENTS, type ProfileChangedEvent } from "../contracts/events";
import { fleetOverview } from "../stores/fleet-overview";

export { gatewaySettings, type GatewaySettings };

export function createApiService(gateway: GatewaySettings): ServiceSchema {
  const schema: ServiceSchema<ApiSettings, ApiMethods, ApiVars> = {
    name: "api",
    mixins: [ApiGateway, SocketIOMixin as unknown as ServiceSchema],

    settings: apiServiceSettings(gateway),

    actions: gatewayActions<Api>({
      // Probes, metrics, cluster views, dead letters and keys: gateway/operations-actions.ts.
      ...operationsActions,

      ingest: {
        permission: "ingest",
        vehicle: "write",
        body: "window",
        params: ingestParams,
        async handler(ctx: ApiContext<IngestParams>) {
          const messageId = await acceptWindow(this, this.settings.rawStreamMaxLen, principalOf(ctx), ctx.params, ctx.meta);
          ctx.meta.$statusCode = 202;
          return { message_id: messageId };
        },
      },

      /** Many windows (legacy 10-row batches) per request, JSON array or NDJSON, each answered on its own. */
      ingestBatch: {
        permission: "ingest",
        body: "batch",
        params: { fleet_id: fleetIdParam(true) },
        handler(ctx: ApiContext<{ fleet_id?: string }>) {
          return acceptBatch(this, this.settings.rawStreamMaxLen, principalOf(ctx), ctx.params.fleet_id, ctx.meta);
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

      putVehicleProfile: {
        permission: "operate",
        vehicle: "write",
        body: "json",
        params: motorProfileParams,
        async handler(ctx: ApiContext<{ vehicle_id: string; fleet_id?: string }>) {
          const { vehicle_id: vehicleId, fleet_id: _namedFleet, ...body } = ctx.params;
          const profile = decodeOrReject(() => parseMotorProfile(body));
          await this.profiles.setProfile(fleetOf(ctx), vehicleId, profile);
          // Coordinators cache profiles: this drops their copy (their TTL covers a missed event).
          await ctx.broadcast(EVENTS.profileChanged, { fleet_id: fleetOf(ctx), vehicle_id: vehicleId } satisfies ProfileChangedEvent);
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
          await ctx.broadcast(EVENTS.profileChanged, { fleet_id: fleetOf(ctx), vehicle_id: ctx.params.vehicle_id } satisfies ProfileChangedEvent);
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
