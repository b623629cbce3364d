/**
 * api: the HTTP gateway (moleculer-web) and the live push (moleculer-io) on one server.
 * Ingest is done here, not behind another hop: authenticate → authorize → validate (decode) → claim the vehicle for
 * the key's fleet → XADD motor_raw_data → 202 {message_id}. Everything else is a thin read over Redis state
 * or a call to `monitor`. Every action declares its `params` and its `permission` (gateway/action.ts): authorize()
 * checks the permission, a before-hook the vehicle's fleet; the actions check neither.
 */
import path from "node:path";
import type { Context, Service, ServiceSchema, ServiceSettingSchema } from "moleculer";
import ApiGateway from "moleculer-web";
import SocketIOMixin from "moleculer-io";
import type { Server as IOServer } from "socket.io";
import { parseMotorProfile } from "../analyzers/profile";
import type { Principal, Role } from "../gateway/roles";
import { createKey, listKeys, revokeKey } from "../gateway/key-admin";
import { gatewayActions, type ApiContext, type GatewayRequest, type GatewayTags } from "../gateway/action";
import { authorizeRequest, deadLetterScope, fleetInScope, requirePrincipal, vehicleFleet } from "../gateway/access";
import { decodeOrReject, rootCallOptions, sendJsonError, setSecurityHeaders } from "../gateway/http";
import { HttpError } from "../gateway/http-errors";
import { fleetIdParam, ingestParams, keyIdParam, labelParam, motorProfileParams, pageSizeParam, roleParam, streamEntryIdParam, vehicleParams } from "../gateway/params";
import { baselineFromParams, baselineParams } from "../gateway/baseline";
import { acceptWindow, type IngestParams } from "../gateway/ingest";
import { attachLiveSockets, disconnectKey, ioSettings, pushToRooms, sweepRevokedSockets } from "../gateway/live-sockets";
import { localOnlyActions } from "../gateway/local-only";
import { metricsExposition, readiness } from "../gateway/probes";
import { apiV1Route, probesRoute } from "../gateway/routes";
import { gatewaySettings, type GatewaySettings } from "../gateway/settings";
import { openGatewayStores, type GatewayStores } from "../gateway/stores";
import { loadConfig, type VtoxConfig } from "../config";
import { listDeadLetters, replayDeadLetter } from "../streams/dead-letter";
import { getVehicleHistory, getVehicleState, listCriticalAlerts } from "../stores/vehicle-state";
import { fleetOverview } from "../stores/fleet-overview";
import { windowFindings } from "../stores/findings-lookup";
import { API_KEY_REVOKED, type AlarmEvent, type ApiKeyRevokedEvent, type DiagnosisEvent, type HealthEvent } from "../contracts/events";
import { closeRedis } from "../stores/redis";

export { gatewaySettings, type GatewaySettings };

interface ApiVars extends GatewayStores {
  io: IOServer;
  stopSweep?: () => void;
}

interface ApiMethods {
  authorize(ctx: ApiContext, route: unknown, req: GatewayRequest): void;
  guardVehicle(ctx: ApiContext<{ vehicle_id?: string; fleet_id?: string }>): Promise<void>;
}

interface ApiSettings extends ServiceSettingSchema, GatewaySettings {
  use404Handler: boolean;
  rootCallOptions: typeof rootCallOptions;
  onError: typeof sendJsonError;
  assets: { folder: string; options: Record<string, unknown> };
  routes: Record<string, unknown>[];
  io: Record<string, unknown>;
}

type Api = Service<ApiSettings> & ApiMethods & ApiVars;

/** How often open sockets' keys are checked for a revocation made outside the api (`npm run keys -- revoke`). */
const REVOKED_SOCKET_SWEEP_MS = 3000;

/** The principal of a non-public action's call: present (the before-hook refuses calls without one). */
const principalOf = <P>(ctx: ApiContext<P>): Principal => ctx.meta.principal as Principal;

