/**
 * Broker configuration shared by every VTOX process (moleculer-runner, the REPL, tests), built from the parsed
 * configuration (config.ts): a bad environment stops moleculer-runner here, before any service loads.
 * Values with a "why" are explained next to them.
 */
import os from "node:os";
import type { BrokerOptions, Errors, MetricRegistry } from "moleculer";
import { loadConfigOrExit, type VtoxConfig } from "./config";
import { HealthProbeMiddleware } from "./broker/health-probes";
import { LeakFreeRedisTransporter } from "./broker/redis-transporter";
import { EmbeddablePrometheusReporter } from "./broker/prometheus-reporter";
import { NodeLoadMiddleware } from "./broker/node-load.middleware";
import { registerIntelligentStrategy } from "./broker/intelligent.strategy";

registerIntelligentStrategy();

type MetricsReporter = MetricRegistry.MetricsReporter;

function redisOptions(url: string): { host: string; port: number; db: number; password?: string; username?: string } {
  const u = new URL(url);
  const db = Number(u.pathname.replace("/", "") || 0);
  return {
    host: u.hostname || "127.0.0.1",
    port: Number(u.port || 6379),
    db: Number.isInteger(db) ? db : 0,
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
  };
}

export function brokerConfig(config: VtoxConfig): BrokerOptions {
  const { broker, redis } = config;
  const metricsPort = broker.metricsPort;
  return {
    // Several clusters may share one Redis: pub/sub ignores DB numbers, so isolation is by namespace (moleculer#479).
    namespace: broker.namespace,
    // In Kubernetes the pod name, so a restarted pod is recognisable; locally host + pid.
    nodeID: broker.nodeId ?? `${os.hostname()}-${process.pid}`,
    logger: { type: "Console", options: { formatter: "short", colors: broker.colors } },
    logLevel: broker.logLevel,

    // Moleculer's Redis transporter minus its reconnect leak (moleculer#1363; broker/redis-transporter.ts).
    transporter: new LeakFreeRedisTransporter(redisOptions(redis.url)),
    // CBOR (cbor-x) carries Float32Array windows natively and costs ~1/4 of JSON for sensor payloads (docs/performance.md#serializer-costs).
    serializer: "CBOR",

    // A SIGKILLed node must be dropped within ~5 s. Moleculer checks every heartbeatTimeout seconds and drops a node
    // whose last heartbeat (whole seconds of uptime) is more than heartbeatTimeout old, so detection takes between
    // timeout+1 and 2×timeout+1 s: 1 s / 2 s gives 3–5 s (1 s / 4 s measured 8 s). The price: a node whose event loop
    // stalls > 2 s is dropped until its next heartbeat, so analysis must never block that long (it takes ~1 ms).
    heartbeatInterval: broker.heartbeatIntervalS,
    heartbeatTimeout: broker.heartbeatTimeoutS,

    requestTimeout: 10_000,
    // Only retryable errors (timeouts, a node that vanished) are retried; `analyze` is idempotent (pure function).
    retryPolicy: {
      enabled: true,
      retries: 2,
      delay: 100,
      maxDelay: 1000,
      factor: 2,
      check: (err: Error) => Boolean((err as Errors.MoleculerRetryableError).retryable),
    },
    circuitBreaker: {
      enabled: true,
      threshold: 0.5,
      minRequestCount: 5,
      windowTime: 60,
      halfOpenTime: 10_000,
      // Count only failures of the node (5xx, timeouts, transport); a client's bad input (4xx, InputError,
      // ValidationError) must never open a breaker.
      check: (err: Error) => {
        const code = (err as Errors.MoleculerError).code;
        if (typeof code === "number") return code >= 500;
        return err.name !== "InputError" && err.name !== "ValidationError";
      },
    },
    // Bulkheads are set per action on the fault workers (mixins/analyzer-worker.mixin.ts), not globally,
    // so that the api and the coordinator are never queued behind analysis.
    bulkhead: { enabled: false },
    // Graceful shutdown waits for in-flight requests (up to 10 s) before the node leaves.
    tracking: { enabled: true, shutdownTimeout: 10_000 },

    registry: {
      // Scores nodes by latency, success rate, CPU, memory, queue (broker/intelligent.strategy.ts).
      // preferLocal off: a node that hosts a worker itself must still spread load to the others.
      strategy: "Intelligent",
      strategyOptions: { exploration: 0.05 },
      preferLocal: false,
    },
    // NodeLoad feeds the strategy (caller-side latency/success/in-flight, callee-side memory/queue/loop delay in
    // response meta); HealthProbe serves /live and /ready on HEALTH_PORT for nodes without HTTP (off when unset).
    middlewares: [NodeLoadMiddleware(), HealthProbeMiddleware(broker.healthPort === undefined ? {} : { port: broker.healthPort })],

    metrics: {
      enabled: true,
      // An instance is accepted at runtime (Reporters.resolve); the typings only list names and {type, options}.
      reporter: [
        new EmbeddablePrometheusReporter({
          listen: metricsPort !== undefined,
          port: metricsPort ?? 0,
          path: "/metrics",
          defaultLabels: (registry) => ({ namespace: registry.broker.namespace, nodeID: registry.broker.nodeID }),
        }) as unknown as MetricsReporter,
      ],
    },
    tracing: false,
    validator: true,
  };
}

/** moleculer-runner calls a function export once it has loaded this file: the environment is parsed then, not at import. */
export default (): BrokerOptions => brokerConfig(loadConfigOrExit());
