/**
 * Stream layouts, field by field (docs/architecture.md#stream-layouts). Writers emit exactly these fields in this
 * order; readers check them. The raw layout is the original producer's, so its entries and ours are
 * indistinguishable.
 */

/** `data_type` of every raw entry. */
export const MOTOR_SENSOR_DATA_TYPE = "motor_sensor_data";

/** `motor_raw_data`: one sensor window (or legacy batch) per entry. sensor_data and metadata are JSON text. */
export const RAW_ENTRY_FIELDS = ["vehicle_id", "timestamp", "sensor_data", "metadata", "data_type"] as const;

/**
 * Our gateway adds the sending key's fleet after the five original fields (readers ignore fields they do not know).
 * An entry without it was written by an older producer: it belongs to the configured legacy fleet (LEGACY_FLEET).
 */
export const RAW_FLEET_FIELD = "fleet_id";

/**
 * Our gateway's binary layout (docs/architecture.md#raw-stream-layout): instead of `sensor_data`, a small
 * `sensor_layout` JSON field (start time, scalars, and per channel its rate, sample count and sample type) and one
 * field of raw little-endian samples per channel (`samples:ia`, ...). The entry itself is then the window's store:
 * workers read it by id, nothing is copied into another key.
 */
export const RAW_BINARY_ENTRY_FIELDS = ["vehicle_id", "timestamp", "metadata", "data_type", "sensor_layout"] as const;
export const RAW_SENSOR_LAYOUT_FIELD = "sensor_layout";
export const RAW_SAMPLES_FIELD_PREFIX = "samples:";

/** Sample types of a binary channel field: IEEE 754 little-endian, 4 or 8 bytes. */
export const SAMPLE_TYPES = ["f32le", "f64le"] as const;
export type SampleType = (typeof SAMPLE_TYPES)[number];

/** The binary field holding one channel's samples. */
export function samplesField(channel: string): string {
  return RAW_SAMPLES_FIELD_PREFIX + channel;
}

/** The default of LEGACY_FLEET (config.ts). */
export const DEFAULT_LEGACY_FLEET = "legacy";

/**
 * `fault_diagnosis_results`: one entry per window and fault family. `fleet_id` comes last, after the original
 * system's eight fields, so that readers that take the fields by position keep working.
 */
export const RESULT_ENTRY_FIELDS = [
  "vehicle_id",
  "fault_type",
  "timestamp",
  "status",
  "score",
  "features",
  "original_message_id",
  "processing_time",
  "fleet_id",
] as const;

/** The dead-letter stream: the original entry's fields, then this failure record. */
export const FAILURE_RECORD_FIELDS = ["error", "original_id", "original_stream", "group", "deliveries", "failed_at"] as const;

/** The coordinators' consumer group on the raw stream. */
export const DIAGNOSIS_GROUP = "diagnosis";
