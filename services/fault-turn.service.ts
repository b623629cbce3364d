/** fault.turn: inter-turn short circuit — the analyzer-worker mixin around the pure analyzer (docs/science.md#inter-turn-short-circuit). */
import type { ServiceSchema } from "moleculer";
import { turnFaultAnalyzer } from "../analyzers/turn-fault";
import { loadConfig, type VtoxConfig } from "../config";
import { faultWorkerService, workerSettings } from "../mixins/analyzer-worker.mixin";

export function serviceFromConfig(config: VtoxConfig): ServiceSchema {
  return faultWorkerService(turnFaultAnalyzer, workerSettings(config));
}

/** moleculer-runner calls this when it loads the file: the configuration is read then. */
export default (): ServiceSchema => serviceFromConfig(loadConfig());
