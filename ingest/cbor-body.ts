/**
 * A CBOR request body (RFC 8949, decoded by cbor-x): the same `{sensor_data, metadata}` object as the JSON body,
 * where a channel may also be a Float32Array/Float64Array (RFC 8746 typed-array tags), so samples arrive as
 * binary without base64 or number text. Maps become plain objects; records (cbor-x's own extension) are off.
 * Everything after decoding is the JSON body's validation; metadata must be what JSON can hold, since it is
 * stored as JSON text.
 */
import { Decoder } from "cbor-x";
import { InputError } from "./errors";
import { JsonBytes, MAX_TEXT_SLICE } from "./json-buffer";
import { describeValue, isPlainObject, joinPath } from "./validate";

const decoder = new Decoder({ mapsAsObjects: true, useRecords: false });

/** Not decodable as one CBOR item: the gateway answers 400. */
export class CborSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CborSyntaxError";
  }
}

export function decodeCborBody(raw: Buffer): unknown {
  try {
    return decoder.decode(raw) as unknown;
  } catch (err) {
    throw new CborSyntaxError((err as Error).message);
  }
}

/**
 * Rejects what JSON cannot carry (typed arrays, byte strings, dates, NaN, undefined, Maps…) anywhere in `value`,
 * naming the path, and a JSON string left as bytes for being over 64 KiB (ingest/json-buffer.ts). Iterative; depth
 * is bounded separately (expectBoundedDepth).
 */
export function expectJsonLike(value: unknown, field: string): void {
  const stack: { v: unknown; path: string }[] = [{ v: value, path: field }];
  while (stack.length > 0) {
    const { v, path } = stack.pop() as { v: unknown; path: string };
    if (v === null || typeof v === "string" || typeof v === "boolean") continue;
    if (typeof v === "number") {
      if (!Number.isFinite(v)) throw new InputError(path, `expected a JSON value, got ${describeValue(v)}`);
      continue;
    }
    if (Array.isArray(v)) v.forEach((item, i) => stack.push({ v: item, path: joinPath(path, i) }));
    else if (isPlainObject(v)) for (const [k, item] of Object.entries(v)) stack.push({ v: item, path: joinPath(path, k) });
    else if (v instanceof JsonBytes) throw new InputError(path, `a string over ${MAX_TEXT_SLICE} bytes is not accepted here`);
    else throw new InputError(path, `expected a JSON value, got ${typeof v === "object" ? (v.constructor?.name ?? "an object") : typeof v}`);
  }
}
