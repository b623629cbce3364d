/**
 * The load generator's request bodies, encoded before the clock starts: the window shapes a producer may send
 * (docs/architecture.md#ingest-body-shapes) plus the binary CBOR window. A pool of bodies per generated vehicle
 * is rotated; other vehicles reuse them under their own id (the id is in the path, not the body).
 */
import { encode as cborEncode } from "cbor-x";
import { encodeColumnar, encodeCompact, encodeLegacyRows } from "../../ingest/encode";
import type { ChannelName, SensorWindow } from "../../analyzers/types";
import { makeFleet, nextWindow } from "../../simulator/index";

export const WINDOW_SHAPES = ["standard", "columnar", "legacy", "cbor"] as const;
export type WindowShape = (typeof WINDOW_SHAPES)[number];

export const LEGACY_ROWS_PER_BATCH = 10;
const METADATA = { source: "vtox-bench" };

export interface BodyPoolConfig {
  shape: WindowShape;
  windowS: number;
  rateHz: number;
  poolPerVehicle: number;
  generatedVehicles: number;
  idPrefix: string;
  /** Legacy batches per request through the batch endpoint; 0: one batch per POST. */
  legacyBatch: number;
}

export interface BodyPools {
  contentType: string;
  /** Per generated vehicle: whole request bodies, or with legacyBatch > 0 the `sensor_data` texts of its 10-row batches. */
  pools: Buffer[][];
}

function trimmed(w: SensorWindow): SensorWindow {
  // The standard window: ia, ib, ic, vib_x plus scalars.
  const { ia, ib, ic, vib_x } = w.channels;
  return { ...w, channels: { ...(ia ? { ia } : {}), ...(ib ? { ib } : {}), ...(ic ? { ic } : {}), ...(vib_x ? { vib_x } : {}) } };
}

function sliceWindow(w: SensorWindow, from: number, to: number): SensorWindow {
  const channels: SensorWindow["channels"] = {};
  for (const [name, s] of Object.entries(w.channels)) {
    if (s) channels[name as ChannelName] = { rateHz: s.rateHz, samples: s.samples.subarray(from, to) };
  }
  return { ...w, channels };
}

function jsonBody(sensorData: unknown): Buffer {
  return Buffer.from(JSON.stringify({ metadata: METADATA, sensor_data: sensorData }));
}

/** The standard window as CBOR: the compact shape with Float32Array channels instead of base64 texts. */
export function cborBody(w: SensorWindow): Buffer {
  const { encoding: _encoding, channels: _base64, ...rest } = encodeCompact(w);
  const channels: Partial<Record<ChannelName, Float32Array>> = {};
  for (const [name, s] of Object.entries(w.channels)) if (s) channels[name as ChannelName] = Float32Array.from(s.samples);
  return cborEncode({ sensor_data: { ...rest, channels }, metadata: METADATA });
}

function legacyBatches(w: SensorWindow): Buffer[] {
  const out: Buffer[] = [];
  const n = w.channels.ia?.samples.length ?? 0;
  for (let at = 0; at + LEGACY_ROWS_PER_BATCH <= n; at += LEGACY_ROWS_PER_BATCH) {
    out.push(Buffer.from(JSON.stringify(encodeLegacyRows(sliceWindow(w, at, at + LEGACY_ROWS_PER_BATCH)))));
  }
  return out;
}

export function buildBodyPools(cfg: BodyPoolConfig): BodyPools {
  const fleet = makeFleet({
    vehicles: cfg.generatedVehicles,
    seed: 42,
    faultyShare: 0.3,
    durationS: cfg.windowS,
    rateHz: cfg.rateHz,
    vibRateHz: cfg.rateHz,
    idPrefix: cfg.idPrefix,
  });
  const pools = fleet.vehicles.map((v) => {
    const pool: Buffer[] = [];
    for (let k = 0; k < cfg.poolPerVehicle; k++) {
      const w = trimmed(nextWindow(v, k * cfg.windowS));
      if (cfg.shape === "standard") pool.push(jsonBody(encodeCompact(w)));
      else if (cfg.shape === "columnar") pool.push(jsonBody(encodeColumnar(w)));
      else if (cfg.shape === "cbor") pool.push(cborBody(w));
      else pool.push(...legacyBatches(w).map((b) => (cfg.legacyBatch > 0 ? b : legacyBody(b))));
    }
    return pool;
  });
  return { contentType: cfg.shape === "cbor" ? "application/cbor" : "application/json", pools };
}

/** A single legacy POST body around one batch's `sensor_data` text. */
function legacyBody(sensorData: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`{"metadata":{"source":"vtox-bench"},"sensor_data":`), sensorData, Buffer.from("}")]);
}
