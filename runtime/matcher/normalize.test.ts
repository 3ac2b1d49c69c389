// The matcher's table-driven normaliser gives the reference normaliser's text and offset map on
// every input, for every combination of steps.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeText as referenceNormalize } from '../text/normalize-reference.ts';
import { canonicalSteps, normalizeKeyword, normalizeText, type NormalizeStep } from './normalize.ts';

const STEPS: NormalizeStep[] = ['case', 'width', 'symbols', 'traditional', 'confusables', 'variants'];

const PIECES = [
  'a', 'Z', ' ', '\t', '@', '.', '_', '１', 'Ａ', 'ｚ', 'а', 'Β', 'ο', 'ß', 'İ', 'Σ', 'ﬁ', 'ⅲ', '㎏', '①', '™',
  '加', '微', '信', '們', '個', '臺', '乾', '㑯', '\u200b', '\u200d', '\ufeff', '\u00ad',
  '\u0301', '\u0308', 'e\u0301', '\ufe0f', '😀', '❤\ufe0f', '👍🏽', '🅰', '𝐚', '𠀀', '\ud83d', '\ude00', '\n',
  // Ignorables (spec/language.md §10): variation selectors, fillers, joiners, enclosing marks.
  '\ufe00', '\ufe0e', '\u{e0100}', '\u{e01ef}', '\u034f', '\u3164', '\uffa0', '\u115f', '\u1160', '\u17b4', '\u180b', '\u2060',
  '\u20e3', '\u0903', '\u{e0067}', '\u{1d173}', 'ﾠ', '\udbff', '\udc00', '\ud800\u0301', '\u0301\ufe0f',
  // Symbols `variants` reads as words.
  '+', '＋', '+\u0301', 'vx',
];

const anyText = fc.oneof(
  fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }).map((xs) => xs.join('')),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

/** The fast normaliser gives the reference's text and span map, and the same keyword form. */
function agreesWithReference(text: string, steps: Parameters<typeof normalizeText>[1]): void {
  const want = referenceNormalize(text, steps);
  const got = normalizeText(text, steps);
  expect(got.text).toBe(want.text);
  expect([...got.starts]).toEqual([...want.starts]);
  expect([...got.ends]).toEqual([...want.ends]);
  expect(normalizeKeyword(text, steps)).toBe(want.text);
}

describe('normalizeText', () => {
  it('agrees with the reference normaliser, text and map', () => {
    fc.assert(
      fc.property(fc.subarray(STEPS), anyText, (steps, text) => {
        agreesWithReference(text, steps);
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

  it('reads `+` as 加 under `variants`, before `symbols` could skip it', () => {
    const n = normalizeText('＋ｖｘ', ['case', 'width', 'symbols', 'variants']);
    expect(n.text).toBe('加vx');
    expect([...n.starts]).toEqual([0, 1, 2]);
    expect(normalizeKeyword('+vx', ['case', 'width', 'symbols'])).toBe('vx');
  });

  const DEFAULT: NormalizeStep[] = ['case', 'width', 'symbols'];
  /** Every code point Unicode calls ignorable, invisible or combining (the spec's definition). */
  const UNICODE_IGNORABLE = /^[\p{Default_Ignorable_Code_Point}\p{Mn}\p{Me}\p{Cf}]$/u;
  const ignorables: string[] = [];
  for (let cp = 0; cp < 0x110000; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) ignorables.push(String.fromCharCode(cp));
    else if (UNICODE_IGNORABLE.test(String.fromCodePoint(cp))) ignorables.push(String.fromCodePoint(cp));
  }

  it('skips the ignorables of the issue between the characters of a keyword, spans in the original', () => {
    const n = normalizeText('加\uFE0F微\uFE0F信', DEFAULT);
    expect(n.text).toBe('加微信');
    expect([...n.starts]).toEqual([0, 2, 4]);
    expect([...n.ends]).toEqual([2, 4, 5]);
    for (const x of ['\uFE00', '\uFE0F', '\u{E0100}', '\u{E01EF}', '\u034F', '\u3164', '\uFFA0', '\u115F', '\u17B4', '\u0301', '\u20E3', '\uD800', '\uDFFF']) {
      expect(normalizeKeyword(`加${x}微${x}信`, DEFAULT), JSON.stringify(x)).toBe('加微信');
      expect(referenceNormalize(`加${x}微${x}信`, DEFAULT).text).toBe('加微信');
    }
  });

  it('skips every ignorable code point Unicode lists, alone or after a letter, under `symbols`', () => {
    expect(ignorables.length).toBeGreaterThan(6000);
    for (const x of ignorables) {
      const text = `加${x}微${x}`;
      const got = normalizeText(text, DEFAULT);
      expect(got.text, x.codePointAt(0)!.toString(16)).toBe("加微");
      // A skipped mark belongs to the unit (and the span) of the letter before it; any other
      // skipped character to no span: a hit ends with its last letter.
      const joins = /^\p{M}$/u.test(x);
      expect(got.ends[1], x.codePointAt(0)!.toString(16)).toBe(joins ? text.length : text.length - x.length);
    }
    // Without `symbols` they stay.
    expect(normalizeText('加\uFE0F微', ['case', 'width']).text).toBe('加\uFE0F微');
  });

  it('agrees with the reference on chat text: emoji sequences, astral ideographs, marks, full-width punctuation, digits, Latin', () => {
    const chat = fc
      .array(
        fc.constantFrom(
          '加', '好', '葛', 'ok', 'VX', 'e', '1', '23', '１', '９', '，', '。', '！', '？', '～', '（', '）', '【', '】', '、', '……', '　', ' ',
          '😀', '👍🏽', '🙏🏻', '👨‍👩‍👧‍👦', '👩‍💻', '🏳️‍🌈', '❤️', '❤️‍🔥', '☺️', '1️⃣', '🇨🇳', '\u200d', '\u{1f3fb}',
          '𠀀', '𢯱', '𩫏', '\ud83d', '\ude00', '\u0301', 'e\u0301', '\ufe0f', '\u20e3', '葛\u{e0100}', '\u{1d165}',
        ),
        { maxLength: 30 },
      )
      .map((xs) => xs.join(''));
    fc.assert(
      fc.property(fc.subarray(STEPS), chat, (steps, text) => {
        agreesWithReference(text, steps);
      }),
      { numRuns: 1500 },
    );
  });

  it('agrees with the reference on text rich in ignorables, marks and lone surrogates', () => {
    const rich = fc
      .array(fc.oneof(fc.constantFrom(...ignorables), fc.constantFrom('加', '微', '信', 'a', 'e', 'é', '😀', '𠀀', '️', ' ', 'Ａ')), { maxLength: 24 })
      .map((xs) => xs.join(''));
    fc.assert(
      fc.property(fc.subarray(STEPS), rich, (steps, text) => {
        const want = referenceNormalize(text, steps);
        const got = normalizeText(text, steps);
        expect(got.text).toBe(want.text);
        expect([...got.starts]).toEqual([...want.starts]);
        expect([...got.ends]).toEqual([...want.ends]);
      }),
      { numRuns: 1500, seed: 20261206 },
    );
  });
});
