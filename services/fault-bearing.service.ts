/** fault.bearing: rolling-bearing defects — the analyzer-worker mixin around the pure analyzer (SCIENCE.md). */
import type { ServiceSchema } from "moleculer";
import { bearingAnalyzer } from "../analyzers/bearing";
import { AnalyzerWorkerMixin } from "../mixins/analyzer-worker.mixin";

const FaultService: ServiceSchema = {
  name: "fault.bearing",
  mixins: [AnalyzerWorkerMixin(bearingAnalyzer)],
};

export default FaultService;
