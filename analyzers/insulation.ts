/** PLACEHOLDER until the analyzer lands: answers insufficient_data and says why. Replaced by issue #2 work. */
import { insufficientData } from "./finding";
import type { Analyzer } from "./types";

export const insulationAnalyzer: Analyzer = {
  faultType: "insulation",
  requirements: { channelsAnyOf: [], minSampleRateHz: 0, minDurationS: 0, scalars: [] },
  analyze: () => insufficientData("insulation", "analyzer not implemented yet"),
};
