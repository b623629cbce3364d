/**
 * What an api action declares about itself, as data: who may call it (`permission`, checked once in the route's
 * authorize()), whether its path names a vehicle (`vehicle`: the hook resolves the vehicle's fleet once, after params
 * validation), and what body it takes. The same declarations (with `params`) are
 * what an OpenAPI document is generated from.
 */
import type { IncomingMessage } from "node:http";
import type { ActionParams, ActionSchema, Context } from "moleculer";
import type { BodyKind, BodyMedia } from "./body";
import type { Permission, Principal } from "./roles";

/** `public`: no key (probes, metrics); otherwise the permission a key's role must grant (gateway/roles.ts). */
export type GatewayPermission = Permission | "public";

/**
 * The action reads or writes one vehicle. Vehicle ids are unique within a fleet only: the vehicle is the caller's
 * fleet's (an all-fleet key names the fleet with `fleet_id`), so no fleet can reach, or learn of, another's.
 */
export type VehicleAccess = "read" | "write";

/** The tags an api action declares beside Moleculer's own schema properties. */
export interface GatewayTags {
  permission: GatewayPermission;
  /** The action's `vehicle_id` param names a vehicle (a path parameter). */
  vehicle?: VehicleAccess;
  /**
   * The request carries a body (gateway/body.ts): `json` is parsed into params; `window` (JSON or CBOR, parsed by the
   * gate) and `batch` (JSON array or NDJSON, parsed by the action) stay out of params and come in the meta.
   */
  body?: BodyKind;
}

/** An api action: its params (always declared, `{}` for none), its tags, its handler. */
export interface GatewayAction<TThis> extends ActionSchema<TThis>, GatewayTags {
  params: ActionParams;
}

/** Types the service's actions as gateway actions (every one tagged) and hands them to Moleculer as plain schemas. */
export function gatewayActions<TThis>(actions: Record<string, GatewayAction<TThis>>): Record<string, ActionSchema<TThis>> {
  return actions;
}

export interface ApiMeta {
  principal?: Principal;
  $statusCode?: number;
  $responseType?: string;
  $responseHeaders?: Record<string, string>;
  $location?: string;
  idempotencyKey?: string;
  /** The fleet of the vehicle a `vehicle` action is about (set by the before-hook). */
  vehicleFleet?: string;
  /** The request body as received (only for `body: "window"` and `"batch"`; never sent to another node). */
  rawBody?: Buffer;
  /** Its media type. */
  bodyMedia?: BodyMedia;
  /** A window's body as parsed by the gate (JSON strings over 64 KiB as bytes, CBOR typed arrays as they came). */
  windowBody?: Record<string, unknown>;
}

export type ApiContext<P = Record<string, unknown>> = Context<P, ApiMeta>;

/** What moleculer-web adds to a request on its way to an action. */
export type GatewayRequest = IncomingMessage & {
  rawBody?: Buffer;
  $bodyMedia?: BodyMedia;
  $windowBody?: Record<string, unknown>;
  $action?: Partial<GatewayTags> & { name?: string };
};
