/**
 * api: the HTTP gateway (moleculer-web) and the live push (moleculer-io) on one server.
 * Ingest is done here, not behind another hop: authenticate → validate (decode) → claim the vehicle for
 * the key's fleet → XADD motor_raw_data → 202 {message_id}. Everything else is a thin read over Redis state
 * or a call to `monitor`. Every route but /live, /ready and /metrics needs an API key (stores/api-keys.ts, gateway/roles.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import type { Redis } from "ioredis";
import type { Context, Service, ServiceSchema, ServiceSettingSchema } from "moleculer";
import ApiGateway from "moleculer-web";
import SocketIOMixin from "moleculer-io";
import type { Server as IOServer, Socket } from "socket.io";
import { isInputError } from "../ingest/errors";
import { decodeIngestBody } from "../ingest/ingest-body";
import { isValidVehicleId } from "../ingest/vehicle-id";
import { parseMotorProfile } from "../analyzers/profile";
import { ApiKeyStore, keyFromHeaders } from "../stores/api-keys";
import { RateLimiter } from "../stores/rate-limiter";
import { ALL_FLEETS, can, canAccessFleet, FLEET_ID_PATTERN, isRole, ROLES, type Permission, type Principal } from "../gateway/roles";
import { FAULT_SERVICES } from "../contracts/families";
import { hasServiceAnywhere } from "../pipeline/fan-out";
import { loadConfig, type RedisSettings, type VtoxConfig } from "../config";
import { HttpError, toHttpError } from "../gateway/http-errors";
import { jsonMemberSpan } from "../ingest/json-member-span";
import { EmbeddablePrometheusReporter } from "../broker/prometheus-reporter";
import { createRedis } from "../stores/redis";
import { redisKeys, type RedisKeys } from "../contracts/redis-keys";
import { listDeadLetters, replayDeadLetter } from "../streams/dead-letter";
import { appendRawEntry, appendRawEntryOnce } from "../streams/raw-stream-writer";
import { VehicleProfiles } from "../stores/vehicle-profiles";
import { claimVehicle, getVehicleHistory, getVehicleOwner, getVehicleState, listCriticalAlerts } from "../stores/vehicle-state";
import { fleetOverview } from "../stores/fleet-overview";
import { windowFindings } from "../stores/findings-lookup";
import type { AlarmEvent, DiagnosisEvent, HealthEvent } from "../contracts/events";

interface ApiMeta {
  principal?: Principal;
  $statusCode?: number;
  $responseType?: string;
  $responseHeaders?: Record<string, string>;
  $location?: string;
  contentType?: string;
  idempotencyKey?: string;
  /** The request body as received (ingest forwards its sensor_data bytes; never sent to another node). */
  rawBody?: Buffer;
}

type ApiContext<P = Record<string, unknown>> = Context<P, ApiMeta>;

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
  requirePermission(ctx: ApiContext, permission: Permission): Principal;
  requireVehicle(ctx: ApiContext, vehicleId: unknown, opts?: { claim?: boolean }): Promise<{ principal: Principal; vehicleId: string }>;
  pushToRooms(event: string, vehicleId: string, fleetId: string | null | undefined, payload: unknown): void;
}

/**
 * What the gateway is configured with (config.ts). Budgets: a telematics box sends a window every few seconds, so
 * 50/s per key is generous, and 5/s per vehicle (whatever key it uses) catches a runaway loop.
 */
export interface GatewaySettings {
  port: number;
  ip: string;
  redis: RedisSettings;
  bodyLimit: string;
  ingestRateLimitPerS: number;
  vehicleRateLimitPerS: number;
  rawStreamMaxLen: number;
  /** Bootstrap admin key; never leaves this node ($secureSettings). */
  adminKey?: string;
}

interface ApiSettings extends ServiceSettingSchema, GatewaySettings {
  use404Handler: boolean;
  onError: typeof sendJsonError;
  assets: { folder: string; options: Record<string, unknown> };
  routes: Record<string, unknown>[];
  io: Record<string, unknown>;
}

export function gatewaySettings(config: VtoxConfig): GatewaySettings {
  const { api } = config;
  return {
    port: api.port, ip: api.host, redis: config.redis, bodyLimit: api.bodyLimit, ingestRateLimitPerS: api.ingestRateLimitPerS,
    vehicleRateLimitPerS: api.vehicleRateLimitPerS, rawStreamMaxLen: api.rawStreamMaxLen,
    ...(api.adminKey ? { adminKey: api.adminKey } : {}),
  };
}

