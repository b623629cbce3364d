/** fault.insulation: insulation degradation — the analyzer-worker mixin around the pure analyzer (docs/science.md#insulation). */
import type { ServiceSchema } from "moleculer";
import { insulationAnalyzer } from "../analyzers/insulation";
import { loadConfig, type VtoxConfig } from "../config";
import { faultWorkerService, workerSettings } from "../mixins/analyzer-worker.mixin";

export function serviceFromConfig(config: VtoxConfig): ServiceSchema {
  return faultWorkerService(insulationAnalyzer, workerSettings(config));
}

/** moleculer-runner calls this when it loads the file: the configuration is read then. */
export default (): ServiceSchema => serviceFromConfig(loadConfig());
