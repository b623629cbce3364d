/** fault.broken-bar: broken rotor bars (induction motors only) — the analyzer-worker mixin around the pure analyzer (docs/science.md#broken-rotor-bars). */
import type { ServiceSchema } from "moleculer";
import { brokenBarAnalyzer } from "../analyzers/broken-bar";
import { loadConfig, type VtoxConfig } from "../config";
import { faultWorkerService, workerSettings } from "../mixins/analyzer-worker.mixin";

export function serviceFromConfig(config: VtoxConfig): ServiceSchema {
  return faultWorkerService(brokenBarAnalyzer, workerSettings(config));
}

/** moleculer-runner calls this when it loads the file: the configuration is read then. */
export default (): ServiceSchema => serviceFromConfig(loadConfig());
