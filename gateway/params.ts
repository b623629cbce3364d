/**
 * Params rules (fastest-validator) shared by the api's actions. Path and query parameters arrive as strings (numbers
 * are converted); a bad one is 400, a bad body field 422 (gateway/http-errors.ts). Where a decoder owns the details
 * of a body (ingest, motor profile) the rules declare its envelope and leave `$$strict` off: the decoder names the
 * precise field path and rejects unknown keys by name.
 */
import type { ActionParams } from "moleculer";
import { INSULATION_CLASSES, MOTOR_TYPES } from "../analyzers/profile";
import { VEHICLE_ID_PATTERN } from "../ingest/vehicle-id";
import { FLEET_ID_PATTERN, ROLES } from "./roles";

type Rule = ActionParams[string];

export const vehicleIdParam: Rule = {
  type: "string",
  pattern: VEHICLE_ID_PATTERN,
  messages: { stringPattern: "invalid vehicle id: 1-64 characters of A-Z a-z 0-9 . _ : -" },
};

export function fleetIdParam(optional: boolean): Rule {
  return { type: "string", pattern: FLEET_ID_PATTERN, optional, messages: { stringPattern: "fleet must match [A-Za-z0-9._-]{1,64}" } };
}

/** The params of a route about one vehicle: its id, and (for an all-fleet key only) the fleet it is in. */
export const vehicleParams: ActionParams = { vehicle_id: vehicleIdParam, fleet_id: fleetIdParam(true) };

/** A page size in the query: an integer in [1, max], `fallback` when absent. */
export function pageSizeParam(max: number, fallback: number): Rule {
  return { type: "number", convert: true, integer: true, min: 1, max, optional: true, default: fallback };
}

export const streamEntryIdParam: Rule = { type: "string", pattern: /^\d+-\d+$/, messages: { stringPattern: "not a stream entry id" } };
export const keyIdParam: Rule = { type: "string", pattern: /^[0-9a-f]{16}$/, messages: { stringPattern: "not a key id (16 hex digits)" } };
export const roleParam: Rule = { type: "enum", values: [...ROLES], messages: { enumValue: `role must be one of ${ROLES.join(", ")}` } };
export const labelParam: Rule = { type: "string", max: 200, optional: true, messages: { stringMax: "label must be a string of at most 200 characters" } };

/**
 * POST …/vehicles/{vehicle_id}/data: the path and query only. The body never enters params (the gate hands it over in
 * the meta, gateway/request-gate.ts); ingest/ingest-body.ts decodes it (validation is the full decode).
 */
export const ingestParams: ActionParams = { ...vehicleParams };

const numberRule: Rule = { type: "number" };

/** PUT /vehicles/{vehicle_id}: the motor profile's fields and enums; analyzers/profile.ts checks ranges and cross-field rules. */
export const motorProfileParams: ActionParams = {
  $$strict: false,
  ...vehicleParams,
  motor_type: { type: "enum", values: [...MOTOR_TYPES] },
  pole_pairs: { type: "number", integer: true },
  rated_rpm: numberRule,
  rated_current_a: numberRule,
  rated_voltage_v: numberRule,
  rotor_bars: { type: "number", integer: true, optional: true },
  supply_hz: { type: "number", optional: true },
  bearing: {
    type: "object",
    props: { n_balls: { type: "number", integer: true }, ball_diameter_mm: numberRule, pitch_diameter_mm: numberRule, contact_angle_deg: { type: "number" } },
  },
  insulation_class: { type: "enum", values: [...INSULATION_CLASSES] },
  dc_bus_v: numberRule,
};
