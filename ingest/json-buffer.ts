/**
 * JSON from a request body's bytes without turning the body into one string. V8 puts strings over ~128 KB in its
 * large-object space, fresh each time (docs/performance.md#large-strings); a 171 KB compact window would pay that
 * on every request. Spans up to MAX_TEXT_SLICE bytes are handed to JSON.parse whole (native speed, full syntax
 * check); larger objects and arrays are walked member by member here, and a string larger than that stays bytes
 * (`JsonBytes`): only a base64 channel is ever that long, and ingest/channel-samples.ts decodes it in slices.
 * So no string built here is over 64 KiB. The input must be valid UTF-8 (checked first, natively).
 */
import { isUtf8 } from "node:buffer";

/** Largest slice of the body turned into a string at once (a JS string's length ≤ its UTF-8 byte count). */
export const MAX_TEXT_SLICE = 64 * 1024;

/**
 * Containers over MAX_TEXT_SLICE nested deeper than this are refused: each level rescans its span, so the depth
 * bounds the work (a window nests three such levels: body, sensor_data, channels).
 */
export const MAX_LARGE_DEPTH = 8;

/** A JSON string value longer than MAX_TEXT_SLICE bytes, kept as its raw bytes between the quotes (no escapes). */
export class JsonBytes {
  constructor(readonly bytes: Buffer) {}
  get length(): number {
    return this.bytes.length;
  }
}

