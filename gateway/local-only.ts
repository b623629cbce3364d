/**
 * The api's own actions run where the HTTP request arrived (route callOptions pin this node) and are never guarded by
 * Moleculer's circuit breaker or retried by its retry policy: a breaker on `api.ingest` counts every caller's errors
 * together, so one fleet's bad requests or a short Redis outage would open it for every fleet (503 for halfOpenTime
 * after the cause is gone), and a retried `api.rest` replays a whole request. The breaker and the retries stay on what
 * they are for: the calls these actions make to other services (monitor.*, fault.*), per remote endpoint.
 *
 * Applied in the service's `merged` hook, so it covers the mixins' actions too (moleculer-web `rest`, moleculer-io's).
 * Moleculer merges `action.circuitBreaker` / `action.retryPolicy` over the broker options per action
 * (moleculer/src/middlewares/circuit-breaker.js, retry.js).
 */
import type { ServiceSchema } from "moleculer";

const LOCAL_ONLY = { circuitBreaker: { enabled: false }, retryPolicy: { enabled: false } } as const;

export function localOnlyActions(schema: ServiceSchema): void {
  const actions = (schema.actions ?? {}) as Record<string, unknown>;
  for (const [name, def] of Object.entries(actions)) {
    if (def === false || def === undefined || def === null) continue;
    const action = typeof def === "function" ? { handler: def } : (def as Record<string, unknown>);
    actions[name] = { ...action, ...LOCAL_ONLY };
  }
}
