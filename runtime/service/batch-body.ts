// The body of POST /v1/decide/batch, cut into one JSON text per event without parsing the events:
// a JSON array (`[{…},{…}]`) or JSON lines (one event per line, `application/x-ndjson`). Each
// piece is then read like a line of `hush run` (parseEventLine: bad JSON, a repeated key, a bad
// field), so a bad event gets its error record in place and the batch goes on. Only a body whose
// array structure itself is broken (no closing bracket, an unterminated string, a missing comma)
// is refused as a whole.

export type BatchBody = { ok: true; format: 'array' | 'lines'; items: string[] } | { ok: false; message: string };

export function splitBatch(body: string): BatchBody {
  let i = 0;
  while (i < body.length && isSpace(body.charCodeAt(i))) i++;
  if (body.charCodeAt(i) === 0x5b /* [ */) return splitArray(body, i);
  return splitLines(body);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** JSON lines: `\n` ends a line, a `\r` before it is dropped, a final newline adds no line. */
function splitLines(body: string): BatchBody {
  const items = body.split('\n');
  if (items.length > 0 && items[items.length - 1] === '') items.pop();
  for (let k = 0; k < items.length; k++) {
    const l = items[k];
    if (l.length > 0 && l.charCodeAt(l.length - 1) === 0x0d) items[k] = l.slice(0, -1);
  }
  return { ok: true, format: 'lines', items };
}

/** The top-level elements of an array, as text: strings skipped whole, brackets counted. */
function splitArray(body: string, open: number): BatchBody {
  const items: string[] = [];
  const n = body.length;
  let depth = 0;
  let start = open + 1;
  let i = open + 1;
  let closed = -1;
  const bad = (message: string): BatchBody => ({ ok: false, message });
  while (i < n) {
    const c = body.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i++;
      while (i < n) {
        const d = body.charCodeAt(i);
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
      const piece = body.slice(start, i);
      if (piece.trim() === '') return bad(`element ${items.length} of the array is empty`);
      items.push(piece);
      start = i + 1;
    }
    i++;
  }
  if (closed < 0) return bad('the array has no closing bracket');
  const last = body.slice(start, closed);
  if (last.trim() !== '') items.push(last);
  else if (items.length > 0) return bad('the array ends with a comma');
  for (let k = closed + 1; k < n; k++) if (!isSpace(body.charCodeAt(k))) return bad('something follows the array');
  return { ok: true, format: 'array', items };
}
