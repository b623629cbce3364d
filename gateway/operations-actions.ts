/**
 * The api's operations surface, declared like its data path (params and permission per action): probes and
 * metrics, cluster and system views, the dead-letter queue (per fleet) and API keys. Composed into
 * services/api.service.ts.
 */
import { API_KEY_REVOKED, type ApiKeyRevokedEvent } from "../contracts/events";
import { listDeadLetters, replayDeadLetter } from "../streams/dead-letter";
import type { ApiContext, GatewayAction } from "./action";
import { deadLetterScope } from "./access";
import { HttpError } from "./http-errors";
import { createKey, listKeys, revokeKey } from "./key-admin";
import { fleetIdParam, keyIdParam, labelParam, pageSizeParam, roleParam, streamEntryIdParam } from "./params";
import { metricsExposition, readiness } from "./probes";
import type { Role } from "./roles";
import { principalOf, type Api } from "./service-types";

export const operationsActions: Record<string, GatewayAction<Api>> = {
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
      return { entries: await listDeadLetters(this.redis, this.keys.deadLetterStreams, scope) };
    },
  },

  dlqReplay: {
    permission: "operate",
    params: { id: streamEntryIdParam },
    async handler(ctx: ApiContext<{ id: string }>) {
      const newId = await replayDeadLetter(this.redis, this.keys.deadLetterStreams, this.keys.rawStreams, ctx.params.id, {
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
};
