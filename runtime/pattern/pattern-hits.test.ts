// Pattern spans against a naive oracle: JavaScript's RegExp (with `g` and `u`, on patterns
// written in the syntax both engines read alike) over the normalised text, each match mapped back
// through the reference normaliser's map by hand. Texts carry spaces, punctuation, full-width
// and upper-case letters, emoji with selectors and combining marks, so the mapping is exercised.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeText } from '../text/normalize-reference.ts';
import type { NormalizeStep } from '../text/normalize-steps.ts';
import { compilePattern } from './compile-pattern.ts';
import { exceptionSpans, patternMatches, rulePatternHits } from './pattern-hits.ts';

const STEPS: NormalizeStep[][] = [['case', 'width', 'symbols'], ['none'], ['case', 'width', 'symbols', 'traditional', 'variants']];

/**
 * Patterns both engines read alike: literals, classes, `.`, groups, alternation, repetition. One
 * semantic difference is kept out: when a repetition's pass matches nothing, RE2 (like Perl)
 * takes it and leaves the loop, where ECMAScript refuses the pass and tries the next branch, so
 * `(?:a*|ba)*.a` over `baaa` finds `ba`, `aa` in RE2 and `baaa` in JavaScript. So only a
 * `solid` pattern, one that cannot match the empty text, is ever repeated; the difference itself
 * is pinned by a test below.
 */
const atom = fc.constantFrom('a', 'b', '加', '微', '信', '1', '[ab]', '[^a]', '.', '\\d', '[加微]', '😀');
const { solid, pattern } = fc.letrec((tie) => ({
  solid: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    fc.tuple(tie('solid'), tie('pattern')).map(([x, y]) => `${x}${y}`),
    fc.tuple(tie('pattern'), tie('solid')).map(([x, y]) => `${x}${y}`),
    fc.tuple(tie('solid'), tie('solid')).map(([x, y]) => `(?:${x}|${y})`),
    fc.tuple(tie('solid'), fc.constantFrom('+', '{1,2}', '+?')).map(([x, q]) => `(?:${x})${q}`),
  ),
  pattern: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('solid'),
    fc.tuple(tie('pattern'), tie('pattern')).map(([x, y]) => `${x}${y}`),
    fc.tuple(tie('pattern'), tie('pattern')).map(([x, y]) => `(?:${x}|${y})`),
    fc.tuple(tie('solid'), fc.constantFrom('*', '?', '*?', '??')).map(([x, q]) => `(?:${x})${q}`),
  ),
})) as { solid: fc.Arbitrary<string>; pattern: fc.Arbitrary<string> };

const text = fc
  .array(fc.constantFrom('a', 'b', 'A', 'Ａ', '加', '微', '信', '1', '１', ' ', '@', '😀', '\uFE0F', '\u0301', 'e', '微\u0301', '，'), { maxLength: 24 })
  .map((xs) => xs.join(''));

/** The oracle: RegExp matches on the normalised text, mapped back unit by unit. */
function oracle(source: string, original: string, steps: NormalizeStep[]): [number, number][] {
  const n = normalizeText(original, steps);
  const out: [number, number][] = [];
  for (const m of n.text.matchAll(new RegExp(source, 'gu'))) {
    if (m[0].length === 0) continue;
    out.push([n.starts[m.index!], n.ends[m.index! + m[0].length - 1]]);
  }
  return out;
}

describe('pattern spans', () => {
  it('agree with RegExp over the normalised text, mapped back to the original', () => {
    fc.assert(
      fc.property(pattern, text, fc.constantFrom(...STEPS), (source, original, steps) => {
        const c = compilePattern(source);
        fc.pre(c.ok);
        if (!c.ok) return;
        const got = patternMatches(c.re, normalizeText(original, steps)).map((m) => [m.start, m.end]);
        expect(got).toEqual(oracle(source, original, steps));
      }),
      { numRuns: 400 },
    );
  });

  it('never lets a solid pattern match the empty text (what the generator relies on)', () => {
    fc.assert(
      fc.property(solid, (source) => {
        expect(new RegExp(`^(?:${source})$`, 'u').test('')).toBe(false);
      }),
    );
  });

  it('take an empty pass of a repetition as RE2 does, not as JavaScript does', () => {
    const c = compilePattern('(?:a*|ba)*.a');
    if (!c.ok) throw new Error('compile');
    const n = normalizeText('baaa', ['none']);
    expect(patternMatches(c.re, n).map((m) => [m.start, m.end])).toEqual([
      [0, 2],
      [2, 4],
    ]);
    expect(oracle('(?:a*|ba)*.a', 'baaa', ['none'])).toEqual([[0, 4]]);
  });

  it('map a match across skipped characters to the original span', () => {
    const c = compilePattern('加微信');
    if (!c.ok) throw new Error('compile');
    const original = 'x加\uFE0F 微@信!';
    expect(patternMatches(c.re, normalizeText(original, ['case', 'width', 'symbols']))).toEqual([{ normStart: 1, normEnd: 4, start: 1, end: 7 }]);
  });

  it('mark a match inside an exception phrase', () => {
    const c = compilePattern('成人');
    if (!c.ok) throw new Error('compile');
    const n = normalizeText('成人教育 成人', ['case', 'width', 'symbols']);
    const hits = rulePatternHits([c.re], n, exceptionSpans(n.text, [{ raw: '成人教育', norm: '成人教育' }]));
    expect(hits.map((h) => [h.start, h.end, h.exception])).toEqual([
      [0, 2, '成人教育'],
      [5, 7, undefined],
    ]);
  });
});
