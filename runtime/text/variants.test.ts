// The `variants` step (variants.ts, variants-table.ts, spec/language.md §10): the spellings a
// keyword stands for, their order and bound, which are whole-word, and the table's own rules.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeKeyword, normalizeText } from './normalize-reference.ts';
import { VARIANT_SYMBOLS, type NormalizeStep } from './normalize-steps.ts';
import type { IrVariant } from '../ir.ts';
import { CURATED_VARIANTS, exceptionVariants, keywordSpellings, keywordVariants, MAX_SPELLINGS, variantTable, variantWordKey } from './variants.ts';
import { VARIANTS_TABLE } from './variants-table.ts';

const STEPS: NormalizeStep[] = ['case', 'width', 'symbols', 'variants'];

/** Whether some pattern of `keyword` occurs in `text`, as the interpreter finds it. */
function matches(keyword: string, text: string): boolean {
  const t = normalizeText(text, STEPS).text;
  return keywordVariants(keyword, false, STEPS, normalizeKeyword).some((v) => {
    const n = normalizeKeyword(v.text, STEPS);
    return n !== '' && t.includes(n);
  });
}

describe('variants', () => {
  it('stops the evasions of the issue', () => {
    for (const t of ['加V信', '加薇信', '+vx', '＋ＶＸ', 'jia微信', '加威信', '加徽信', '加 ｖ 信', '加wx']) expect(matches('加微信', t), t).toBe(true);
    for (const t of ['威信', '徽信', 'vx', 'weixin']) expect(matches('微信', t), t).toBe(true);
    for (const t of ['加油', '微笑', '信心', 'vxworks']) expect(matches('加微信', t), t).toBe(false);
  });

  it('puts the keyword first, then fewest replaced words first, distinct and bounded', () => {
    const s = keywordSpellings('加微信');
    expect(s[0]).toBe('加微信');
    expect(new Set(s).size).toBe(s.length);
    expect(s.length).toBeLessThanOrEqual(MAX_SPELLINGS);
    expect(s).toEqual(expect.arrayContaining(['加vx', '加V信', '加薇信', 'jia微信', '加威信', '加徽信', 'jiavx']));
    const replaced = (x: string) => (x.startsWith('加') ? 0 : 1) + (x.endsWith('微信') ? 0 : 1);
    for (let i = 1; i < s.length; i++) expect(replaced(s[i - 1])).toBeLessThanOrEqual(replaced(s[i]));
    // Longest word first: 二维码 is one word, not 二 + 维 + 码.
    expect(keywordSpellings('扫二维码')).toContain('扫ewm');
    // Words are found in any case; other characters stay as written.
    expect(keywordSpellings('加QQ')).toEqual(expect.arrayContaining(['加QQ', '加扣扣', 'jiaQQ']));
    expect(keywordSpellings('ＱＱ号')).toEqual(expect.arrayContaining(['ＱＱ号', '扣扣号']));
    expect(keywordSpellings('你好')).toEqual(['你好']);
  });

  it('bounds every keyword, however many table words it holds', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...VARIANTS_TABLE.map(([w]) => w), '你', 'a'), { maxLength: 12 }), (parts) => {
        const k = parts.join('');
        const s = keywordSpellings(k);
        expect(s.length).toBeLessThanOrEqual(MAX_SPELLINGS);
        expect(s[0]).toBe(k);
        expect(keywordSpellings(k)).toEqual(s);
      }),
      { numRuns: 300, seed: 5 },
    );
  });

  it('makes Latin spellings whole-word, keeps `*` marks, and does nothing without the step', () => {
    const v = keywordVariants('*微信', false, STEPS, normalizeKeyword);
    expect(v[0]).toEqual({ text: '*微信', wholeWord: false });
    expect(v).toContainEqual({ text: '*vx', wholeWord: true });
    expect(v).toContainEqual({ text: '*V信', wholeWord: false });
    expect(keywordVariants('微信', false, ['case', 'symbols'], normalizeKeyword)).toEqual([{ text: '微信', wholeWord: false }]);
  });

  it('keeps the table to its rules', () => {
    const words = new Set<string>();
    for (const [word, spellings] of VARIANTS_TABLE) {
      expect(words.has(word), word).toBe(false);
      words.add(word);
      expect(word).toBe(word.toLowerCase());
      expect(new Set(spellings).size, word).toBe(spellings.length);
      for (const x of spellings) {
        expect(x, word).not.toBe(word);
        expect(x.trim(), word).toBe(x);
        expect(x.length, word).toBeGreaterThan(0);
      }
    }
    // The symbols read as words: `+` is 加, and nothing else is a symbol spelling.
    expect([...VARIANT_SYMBOLS]).toEqual([['+', '加']]);
  });
});

const LOC = { file: 'p.policy', line: 1, column: 1, endLine: 1, endColumn: 1 };
const own = (word: string, ...spellings: string[]): IrVariant => ({ word, spellings, loc: LOC });

describe("the set's own variant lines", () => {
  it('add spellings before the curated ones, and new words', () => {
    const t = variantTable([own('微信', '威芯', 'vei xin'), own('上门', '尚门')]);
    const s = keywordSpellings('微信', t);
    expect(s.slice(0, 3)).toEqual(['微信', '威芯', 'vei xin']);
    expect(s).toEqual(expect.arrayContaining(['vx', '薇信']));
    expect(keywordSpellings('上门服务', t)).toEqual(['上门服务', '尚门服务']);
    expect(keywordSpellings('上门服务')).toEqual(['上门服务']);
    expect(exceptionVariants('加微信', ['case', 'variants'], t)).toContain('加威芯');
    expect(keywordVariants('上门', false, STEPS, normalizeKeyword, variantTable([own('上门', 'shang men')]))).toEqual([
      { text: '上门', wholeWord: false },
      { text: 'shang men', wholeWord: true },
    ]);
  });

  it('find an author word in any case and width, and build one table per array', () => {
    const lines = [own(variantWordKey('ＶＩＰ群'), '会员裙')];
    const t = variantTable(lines);
    expect(keywordSpellings('加vip群', t)).toContain('加会员裙');
    expect(variantTable(lines)).toBe(t);
    expect(variantTable(undefined)).toBe(CURATED_VARIANTS);
    expect(variantTable([])).toBe(CURATED_VARIANTS);
  });

  it('keep every curated spelling and every author spelling within the bound, for any lines', () => {
    const words = [...VARIANTS_TABLE.map(([w]) => w), '上门', '会员'];
    const spelling = fc.stringMatching(/^[a-z尚门会员裙威芯 ]{1,4}$/).filter((x) => x.trim() !== '');
    fc.assert(
      fc.property(
        fc.array(fc.record({ word: fc.constantFrom(...words), spellings: fc.uniqueArray(spelling, { minLength: 1, maxLength: 4 }) }), { maxLength: 4 }),
        fc.constantFrom(...words),
        (lines, word) => {
          const irLines = lines.map((l) => own(l.word, ...l.spellings.filter((x) => x !== l.word)));
          const t = variantTable(irLines);
          const s = keywordSpellings(word, t);
          expect(s[0]).toBe(word);
          expect(new Set(s).size).toBe(s.length);
          expect(s.length).toBeLessThanOrEqual(MAX_SPELLINGS);
          // A one-word keyword stands for the word and every spelling of it: the author's first.
          const mine = irLines.filter((l) => l.word === word).flatMap((l) => l.spellings);
          const curated = CURATED_VARIANTS.words.get(word) ?? [];
          expect(s).toEqual([...new Set([word, ...mine, ...curated])].slice(0, MAX_SPELLINGS));
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});
