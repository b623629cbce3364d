/** fault.insulation: insulation degradation — the analyzer-worker mixin around the pure analyzer (SCIENCE.md). */
import type { ServiceSchema } from "moleculer";
import { insulationAnalyzer } from "../analyzers/insulation";
import { AnalyzerWorkerMixin } from "../mixins/analyzer-worker.mixin";

const FaultService: ServiceSchema = {
  name: "fault.insulation",
  mixins: [AnalyzerWorkerMixin(insulationAnalyzer)],
};

export default FaultService;
