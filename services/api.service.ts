/**
 * api: the HTTP gateway (moleculer-web) and the live push (moleculer-io) on one server.
 * Ingest is done here, not behind another hop: authenticate → authorize → validate (decode) → claim the vehicle for
 * the key's fleet → XADD motor_raw_data → 202 {message_id}. Everything else is a thin read over Redis state
 * or a call to `monitor`. Every action declares its `params` and its `permission` (gateway/action.ts): authorize()
 * checks the permission, a before-hook the vehicle's fleet; the actions check neither.
 */
import type { IncomingMessage } from "node:http";
import path from "node:path";
import type { Redis } from "ioredis";
import type { Context, Service, ServiceSchema, ServiceSettingSchema } from "moleculer";
import ApiGateway from "moleculer-web";
import SocketIOMixin from "moleculer-io";
import type { Server as IOServer } from "socket.io";
import { decodeIngestBody } from "../ingest/ingest-body";
import { parseMotorProfile } from "../analyzers/profile";
import { ApiKeyStore, keyFromHeaders } from "../stores/api-keys";
import { RateLimiter } from "../stores/rate-limiter";
import { ALL_FLEETS, canAccessFleet, type Principal } from "../gateway/roles";
import { gatewayActions, type ApiContext, type GatewayRequest, type GatewayTags } from "../gateway/action";
import { authorizeRequest, checkVehicleAccess, fleetInScope, requirePrincipal } from "../gateway/access";
import { decodeOrReject, keepRawBody, onAfterCall, onBeforeCall, sendJsonError, sensorDataText, setSecurityHeaders } from "../gateway/http";
import { HttpError } from "../gateway/http-errors";
import { fleetIdParam, ingestParams, keyIdParam, labelParam, motorProfileParams, pageSizeParam, roleParam, streamEntryIdParam, vehicleIdParam } from "../gateway/params";
import { baselineFromParams, baselineParams } from "../gateway/baseline";
import { attachLiveSockets, ioSettings, pushToRooms } from "../gateway/live-sockets";
import { gatewaySettings, type GatewaySettings } from "../gateway/settings";
import { FAULT_SERVICES } from "../contracts/families";
import { hasServiceAnywhere } from "../pipeline/fan-out";
import { loadConfig, type VtoxConfig } from "../config";
import { EmbeddablePrometheusReporter } from "../broker/prometheus-reporter";
import { createRedis } from "../stores/redis";
import { redisKeys, type RedisKeys } from "../contracts/redis-keys";
import { listDeadLetters, replayDeadLetter } from "../streams/dead-letter";
import { appendRawEntry, appendRawEntryOnce } from "../streams/raw-stream-writer";
import { VehicleProfiles } from "../stores/vehicle-profiles";
import { getVehicleHistory, getVehicleState, listCriticalAlerts } from "../stores/vehicle-state";
import { fleetOverview } from "../stores/fleet-overview";
import { windowFindings } from "../stores/findings-lookup";
import type { AlarmEvent, DiagnosisEvent, HealthEvent } from "../contracts/events";

export { gatewaySettings, type GatewaySettings };

interface ApiVars {
  redis: Redis;
  keys: RedisKeys;
  apiKeys: ApiKeyStore;
  limiter: RateLimiter;
  vehicleLimitPerS: number;
  profiles: VehicleProfiles;
  io: IOServer;
}

interface ApiMethods {
  authenticate(ctx: ApiContext, route: unknown, req: IncomingMessage): Promise<Principal>;
  authorize(ctx: ApiContext, route: unknown, req: GatewayRequest): void;
  guardVehicle(ctx: ApiContext<{ vehicle_id?: string }>): Promise<void>;
}

interface ApiSettings extends ServiceSettingSchema, GatewaySettings {
  use404Handler: boolean;
  onError: typeof sendJsonError;
  assets: { folder: string; options: Record<string, unknown> };
  routes: Record<string, unknown>[];
  io: Record<string, unknown>;
}

type Api = Service<ApiSettings> & ApiMethods & ApiVars;

const IDEMPOTENCY_TTL_S = 24 * 3600;

/** The principal of a non-public action's call: present (the before-hook refuses calls without one). */
const principalOf = (ctx: ApiContext): Principal => ctx.meta.principal as Principal;