/** Invalid UTF-8 or JSON: the gateway answers 400. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly utf8 = false,
  ) {
    super(message);
    this.name = "JsonSyntaxError";
  }
}

const QUOTE = 0x22,
  BACKSLASH = 0x5c,
  OPEN_OBJ = 0x7b,
  CLOSE_OBJ = 0x7d,
  OPEN_ARR = 0x5b,
  CLOSE_ARR = 0x5d,
  COMMA = 0x2c,
  COLON = 0x3a;

function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

export function skipSpace(buf: Buffer, i: number, end = buf.length): number {
  while (i < end && isSpace(buf[i])) i++;
  return i;
}

function fail(what: string, at: number): never {
  throw new JsonSyntaxError(`${what} at byte ${at}`);
}

/** Index just past the string whose opening quote is at `open` (memchr per quote, not a loop per byte). */
function skipString(buf: Buffer, open: number, end: number): number {
  let q = open;
  for (;;) {
    q = buf.indexOf(QUOTE, q + 1);
    if (q < 0 || q >= end) fail("unterminated string", open);
    let backslashes = 0;
    for (let k = q - 1; k > open && buf[k] === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
  }
}

/** Index just past the value starting at `i` (its syntax is checked when it is parsed). */
export function skipValue(buf: Buffer, i: number, end = buf.length): number {
  const b = buf[i];
  if (b === QUOTE) return skipString(buf, i, end);
  if (b === OPEN_OBJ || b === OPEN_ARR) {
    let depth = 0;
    for (let k = i; k < end; k++) {
      const c = buf[k];
      if (c === QUOTE) k = skipString(buf, k, end) - 1;
      else if (c === OPEN_OBJ || c === OPEN_ARR) depth++;
      else if (c === CLOSE_OBJ || c === CLOSE_ARR) {
        if (--depth === 0) return k + 1;
      }
    }
    fail("unterminated container", i);
  }
  let k = i;
  while (k < end && buf[k] !== COMMA && buf[k] !== CLOSE_OBJ && buf[k] !== CLOSE_ARR && !isSpace(buf[k])) k++;
  if (k === i) fail("expected a value", i);
  return k;
}

function parseSlice(buf: Buffer, start: number, end: number): unknown {
  try {
    return JSON.parse(buf.toString("utf8", start, end)) as unknown;
  } catch {
    fail("invalid JSON", start);
  }
}

/** Start and end of each element of the array spanning [start, end) (its brackets included); commas checked. */
export function arrayElementSpans(buf: Buffer, start: number, end: number): { start: number; end: number }[] {
  if (buf[start] !== OPEN_ARR || buf[end - 1] !== CLOSE_ARR) fail("expected an array", start);
  const spans: { start: number; end: number }[] = [];
  let i = skipSpace(buf, start + 1, end - 1);
  while (i < end - 1) {
    const valueEnd = skipValue(buf, i, end - 1);
    spans.push({ start: i, end: valueEnd });
    i = skipSpace(buf, valueEnd, end - 1);
    if (i === end - 1) break;
    if (buf[i] !== COMMA) fail("expected ',' or ']'", i);
    i = skipSpace(buf, i + 1, end - 1);
    if (i === end - 1) fail("trailing comma", i);
  }
  return spans;
}

function parseLargeObject(buf: Buffer, start: number, end: number, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let i = skipSpace(buf, start + 1, end - 1);
  while (i < end - 1) {
    if (buf[i] !== QUOTE) fail("expected a key", i);
    const keyEnd = skipString(buf, i, end);
    if (keyEnd - i > MAX_TEXT_SLICE) fail(`a key over ${MAX_TEXT_SLICE} bytes`, i);
    const key = parseSlice(buf, i, keyEnd) as string;
    i = skipSpace(buf, keyEnd, end - 1);
    if (buf[i] !== COLON) fail("expected ':'", i);
    const valueStart = skipSpace(buf, i + 1, end - 1);
    const valueEnd = skipValue(buf, valueStart, end - 1);
    // Like JSON.parse: the last of repeated keys wins; "__proto__" becomes an own property, as there.
    Object.defineProperty(out, key, { value: parseSpan(buf, valueStart, valueEnd, depth), enumerable: true, writable: true, configurable: true });
    i = skipSpace(buf, valueEnd, end - 1);
    if (i === end - 1) break;
    if (buf[i] !== COMMA) fail("expected ',' or '}'", i);
    i = skipSpace(buf, i + 1, end - 1);
    if (i === end - 1) fail("trailing comma", i);
  }
  return out;
}

/** A large array: neighbouring elements are parsed together in slices of up to MAX_TEXT_SLICE bytes. */
function parseLargeArray(buf: Buffer, start: number, end: number, depth: number): unknown[] {
  const out: unknown[] = [];
  const spans = arrayElementSpans(buf, start, end);
  let k = 0;
  while (k < spans.length) {
    if (spans[k].end - spans[k].start > MAX_TEXT_SLICE - 2) {
      out.push(parseSpan(buf, spans[k].start, spans[k].end, depth));
      k++;
      continue;
    }
    let last = k;
    while (last + 1 < spans.length && spans[last + 1].end - spans[k].start <= MAX_TEXT_SLICE - 2) last++;
    let group: unknown[];
    try {
      // The elements with the commas between them, in brackets: one native parse for the whole group.
      group = JSON.parse(`[${buf.toString("utf8", spans[k].start, spans[last].end)}]`) as unknown[];
    } catch {
      fail("invalid JSON", spans[k].start);
    }
    for (const v of group) out.push(v);
    k = last + 1;
  }
  return out;
}

function parseSpan(buf: Buffer, start: number, end: number, depth: number): unknown {
  if (end - start <= MAX_TEXT_SLICE) return parseSlice(buf, start, end);
  const b = buf[start];
  if ((b === OPEN_OBJ || b === OPEN_ARR) && depth >= MAX_LARGE_DEPTH)
    fail(`containers over ${MAX_TEXT_SLICE} bytes nested deeper than ${MAX_LARGE_DEPTH}`, start);
  if (b === OPEN_OBJ) return parseLargeObject(buf, start, end, depth + 1);
  if (b === OPEN_ARR) return parseLargeArray(buf, start, end, depth + 1);
  if (b === QUOTE) {
    const inner = buf.subarray(start + 1, end - 1);
    if (inner.indexOf(BACKSLASH) !== -1) fail(`a string over ${MAX_TEXT_SLICE} bytes with escapes is not accepted`, start);
    for (let k = 0; k < inner.length; k++) if (inner[k] < 0x20) fail("control character in a string", start + 1 + k);
    return new JsonBytes(inner);
  }
  fail(`a literal over ${MAX_TEXT_SLICE} bytes`, start);
}

/**
 * The JSON value of `buf` (UTF-8), with strings over MAX_TEXT_SLICE bytes as JsonBytes. Throws JsonSyntaxError
 * (`utf8` set when the bytes are not UTF-8).
 */
export function parseJsonBuffer(buf: Buffer): unknown {
  if (!isUtf8(buf)) throw new JsonSyntaxError("not valid UTF-8", true);
  const start = skipSpace(buf, 0);
  let end = buf.length;
  while (end > start && isSpace(buf[end - 1])) end--;
  if (start === end) fail("empty", 0);
  if (end - start <= MAX_TEXT_SLICE) return parseSlice(buf, start, end);
  const valueEnd = skipValue(buf, start, end);
  if (valueEnd !== end) fail("unexpected data after the value", valueEnd);
  return parseSpan(buf, start, end, 0);
}
