/** fault.bearing: rolling-bearing defects — the analyzer-worker mixin around the pure analyzer (docs/science.md#bearing-defects). */
import type { ServiceSchema } from "moleculer";
import { bearingAnalyzer } from "../analyzers/bearing";
import { loadConfig, type VtoxConfig } from "../config";
import { faultWorkerService, workerSettings } from "../mixins/analyzer-worker.mixin";

export function serviceFromConfig(config: VtoxConfig): ServiceSchema {
  return faultWorkerService(bearingAnalyzer, workerSettings(config));
}

/** moleculer-runner calls this when it loads the file: the configuration is read then. */
export default (): ServiceSchema => serviceFromConfig(loadConfig());
