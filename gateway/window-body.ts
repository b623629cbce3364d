/**
 * The ingest body, parsed by the gate from the bytes it read (gateway/request-gate.ts): JSON without turning the
 * body into one string (ingest/json-buffer.ts), or CBOR (ingest/cbor-body.ts). 400 when the bytes are not UTF-8
 * JSON / not CBOR, 422 when the top level is not an object; the rest is the decoder's (ingest/ingest-body.ts).
 */
import { CborSyntaxError, decodeCborBody } from "../ingest/cbor-body";
import { JsonSyntaxError, parseJsonBuffer } from "../ingest/json-buffer";
import { isPlainObject } from "../ingest/validate";
import type { BodyMedia } from "./body";
import { HttpError } from "./http-errors";

/** One JSON or CBOR value from a body's bytes (400 when they are not). */
export function parseBodyValue(raw: Buffer, media: BodyMedia): unknown {
  try {
    return media === "cbor" ? decodeCborBody(raw) : parseJsonBuffer(raw);
  } catch (err) {
    if (err instanceof CborSyntaxError) throw new HttpError(400, "invalid_cbor", "request body is not valid CBOR", "body");
    if (err instanceof JsonSyntaxError) throw new HttpError(400, "invalid_json", `request body is not valid ${err.utf8 ? "UTF-8" : "JSON"}`, "body");
    throw err;
  }
}

export function parseWindowBody(raw: Buffer, media: BodyMedia): Record<string, unknown> {
  const value = raw.length === 0 ? {} : parseBodyValue(raw, media);
  if (!isPlainObject(value)) throw new HttpError(422, "invalid_input", `the request body must be a ${media === "cbor" ? "CBOR map" : "JSON object"}`, "body");
  return value;
}
