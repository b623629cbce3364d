/**
 * PUT /vehicles/{vehicle_id}/baseline: a vehicle's feature baseline `{family: {feature: number}}`, as params rules.
 * Unknown families are rejected by name ($$strict), features must be finite numbers.
 */
import type { ActionParams } from "moleculer";
import { FAULT_TYPES } from "../contracts/families";
import type { FeatureBaseline } from "../analyzers/types";
import { vehicleParams } from "./params";

const featureValues = {
  type: "record",
  optional: true,
  key: { type: "string" },
  value: { type: "number", finite: true, messages: { number: "expected a finite number", numberFinite: "expected a finite number" } },
  messages: { record: "expected an object of named numbers" },
} as const;

export const baselineParams: ActionParams = {
  $$strict: true,
  ...vehicleParams,
  ...Object.fromEntries(FAULT_TYPES.map((family) => [family, featureValues])),
};

/** The baseline out of validated params (the path's vehicle_id and the query's fleet_id aside). */
export function baselineFromParams(params: Record<string, unknown>): FeatureBaseline {
  const out: Record<string, Record<string, number>> = {};
  for (const [family, features] of Object.entries(params)) {
    if (family !== "vehicle_id" && family !== "fleet_id" && features !== undefined && features !== null)
      out[family] = { ...(features as Record<string, number>) };
  }
  return out;
}