/** The fleet of a `vehicle` action's vehicle (the before-hook resolved it). */
const fleetOf = <P>(ctx: ApiContext<P>): string => ctx.meta.vehicleFleet as string;

export function createApiService(gateway: GatewaySettings): ServiceSchema {
  const schema: ServiceSchema<ApiSettings, ApiMethods, ApiVars> = {
  name: "api",
  mixins: [ApiGateway as unknown as ServiceSchema, SocketIOMixin as unknown as ServiceSchema],

  settings: {
    ...gateway,
    // Settings travel to every node in the registry: the Redis URL may carry a password, the admin key is one.
    $secureSettings: ["redis", "adminKey", "metricsToken"],
    use404Handler: true,
    rootCallOptions,
    onError: sendJsonError,
    // serve-static's setHeaders: the dashboard gets the same headers (and CSP) as the API.
    assets: { folder: path.resolve(__dirname, "..", "public"), options: { index: "index.html", setHeaders: setSecurityHeaders } },
    // Each route authenticates from the headers before any body is read (gateway/request-gate.ts).
    routes: [probesRoute(gateway), apiV1Route(gateway)],
    io: ioSettings,
  },

  actions: gatewayActions<Api>({
    live: {
      permission: "public", params: {}, visibility: "published",
      handler: () => ({ status: "ok" }),
    },

    ready: {
      permission: "public", params: {},
      async handler(ctx: ApiContext) {
        const { ready, checks } = await readiness(this.broker, this.redis, this.marker, { alertPct: this.settings.redisMemoryAlertPct, readyPct: this.settings.redisMemoryReadyPct });
        if (!ready) ctx.meta.$statusCode = 503;
        return { status: ready ? "ready" : "not_ready", checks };
      },
    },

    /** Cluster-wide host details: an operate key or METRICS_TOKEN (gateway/request-gate.ts). */
    metrics: {
      permission: "operate", params: {},
      handler(ctx: ApiContext): string {
        ctx.meta.$responseType = "text/plain; version=0.0.4; charset=utf-8";
        return metricsExposition(this.broker);
      },
    },

    ingest: {
      permission: "ingest", vehicle: "write", body: "json-raw", params: ingestParams,
      async handler(ctx: ApiContext<IngestParams>) {
        const messageId = await acceptWindow(this, this.settings.rawStreamMaxLen, principalOf(ctx), ctx.params, ctx.meta);
        ctx.meta.$statusCode = 202;
        return { message_id: messageId };
      },
    },

    vehicleHealth: {
      permission: "read", vehicle: "read", params: vehicleParams,
      async handler(ctx: ApiContext<{ vehicle_id: string }>) {
        const state = await getVehicleState(this.redis, this.keys, fleetOf(ctx), ctx.params.vehicle_id);
        if (!state) throw new HttpError(404, "not_found", "no diagnosis for this vehicle yet", "vehicle_id");
        return state;
      },
    },

    vehicleHistory: {
      permission: "read", vehicle: "read", params: { ...vehicleParams, limit: pageSizeParam(500, 50) },
      async handler(ctx: ApiContext<{ vehicle_id: string; limit: number }>) {
        const { vehicle_id: vehicleId, limit } = ctx.params;
        const history = await getVehicleHistory(this.redis, this.keys, fleetOf(ctx), vehicleId, { count: limit });
        // Like the health route: a vehicle never diagnosed (in this fleet) is not found, whoever else uses its id.
        if (history.length === 0) throw new HttpError(404, "not_found", "no diagnosis for this vehicle yet", "vehicle_id");
        return { vehicle_id: vehicleId, history };
      },
    },

    /** The latest window's five findings with their evidence (for the dashboard's vehicle view). */
    vehicleFindings: {
      permission: "read", vehicle: "read", params: vehicleParams,
      async handler(ctx: ApiContext<{ vehicle_id: string }>) {
        const vehicleId = ctx.params.vehicle_id;
        const state = await getVehicleState(this.redis, this.keys, fleetOf(ctx), vehicleId);
        if (!state?.originalMessageId) throw new HttpError(404, "not_found", "no diagnosis for this vehicle yet", "vehicle_id");
        const entries = await windowFindings(this.redis, this.keys.resultsStream, state.originalMessageId);
        return {
          vehicle_id: vehicleId, message_id: state.originalMessageId, updated_at: state.updatedAt,
          findings: entries.map((e) => ({ fault_type: e.faultType, status: e.status, score: e.score, reason: e.reason, evidence: e.evidence, features: e.features })),
        };
      },
    },

    fleetOverview: {
      permission: "read", params: { fleet_id: fleetIdParam(true) },
      async handler(ctx: ApiContext<{ fleet_id?: string }>) {
        return fleetOverview(this.redis, this.keys, fleetInScope(principalOf(ctx), ctx.params.fleet_id, "fleet_id"));
      },
    },

    criticalAlerts: {
      permission: "read", params: { fleet_id: fleetIdParam(true) },
      async handler(ctx: ApiContext<{ fleet_id?: string }>) {
        const fleetId = fleetInScope(principalOf(ctx), ctx.params.fleet_id, "fleet_id");
        return { fleet_id: fleetId, alerts: await listCriticalAlerts(this.redis, this.keys, fleetId) };
      },
    },

    systemStatus: {
      permission: "operate", params: {},
      async handler(ctx: ApiContext) {
        const [streams, cluster] = await Promise.all([ctx.call("monitor.streams").catch(() => null), ctx.call("monitor.cluster").catch(() => null)]);
        return { status: streams && cluster ? "ok" : "degraded", streams, cluster };
      },
    },

    systemPerformance: {
      permission: "read", params: {},
      handler: (ctx: ApiContext) => ctx.call("monitor.rates"),
    },

    clusterStatus: {
      permission: "operate", params: {},
      async handler(ctx: ApiContext) {
        const [cluster, scaling, alerts] = await Promise.all([ctx.call("monitor.cluster"), ctx.call("monitor.scaling"), ctx.call("monitor.alerts")]);
        return { cluster, scaling, alerts };
      },
    },

    dlqList: {
      permission: "operate", params: { count: pageSizeParam(500, 100) },
      async handler(ctx: ApiContext<{ count: number }>) {
        // An operator sees its own fleet's dead letters; the root admin (all-fleet key) every fleet's.
        const fleet = deadLetterScope(principalOf(ctx));
        const entries = await listDeadLetters(this.redis, this.keys.deadLetterStream, { count: ctx.params.count, legacyFleetId: this.settings.legacyFleetId, ...fleet });
        return { entries };
      },
    },

    dlqReplay: {
      permission: "operate", params: { id: streamEntryIdParam },
      async handler(ctx: ApiContext<{ id: string }>) {
        const newId = await replayDeadLetter(this.redis, this.keys.deadLetterStream, this.keys.rawStream, ctx.params.id, {
          maxLen: this.settings.rawStreamMaxLen, legacyFleetId: this.settings.legacyFleetId, ...deadLetterScope(principalOf(ctx)),
        });
        if (!newId) throw new HttpError(404, "not_found", "no such dead letter", "id");
        ctx.meta.$statusCode = 202;
        return { message_id: newId };
      },
    },

    /** The key is in this answer and nowhere else (gateway/key-admin.ts). */
    createKey: {
      permission: "admin", body: "json", params: { fleet: fleetIdParam(true), role: roleParam, label: labelParam },
      async handler(ctx: ApiContext<{ fleet?: string; role: Role; label?: string }>) {
        const created = await createKey(this.apiKeys, principalOf(ctx), ctx.params);
        ctx.meta.$statusCode = 201;
        ctx.meta.$location = `/api/v1/keys/${created.key_id}`;
        return created;
      },
    },

    listKeys: {
      permission: "admin", params: { fleet: fleetIdParam(true) },
      handler(ctx: ApiContext<{ fleet?: string }>) {
        return listKeys(this.apiKeys, principalOf(ctx), ctx.params.fleet);
      },
    },

    revokeKey: {
      permission: "admin", params: { key_id: keyIdParam },
      async handler(ctx: ApiContext<{ key_id: string }>) {
        const revoked = await revokeKey(this.apiKeys, principalOf(ctx), ctx.params.key_id);
        // Every api replica (this one included) forgets the key and closes its sockets.
        await ctx.broadcast(API_KEY_REVOKED, { key_id: revoked.key_id } satisfies ApiKeyRevokedEvent);
        return revoked;
      },
    },

    putVehicleProfile: {
      permission: "operate", vehicle: "write", body: "json", params: motorProfileParams,
      async handler(ctx: ApiContext<{ vehicle_id: string; fleet_id?: string }>) {
        const { vehicle_id: vehicleId, fleet_id: _namedFleet, ...body } = ctx.params;
        const profile = decodeOrReject(() => parseMotorProfile(body));
        await this.profiles.setProfile(fleetOf(ctx), vehicleId, profile);
        return { vehicle_id: vehicleId, profile };
      },
    },

    putVehicleBaseline: {
      permission: "operate", vehicle: "write", body: "json", params: baselineParams,
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

  events: {
    "diagnosis.completed"(ctx: Context<DiagnosisEvent>) { pushToRooms(this.io, "diagnosis", ctx.params.vehicle_id, ctx.params.fleet_id, ctx.params); },
    "vehicle.health"(ctx: Context<HealthEvent>) { pushToRooms(this.io, "health", ctx.params.vehicle_id, ctx.params.fleet_id, ctx.params); },
    "alarm.*"(ctx: Context<AlarmEvent>) { pushToRooms(this.io, "alarm", ctx.params.vehicle_id, ctx.params.fleet_id, ctx.params); },
    [API_KEY_REVOKED](ctx: Context<ApiKeyRevokedEvent>) {
      this.apiKeys.forget(ctx.params.key_id);
      disconnectKey(this.io, ctx.params.key_id);
    },
  },

  methods: {
    /** moleculer-web authorization hook, after the gate authenticated (gateway/request-gate.ts): `permission` and `body` tags again (gateway/access.ts). */
    authorize(ctx: ApiContext, _route: unknown, req: GatewayRequest): void {
      authorizeRequest(req, ctx.meta.principal);
    },

    /** The action's `vehicle` tag: another fleet's vehicle is 404; `claim` claims a new one for the caller's fleet. */
    async guardVehicle(ctx: ApiContext<{ vehicle_id?: string; fleet_id?: string }>): Promise<void> {
      const action = ctx.action as Partial<GatewayTags> | undefined;
      requirePrincipal(action, ctx.meta.principal);
      if (action?.vehicle) ctx.meta.vehicleFleet = vehicleFleet(principalOf(ctx), ctx.params.fleet_id);
    },
  },

  created() {
    // An HTTP request is handled by the api that received it: with preferLocal off (moleculer.config.ts) the strategy
    // could otherwise send the request, sensor body included, to another api replica over the transporter — and while
    // the transporter reconnects after a Redis restart that answered a generic 404 (seen in the chaos run).
    // moleculer-web built its routes in its own created(), which runs before this one.
    for (const route of (this as unknown as { routes: { callOptions?: Record<string, unknown> }[] }).routes) {
      route.callOptions = { ...route.callOptions, nodeID: this.broker.nodeID };
    }
    Object.assign(this, openGatewayStores(this.settings, this.broker.nodeID, (err) => this.logger.debug("redis:", err.message)));
  },

  async started() {
    await this.apiKeys.registerBootstrapKey();
    await this.marker.intact();
    attachLiveSockets(this.io, { apiKeys: this.apiKeys });
    // Revocations made outside the api (CLI) close sockets too, within this interval.
    this.stopSweep = sweepRevokedSockets(this.io, this.apiKeys, REVOKED_SOCKET_SWEEP_MS);
  },

  async stopped() {
    this.stopSweep?.();
    await closeRedis(this.redis);
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
