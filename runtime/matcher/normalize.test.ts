// The matcher's table-driven normaliser gives the reference normaliser's text and offset map on
// every input, for every combination of steps.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeText as referenceNormalize } from '../text/normalize-reference.ts';
import { canonicalSteps, normalizeKeyword, normalizeText, type NormalizeStep } from './normalize.ts';

const STEPS: NormalizeStep[] = ['case', 'width', 'symbols', 'traditional', 'confusables'];

const PIECES = [
  'a', 'Z', ' ', '\t', '@', '.', '_', '１', 'Ａ', 'ｚ', 'а', 'Β', 'ο', 'ß', 'İ', 'Σ', 'ﬁ', 'ⅲ', '㎏', '①', '™',
  '加', '微', '信', '們', '個', '臺', '乾', '㑯', '\u200b', '\u200d', '\ufeff', '\u00ad',
  '\u0301', '\u0308', 'e\u0301', '\ufe0f', '😀', '❤\ufe0f', '👍🏽', '🅰', '𝐚', '𠀀', '\ud83d', '\ude00', '\n',
];

const anyText = fc.oneof(
  fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }).map((xs) => xs.join('')),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

describe('normalizeText', () => {
  it('agrees with the reference normaliser, text and map', () => {
    fc.assert(
      fc.property(fc.subarray(STEPS), anyText, (steps, text) => {
        const want = referenceNormalize(text, steps);
        const got = normalizeText(text, steps);
        expect(got.text).toBe(want.text);
        expect([...got.starts]).toEqual([...want.starts]);
        expect([...got.ends]).toEqual([...want.ends]);
        expect(normalizeKeyword(text, steps)).toBe(want.text);
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with the reference on every BMP character alone', () => {
    for (const steps of [['case', 'width', 'symbols'], STEPS] as NormalizeStep[][]) {
      const chars: string[] = [];
      for (let cp = 0; cp < 0x10000; cp++) if (cp < 0xd800 || cp > 0xdfff) chars.push(String.fromCharCode(cp));
      // Separated by a letter that no step changes or drops, so every character is its own unit.
      const text = chars.join('x');
      const got = normalizeText(text, steps);
      const want = referenceNormalize(text, steps);
      expect(got.text).toBe(want.text);
      expect(Buffer.from(got.starts.buffer).equals(Buffer.from(want.starts.buffer))).toBe(true);
    }
  });

  it('normalises the evasions of the spec', () => {
    const d: NormalizeStep[] = ['case', 'width', 'symbols'];
    expect(normalizeText('加@微@信', d)).toMatchObject({ text: '加微信' });
    expect(normalizeText('加@微@信', d).starts).toEqual(Int32Array.from([0, 2, 4]));
    expect(normalizeKeyword('ＦＲＥＥ', d)).toBe('free');
    expect(normalizeKeyword('加\u200b微\u200b信', d)).toBe('加微信');
    expect(normalizeKeyword('加微信', ['traditional'])).toBe('加微信');
    expect(normalizeKeyword('frее', ['confusables'])).toBe('free');
    expect(normalizeKeyword('5㎏', ['width'])).toBe('5kg');
    expect(canonicalSteps(['symbols', 'case', 'none', 'case'])).toEqual(['case', 'symbols']);
  });
});
