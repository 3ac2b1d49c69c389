// The JSONL line reader: lines as readline gives them, and a cap that holds a line of any size
// in constant memory and never stops the stream.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readLines, tooLongRecord, type StreamLine } from './jsonl.ts';

async function lines(chunks: (string | Buffer)[], max?: number): Promise<StreamLine[]> {
  const out: StreamLine[] = [];
  for await (const l of readLines(Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))), max)) out.push(l);
  return out;
}

describe('readLines', () => {
  it('splits on \\n across chunks, drops a \\r before it, keeps a last line without one', async () => {
    expect(await lines(['a\r\nb', 'c\n\n', 'd'])).toEqual(['a', 'bc', '', 'd']);
    expect(await lines(['你', Buffer.from('好\n').subarray(0, 1), Buffer.from('好\n').subarray(1)])).toEqual(['你好']);
  });

  it('gives the same lines as splitting the whole text, however it is cut (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('a', 'é', '好', '\n', '\r\n', '{"x":1}'), { maxLength: 30 }), fc.array(fc.nat(40), { maxLength: 5 }), async (bits, cuts) => {
        const text = bits.join('');
        const bytes = Buffer.from(text);
        const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...at].map((s, i, xs) => bytes.subarray(s, xs[i + 1] ?? bytes.length)).filter((c) => c.length > 0);
        const want = text === '' ? [] : text.split('\n').map((l) => l.replace(/\r$/, ''));
        if (text.endsWith('\n')) want.pop();
        expect(await lines(chunks)).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  it('reports a line over the cap by its length only, and goes on', async () => {
    const big = 'x'.repeat(1000);
    expect(await lines(['{"a":1}\n', big.slice(0, 300), big.slice(300), '\n{"b":2}\n'], 100)).toEqual(['{"a":1}', { tooLong: 1000 }, '{"b":2}']);
    expect(JSON.parse(tooLongRecord(2, 1000, 100))).toEqual({ error: { line: 2, field: '', code: 'hush/event/line-too-long', message: expect.stringContaining('1000 bytes') } });
  });

  it('reads a 64 MiB line without holding it', async () => {
    const chunk = Buffer.alloc(1 << 20, 0x78);
    async function* source() {
      for (let i = 0; i < 64; i++) yield chunk;
      yield Buffer.from('\n{"ok":true}\n');
    }
    const before = process.memoryUsage().arrayBuffers;
    const out: StreamLine[] = [];
    let peak = 0;
    for await (const l of readLines(source())) {
      out.push(l);
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
    }
    expect(out).toEqual([{ tooLong: 64 << 20 }, '{"ok":true}']);
    expect(peak).toBeLessThan(16 << 20);
  });
});
