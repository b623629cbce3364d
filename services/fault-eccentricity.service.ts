/** fault.eccentricity: air-gap eccentricity — the analyzer-worker mixin around the pure analyzer (SCIENCE.md). */
import type { ServiceSchema } from "moleculer";
import { eccentricityAnalyzer } from "../analyzers/eccentricity";
import { AnalyzerWorkerMixin } from "../mixins/analyzer-worker.mixin";

const FaultService: ServiceSchema = {
  name: "fault.eccentricity",
  mixins: [AnalyzerWorkerMixin(eccentricityAnalyzer)],
};

export default FaultService;
