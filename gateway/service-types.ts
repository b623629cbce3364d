/**
 * The api service's own shape (what `this` holds in its actions) and its settings beyond GatewaySettings: the
 * moleculer-web and moleculer-io plumbing, kept here so that services/api.service.ts reads as its actions.
 */
import path from "node:path";
import type { Service, ServiceSettingSchema } from "moleculer";
import type { Server as IOServer } from "socket.io";
import type { ApiContext, GatewayRequest } from "./action";
import { rootCallOptions, sendJsonError, setSecurityHeaders } from "./http";
import { ioSettings } from "./live-sockets";
import type { Principal } from "./roles";
import { apiV1Route, probesRoute } from "./routes";
import type { GatewaySettings } from "./settings";
import type { GatewayStores } from "./stores";

export interface ApiVars extends GatewayStores {
  io: IOServer;
  stopSweep?: () => void;
}

export interface ApiMethods {
  authorize(ctx: ApiContext, route: unknown, req: GatewayRequest): void;
  guardVehicle(ctx: ApiContext<{ vehicle_id?: string; fleet_id?: string }>): Promise<void>;
}

export interface ApiSettings extends ServiceSettingSchema, GatewaySettings {
  use404Handler: boolean;
  rootCallOptions: typeof rootCallOptions;
  onError: typeof sendJsonError;
  assets: { folder: string; options: Record<string, unknown> };
  routes: Record<string, unknown>[];
  io: Record<string, unknown>;
}

export type Api = Service<ApiSettings> & ApiMethods & ApiVars;

/** The service settings: the gateway's own plus moleculer-web's routes and assets and moleculer-io's namespaces. */
export function apiServiceSettings(gateway: GatewaySettings): ApiSettings {
  return {
    ...gateway,
    // Settings travel to every node in the registry: the Redis URL may carry a password, the keys are secrets.
    $secureSettings: ["redis", "adminKey", "metricsToken"],
    use404Handler: true,
    rootCallOptions,
    onError: sendJsonError,
    // serve-static's setHeaders: the dashboard gets the same headers (and CSP) as the API.
    assets: { folder: path.resolve(__dirname, "..", "public"), options: { index: "index.html", setHeaders: setSecurityHeaders } },
    // Each route authenticates from the headers before any body is read (gateway/request-gate.ts).
    routes: [probesRoute(gateway), apiV1Route(gateway)],
    io: ioSettings,
  };
}

/** The principal of a non-public action's call: present (the before-hook refuses calls without one). */
export const principalOf = <P>(ctx: ApiContext<P>): Principal => ctx.meta.principal as Principal;

/** The fleet of a `vehicle` action's vehicle (the before-hook resolved it). */
export const fleetOf = <P>(ctx: ApiContext<P>): string => ctx.meta.vehicleFleet as string;
