// Document synchronisation under hostile edits (trust issue, item 17): a `didChange` whose range
// lies far past the end of the document used to leave the text library with a line table of a
// billion entries, and the next edit wedged the server at 100% CPU. Through the real JSON-RPC
// client, random edits (ranges far out of range, reversed, inside CRLF pairs and surrogate
// pairs; texts with CRLF, lone CR and surrogates) are sent, and after every batch the server
// must still answer, and hold exactly the text a reference model of the edits gives.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient, uriOf } from './testing/lsp-client.ts';

interface Pos {
  line: number;
  character: number;
}
interface Change {
  range?: { start: Pos; end: Pos };
  text: string;
}

// --- the reference model: LSP's reading of a position, written out independently -------------

/** Where each line starts and where its content ends (before `\r\n`, `\r` or `\n`). */
function linesOf(text: string): { start: number; end: number }[] {
  const lines: { start: number; end: number }[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\r' || c === '\n') {
      lines.push({ start, end: i });
      if (c === '\r' && text[i + 1] === '\n') i++;
      start = i + 1;
    }
  }
  lines.push({ start, end: text.length });
  return lines;
}

/** Past the end of a line is the line's end; past the last line is the end of the text. */
function modelOffset(text: string, p: Pos): number {
  const lines = linesOf(text);
  if (p.line >= lines.length) return text.length;
  const l = lines[p.line];
  return Math.min(l.start + p.character, l.end);
}

function modelApply(text: string, changes: Change[]): string {
  for (const c of changes) {
    if (!c.range) {
      text = c.text;
      continue;
    }
    let s = modelOffset(text, c.range.start);
    let e = modelOffset(text, c.range.end);
    if (s > e) [s, e] = [e, s];
    text = text.slice(0, s) + c.text + text.slice(e);
  }
  return text;
}

const valid = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 0;
const wellFormed = (changes: Change[]) => changes.every((c) => !c.range || [c.range.start, c.range.end].every((p) => valid(p.line) && valid(p.character)));

// --- the client side ---------------------------------------------------------------------------

let ws: string;
let client: LspClient;

beforeAll(async () => {
  ws = mkdtempSync(join(tmpdir(), 'hush-lsp-sync-'));
  client = await LspClient.start(ws, { debounceMs: 0 });
});

afterAll(async () => {
  await client?.stop();
  rmSync(ws, { recursive: true, force: true });
});

const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms))]);

/** The server's text of a document, and proof that it still answers requests about it. */
async function serverText(uri: string): Promise<string> {
  const sym = await within(client.request('textDocument/documentSymbol', { textDocument: { uri } }), 5000, 'documentSymbol');
  expect(Array.isArray(sym)).toBe(true);
  const v = await within(client.request<{ text: string; version: number } | null>('hush/viewFileText', { textDocument: { uri } }), 5000, 'viewFileText');
  return v!.text;
}

let version = 1;
async function send(uri: string, changes: unknown): Promise<void> {
  await client.notify('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: changes });
}

let docs = 0;
async function openDoc(text: string): Promise<string> {
  const uri = uriOf(join(ws, `doc-${++docs}.policy`));
  await client.open(uri, text);
  return uri;
}

describe('didChange ranges', () => {
  it('takes a range far past the end of the document, then edits as usual (the wedge)', async () => {
    const text = 'enterprise "acme"\nrule "r" {\n  keywords "k"\n}\n';
    const uri = await openDoc(text);
    const far = { line: 1_000_000_000, character: 0 };
    const changes: Change[] = [
      { range: { start: far, end: { line: far.line + 1, character: 0 } }, text: 'x\n' },
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '#' },
      { range: { start: { line: 2, character: 2 ** 31 - 1 }, end: { line: 1, character: 0 } }, text: 'y' },
      { range: { start: { line: Number.MAX_SAFE_INTEGER, character: Number.MAX_SAFE_INTEGER }, end: { line: 0, character: 5 } }, text: '' },
    ];
    let model = text;
    for (const c of changes) {
      await send(uri, [c]);
      model = modelApply(model, [c]);
      const t0 = Date.now();
      expect(await serverText(uri)).toBe(model);
      expect(Date.now() - t0).toBeLessThan(4000);
    }
    await client.close(uri);
  });

  it('refuses negative, fractional and malformed positions, keeping the document as it was', async () => {
    const text = 'enterprise "acme"\r\nrule "r" {}\n';
    const uri = await openDoc(text);
    const bad: unknown[] = [
      [{ range: { start: { line: -1, character: 0 }, end: { line: 0, character: 0 } }, text: 'x' }],
      [{ range: { start: { line: 0, character: 1.5 }, end: { line: 0, character: 2 } }, text: 'x' }],
      [{ range: { start: { line: '0', character: 0 }, end: { line: 0, character: 0 } }, text: 'x' }],
      [{ range: { start: { line: 0 } , end: { line: 0, character: 0 } }, text: 'x' }],
      [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }],
      // The first change is good, the second is not: neither is applied.
      [{ text: 'replaced' }, { range: { start: { line: 0, character: -3 }, end: { line: 0, character: 0 } }, text: 'x' }],
      [{ range: null, text: 'x' }],
      'garbage',
    ];
    for (const b of bad) {
      await send(uri, b);
      expect(await serverText(uri)).toBe(text);
    }
    // No version, or a version that is no integer: nothing applied either.
    await client.notify('textDocument/didChange', { textDocument: { uri }, contentChanges: [{ text: 'replaced' }] });
    expect(await serverText(uri)).toBe(text);
    await client.notify('textDocument/didChange', { textDocument: { uri, version: 'seven' }, contentChanges: [{ text: 'replaced' }] });
    expect(await serverText(uri)).toBe(text);
    expect(client.logs.some((l) => l.includes('refused a change'))).toBe(true);
    await client.close(uri);
  });

  it('agrees with a reference model over random edits (fast-check)', async () => {
    const piece = fc.constantFrom('a', 'rule "r" {\n', '}', ' ', '\n', '\r\n', '\r', '😀', '\uD83D', '\uDE00', '词', 'keywords "k"', '# c', '"');
    const textArb = fc.array(piece, { maxLength: 12 }).map((xs) => xs.join(''));
    const count = fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 0, max: 8 }) },
      { weight: 2, arbitrary: fc.constantFrom(1_000_000_000, 2 ** 31 - 1, Number.MAX_SAFE_INTEGER) },
      { weight: 1, arbitrary: fc.constantFrom(-1, 0.5, -(2 ** 31)) },
    );
    const pos = fc.record({ line: count, character: count });
    const change: fc.Arbitrary<Change> = fc.oneof(
      { weight: 9, arbitrary: fc.record({ range: fc.record({ start: pos, end: pos }), text: textArb }) },
      { weight: 1, arbitrary: fc.record({ text: textArb }) },
    );
    const batch = fc.array(change, { minLength: 1, maxLength: 3 });
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(textArb, fc.array(batch, { minLength: 1, maxLength: 5 }), async (initial, batches) => {
        const uri = await openDoc(initial);
        let model = initial;
        try {
          for (const b of batches) {
            await send(uri, b);
            if (wellFormed(b)) model = modelApply(model, b);
            expect(await serverText(uri)).toBe(model);
          }
        } finally {
          await client.close(uri);
        }
      }),
      { numRuns: 40, seed: 17 },
    );
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
