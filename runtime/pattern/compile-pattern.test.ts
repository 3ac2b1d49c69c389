// compilePattern refuses what could backtrack or that RE2 lacks, each with its kind and place,
// and a pattern too large or matching the empty text; and a classic catastrophic pattern that it
// accepts runs in time linear in the text.
import { describe, expect, it } from 'vitest';
import { normalizeText } from '../text/normalize-reference.ts';
import { compilePattern } from './compile-pattern.ts';
import { patternMatches } from './pattern-hits.ts';

function problem(source: string) {
  const c = compilePattern(source, 1000);
  if (c.ok) throw new Error(`${source} compiled`);
  return c.problem;
}

describe('compilePattern', () => {
  it('accepts RE2 patterns', () => {
    for (const p of ['1[3-9]\\d{9}', '加\\s*微\\s*信', '\\p{Han}{2}群', '(?i)vx\\d+', '(a|b)*c', '(?P<n>q)q']) expect(compilePattern(p, 2000).ok).toBe(true);
  });

  it.each([
    ['(a)\\1', 'backreference', 3, 2],
    ['(?<n>a)\\k<n>', 'backreference', 7, 3],
    ['x(?=a)', 'lookaround', 1, 3],
    ['(?!a)x', 'lookaround', 0, 3],
    ['x(?<=a)', 'lookaround', 1, 4],
    ['x(?<!a)', 'lookaround', 1, 4],
    ['a++', 'possessive', 1, 2],
    ['a{2}+', 'possessive', 1, 4],
    ['(?>ab)', 'possessive', 0, 3],
    ['(a{1,1000}){1,1000}', 'too-large', 0, 19],
    ['a{1001}', 'too-large', 1, 6],
    ['x?', 'matches-empty', 0, 2],
    ['a|', 'matches-empty', 0, 2],
    ['[a', 'syntax', 0, 2],
  ] as const)('%s is refused as %s at %i (%i units)', (source, kind, at, length) => {
    expect(problem(source)).toMatchObject({ kind, at, length });
  });

  it('does not mistake escaped or bracketed characters for a construct', () => {
    expect(compilePattern('\\(\\?=x', 2000).ok).toBe(true);
    expect(compilePattern('[(?=]x', 2000).ok).toBe(true);
    expect(compilePattern('a\\++', 2000).ok).toBe(true);
  });

  it('refuses a program over the size limit', () => {
    expect(problem('(a{1,100}){1,10}')).toMatchObject({ kind: 'too-large', at: 0, length: 16 });
    expect(compilePattern('(a{1,100}){1,10}').ok).toBe(true);
    expect(compilePattern('[a-z]{1,200}x', 1000).ok).toBe(true);
  });

  it('runs classic catastrophic patterns in linear time on 100 KB', () => {
    const text = normalizeText('a'.repeat(100_000) + '!', ['case', 'width', 'symbols']);
    for (const source of ['(a+)+b', '(a|aa)*c', '(a*)*b', '(x+x+)+y|a*[ab]*a*c']) {
      const c = compilePattern(source, 1000);
      expect(c.ok).toBe(true);
      if (!c.ok) continue;
      const t0 = performance.now();
      expect(patternMatches(c.re, text)).toEqual([]);
      const small = normalizeText('a'.repeat(10_000) + '!', ['case', 'width', 'symbols']);
      const t1 = performance.now();
      patternMatches(c.re, small);
      const t2 = performance.now();
      // Ten times the text takes at most ~10x the time (with room for noise), and well under a second.
      expect(t1 - t0).toBeLessThan(1000);
      expect(t1 - t0).toBeLessThan(40 * Math.max(t2 - t1, 2));
    }
  });
});
