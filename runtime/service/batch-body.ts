// The body of POST /v1/decide/batch, cut into one JSON text per event without parsing the events:
// a JSON array (`[{…},{…}]`) or JSON lines (one event per line, `application/x-ndjson`). Each
// piece is then read like a line of `hush run` (parseEventLine: bad JSON, a repeated key, a bad
// field), so a bad event gets its error record in place and the batch goes on. Only a body whose
// array structure itself is broken (no closing bracket, an unterminated string, a missing comma)
// is refused as a whole.
//
// The body is cut as UTF-8 bytes, and each piece decoded on its own: every byte that the cutting
// looks at (brackets, braces, quotes, the backslash, the comma, white space, the line feed) is
// ASCII, which UTF-8 never uses inside a longer sequence, so the pieces are those of the decoded
// text, invalid sequences included (a piece ends on an ASCII byte, where a sequence cut short
// becomes U+FFFD either way). Decoding a whole body at once costs about three times as much as
// decoding its pieces: on Node 20 a string of hundreds of kilobytes is written at 7 ns a byte
// where pieces of an event's size take 2 (bench/service.bench.ts measures the route).

/** Bytes as a Buffer, without copying them. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A request's body as text: fastify hands bodies over as the bytes read (runtime/service/service.ts). */
export function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  return body instanceof Uint8Array ? asBuffer(body).toString('utf8') : '';
}

/** A batch route's body: the bytes read, cut by `splitBatch` (anything else is an empty body). */
export function batchBytes(body: unknown): Uint8Array | string {
  return typeof body === 'string' || body instanceof Uint8Array ? body : '';
}

/**
 * `count`: how many events the body holds. Their texts are in `items` only when there are at
 * most `maxItems` of them (a route refuses more without decoding any: a 16 MiB body of tiny
 * elements is millions of them).
 */
export type BatchBody = { ok: true; format: 'array' | 'lines'; items: string[]; count: number } | { ok: false; message: string };

/** The places of the events found so far: kept up to the limit, counted past it. */
class Pieces {
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  count = 0;
  constructor(private readonly max: number) {}

  add(start: number, end: number): void {
    if (++this.count > this.max) return;
    this.starts.push(start);
    this.ends.push(end);
  }

  body(bytes: Buffer, format: 'array' | 'lines'): BatchBody {
    const items: string[] = [];
    if (this.count <= this.max) for (let k = 0; k < this.count; k++) items.push(bytes.toString('utf8', this.starts[k], this.ends[k]));
    return { ok: true, format, items, count: this.count };
  }
}

/** Cuts a batch body, as fastify's buffer (or text, encoded first); more than `maxItems` events are counted, not decoded. */
export function splitBatch(body: Uint8Array | string, maxItems = Infinity): BatchBody {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : asBuffer(body);
  const pieces = new Pieces(maxItems);
  let i = 0;
  while (i < bytes.length && isSpace(bytes[i])) i++;
  if (bytes[i] === 0x5b /* [ */) return splitArray(bytes, i, pieces);
  return splitLines(bytes, pieces);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** JSON lines: `\n` ends a line, a `\r` before it is dropped, a final newline adds no line. */
function splitLines(bytes: Buffer, pieces: Pieces): BatchBody {
  const n = bytes.length;
  let start = 0;
  for (;;) {
    let end = bytes.indexOf(0x0a, start);
    const last = end < 0;
    if (last) end = n;
    if (last && start === n) break; // a final newline adds no line (nor does an empty body)
    pieces.add(start, end > start && bytes[end - 1] === 0x0d ? end - 1 : end);
    if (last) break;
    start = end + 1;
  }
  return pieces.body(bytes, 'lines');
}

/** True when bytes [from, to) are all JSON white space. */
function blank(bytes: Buffer, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (!isSpace(bytes[k])) return false;
  return true;
}

/** The top-level elements of an array: strings skipped whole, brackets counted. */
function splitArray(bytes: Buffer, open: number, pieces: Pieces): BatchBody {
  const n = bytes.length;
  let depth = 0;
  let start = open + 1;
  let i = open + 1;
  let closed = -1;
  const bad = (message: string): BatchBody => ({ ok: false, message });
  while (i < n) {
    const c = bytes[i];
    if (c === 0x22 /* " */) {
      i++;
      while (i < n) {
        const d = bytes[i];
        if (d === 0x5c /* \ */) i += 2;
        else if (d === 0x22) break;
        else i++;
      }
      if (i >= n) return bad('the body ends inside a string');
      i++;
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) depth++;
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      if (depth === 0) {
        if (c !== 0x5d) return bad('the array is not well formed');
        closed = i;
        break;
      }
      depth--;
    } else if (c === 0x2c /* , */ && depth === 0) {
      if (blank(bytes, start, i)) return bad(`element ${pieces.count} of the array is empty`);
      pieces.add(start, i);
      start = i + 1;
    }
    i++;
  }
  if (closed < 0) return bad('the array has no closing bracket');
  if (!blank(bytes, start, closed)) pieces.add(start, closed);
  else if (pieces.count > 0) return bad('the array ends with a comma');
  if (!blank(bytes, closed + 1, n)) return bad('something follows the array');
  return pieces.body(bytes, 'array');
}
