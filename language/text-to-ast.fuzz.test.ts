// Fuzzing the `.policy` front end: whatever the text, `parsePolicy` returns, never throws, and
// its result keeps the invariants (language/testing/check-ranges.ts): every range inside the text
// and in order, every diagnostic with a code and a valid range. Inputs: random bytes decoded as
// UTF-8 (invalid sequences included), soups of the language's tokens and troublesome characters
// (lone surrogates, NUL, CR, CRLF, BOM, unterminated strings), random mutations of the sketch,
// deep nesting, and a 10 MB file. When a mutated file happens to parse cleanly, the formatter
// must keep its meaning too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PolicyFile } from './ast.ts';
import { formatPolicyText } from './ast-to-text.ts';
import { LineIndex } from './line-index.ts';
import { checkRanges } from './testing/check-ranges.ts';
import { stripRanges } from './testing/strip-ranges.ts';
import { parsePolicy } from './text-to-ast.ts';
import { textToTokens } from './text-to-tokens.ts';
import { KEYWORDS } from './tokens.ts';

const sketch = readFileSync(join(import.meta.dirname, '../spec/format/retail-sketch.policy'), 'utf8');

/** Parses and checks the invariants; returns the result for further checks. */
function parseChecked(text: string) {
  const result = parsePolicy(text, 'fuzz.policy');
  expect(checkRanges(result.ast, result.diagnostics, text)).toEqual([]);
  return result;
}

/** A clean parse must format, and the formatted text must mean the same. */
function formatChecked(text: string, ast: PolicyFile): void {
  const f = formatPolicyText(text, 'fuzz.policy');
  expect(f.text).toBeDefined();
  const again = parsePolicy(f.text!, 'fuzz.policy');
  expect(again.diagnostics).toEqual([]);
  expect(stripRanges(again.ast)).toEqual(stripRanges(ast));
}

/** Pieces of text that stress the lexer and the parser. */
const fragments = [
  ...KEYWORDS,
  '"a"', '"加微信"', '"', '"unterminated', '"\\', '"\\q"', '"\\u12"', '"\\u{110000}"', '\\',
  '{', '}', ',', ':', '#', '# comment\n', '5', '0', '99999999999999999999', '10s', '30m', '0s', '5y', '600w',
  '\n', '\r\n', '\r', '\t', ' ', '\u0000', '\ud800', '\udc00', '😀', '加微信', '\uFEFF', '\u2028', '@', "'", 'x-y', '_',
];

const soup = fc.array(fc.constantFrom(...fragments), { maxLength: 60 }).chain((xs) =>
  fc.array(fc.constantFrom('', ' ', '\n'), { minLength: xs.length, maxLength: xs.length }).map((gaps) => xs.map((x, i) => x + gaps[i]).join('')),
);

/** One edit of a text: insert, delete or duplicate a span, or insert a fragment. */
type Edit = { op: 'insert' | 'delete' | 'duplicate'; at: number; length: number; fragment: string };
const arbEdit: fc.Arbitrary<Edit> = fc.record({
  op: fc.constantFrom('insert' as const, 'delete' as const, 'duplicate' as const),
  at: fc.nat(),
  length: fc.integer({ min: 1, max: 40 }),
  fragment: fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 3 })),
});

function applyEdit(text: string, e: Edit): string {
  const at = text.length ? e.at % (text.length + 1) : 0;
  const span = text.slice(at, at + e.length);
  if (e.op === 'insert') return text.slice(0, at) + e.fragment + text.slice(at);
  if (e.op === 'delete') return text.slice(0, at) + text.slice(at + e.length);
  return text.slice(0, at) + span + text.slice(at);
}

const sketchTokens = textToTokens(sketch, 's', new LineIndex(sketch)).tokens.map((t) => t.image);

/** One edit of the sketch's token list: delete, duplicate or move a token, or insert another one. */
type TokenEdit = { op: 'delete' | 'duplicate' | 'insert' | 'swap'; at: number; other: number; fragment: string };
const arbTokenEdit: fc.Arbitrary<TokenEdit> = fc.record({
  op: fc.constantFrom('delete' as const, 'duplicate' as const, 'insert' as const, 'swap' as const),
  at: fc.nat(),
  other: fc.nat(),
  fragment: fc.constantFrom(...fragments),
});

function applyTokenEdit(tokens: string[], e: TokenEdit): string[] {
  if (tokens.length === 0) return [e.fragment];
  const out = [...tokens];
  const i = e.at % out.length;
  const j = e.other % out.length;
  if (e.op === 'delete') out.splice(i, 1);
  else if (e.op === 'duplicate') out.splice(i, 0, out[i]);
  else if (e.op === 'insert') out.splice(i, 0, e.fragment);
  else [out[i], out[j]] = [out[j], out[i]];
  return out;
}

