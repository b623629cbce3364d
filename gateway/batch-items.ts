/**
 * The items of a batch body: a JSON array of objects, or NDJSON (one object per line, blank lines skipped). Each item
 * keeps its own bytes (its sensor_data is sliced from them into the stream entry) or its own syntax error, so one
 * bad item never spoils the others. The array is split on its top-level commas without parsing the whole body.
 */
import { isUtf8 } from "node:buffer";
import { arrayElementSpans, JsonSyntaxError, parseJsonBuffer, skipSpace } from "../ingest/json-buffer";
import type { BodyMedia } from "./body";
import { HttpError } from "./http-errors";

/** Most items one batch request may carry (the body limit bounds their bytes). */
export const BATCH_MAX_ITEMS = 1000;

export type BatchItemSource = { bytes: Buffer; value: unknown } | { bytes: Buffer; syntaxError: string };

function item(bytes: Buffer): BatchItemSource {
  try {
    return { bytes, value: parseJsonBuffer(bytes) };
  } catch (err) {
    if (err instanceof JsonSyntaxError) return { bytes, syntaxError: err.utf8 ? "not valid UTF-8" : "not valid JSON" };
    throw err;
  }
}

function ndjsonItems(raw: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  for (let start = 0; start < raw.length;) {
    let end = raw.indexOf(0x0a, start);
    if (end < 0) end = raw.length;
    const line = raw.subarray(start, end);
    if (skipSpace(line, 0) < line.length) lines.push(line);
    start = end + 1;
  }
  return lines;
}

function jsonArrayItems(raw: Buffer): Buffer[] {
  if (!isUtf8(raw)) throw new HttpError(400, "invalid_json", "request body is not valid UTF-8", "body");
  const start = skipSpace(raw, 0);
  let end = raw.length;
  while (end > start && skipSpace(raw, end - 1) === end) end--;
  if (raw[start] !== 0x5b) throw new HttpError(422, "invalid_input", "a batch is a JSON array of items (or NDJSON: one item per line)", "body");
  try {
    return arrayElementSpans(raw, start, end).map((s) => raw.subarray(s.start, s.end));
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw new HttpError(400, "invalid_json", "request body is not a valid JSON array", "body");
    throw err;
  }
}

/** The batch's items in order: 400/422 only when the body as a whole is not a batch or holds too many. */
export function batchItems(raw: Buffer, media: BodyMedia): BatchItemSource[] {
  const parts = media === "ndjson" ? ndjsonItems(raw) : jsonArrayItems(raw);
  if (parts.length === 0) throw new HttpError(422, "invalid_input", "the batch has no items", "body");
  if (parts.length > BATCH_MAX_ITEMS) throw new HttpError(422, "invalid_input", `a batch holds at most ${BATCH_MAX_ITEMS} items, got ${parts.length}`, "body");
  return parts.map(item);
}
