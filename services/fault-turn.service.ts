/** fault.turn: inter-turn short circuit — the analyzer-worker mixin around the pure analyzer (SCIENCE.md). */
import type { ServiceSchema } from "moleculer";
import { turnFaultAnalyzer } from "../analyzers/turn-fault";
import { AnalyzerWorkerMixin } from "../mixins/analyzer-worker.mixin";

const FaultService: ServiceSchema = {
  name: "fault.turn",
  mixins: [AnalyzerWorkerMixin(turnFaultAnalyzer)],
};

export default FaultService;
