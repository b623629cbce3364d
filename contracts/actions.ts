/**
 * Parameters and results of the actions other processes call (the REPL and scripts too): `fault.*.analyze` and
 * `diagnosis.submit`. One type per call, used by the caller and the callee alike.
 */
import type { FeatureBaseline, Finding, MotorProfile, SensorWindow } from "../analyzers/types";
import type { RawEntryRef } from "../stores/entry-window";
import type { WindowRef } from "../stores/sample-store";
import type { VehicleHealth } from "../pipeline/vehicle-health";

export type { RawEntryRef, WindowRef };

/**
 * Where a worker finds the window: inline; by reference to the binary raw stream entry our gateway wrote (`entryRef`:
 * the entry is the store); or by reference to decoded channels stored in a hash (`windowRef`: claim check, for
 * windows without a binary entry).
 */
export type WindowSource = { window: SensorWindow } | { entryRef: RawEntryRef } | { windowRef: WindowRef };

/** `fault.<family>.analyze` params: exactly one of window / entryRef / windowRef; no profile means the documented default. */
export type AnalyzeParams = WindowSource & { profile?: MotorProfile; baseline?: FeatureBaseline };

/** `fault.<family>.analyze` result. */
export type AnalyzeResult = Finding;

/** Where a window's motor profile came from. */
export type ProfileSource = "vehicle" | "metadata" | "default";

/** `diagnosis.submit` params: an ingest body's fields, or an already decoded window. */
export interface SubmitParams {
  vehicle_id?: string;
  /** The fleet whose registered profile applies (default: the legacy fleet). */
  fleet_id?: string;
  sensor_data?: unknown;
  metadata?: Record<string, unknown>;
  profile?: unknown;
  /** An already decoded window (typed arrays or number arrays). */
  window?: SensorWindow;
}

/** `diagnosis.submit` result. */
export interface SubmitResult {
  vehicle_id?: string;
  profile: ProfileSource;
  findings: Finding[];
  health: VehicleHealth;
  processing_ms: number;
}
