/** Everything that turns outside data into the domain model, in one import. */
export { InputError, isInputError, type InputErrorBody } from "./errors";
export { decodeSensorData, sensorDataShape, type SensorDataShape } from "./sensor-data";
export { encodeColumnar, encodeCompact, encodeLegacyRows, type ColumnarSensorData, type CompactSensorData, type LegacySensorData } from "./encode";
export { base64ToFloat32, float32ToBase64, COMPACT_ENCODING } from "./f32-base64";
export { decodeIngestBody, type DecodedIngestBody } from "./ingest-body";
export { decodeStreamEntry, streamEntryFields, MOTOR_SENSOR_DATA_TYPE, STREAM_ENTRY_FIELDS, type DecodedStreamEntry, type StreamValue } from "./stream-entry";
export { isValidVehicleId, expectVehicleId, VEHICLE_ID_PATTERN, VEHICLE_ID_MAX_LENGTH } from "./vehicle-id";
export { decodeCsv, type CsvOptions } from "./csv";
export { readRealdata, isRealdata, REALDATA_SCHEMA, type RealdataRecording, type RealdataRig } from "./realdata";
export * as limits from "./limits";
