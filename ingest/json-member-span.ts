/**
 * Where a top-level member's value lies in a JSON object's text: lets the gateway forward the client's own
 * `sensor_data` bytes into the stream instead of serialising the parsed object again (a 4 × 8192-sample window
 * is ~170 KB of text: JSON.stringify plus the string → UTF-8 copy cost more than the parse). Strings are skipped
 * with Buffer.indexOf (memchr), so a base64 channel costs a few native calls, not a JavaScript loop per byte.
 *
 * Only for text that is already known to be valid JSON (the body parser accepted it). Like JSON.parse, the last
 * of repeated keys wins. Returns undefined when the text is not an object or the key is absent.
 */
const QUOTE = 0x22,
  BACKSLASH = 0x5c,
  OPEN_OBJ = 0x7b,
  CLOSE_OBJ = 0x7d,
  OPEN_ARR = 0x5b,
  CLOSE_ARR = 0x5d,
  COMMA = 0x2c,
  COLON = 0x3a;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

function skipSpace(buf: Buffer, i: number): number {
  while (i < buf.length && isSpace(buf[i])) i++;
  return i;
}

/** Index just past the string whose opening quote is at `open`. */
function skipString(buf: Buffer, open: number): number {
  let q = open;
  for (;;) {
    q = buf.indexOf(QUOTE, q + 1);
    if (q < 0) throw new SyntaxError("unterminated string");
    let backslashes = 0;
    for (let k = q - 1; k > open && buf[k] === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
  }
}

/** Index just past the value starting at `i`. */
function skipValue(buf: Buffer, i: number): number {
  const b = buf[i];
  if (b === QUOTE) return skipString(buf, i);
  if (b === OPEN_OBJ || b === OPEN_ARR) {
    let depth = 0;
    for (let k = i; k < buf.length; k++) {
      const c = buf[k];
      if (c === QUOTE) k = skipString(buf, k) - 1;
      else if (c === OPEN_OBJ || c === OPEN_ARR) depth++;
      else if (c === CLOSE_OBJ || c === CLOSE_ARR) {
        if (--depth === 0) return k + 1;
      }
    }
    throw new SyntaxError("unterminated container");
  }
  let k = i;
  while (k < buf.length && buf[k] !== COMMA && buf[k] !== CLOSE_OBJ && buf[k] !== CLOSE_ARR && !isSpace(buf[k])) k++;
  return k;
}

export function jsonMemberSpan(buf: Buffer, key: string): { start: number; end: number } | undefined {
  let i = skipSpace(buf, 0);
  if (buf[i] !== OPEN_OBJ) return undefined;
  i = skipSpace(buf, i + 1);
  let found: { start: number; end: number } | undefined;
  while (i < buf.length && buf[i] !== CLOSE_OBJ) {
    if (buf[i] !== QUOTE) throw new SyntaxError(`expected a key at ${i}`);
    const keyEnd = skipString(buf, i);
    // Keys are short: decoding with JSON.parse handles any escape exactly as the body parser did.
    const name = JSON.parse(buf.toString("utf8", i, keyEnd)) as string;
    i = skipSpace(buf, keyEnd);
    if (buf[i] !== COLON) throw new SyntaxError(`expected ':' at ${i}`);
    const start = skipSpace(buf, i + 1);
    const end = skipValue(buf, start);
    if (name === key) found = { start, end };
    i = skipSpace(buf, end);
    if (buf[i] === COMMA) i = skipSpace(buf, i + 1);
  }
  return found;
}
