/**
 * Fan-out of one window to the five fault workers, in parallel, with a per-call timeout.
 * What to do when a worker fails is the caller's policy:
 *  - "fail": the whole window fails (the stream path: the window stays pending and is retried, so
 *    no result set is ever written with a hole in it — invariants 1 and 2);
 *  - "degrade": the family answers insufficient_data "worker unavailable: …" (the `submit` path,
 *    which has no stream to retry from).
 * The window travels inline (`{ window }`: submit, tests), as a reference to its binary raw entry (`{ entryRef }`:
 * the stream path, stores/entry-window.ts) or as a claim check (`{ windowRef }`: stream windows without a binary
 * entry, stores/sample-store.ts); a worker process then reads it once for all its services.
 */
import { insufficientData } from "../analyzers/finding";
import { FAULT_TYPES, type FaultType, type FeatureBaseline, type Finding, type MotorProfile, type SensorWindow } from "../analyzers/types";
import { FAULT_SERVICES } from "../contracts/families";
import type { AnalyzeParams, WindowSource } from "../contracts/actions";

export type AnalyzeRequest = AnalyzeParams & { profile: MotorProfile };

export type AnalyzeCall = (action: string, params: AnalyzeRequest, timeoutMs: number) => Promise<Finding>;

function asSource(input: SensorWindow | WindowSource): WindowSource {
  return "windowRef" in input || "entryRef" in input || "window" in input ? input : { window: input };
}

export class FanOutError extends Error {
  constructor(readonly failures: Partial<Record<FaultType, string>>) {
    super(
      `fault workers failed: ${Object.entries(failures)
        .map(([f, m]) => `${f}: ${m}`)
        .join("; ")}`,
    );
    this.name = "FanOutError";
  }
}

export interface TimedFinding {
  finding: Finding;
  /** Wall time of the call as seen by the coordinator, ms. */
  elapsedMs: number;
}

export async function fanOut(
  call: AnalyzeCall,
  input: SensorWindow | WindowSource,
  profile: MotorProfile,
  baseline: FeatureBaseline | undefined,
  options: { timeoutMs: number; onFailure: "fail" | "degrade" },
): Promise<TimedFinding[]> {
  const source = asSource(input);
  const settled = await Promise.allSettled(
    FAULT_TYPES.map(async (faultType) => {
      const t0 = performance.now();
      const finding = await call(`${FAULT_SERVICES[faultType]}.analyze`, { ...source, profile, ...(baseline ? { baseline } : {}) }, options.timeoutMs);
      if (finding?.fault_type !== faultType) throw new Error(`worker answered for ${String(finding?.fault_type)}`);
      return { finding, elapsedMs: performance.now() - t0 };
    }),
  );
  const failures: Partial<Record<FaultType, string>> = {};
  const results = settled.map((s, i): TimedFinding => {
    if (s.status === "fulfilled") return s.value;
    const faultType = FAULT_TYPES[i];
    const message = s.reason instanceof Error ? s.reason.message : String(s.reason);
    failures[faultType] = message;
    return { finding: insufficientData(faultType, `worker unavailable: ${message}`), elapsedMs: 0 };
  });
  if (options.onFailure === "fail" && Object.keys(failures).length > 0) throw new FanOutError(failures);
  return results;
}

/** True when some node currently offers the service (the registry drops a node's services when it leaves). */
export function hasServiceAnywhere(registry: { hasService(fullName: string, nodeID: string): boolean }, fullName: string): boolean {
  // Moleculer's hasService matches any node when nodeID is null; the typing wants a string.
  return registry.hasService(fullName, null as unknown as string);
}
