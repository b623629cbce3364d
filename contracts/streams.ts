/**
 * Stream layouts, field by field (docs/architecture.md#stream-layouts). Writers emit exactly these fields in this
 * order; readers check them. The raw layout is the original producer's, so its entries and ours are
 * indistinguishable.
 */

/** `data_type` of every raw entry. */
export const MOTOR_SENSOR_DATA_TYPE = "motor_sensor_data";

/** `motor_raw_data`: one sensor window (or legacy batch) per entry. sensor_data and metadata are JSON text. */
export const RAW_ENTRY_FIELDS = ["vehicle_id", "timestamp", "sensor_data", "metadata", "data_type"] as const;

/** `fault_diagnosis_results`: one entry per window and fault family. */
export const RESULT_ENTRY_FIELDS = [
  "vehicle_id", "fault_type", "timestamp", "status", "score", "features", "original_message_id", "processing_time",
] as const;

/** The dead-letter stream: the original entry's fields, then this failure record. */
export const FAILURE_RECORD_FIELDS = ["error", "original_id", "original_stream", "group", "deliveries", "failed_at"] as const;

/** The coordinators' consumer group on the raw stream. */
export const DIAGNOSIS_GROUP = "diagnosis";
