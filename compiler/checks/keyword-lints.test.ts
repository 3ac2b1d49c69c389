// The keyword lints compare keywords as the matcher does: with the runtime's normaliser and the
// rule's steps, `*` marks split off. Two keywords the lint calls the same are two keywords the
// matcher cannot tell apart, and the other way round.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NormalizeStep } from '../../language/builtins.ts';
import { buildMatcher, createMatcher, keywordCore, normalizeKeyword } from '../../runtime/matcher/index.ts';
import { checkPolicySet } from '../check.ts';
import { comparableKeyword } from './keyword-lints.ts';

const STEPS: NormalizeStep[] = ['case', 'width', 'symbols', 'traditional', 'confusables'];
const PIECES = ['a', 'B', ' ', '@', '.', '*', 'Ａ', 'ｂ', 'а', 'Β', 'ο', 'ß', '加', '微', '信', '們', '\u200b', 'e\u0301', '\u0301', '😀', '𝐚', '\ud83d'];
const keyword = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 8 }).map((xs) => xs.join(''));

function policySet(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hush-keyword-lints-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function lintCodes(keywords: string[], normalize?: string): string[] {
  const settings = normalize === undefined ? '' : `  normalize ${normalize}\n`;
  const policy = `rule "r1" {\n  owner super-admin "zhang.wei"\n  groups "g-1"\n${settings}  keywords ${keywords.map((k) => JSON.stringify(k)).join(', ')}\n  when keyword then recall\n}\n`;
  return checkPolicySet([policySet({ 'p.policy': policy })]).diagnostics.map((d) => d.code).filter((c) => c.includes('keyword'));
}

describe('keyword lints agree with the matcher', () => {
  it('compare the text the matcher compares', () => {
    fc.assert(
      fc.property(fc.subarray(STEPS), keyword, (steps, k) => {
        const { core, openStart, openEnd } = keywordCore(k);
        expect(comparableKeyword(k, steps)).toBe(`${openStart ? '*' : ''}${normalizeKeyword(core, steps)}${openEnd ? '*' : ''}`);
      }),
      { numRuns: 300 },
    );
  });

  it('call two keywords the same exactly when the matcher finds one where the other is written', () => {
    fc.assert(
      fc.property(fc.subarray(STEPS), keyword, keyword, (steps, a, b) => {
        if (a.includes('*') || b.includes('*')) return;
        const same = comparableKeyword(a, steps) === comparableKeyword(b, steps);
        if (!same || normalizeKeyword(a, steps) === '') return;
        const hits = createMatcher(buildMatcher([a], { normalize: steps })).findAll(b);
        // A hit spans the kept characters: what lies outside it must be only what the steps skip
        // (`@Ａ` under `symbols` is hit at `Ａ`).
        expect(hits.some((h) => normalizeKeyword(b.slice(0, h.start), steps) === '' && normalizeKeyword(b.slice(h.end), steps) === '')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('find keywords given twice under every step of the rule', () => {
    // The default steps are case, width and symbols: `加@微信` is `加微信` to the matcher.
    expect(lintCodes(['加微信', '加@微信'])).toEqual(['hush/lint/duplicate-keyword']);
    expect(lintCodes(['abc', 'ＡＢＣ'])).toEqual(['hush/lint/duplicate-keyword']);
    expect(lintCodes(['abc', 'аbc'], 'case, confusables')).toEqual(['hush/lint/duplicate-keyword']);
    expect(lintCodes(['個人', '个人'], 'traditional')).toEqual(['hush/lint/duplicate-keyword']);
    // Without `symbols` the matcher keeps the `@`: two keywords.
    expect(lintCodes(['加微信', '加@微信'], 'case, width')).toEqual([]);
    // `*` marks open a side: `*abc` is not `abc` (it only adds nothing to it), as before.
    expect(lintCodes(['abc', '*abc'])).toEqual(['hush/lint/redundant-keyword']);
  });

  it('find a keyword made of symbols only empty when `symbols` drops it all', () => {
    expect(lintCodes(['@@'])).toEqual(['hush/semantic/empty-keyword']);
    expect(lintCodes(['@@'], 'case')).toEqual([]);
  });

  it('report the same redundant keywords as the naive all-pairs scan, on rules of many keywords', () => {
    // The oracle: sorted by comparable length (stable), each keyword that is not whole-word is
    // redundant through the first shorter one, neither whole-word nor open (`*`), it contains.
    const piece = fc.constantFrom('a', 'b', 'A', 'ａ', '*', '-', '词', '语');
    const kw = fc.array(piece, { minLength: 1, maxLength: 5 }).map((xs) => xs.join(''));
    const stmt = fc.record({ whole: fc.boolean(), kws: fc.uniqueArray(kw, { minLength: 1, maxLength: 80 }) });
    let redundant = 0;
    fc.assert(
      fc.property(fc.array(stmt, { minLength: 1, maxLength: 3 }), (stmts) => {
        const body = stmts.map((x) => `  keywords ${x.whole ? 'whole-word ' : ''}${x.kws.map((k) => JSON.stringify(k)).join(', ')}`).join('\n');
        const policy = `rule "r1" {\n  owner super-admin "zhang.wei"\n  groups "g-1"\n${body}\n  when keyword then recall\n}\n`;
        const got = checkPolicySet([policySet({ 'p.policy': policy })])
          .diagnostics.filter((d) => d.code === 'hush/lint/redundant-keyword')
          .map((d) => d.message)
          .sort();
        const seen = new Set<string>();
        const entries: { key: string; v: string; whole: boolean }[] = [];
        for (const x of stmts) {
          for (const v of x.kws) {
            const key = comparableKeyword(v, ['case', 'width', 'symbols']);
            if (key.replace(/\*/g, '').trim() === '' || seen.has(key)) continue;
            seen.add(key);
            entries.push({ key, v, whole: x.whole });
          }
        }
        const sorted = [...entries].sort((a, b) => a.key.length - b.key.length);
        const want: string[] = [];
        sorted.forEach((long, j) => {
          if (long.whole) return;
          const short = sorted.slice(0, j).find((x) => x.key.length < long.key.length && !x.whole && !x.key.includes('*') && long.key.includes(x.key));
          if (short) want.push(`keyword \`${long.v}\` contains keyword \`${short.v}\` of the same rule`);
        });
        expect(got).toEqual(want.sort());
        redundant += want.length;
      }),
      { numRuns: 150 },
    );
    expect(redundant).toBeGreaterThan(150);
  });
});
