/** fault.eccentricity: air-gap eccentricity — the analyzer-worker mixin around the pure analyzer (docs/science.md#eccentricity). */
import type { ServiceSchema } from "moleculer";
import { eccentricityAnalyzer } from "../analyzers/eccentricity";
import { loadConfig, type VtoxConfig } from "../config";
import { faultWorkerService, workerSettings } from "../mixins/analyzer-worker.mixin";

export function serviceFromConfig(config: VtoxConfig): ServiceSchema {
  return faultWorkerService(eccentricityAnalyzer, workerSettings(config));
}

/** moleculer-runner calls this when it loads the file: the configuration is read then. */
export default (): ServiceSchema => serviceFromConfig(loadConfig());