export function createApiService(gateway: GatewaySettings): ServiceSchema {
  const schema: ServiceSchema<ApiSettings, ApiMethods, ApiVars> = {
  name: "api",
  mixins: [ApiGateway as unknown as ServiceSchema, SocketIOMixin as unknown as ServiceSchema],

  settings: {
    ...gateway,
    // Settings travel to every node in the registry: the Redis URL may carry a password, the admin key is one.
    $secureSettings: ["redis", "adminKey"],
    use404Handler: true,
    onError: sendJsonError,
    // serve-static's setHeaders: the dashboard gets the same headers (and CSP) as the API.
    assets: { folder: path.resolve(__dirname, "..", "public"), options: { index: "index.html", setHeaders: setSecurityHeaders } },
    routes: [
      {
        // Probes and metrics: no key, no body; authorize() still refuses any action here that is not public.
        path: "/",
        authentication: false,
        authorization: true,
        bodyParsers: false,
        mappingPolicy: "restrict",
        aliases: { "GET /live": "api.live", "GET /ready": "api.ready", "GET /metrics": "api.metrics" },
        onError: sendJsonError,
      },
      {
        path: "/api/v1",
        authentication: true,
        authorization: true,
        mappingPolicy: "restrict",
        bodyParsers: { json: { limit: gateway.bodyLimit, strict: true, verify: keepRawBody } },
        onBeforeCall,
        onAfterCall,
        onError: sendJsonError,
        aliases: {
          "POST /diagnosis-stream/vehicles/:vehicle_id/data": "api.ingest",
          "GET /diagnosis-stream/vehicles/:vehicle_id/health": "api.vehicleHealth",
          "GET /diagnosis-stream/vehicles/:vehicle_id/diagnosis-history": "api.vehicleHistory",
          "GET /diagnosis-stream/vehicles/:vehicle_id/findings": "api.vehicleFindings",
          "GET /diagnosis-stream/system/performance": "api.systemPerformance",
          "GET /diagnosis-stream/system/status": "api.systemStatus",
          "GET /diagnosis-stream/fleet/overview": "api.fleetOverview",
          "GET /diagnosis-stream/alerts/critical": "api.criticalAlerts",
          "GET /diagnosis-stream/dlq": "api.dlqList",
          "POST /diagnosis-stream/dlq/:id/replay": "api.dlqReplay",
          "GET /cluster/status": "api.clusterStatus",
          "PUT /vehicles/:vehicle_id": "api.putVehicleProfile",
          "PUT /vehicles/:vehicle_id/baseline": "api.putVehicleBaseline",
          "POST /keys": "api.createKey",
          "GET /keys": "api.listKeys",
          "DELETE /keys/:key_id": "api.revokeKey",
        },
      },
    ],
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
        const checks: Record<string, boolean> = { broker: this.broker.started && !this.broker.stopping };
        checks.redis = await this.redis.ping().then((pong) => pong === "PONG", () => false);
        for (const name of Object.values(FAULT_SERVICES)) checks[name] = hasServiceAnywhere(this.broker.registry, name);
        const ready = Object.values(checks).every(Boolean);
        if (!ready) ctx.meta.$statusCode = 503;
        return { status: ready ? "ready" : "not_ready", checks };
      },
    },

    metrics: {
      permission: "public", params: {},
      handler(ctx: ApiContext): string {
        const reporters = (this.broker.metrics as unknown as { reporter?: unknown[] }).reporter ?? [];
        const prom = reporters.find((r): r is EmbeddablePrometheusReporter => r instanceof EmbeddablePrometheusReporter);
        ctx.meta.$responseType = "text/plain; version=0.0.4; charset=utf-8";
        return prom ? prom.exposition() : "";
      },
    },

    ingest: {
      permission: "ingest", vehicle: "claim", body: "json-raw", params: ingestParams,
      async handler(ctx: ApiContext<{ vehicle_id: string; sensor_data: object; metadata?: object | null }>) {
        const principal = principalOf(ctx);
        const { vehicle_id: vehicleId, ...body } = ctx.params;
        // Validation is the full decode: what is accepted here, the coordinator can diagnose.
        decodeOrReject(() => decodeIngestBody(body));
        // Both budgets live in Redis, so every api replica counts against the same buckets.
        const [perKey, perVehicle] = await Promise.all([
          this.limiter.hit(`ingest:${principal.keyId}`),
          this.limiter.hit(`vehicle:${principal.fleetId}:${vehicleId}`, this.vehicleLimitPerS),
        ]);
        if (!perKey.allowed) throw new HttpError(429, "rate_limited", "too many requests for this key", undefined, { retryAfterS: perKey.retryAfterS });
        if (!perVehicle.allowed) throw new HttpError(429, "rate_limited", "too many requests for this vehicle", "vehicle_id", { retryAfterS: perVehicle.retryAfterS });
        const rawBody = ctx.meta.rawBody;
        delete ctx.meta.rawBody;
        const entry = { vehicleId, timestamp: new Date(), sensorData: sensorDataText(rawBody, body.sensor_data), metadata: body.metadata ?? {} };
        const opts = { maxLen: this.settings.rawStreamMaxLen };
        const messageId = ctx.meta.idempotencyKey
          ? await appendRawEntryOnce(this.redis, this.keys.rawStream, this.keys.dedupe("ingest", `${principal.fleetId}:${ctx.meta.idempotencyKey}`), IDEMPOTENCY_TTL_S, entry, opts)
          : await appendRawEntry(this.redis, this.keys.rawStream, entry, opts);
        ctx.meta.$statusCode = 202;
        return { message_id: messageId };
      },
    },

    vehicleHealth: {
      permission: "read", vehicle: "read", params: { vehicle_id: vehicleIdParam },
      async handler(ctx: ApiContext<{ vehicle_id: string }>) {
        const state = await getVehicleState(this.redis, this.keys, ctx.params.vehicle_id);
        if (!state) throw new HttpError(404, "not_found", "no diagnosis for this vehicle yet", "vehicle_id");
        return state;
      },
    },

    vehicleHistory: {
      permission: "read", vehicle: "read", params: { vehicle_id: vehicleIdParam, limit: pageSizeParam(500, 50) },
      async handler(ctx: ApiContext<{ vehicle_id: string; limit: number }>) {
        const { vehicle_id: vehicleId, limit } = ctx.params;
        return { vehicle_id: vehicleId, history: await getVehicleHistory(this.redis, this.keys, vehicleId, { count: limit }) };
      },
    },

    /** The latest window's five findings with their evidence (for the dashboard's vehicle view). */
    vehicleFindings: {
      permission: "read", vehicle: "read", params: { vehicle_id: vehicleIdParam },
      async handler(ctx: ApiContext<{ vehicle_id: string }>) {
        const vehicleId = ctx.params.vehicle_id;
        const state = await getVehicleState(this.redis, this.keys, vehicleId);
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
      permission: "read", params: {},
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
      permission: "read", params: {},
      async handler(ctx: ApiContext) {
        const [cluster, scaling, alerts] = await Promise.all([ctx.call("monitor.cluster"), ctx.call("monitor.scaling"), ctx.call("monitor.alerts")]);
        return { cluster, scaling, alerts };
      },
    },

    dlqList: {
      permission: "operate", params: { count: pageSizeParam(500, 100) },
      async handler(ctx: ApiContext<{ count: number }>) {
        return { entries: await listDeadLetters(this.redis, this.keys.deadLetterStream, { count: ctx.params.count }) };
      },
    },

    dlqReplay: {
      permission: "operate", params: { id: streamEntryIdParam },
      async handler(ctx: ApiContext<{ id: string }>) {
        const newId = await replayDeadLetter(this.redis, this.keys.deadLetterStream, this.keys.rawStream, ctx.params.id, { maxLen: this.settings.rawStreamMaxLen });
        if (!newId) throw new HttpError(404, "not_found", "no such dead letter", "id");
        ctx.meta.$statusCode = 202;
        return { message_id: newId };
      },
    },

    /** A fleet-scoped admin creates keys for its own fleet only. The key is in this response and nowhere else. */
    createKey: {
      permission: "admin", body: "json", params: { fleet: fleetIdParam(true), role: roleParam, label: labelParam },
      async handler(ctx: ApiContext<{ fleet?: string; role: Principal["role"]; label?: string }>) {
        const principal = principalOf(ctx);
        const fleet = ctx.params.fleet ?? (principal.fleetId === ALL_FLEETS ? undefined : principal.fleetId);
        if (!fleet) throw new HttpError(422, "invalid_input", "fleet is required for an all-fleet key", "fleet");
        if (!canAccessFleet(principal, fleet)) throw new HttpError(403, "forbidden", "this key may only manage keys of its own fleet", "fleet");
        const created = await this.apiKeys.create(fleet, ctx.params.role, ctx.params.label ?? "");
        ctx.meta.$statusCode = 201;
        ctx.meta.$location = `/api/v1/keys/${created.principal.keyId}`;
        return { key: created.key, key_id: created.principal.keyId, fleet: created.principal.fleetId, role: created.principal.role };
      },
    },

    listKeys: {
      permission: "admin", params: { fleet: fleetIdParam(true) },
      async handler(ctx: ApiContext<{ fleet?: string }>) {
        const fleet = fleetInScope(principalOf(ctx), ctx.params.fleet, "fleet");
        const records = await this.apiKeys.list(fleet);
        return { fleet, keys: records.map((r) => ({ key_id: r.keyId, role: r.role, label: r.label, created_at: r.createdAt, revoked: r.revoked })) };
      },
    },

    revokeKey: {
      permission: "admin", params: { key_id: keyIdParam },
      async handler(ctx: ApiContext<{ key_id: string }>) {
        const keyId = ctx.params.key_id;
        const record = await this.apiKeys.describe(keyId);
        // Another fleet's key does not exist for a fleet-scoped admin.
        if (!record || !canAccessFleet(principalOf(ctx), record.fleetId)) throw new HttpError(404, "not_found", "no such key", "key_id");
        await this.apiKeys.revoke(keyId);
        return { key_id: keyId, revoked: true };
      },
    },

    putVehicleProfile: {
      permission: "operate", vehicle: "claim", body: "json", params: motorProfileParams,
      async handler(ctx: ApiContext<{ vehicle_id: string }>) {
        const { vehicle_id: vehicleId, ...body } = ctx.params;
        const profile = decodeOrReject(() => parseMotorProfile(body));
        await this.profiles.setProfile(vehicleId, profile);
        return { vehicle_id: vehicleId, profile };
      },
    },

    putVehicleBaseline: {
      permission: "operate", vehicle: "claim", body: "json", params: baselineParams,
      async handler(ctx: ApiContext<{ vehicle_id: string }>) {
        const baseline = baselineFromParams(ctx.params);
        await this.profiles.setBaseline(ctx.params.vehicle_id, baseline);
        return { vehicle_id: ctx.params.vehicle_id, baseline };
      },
    },
  }),

  hooks: {
    // After params validation (so vehicle_id is well-formed), before every handler.
    before: { "*": "guardVehicle" },
  },

  events: {
    "diagnosis.completed"(ctx: Context<DiagnosisEvent>) {
      pushToRooms(this.io, "diagnosis", ctx.params.vehicle_id, ctx.params.fleet_id, ctx.params);
    },
    "vehicle.health"(ctx: Context<HealthEvent>) {
      pushToRooms(this.io, "health", ctx.params.vehicle_id, ctx.params.fleet_id, ctx.params);
    },
    "alarm.*"(ctx: Context<AlarmEvent>) {
      pushToRooms(this.io, "alarm", ctx.params.vehicle_id, ctx.params.fleet_id, ctx.params);
    },
  },

  methods: {
    /** moleculer-web authentication hook: the key becomes ctx.meta.principal, or 401. */
    async authenticate(ctx: ApiContext, _route: unknown, req: IncomingMessage): Promise<Principal> {
      const key = keyFromHeaders(req.headers);
      if (!key) throw new HttpError(401, "unauthorized", "an API key is required (Authorization: Bearer <key> or X-API-Key)");
      const principal = await this.apiKeys.verify(key).catch(() => {
        throw new HttpError(503, "service_unavailable", "key store unavailable");
      });
      if (!principal) throw new HttpError(401, "unauthorized", "invalid API key");
      ctx.meta.principal = principal;
      return principal;
    },

    /** moleculer-web authorization hook: the action's `permission` and `body` tags (gateway/access.ts). */
    authorize(ctx: ApiContext, _route: unknown, req: GatewayRequest): void {
      authorizeRequest(req, ctx.meta.principal);
    },

    /** The action's `vehicle` tag: another fleet's vehicle is 404; `claim` claims a new one for the caller's fleet. */
    async guardVehicle(ctx: ApiContext<{ vehicle_id?: string }>): Promise<void> {
      const action = ctx.action as Partial<GatewayTags> | undefined;
      requirePrincipal(action, ctx.meta.principal);
      if (action?.vehicle) await checkVehicleAccess(this.redis, this.keys, principalOf(ctx), String(ctx.params.vehicle_id), action.vehicle);
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
    this.keys = redisKeys(this.settings.redis);
    this.redis = createRedis(this.settings.redis.url, {
      connectionName: `api:${this.broker.nodeID}`,
      // Redis down must answer 503 quickly, not hang the request.
      commandTimeoutMs: 2000,
      onError: (err) => this.logger.debug("redis:", err.message),
    });
    this.apiKeys = new ApiKeyStore(this.redis, this.keys.prefix);
    // Limits are read here too, so that several api instances in one process (tests) can differ.
    this.limiter = new RateLimiter(this.redis, { prefix: this.keys.prefix, limit: this.settings.ingestRateLimitPerS, windowS: 1 });
    this.vehicleLimitPerS = this.settings.vehicleRateLimitPerS;
    this.profiles = new VehicleProfiles(this.redis, this.keys.prefix);
  },

  async started() {
    if (this.settings.adminKey) await this.apiKeys.registerBootstrapKey(this.settings.adminKey);
    attachLiveSockets(this.io, { apiKeys: this.apiKeys, redis: this.redis, keys: this.keys });
  },

  async stopped() {
    await this.redis?.quit().catch(() => undefined);
  },
  };
  return schema as unknown as ServiceSchema;
}

export function serviceFromConfig(config: VtoxConfig): ServiceSchema {
  return createApiService(gatewaySettings(config));
}

/** moleculer-runner calls this when it loads the file: the configuration is read then. */
export default (): ServiceSchema => serviceFromConfig(loadConfig());
