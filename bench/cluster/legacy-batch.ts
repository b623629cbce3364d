/**
 * The legacy batch endpoint (`--legacy-batch N`): N legacy batches per request as a JSON array of
 * `{vehicle_id, sensor_data, metadata}` items, answered per item. Its path and the reading of its answer live
 * here only, so that they follow the gateway in one place.
 */
export const LEGACY_BATCH_PATH = "/api/v1/diagnosis-stream/batches";

/** One item of the request array, around a pre-encoded `sensor_data` JSON text. */
export function batchItem(vehicleId: string, sensorData: Buffer): Buffer[] {
  return [Buffer.from(`{"vehicle_id":"${vehicleId}","metadata":{"source":"vtox-bench"},"sensor_data":`), sensorData, Buffer.from("}")];
}

function itemAccepted(item: unknown): boolean {
  if (item === null || typeof item !== "object") return false;
  const o = item as { status?: unknown; error?: unknown; accepted?: unknown };
  if (typeof o.status === "number") return o.status >= 200 && o.status < 300;
  if (typeof o.accepted === "boolean") return o.accepted;
  return o.error === undefined;
}

/**
 * Items accepted by one answer: a 2xx (or 207) answer lists its items as an array, or under `items`/`results`;
 * an item counts unless it carries an error or a non-2xx status. A 2xx answer without a list accepts all `sent`.
 */
export function acceptedItems(status: number, body: Buffer, sent: number): number {
  if (status < 200 || status >= 300) return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return sent;
  }
  const list = Array.isArray(parsed)
    ? parsed
    : ((parsed as { items?: unknown; results?: unknown } | null)?.items ?? (parsed as { results?: unknown } | null)?.results);
  return Array.isArray(list) ? list.filter(itemAccepted).length : sent;
}
