/**
 * /live and /ready for nodes without HTTP (the fault workers, diagnosis, monitor): a tiny node:http server on
 * HEALTH_PORT driven by the broker lifecycle, after treatwell/moleculer-essentials' health-check middleware.
 *   starting  → live 200, ready 503   (created, services not yet started)
 *   ready     → live 200, ready 200   (broker started: every local service has started and is registered)
 *   stopping  → live 200, ready 503   (orchestrators stop routing here while it drains)
 *   down      → server closed
 * Disabled without a port (HEALTH_PORT unset; moleculer.config.ts passes it). The api serves the same paths on its
 * own port.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Middleware, ServiceBroker } from "moleculer";

export type ProbeState = "starting" | "ready" | "stopping" | "down";

export const LIVE_PATH = "/live";
export const READY_PATH = "/ready";

export interface ProbeAnswer {
  status: number;
  body: { state: ProbeState; nodeID?: string | undefined; uptime: number };
}

/** Pure: what a probe request answers in a given state; undefined for an unknown path. */
export function probeAnswer(state: ProbeState, path: string, nodeID?: string): ProbeAnswer | undefined {
  const body = { state, nodeID, uptime: process.uptime() };
  const url = path.split("?")[0];
  if (url === LIVE_PATH) return { status: state === "down" ? 503 : 200, body };
  if (url === READY_PATH) return { status: state === "ready" ? 200 : 503, body };
  return undefined;
}

export interface HealthProbeOptions {
  /** Port to listen on (HEALTH_PORT); none: disabled. 0 picks a free port (tests). */
  port?: number | undefined;
  host?: string;
}

export type HealthProbeMiddlewareInstance = Middleware & {
  /** Current lifecycle state. */
  state(): ProbeState;
  /** The bound port once listening. */
  port(): number | undefined;
};

export function HealthProbeMiddleware(opts: HealthProbeOptions = {}): HealthProbeMiddlewareInstance {
  const port = opts.port;
  let state: ProbeState = "starting";
  let server: http.Server | undefined;

  const base = {
    name: "HealthProbes",
    state: () => state,
    port: () => (server?.address() as AddressInfo | null)?.port,
  };
  if (port === undefined) return base;

  return {
    ...base,
    created(broker: ServiceBroker) {
      server = http.createServer((req, res) => {
        const answer = probeAnswer(state, req.url ?? "/", broker.nodeID);
        if (!answer) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(answer.status, { "Content-Type": "application/json; charset=utf-8" });
        res.end(JSON.stringify(answer.body));
      });
      server.on("error", (err) => broker.logger.error("Health probe server failed", err));
      server.listen(port, opts.host, () => broker.logger.info(`Health probes on :${base.port()} (${LIVE_PATH}, ${READY_PATH})`));
    },
    async started() {
      state = "ready";
    },
    async stopping() {
      state = "stopping";
    },
    async stopped() {
      state = "down";
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}
