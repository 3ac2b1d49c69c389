// A batch body is cut as bytes and its pieces decoded one by one (batch-body.ts). That must give
// exactly what decoding the whole body and cutting the text gives, for any body: arrays and JSON
// lines, strings with escapes and brackets, broken structure, two-, three- and four-byte UTF-8,
// and invalid UTF-8 anywhere (a sequence cut short by a comma, a stray continuation byte).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchBytes, bodyText, splitBatch, type BatchBody } from './batch-body.ts';

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const blank = (s: string) => [...s].every((ch) => isSpace(ch.charCodeAt(0)));

/** The oracle: the whole body decoded, then cut as text, the plain way. */
function splitText(body: string): BatchBody {
  let i = 0;
  while (i < body.length && isSpace(body.charCodeAt(i))) i++;
  if (body[i] !== '[') {
    const items = body.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
    if (body.endsWith('\n') || body === '') items.pop();
    return { ok: true, format: 'lines', items, count: items.length };
  }
  const items: string[] = [];
  let depth = 0;
  let start = i + 1;
  for (let k = i + 1; k < body.length; k++) {
    const c = body[k];
    if (c === '"') {
      k++;
      while (k < body.length && body[k] !== '"') k += body[k] === '\\' ? 2 : 1;
      if (k >= body.length) return { ok: false, message: 'the body ends inside a string' };
    } else if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && depth > 0) depth--;
    else if (c === '}') return { ok: false, message: 'the array is not well formed' };
    else if (c === ']') {
      const last = body.slice(start, k);
      if (!blank(last)) items.push(last);
      else if (items.length > 0) return { ok: false, message: 'the array ends with a comma' };
      if (!blank(body.slice(k + 1))) return { ok: false, message: 'something follows the array' };
      return { ok: true, format: 'array', items, count: items.length };
    } else if (c === ',' && depth === 0) {
      const piece = body.slice(start, k);
      if (blank(piece)) return { ok: false, message: `element ${items.length} of the array is empty` };
      items.push(piece);
      start = k + 1;
    }
  }
  return { ok: false, message: 'the array has no closing bracket' };
}

/** Bytes from pieces that matter to the cutting, with multi-byte and invalid UTF-8 among them. */
const piece = fc.oneof(
  fc.constantFrom('[', ']', '{', '}', ',', '"', '\\', '\\"', ' ', '\n', '\r\n', '\t', '1', 'a', 'é', '加微信', '🐀', '{"text":"a,]"}'),
  fc.string({ unit: 'binary', maxLength: 4 }),
).map((s) => Buffer.from(s, 'utf8'));
const badByte = fc.constantFrom(0x80, 0xbf, 0xc3, 0xe4, 0xe4b8, 0xf0, 0xf09f, 0xff).map((b) => (b > 0xff ? Buffer.from([b >> 8, b & 0xff]) : Buffer.from([b])));
const body = fc.array(fc.oneof({ weight: 5, arbitrary: piece }, { weight: 1, arbitrary: badByte }), { maxLength: 40 }).map((parts) => Buffer.concat(parts));
/** Mostly well-formed arrays, so that the cutting itself is reached often. */
const arrayBody = fc
  .array(fc.oneof(fc.jsonValue(), fc.record({ type: fc.constant('message'), text: fc.string({ unit: 'binary' }) })), { maxLength: 8 })
  .chain((items) => fc.tuple(fc.constant(items), fc.array(badByte, { maxLength: 3 }), fc.nat()))
  .map(([items, bad, at]) => {
    const b = Buffer.from(` [ ${items.map((x) => JSON.stringify(x)).join(' ,\n')} ] `, 'utf8');
    const k = b.length === 0 ? 0 : at % b.length;
    return Buffer.concat([b.subarray(0, k), ...bad, b.subarray(k)]);
  });

describe('splitBatch', () => {
  it('cuts the bytes of any body as the decoded text would be cut', () => {
    fc.assert(
      fc.property(fc.oneof(body, arrayBody), (bytes) => {
        expect(splitBatch(bytes)).toEqual(splitText(bytes.toString('utf8')));
      }),
      { numRuns: 5000 },
    );
  });

  it('counts the events past the limit without decoding them, and still refuses a broken body', () => {
    expect(splitBatch('[1,2,3]', 3)).toEqual({ ok: true, format: 'array', items: ['1', '2', '3'], count: 3 });
    expect(splitBatch('[1,2,3]', 2)).toEqual({ ok: true, format: 'array', items: [], count: 3 });
    expect(splitBatch('a\nb\nc\n', 1)).toEqual({ ok: true, format: 'lines', items: [], count: 3 });
    expect(splitBatch('[1,2,3,]', 1)).toEqual({ ok: false, message: 'the array ends with a comma' });
    expect(splitBatch('[1,2,,3]', 1)).toEqual({ ok: false, message: 'element 2 of the array is empty' });
  });

  it('takes text, encoded first, and reads what fastify hands over', () => {
    expect(splitBatch(' [ {"t":"a,]\\"}"} , [1,{"x":[2]}] ] \n')).toEqual({ ok: true, format: 'array', items: [' {"t":"a,]\\"}"} ', ' [1,{"x":[2]}] '], count: 2 });
    expect(splitBatch('{"a":1}\r\n{"b":"加"}\n')).toEqual({ ok: true, format: 'lines', items: ['{"a":1}', '{"b":"加"}'], count: 2 });
    expect(splitBatch('')).toEqual({ ok: true, format: 'lines', items: [], count: 0 });
    // A view into a larger buffer is cut where it starts and ends.
    const big = Buffer.from('xx[1,2]yy');
    expect(splitBatch(new Uint8Array(big.buffer, big.byteOffset + 2, 5))).toEqual({ ok: true, format: 'array', items: ['1', '2'], count: 2 });
    expect(bodyText(Buffer.from('加微信'))).toBe('加微信');
    expect(bodyText('x')).toBe('x');
    expect(bodyText(undefined)).toBe('');
    expect(batchBytes({})).toBe('');
  });
});