const IDEMPOTENCY_TTL_S = 24 * 3600;

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Resource-Policy": "same-origin",
  // 'self' in connect-src also covers ws:/wss: to the same host (CSP 3), i.e. the Socket.IO endpoint on this server;
  // frame-ancestors 'none' is the CSP form of X-Frame-Options DENY.
  "Content-Security-Policy": "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
};

function setSecurityHeaders(res: ServerResponse): void {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
}

function sendJsonError(this: Service, req: IncomingMessage, res: ServerResponse, err: unknown): void {
  const { status, body } = toHttpError(err);
  if (status >= 500) this.logger.warn(`${req.method} ${req.url} → ${status}:`, (err as Error)?.message);
  if (res.headersSent) return;
  setSecurityHeaders(res);
  const retryAfter = (err as { data?: { retryAfterS?: number } })?.data?.retryAfterS;
  if (retryAfter) res.setHeader("Retry-After", String(retryAfter));
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}

/** body-parser's verify hook: keeps the body bytes so ingest can forward sensor_data without re-serialising it. */
function keepRawBody(req: IncomingMessage & { rawBody?: Buffer }, _res: ServerResponse, body: Buffer): void {
  req.rawBody = body;
}

/** The client's own `sensor_data` text (validated by the full decode before), or the parsed value when not at hand. */
function sensorDataText(raw: Buffer | undefined, parsed: object): Buffer | object {
  if (!raw) return parsed;
  const span = jsonMemberSpan(raw, "sensor_data");
  return span ? raw.subarray(span.start, span.end) : parsed;
}

/** Content type and idempotency key travel in the meta so actions can check them. */
function onBeforeCall(ctx: ApiContext, _route: unknown, req: IncomingMessage): void {
  ctx.meta.contentType = String(req.headers["content-type"] ?? "");
  const { rawBody, $action } = req as IncomingMessage & { rawBody?: Buffer; $action?: { name?: string } };
  // Only ingest reads it; other actions' meta must stay small (it travels with their calls to other nodes).
  if (rawBody && $action?.name === "api.ingest") ctx.meta.rawBody = rawBody;
  const idem = req.headers["idempotency-key"];
  if (typeof idem === "string" && idem.length > 0) ctx.meta.idempotencyKey = idem;
}

function onAfterCall(_ctx: ApiContext, _route: unknown, _req: IncomingMessage, res: ServerResponse, data: unknown): unknown {
  setSecurityHeaders(res);
  return data;
}

/**
 * Decoders throw InputError (a plain Error): rethrown as a 422 Moleculer error so that neither the circuit breaker
 * nor the load statistics count a client's bad input as a failure of this node.
 */
function decodeOrReject<T>(decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    if (isInputError(err)) throw new HttpError(422, "invalid_input", err.reason, err.field);
    throw err;
  }
}

