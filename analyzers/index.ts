/** The five analyzers by fault family: the one list services, the CLI and the evaluation iterate. */
import { bearingAnalyzer } from "./bearing";
import { brokenBarAnalyzer } from "./broken-bar";
import { eccentricityAnalyzer } from "./eccentricity";
import { insulationAnalyzer } from "./insulation";
import { turnFaultAnalyzer } from "./turn-fault";
import type { Analyzer, FaultType, FeatureBaseline, Finding, MotorProfile, SensorWindow } from "./types";

export const ANALYZERS: Readonly<Record<FaultType, Analyzer>> = {
  turn_fault: turnFaultAnalyzer,
  insulation: insulationAnalyzer,
  bearing: bearingAnalyzer,
  eccentricity: eccentricityAnalyzer,
  broken_bar: brokenBarAnalyzer,
};

/** Runs all five analyzers on one window (the offline path and the `submit` fallback). */
export function analyzeAll(window: SensorWindow, profile: MotorProfile, baseline?: FeatureBaseline): Finding[] {
  return Object.values(ANALYZERS).map((a) => a.analyze(window, profile, baseline));
}

export * from "./types";
