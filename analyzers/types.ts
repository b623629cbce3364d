/**
 * The domain model every analyzer, decoder, service and test speaks.
 * Field names of JSON contracts (MotorProfile, Finding) are snake_case because they
 * are the wire format of docs/architecture.md#contracts; in-memory types are camelCase.
 */

/** The five fault families, spelled as in the `fault_diagnosis_results` stream. */
export type FaultType = "turn_fault" | "insulation" | "bearing" | "eccentricity" | "broken_bar";
export const FAULT_TYPES: readonly FaultType[] = ["turn_fault", "insulation", "bearing", "eccentricity", "broken_bar"];

export type FindingStatus = "normal" | "warning" | "fault" | "not_applicable" | "insufficient_data";

/** Channels a window may carry: phase currents (A), phase voltages (V), vibration (g). */
export type ChannelName = "ia" | "ib" | "ic" | "va" | "vb" | "vc" | "vib_x" | "vib_y" | "vib_z";
export const CHANNEL_NAMES: readonly ChannelName[] = ["ia", "ib", "ic", "va", "vb", "vc", "vib_x", "vib_y", "vib_z"];

export type Samples = Float32Array | Float64Array;

/** One uniformly sampled signal; each channel carries its own rate (vibration is often sampled faster). */
export interface SampledSignal {
  samples: Samples;
  rateHz: number;
}

/**
 * One window of motor data, decoded from any of the three ingest shapes.
 * Scalars are optional: an analyzer that needs one it lacks answers `insufficient_data`.
 */
export interface SensorWindow {
  /** Sensor clock time of the first sample (ISO 8601), when the vehicle sent one. */
  startTime?: string;
  channels: Partial<Record<ChannelName, SampledSignal>>;
  /** Shaft speed, rev/min. */
  rpm?: number;
  /** Load as % of rated torque. */
  loadPct?: number;
  windingTempC?: number;
  /** HV isolation resistance measured by the vehicle's IMD, kΩ. */
  insulationResistanceKohm?: number;
  /** Common-mode (phase-to-ground) leakage current, mA. */
  leakageCurrentMa?: number;
  dcBusV?: number;
}

export interface BearingGeometry {
  n_balls: number;
  ball_diameter_mm: number;
  pitch_diameter_mm: number;
  contact_angle_deg: number;
}

/** IEC 60085 thermal classes. */
export type InsulationClass = "B" | "F" | "H" | "N" | "R";

/** The motor profile JSON of docs/architecture.md#motor-profile-json (one schema everywhere). */
export interface MotorProfile {
  motor_type: "pmsm" | "induction";
  pole_pairs: number;
  rated_rpm: number;
  rated_current_a: number;
  rated_voltage_v: number;
  /** Induction motors only. */
  rotor_bars?: number;
  /** Induction motors on a fixed supply only; otherwise f comes from the current spectrum or speed × pole pairs. */
  supply_hz?: number;
  bearing: BearingGeometry;
  insulation_class: InsulationClass;
  dc_bus_v: number;
}

/**
 * A vehicle's healthy reference: the same named features an analyzer reports,
 * measured on that vehicle when it was known healthy (e.g. turn_fault.i2_over_i1).
 * Passed in explicitly; analyzers keep no hidden state.
 */
export type FeatureBaseline = Partial<Record<FaultType, Readonly<Record<string, number>>>>;

/** One piece of evidence behind a call: a spectral line, a ratio, a measured level. */
export interface Evidence {
  /** What it is, in the domain's words: "BPFI h1", "I2/I1", "LSB (1-2s)f". */
  name: string;
  frequency_hz?: number;
  /** dB relative to the reference named in `reference` (fundamental, local median, baseline). */
  level_db?: number;
  value?: number;
  unit?: string;
  /** The threshold this evidence was compared against, in the same unit. */
  threshold?: number;
  reference?: string;
}

export type Phase = "A" | "B" | "C";
export type BearingDefect = "outer_race" | "inner_race" | "ball" | "cage";

export interface Finding {
  fault_type: FaultType;
  status: FindingStatus;
  /** 0..1, rising monotonically with severity; 0 when not_applicable or insufficient_data. */
  score: number;
  /** Named numeric features (the ones a baseline may hold). */
  features: Record<string, number>;
  evidence: Evidence[];
  /** Why the analyzer could not decide (insufficient_data / not_applicable), or a one-line summary of the call. */
  reason?: string;
  /** Turn fault: the phase the negative-sequence angle points to. */
  faulted_phase?: Phase;
  /** Bearing: the winning defect family. */
  bearing_defect?: BearingDefect;
  /** True when thresholds were taken relative to a vehicle baseline rather than absolute limits. */
  baseline_used?: boolean;
}

/** What an analyzer needs from a window, declared so that callers can check before sending. */
export interface AnalyzerRequirements {
  /** Any one of these channel sets suffices. */
  channelsAnyOf: readonly (readonly ChannelName[])[];
  minSampleRateHz: number;
  minDurationS: number;
  scalars: readonly (keyof SensorWindow)[];
  /** Channels used when present but not required (e.g. voltages); with channelsAnyOf, every channel the analyzer reads. */
  optionalChannels?: readonly ChannelName[];
}

export interface Analyzer {
  faultType: FaultType;
  requirements: AnalyzerRequirements;
  analyze(window: SensorWindow, profile: MotorProfile, baseline?: FeatureBaseline): Finding;
}