function requireJson(ctx: ApiContext): void {
  if (!/^application\/json\b/i.test(ctx.meta.contentType ?? "")) {
    throw new HttpError(415, "unsupported_media_type", "Content-Type must be application/json", "content-type");
  }
}

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
        // Probes and metrics: no key, no body.
        path: "/",
        authentication: false,
        bodyParsers: false,
        mappingPolicy: "restrict",
        aliases: { "GET /live": "api.live", "GET /ready": "api.ready", "GET /metrics": "api.metrics" },
        onError: sendJsonError,
      },
      {
        path: "/api/v1",
        authentication: true,
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
    io: {
      namespaces: {
        "/": {
          // Sockets only receive; arbitrary action calls from a socket are refused.
          events: {
            call: (...args: unknown[]) => {
              const respond = args[args.length - 1];
              if (typeof respond === "function") respond({ name: "Forbidden", message: "calls over Socket.IO are not allowed" });
            },
          },
        },
      },
    },
  },

  actions: {
    live: {
      visibility: "published",
      handler(): { status: string } {
        return { status: "ok" };
      },
    },

    ready: {
      async handler(ctx: ApiContext) {
        const checks: Record<string, boolean> = { broker: this.broker.started && !this.broker.stopping };
        try {
          checks.redis = (await this.redis.ping()) === "PONG";
        } catch {
          checks.redis = false;
        }
        for (const name of Object.values(FAULT_SERVICES)) checks[name] = hasServiceAnywhere(this.broker.registry, name);
        const ready = Object.values(checks).every(Boolean);
        if (!ready) ctx.meta.$statusCode = 503;
        return { status: ready ? "ready" : "not_ready", checks };
      },
    },

    metrics: {
      handler(ctx: ApiContext): string {
        const reporters = (this.broker.metrics as unknown as { reporter?: unknown[] }).reporter ?? [];
        const prom = reporters.find((r): r is EmbeddablePrometheusReporter => r instanceof EmbeddablePrometheusReporter);
        ctx.meta.$responseType = "text/plain; version=0.0.4; charset=utf-8";
        return prom ? prom.exposition() : "";
      },
    },

    ingest: {
      async handler(ctx: ApiContext<Record<string, unknown>>) {
        const principal = this.requirePermission(ctx, "ingest");
        requireJson(ctx);
        const { vehicle_id: vehicleId, ...body } = ctx.params;
        if (!isValidVehicleId(vehicleId)) throw new HttpError(400, "invalid_input", "invalid vehicle id", "vehicle_id");
        // Validation is the full decode: what is accepted here, the coordinator can diagnose.
        decodeOrReject(() => decodeIngestBody(body));
        // Both budgets live in Redis, so every api replica counts against the same buckets.
        const [perKey, perVehicle] = await Promise.all([
          this.limiter.hit(`ingest:${principal.keyId}`),
          this.limiter.hit(`vehicle:${principal.fleetId}:${vehicleId}`, this.vehicleLimitPerS),
        ]);
        if (!perKey.allowed) {
          throw new HttpError(429, "rate_limited", "too many requests for this key", undefined, { retryAfterS: perKey.retryAfterS });
        }
        if (!perVehicle.allowed) {
          throw new HttpError(429, "rate_limited", "too many requests for this vehicle", "vehicle_id", { retryAfterS: perVehicle.retryAfterS });
        }
        if (principal.fleetId !== ALL_FLEETS && (await claimVehicle(this.redis, this.keys, principal.fleetId, vehicleId)) !== principal.fleetId) {
          throw new HttpError(404, "not_found", "vehicle not found", "vehicle_id");
        }
        const rawBody = ctx.meta.rawBody;
        delete ctx.meta.rawBody;
        const entry = { vehicleId, timestamp: new Date(), sensorData: sensorDataText(rawBody, body.sensor_data as object), metadata: (body.metadata ?? {}) as object };
        const messageId = ctx.meta.idempotencyKey
          ? await appendRawEntryOnce(this.redis, this.keys.rawStream, this.keys.dedupe("ingest", `${principal.fleetId}:${ctx.meta.idempotencyKey}`), IDEMPOTENCY_TTL_S, entry, { maxLen: this.settings.rawStreamMaxLen })
          : await appendRawEntry(this.redis, this.keys.rawStream, entry, { maxLen: this.settings.rawStreamMaxLen });
        ctx.meta.$statusCode = 202;
        return { message_id: messageId };
      },
    },

    vehicleHealth: {
      async handler(ctx: ApiContext<{ vehicle_id: string }>) {
        const { vehicleId } = await this.requireVehicle(ctx, ctx.params.vehicle_id);
        const state = await getVehicleState(this.redis, this.keys, vehicleId);
        if (!state) throw new HttpError(404, "not_found", "no diagnosis for this vehicle yet", "vehicle_id");
        return state;
      },
    },

    vehicleHistory: {
      async handler(ctx: ApiContext<{ vehicle_id: string; limit?: string }>) {
        const { vehicleId } = await this.requireVehicle(ctx, ctx.params.vehicle_id);
        const limit = Math.min(500, Math.max(1, Number(ctx.params.limit ?? 50) || 50));
        return { vehicle_id: vehicleId, history: await getVehicleHistory(this.redis, this.keys, vehicleId, { count: limit }) };
      },
    },

    /** The latest window's five findings with their evidence (for the dashboard's vehicle view). */
    vehicleFindings: {
      async handler(ctx: ApiContext<{ vehicle_id: string }>) {
        const { vehicleId } = await this.requireVehicle(ctx, ctx.params.vehicle_id);
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
      async handler(ctx: ApiContext<{ fleet_id?: string }>) {
        const principal = this.requirePermission(ctx, "read");
        const fleetId = principal.fleetId === ALL_FLEETS ? String(ctx.params.fleet_id ?? "") : principal.fleetId;
        if (!fleetId) throw new HttpError(400, "invalid_input", "fleet_id is required for an all-fleet key", "fleet_id");
        return fleetOverview(this.redis, this.keys, fleetId);
      },
    },

    criticalAlerts: {
      async handler(ctx: ApiContext<{ fleet_id?: string }>) {
        const principal = this.requirePermission(ctx, "read");
        const fleetId = principal.fleetId === ALL_FLEETS ? String(ctx.params.fleet_id ?? "") : principal.fleetId;
        if (!fleetId) throw new HttpError(400, "invalid_input", "fleet_id is required for an all-fleet key", "fleet_id");
        return { fleet_id: fleetId, alerts: await listCriticalAlerts(this.redis, this.keys, fleetId) };
      },
    },

    systemStatus: {
      async handler(ctx: ApiContext) {
        this.requirePermission(ctx, "read");
        const [streams, cluster] = await Promise.all([
          ctx.call("monitor.streams").catch(() => null),
          ctx.call("monitor.cluster").catch(() => null),
        ]);
        return { status: streams && cluster ? "ok" : "degraded", streams, cluster };
      },
    },

    systemPerformance: {
      async handler(ctx: ApiContext) {
        this.requirePermission(ctx, "read");
        return ctx.call("monitor.rates");
      },
    },

    clusterStatus: {
      async handler(ctx: ApiContext) {
        this.requirePermission(ctx, "read");
        const [cluster, scaling, alerts] = await Promise.all([ctx.call("monitor.cluster"), ctx.call("monitor.scaling"), ctx.call("monitor.alerts")]);
        return { cluster, scaling, alerts };
      },
    },

    dlqList: {
      async handler(ctx: ApiContext<{ count?: string }>) {
        this.requirePermission(ctx, "operate");
        const count = Math.min(500, Math.max(1, Number(ctx.params.count ?? 100) || 100));
        return { entries: await listDeadLetters(this.redis, this.keys.deadLetterStream, { count }) };
      },
    },

    dlqReplay: {
      async handler(ctx: ApiContext<{ id: string }>) {
        this.requirePermission(ctx, "operate");
        if (!/^\d+-\d+$/.test(String(ctx.params.id))) throw new HttpError(400, "invalid_input", "not a stream entry id", "id");
        const newId = await replayDeadLetter(this.redis, this.keys.deadLetterStream, this.keys.rawStream, ctx.params.id, { maxLen: this.settings.rawStreamMaxLen });
        if (!newId) throw new HttpError(404, "not_found", "no such dead letter", "id");
        ctx.meta.$statusCode = 202;
        return { message_id: newId };
      },
    },

    /** Admin only; a fleet-scoped admin creates keys for its own fleet only. The key is in this response and nowhere else. */
    createKey: {
      async handler(ctx: ApiContext<{ fleet?: unknown; role?: unknown; label?: unknown }>) {
        const principal = this.requirePermission(ctx, "admin");
        requireJson(ctx);
        const fleet = ctx.params.fleet ?? (principal.fleetId === ALL_FLEETS ? undefined : principal.fleetId);
        if (typeof fleet !== "string" || !FLEET_ID_PATTERN.test(fleet)) throw new HttpError(422, "invalid_input", "fleet must match [A-Za-z0-9._-]{1,64}", "fleet");
        if (!isRole(ctx.params.role)) throw new HttpError(422, "invalid_input", `role must be one of ${ROLES.join(", ")}`, "role");
        const label = ctx.params.label ?? "";
        if (typeof label !== "string" || label.length > 200) throw new HttpError(422, "invalid_input", "label must be a string of at most 200 characters", "label");
        if (!canAccessFleet(principal, fleet)) throw new HttpError(403, "forbidden", "this key may only manage keys of its own fleet", "fleet");
        const created = await this.apiKeys.create(fleet, ctx.params.role, label);
        ctx.meta.$statusCode = 201;
        ctx.meta.$location = `/api/v1/keys/${created.principal.keyId}`;
        return { key: created.key, key_id: created.principal.keyId, fleet: created.principal.fleetId, role: created.principal.role };
      },
    },

    listKeys: {
      async handler(ctx: ApiContext<{ fleet?: string }>) {
        const principal = this.requirePermission(ctx, "admin");
        const fleet = principal.fleetId === ALL_FLEETS ? String(ctx.params.fleet ?? "") : principal.fleetId;
        if (!FLEET_ID_PATTERN.test(fleet)) throw new HttpError(400, "invalid_input", "fleet is required for an all-fleet key", "fleet");
        const records = await this.apiKeys.list(fleet);
        return { fleet, keys: records.map((r) => ({ key_id: r.keyId, role: r.role, label: r.label, created_at: r.createdAt, revoked: r.revoked })) };
      },
    },

    revokeKey: {
      async handler(ctx: ApiContext<{ key_id: string }>) {
        const principal = this.requirePermission(ctx, "admin");
        const keyId = String(ctx.params.key_id);
        const record = /^[0-9a-f]{16}$/.test(keyId) ? await this.apiKeys.describe(keyId) : null;
        // Another fleet's key does not exist for a fleet-scoped admin.
        if (!record || !canAccessFleet(principal, record.fleetId)) throw new HttpError(404, "not_found", "no such key", "key_id");
        await this.apiKeys.revoke(keyId);
        return { key_id: keyId, revoked: true };
      },
    },

    putVehicleProfile: {
      async handler(ctx: ApiContext<Record<string, unknown>>) {
        this.requirePermission(ctx, "operate");
        requireJson(ctx);
        const { vehicle_id: vehicleId, ...body } = ctx.params;
        const { principal } = await this.requireVehicle(ctx, vehicleId, { claim: true });
        void principal;
        const profile = decodeOrReject(() => parseMotorProfile(body));
        await this.profiles.setProfile(String(vehicleId), profile);
        return { vehicle_id: vehicleId, profile };
      },
    },

    putVehicleBaseline: {
      async handler(ctx: ApiContext<Record<string, unknown>>) {
        this.requirePermission(ctx, "operate");
        requireJson(ctx);
        const { vehicle_id: vehicleId, ...body } = ctx.params;
        await this.requireVehicle(ctx, vehicleId, { claim: true });
        const baseline = parseBaseline(body);
        await this.profiles.setBaseline(String(vehicleId), baseline);
        return { vehicle_id: vehicleId, baseline };
      },
    },
  },

  events: {
    "diagnosis.completed"(ctx: Context<DiagnosisEvent>) {
      this.pushToRooms("diagnosis", ctx.params.vehicle_id, ctx.params.fleet_id, ctx.params);
    },
    "vehicle.health"(ctx: Context<HealthEvent>) {
      this.pushToRooms("health", ctx.params.vehicle_id, ctx.params.fleet_id, ctx.params);
    },
    "alarm.*"(ctx: Context<AlarmEvent>) {
      this.pushToRooms("alarm", ctx.params.vehicle_id, ctx.params.fleet_id, ctx.params);
    },
  },

  methods: {
    /** moleculer-web authentication hook: the key becomes ctx.meta.principal, or 401. */
    async authenticate(ctx: ApiContext, _route: unknown, req: IncomingMessage): Promise<Principal> {
      const key = keyFromHeaders(req.headers);
      if (!key) throw new HttpError(401, "unauthorized", "an API key is required (Authorization: Bearer <key> or X-API-Key)");
      let principal: Principal | null;
      try {
        principal = await this.apiKeys.verify(key);
      } catch {
        throw new HttpError(503, "service_unavailable", "key store unavailable");
      }
      if (!principal) throw new HttpError(401, "unauthorized", "invalid API key");
      ctx.meta.principal = principal;
      return principal;
    },

    requirePermission(ctx: ApiContext, permission: Permission): Principal {
      const principal = ctx.meta.principal;
      if (!principal) throw new HttpError(401, "unauthorized", "an API key is required");
      if (!can(principal.role, permission)) throw new HttpError(403, "forbidden", `this key may not ${permission}`);
      return principal;
    },

    /** A vehicle of another fleet does not exist for this key (404, not 403: no fleet learns another's ids). */
    async requireVehicle(ctx: ApiContext, vehicleId: unknown, opts: { claim?: boolean } = {}) {
      const principal = this.requirePermission(ctx, opts.claim ? "operate" : "read");
      if (!isValidVehicleId(vehicleId)) throw new HttpError(400, "invalid_input", "invalid vehicle id", "vehicle_id");
      if (principal.fleetId === ALL_FLEETS) return { principal, vehicleId };
      if (opts.claim) {
        if ((await claimVehicle(this.redis, this.keys, principal.fleetId, vehicleId)) !== principal.fleetId) throw new HttpError(404, "not_found", "vehicle not found", "vehicle_id");
      } else {
        const owner = await getVehicleOwner(this.redis, this.keys, vehicleId);
        if (owner === null || !canAccessFleet(principal, owner)) throw new HttpError(404, "not_found", "vehicle not found", "vehicle_id");
      }
      return { principal, vehicleId };
    },

    pushToRooms(event: string, vehicleId: string, fleetId: string | null | undefined, payload: unknown) {
      if (!this.io) return;
      const rooms = [`vehicle:${vehicleId}`, `fleet:${ALL_FLEETS}`];
      if (fleetId) rooms.push(`fleet:${fleetId}`);
      // One emit to the union of rooms: a socket in several of them receives the event once.
      this.io.to(rooms).emit(event, payload);
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
    this.apiKeys = new ApiKeyStore(this.redis, this.keys.prefix, this.settings.adminKey === undefined ? {} : { bootstrapKey: this.settings.adminKey });
    // Limits are read here too, so that several api instances in one process (tests) can differ.
    this.limiter = new RateLimiter(this.redis, { prefix: this.keys.prefix, limit: this.settings.ingestRateLimitPerS, windowS: 1 });
    this.vehicleLimitPerS = this.settings.vehicleRateLimitPerS;
    this.profiles = new VehicleProfiles(this.redis, this.keys.prefix);
  },

  async started() {
    await this.apiKeys.registerBootstrapKey();
    // Handshake needs a key; the socket joins its fleet's room and may follow its fleet's vehicles.
    const nsp = this.io.of("/");
    nsp.use((socket, next) => {
      const auth = socket.handshake.auth as { token?: unknown } | undefined;
      const token = typeof auth?.token === "string" ? auth.token : typeof socket.handshake.query.token === "string" ? socket.handshake.query.token : keyFromHeaders(socket.handshake.headers);
      if (!token) return next(new Error("unauthorized: API key required"));
      this.apiKeys.verify(token).then(
        (principal) => {
          if (!principal || !can(principal.role, "read")) return next(new Error("unauthorized: invalid API key"));
          socket.data.principal = principal;
          next();
        },
        () => next(new Error("unavailable: key store unreachable")),
      );
    });
    nsp.on("connection", (socket: Socket) => {
      const principal = socket.data.principal as Principal;
      void socket.join(`fleet:${principal.fleetId}`);
      socket.on("subscribe", async (vehicleId: unknown, ack?: (r: unknown) => void) => {
        const ok = isValidVehicleId(vehicleId) && (principal.fleetId === ALL_FLEETS || (await getVehicleOwner(this.redis, this.keys, vehicleId).catch(() => null)) === principal.fleetId);
        if (ok) await socket.join(`vehicle:${vehicleId}`);
        if (typeof ack === "function") ack(ok ? { ok: true, room: `vehicle:${String(vehicleId)}` } : { ok: false, error: "vehicle not found" });
      });
      socket.on("unsubscribe", async (vehicleId: unknown, ack?: (r: unknown) => void) => {
        if (isValidVehicleId(vehicleId)) await socket.leave(`vehicle:${vehicleId}`);
        if (typeof ack === "function") ack({ ok: true });
      });
    });
  },

  async stopped() {
    await this.redis?.quit().catch(() => undefined);
  },
  };
  return schema as unknown as ServiceSchema;
}

function parseBaseline(body: Record<string, unknown>): Record<string, Record<string, number>> {
  const families = new Set(["turn_fault", "insulation", "bearing", "eccentricity", "broken_bar"]);
  const out: Record<string, Record<string, number>> = {};
  for (const [family, features] of Object.entries(body)) {
    if (!families.has(family)) throw new HttpError(422, "invalid_input", `unknown fault family "${family}"`, family);
    if (typeof features !== "object" || features === null || Array.isArray(features)) throw new HttpError(422, "invalid_input", "expected an object of named numbers", family);
    out[family] = {};
    for (const [name, value] of Object.entries(features)) {
      if (typeof value !== "number" || !Number.isFinite(value)) throw new HttpError(422, "invalid_input", "expected a finite number", `${family}.${name}`);
      out[family][name] = value;
    }
  }
  return out;
}

export function serviceFromConfig(config: VtoxConfig): ServiceSchema {
  return createApiService(gatewaySettings(config));
}

/** moleculer-runner calls this when it loads the file: the configuration is read then. */
export default (): ServiceSchema => serviceFromConfig(loadConfig());
