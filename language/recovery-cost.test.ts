// Parser recovery must cost linear work in the number of errors (trust issue, item 16: `rule rule
// rule …` × 10,000 took 40 s, because the check of abandoned blocks asked every error for every
// block and every error scanned every message record). These tests count the reads of the error
// and record arrays, so they fail on quadratic code without timing anything.
import { describe, expect, it } from 'vitest';
import { abandonedBlocks, parsePolicy } from './text-to-ast.ts';
import { LineIndex } from './line-index.ts';
import { textToTokens } from './text-to-tokens.ts';
import { matchMissing, parser, tokensToCst, type MissingRecord } from './tokens-to-cst.ts';

/** `xs` behind a proxy that counts the reads of its elements. */
function counted<T>(xs: T[]): { list: T[]; reads: () => number } {
  let reads = 0;
  const list = new Proxy(xs, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver);
    },
  });
  return { list, reads: () => reads };
}

const N = 2_000;
const text = `enterprise "e"\n${'rule '.repeat(N)}\n`;

describe('parser recovery on `rule rule rule …`', () => {
  it('finds the abandoned blocks reading each error a bounded number of times', () => {
    const { cst, errors } = tokensToCst(textToTokens(text, 'p.policy', new LineIndex(text)).tokens);
    expect(errors.length).toBeGreaterThanOrEqual(N);
    const e = counted(errors);
    const blocks = abandonedBlocks(cst, e.list, text.length);
    expect(blocks.length).toBeLessThanOrEqual(N);
    // Quadratic code reads errors × blocks (millions here); linear code reads each one or twice.
    expect(e.reads()).toBeLessThanOrEqual(2 * errors.length);
  });

  it('matches the errors to their message records reading each record a bounded number of times', () => {
    const tokens = textToTokens(text, 'p.policy', new LineIndex(text)).tokens;
    // The records the parser builds while reporting, kept before `tokensToCst` empties them.
    const kept: MissingRecord[] = [];
    const push = parser.missingRecords.push;
    parser.missingRecords.push = function (...xs: MissingRecord[]) {
      kept.push(...xs);
      return push.apply(this, xs);
    };
    let errors;
    try {
      errors = tokensToCst(tokens).errors;
    } finally {
      parser.missingRecords.push = push;
    }
    expect(kept.length).toBeGreaterThanOrEqual(N);
    const r = counted(kept);
    const missing = matchMissing(errors, r.list);
    expect(missing.size).toBeGreaterThan(0);
    expect(r.reads()).toBeLessThanOrEqual(2 * kept.length);
  });

  it('still reports every error class it did before (capped at 100 plus a summary)', () => {
    const codes = parsePolicy(text, 'p.policy').diagnostics.map((d) => d.code);
    expect(codes.length).toBe(101);
    expect(codes).toContain('hush/syntax/too-many-errors');
  });
});
