/** fault.broken-bar: broken rotor bars (induction motors only) — the analyzer-worker mixin around the pure analyzer (SCIENCE.md). */
import type { ServiceSchema } from "moleculer";
import { brokenBarAnalyzer } from "../analyzers/broken-bar";
import { AnalyzerWorkerMixin } from "../mixins/analyzer-worker.mixin";

const FaultService: ServiceSchema = {
  name: "fault.broken-bar",
  mixins: [AnalyzerWorkerMixin(brokenBarAnalyzer)],
};

export default FaultService;