describe('parsePolicy under fuzzing', () => {
  it('survives random bytes decoded as UTF-8', () => {
    const decoder = new TextDecoder('utf-8', { fatal: false });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        parseChecked(decoder.decode(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('survives any UTF-16 text, lone surrogates and NUL included', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)), maxLength: 200 }), (text) => {
        parseChecked(text);
      }),
      { numRuns: 300 },
    );
  });

  it('survives soups of the language’s tokens', () => {
    fc.assert(
      fc.property(soup, (text) => {
        parseChecked(text);
      }),
      { numRuns: 500 },
    );
  });

  it('survives character edits of the sketch, and formats those that still parse', () => {
    let clean = 0;
    fc.assert(
      fc.property(fc.array(arbEdit, { minLength: 1, maxLength: 5 }), fc.boolean(), (edits, crlf) => {
        let text = edits.reduce(applyEdit, sketch);
        if (crlf) text = text.replace(/\n/g, '\r\n');
        const r = parseChecked(text);
        if (r.diagnostics.length === 0) {
          clean++;
          formatChecked(text, r.ast);
        }
      }),
      // Random edits rarely leave valid text; these always do, so the format branch always runs.
      { numRuns: 300, examples: [[[{ op: 'insert', at: 0, length: 1, fragment: '# comment\n' }], true], [[{ op: 'duplicate', at: 0, length: 1, fragment: '' }], false]] },
    );
    expect(clean).toBeGreaterThan(0);
  });

  it('survives token edits of the sketch, and formats those that still parse', () => {
    let clean = 0;
    fc.assert(
      fc.property(fc.array(arbTokenEdit, { minLength: 1, maxLength: 4 }), fc.constantFrom(' ', '\n'), (edits, sep) => {
        const text = edits.reduce(applyTokenEdit, sketchTokens).join(sep);
        const r = parseChecked(text);
        if (r.diagnostics.length === 0) {
          clean++;
          formatChecked(text, r.ast);
        }
      }),
      // A swap of a token with itself, or a comment before the first token, leaves valid text.
      { numRuns: 300, examples: [[[{ op: 'swap', at: 3, other: 3, fragment: '_' }], ' '], [[{ op: 'insert', at: 0, other: 0, fragment: '# comment\n' }], '\n']] },
    );
    expect(clean).toBeGreaterThan(0);
  });

  it('keeps the rest of the file when one statement is broken', () => {
    // Deleting any one token (on its own line) loses at most the statements around it; a block
    // whose keyword or name is deleted is lost whole, but nothing else is. Some deletions leave
    // valid text (`blacklist enterprise "x"` without `from`), most do not.
    const full = parsePolicy(sketch, 's').ast;
    const count = (ast: PolicyFile) => ast.declarations.reduce((n, d) => n + 1 + ('body' in d ? d.body.length : 0), 0);
    const blockSize = Object.fromEntries(full.declarations.flatMap((d) => ('body' in d ? [[d.kind, d.body.length + 1]] : [])));
    let broken = 0;
    for (let i = 0; i < sketchTokens.length; i++) {
      const tokens = sketchTokens.filter((_, k) => k !== i);
      const r = parseChecked(tokens.join('\n'));
      if (r.diagnostics.length > 0) broken++;
      const header = [sketchTokens[i], sketchTokens[i - 1]].find((t) => t === 'rule' || t === 'ladder');
      const mayLose = header ? blockSize[header] : 3;
      expect(count(r.ast), `without token ${i} ${sketchTokens[i]}`).toBeGreaterThanOrEqual(count(full) - mayLose);
    }
    expect(broken).toBeGreaterThan(sketchTokens.length / 2);
  });

  it('survives deep nesting', () => {
    const nested = parseChecked('rule "a" { rule "b" { '.repeat(3000) + '}'.repeat(6000));
    expect(nested.diagnostics.length).toBeGreaterThan(0);
    expect(nested.diagnostics.length).toBeLessThanOrEqual(101);
    const open = parseChecked('rule "a" { '.repeat(5000));
    expect(open.diagnostics.at(-1)?.code).toBe('hush/syntax/too-many-errors');
    for (const text of ['{'.repeat(100_000), '}'.repeat(100_000), '"'.repeat(100_001), '\\'.repeat(100_000), '#'.repeat(100_000)]) {
      const r = parseChecked(text);
      expect(r.ast.declarations).toEqual([]);
    }
  });

  it('parses a 10 MB file of rules', () => {
    const block = sketch.split('\n').slice(8, 20).join('\n') + '\r\n';
    const parts: string[] = [];
    let size = 0;
    for (let n = 0; size < 10 * 1024 * 1024; n++) {
      const b = block.replace('"retail-ads"', `"rule-${n}"`);
      parts.push(b);
      size += b.length;
    }
    const text = parts.join('');
    const start = performance.now();
    const r = parsePolicy(text, 'big.policy');
    const ms = performance.now() - start;
    console.log(`10 MB (${text.length} UTF-16 units, ${parts.length} rules): parsed in ${Math.round(ms)} ms`);
    expect(r.diagnostics).toEqual([]);
    expect(r.ast.declarations.length).toBe(parts.length);
    // The invariants on the first and last few rules (all of them would take longer than the parse).
    const sample = { ...r.ast, declarations: [...r.ast.declarations.slice(0, 5), ...r.ast.declarations.slice(-5)] };
    expect(checkRanges(sample, r.diagnostics, text)).toEqual([]);
  });
});
