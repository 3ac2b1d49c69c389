// The matcher against a naive oracle that follows the reference interpreter's keyword semantics
// word for word: normalise the text with the reference normaliser, find every occurrence of every
// normalised keyword with indexOf, map it back to the original text, drop repeats of a span,
// whole-word misses and hits inside an exception phrase of the same group, and sort.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeKeyword, normalizeText as referenceNormalize } from '../text/normalize-reference.ts';
import { isWholeWord } from '../text/text-semantics.ts';
import { buildMatcher, createMatcher, keywordCore, type Hit, type KeywordSpec, type NormalizeStep } from './index.ts';
import type { MatcherLayout } from './matcher-data.ts';

function occurrences(haystack: string, needle: string): number[] {
  const out: number[] = [];
  if (needle === '') return out;
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + 1)) out.push(i);
  return out;
}

function oracle(keywords: readonly (string | KeywordSpec)[], steps: readonly NormalizeStep[], text: string): Hit[] {
  const specs = keywords.map((k) => (typeof k === 'string' ? { text: k } : k));
  const n = referenceNormalize(text, steps);
  const exceptionSpans: { group: number; start: number; end: number }[] = [];
  specs.forEach((k) => {
    if (!k.exception) return;
    const norm = normalizeKeyword(k.text, steps);
    for (const i of occurrences(n.text, norm)) exceptionSpans.push({ group: k.group ?? 0, start: i, end: i + norm.length });
  });
  const hits: Hit[] = [];
  specs.forEach((k, pattern) => {
    if (k.exception) return;
    const { core, openStart, openEnd } = keywordCore(k.text);
    const norm = normalizeKeyword(core, steps);
    const seen = new Set<string>();
    for (const i of occurrences(n.text, norm)) {
      const j = i + norm.length;
      const start = n.starts[i];
      const end = n.ends[j - 1];
      const key = `${start}:${end}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (k.wholeWord && !isWholeWord(text, start, end, openStart, openEnd)) continue;
      if (exceptionSpans.some((x) => x.group === (k.group ?? 0) && x.start <= i && j <= x.end)) continue;
      hits.push({ pattern, start, end });
    }
  });
  return hits.sort((a, b) => a.start - b.start || b.end - a.end || a.pattern - b.pattern);
}

/** More random cases: HUSH_MATCHER_RUNS=10 multiplies every property's runs by ten. */
const RUNS = Number(process.env.HUSH_MATCHER_RUNS ?? 1);

const ALL_STEPS: NormalizeStep[] = ['case', 'width', 'symbols', 'traditional', 'confusables'];
const DEFAULT_STEPS: NormalizeStep[] = ['case', 'width', 'symbols'];

/** Pieces of text that make normalisation and overlaps interesting. */
const PIECES = [
  'a', 'b', 'a', 'b', 'ab', 'A', 'B', ' ', '@', '.', '-', '_', 'ａ', 'Ｂ', 'а', 'А', 'ο',
  '加', '微', '信', '口', '交', '路', '通', '們', '個', '来', '們',
  '\u200b', '\u0301', 'é', 'e\u0301', 'ﬁ', 'İ', 'ⅲ', '㎏', '①',
  '😀', '❤\ufe0f', '🅰', '𝐚', '𠀀', '\ud83d', '\ude00', '\n',
  // Ignorables `symbols` skips even after a letter (spec/language.md §10).
  '\ufe0f', '\u{e0100}', '\u034f', '\u3164', '\uffa0', '\u20e3', '\udc00',
];
const textArb = (maxPieces: number) => fc.array(fc.constantFrom(...PIECES), { maxLength: maxPieces }).map((xs) => xs.join(''));
const keywordArb = fc.record({
  text: fc
    .tuple(fc.boolean(), fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 3 }), fc.boolean())
    .map(([s, xs, e]) => (s ? '*' : '') + xs.join('') + (e ? '*' : '')),
  wholeWord: fc.boolean(),
  group: fc.integer({ min: 0, max: 1 }),
  exception: fc.constant(false),
});
const stepsArb = fc.oneof(
  fc.constant<NormalizeStep[]>([]),
  fc.constant(DEFAULT_STEPS),
  fc.constant(ALL_STEPS),
  fc.subarray(ALL_STEPS),
);

describe('matcher against the naive oracle', () => {
  it('finds the same hits on small alphabets (all layouts and paths)', () => {
    fc.assert(
      fc.property(
        fc.array(keywordArb, { minLength: 1, maxLength: 12 }),
        stepsArb,
        fc.array(textArb(40), { minLength: 1, maxLength: 6 }),
        fc.constantFrom<MatcherLayout>('dense', 'hybrid', 'pairs'),
        (keywords, steps, texts, layout) => {
          // Every fourth keyword is an exception phrase.
          const ks = keywords.map((k, i) => ({ ...k, exception: i % 4 === 3 }));
          // Hybrid: with no dense rows but the root's, or a few.
          const data = buildMatcher(ks, { normalize: steps, layout, denseBytes: texts.length % 2 === 0 ? 0 : 2048 });
          expect(data.layout).toBe(layout);
          const m = createMatcher(data);
          const small = createMatcher(data, { bufferUnits: 64, specialize: false });
          // The dense layout reads short texts in place; this one copies every text.
          const copied = createMatcher(data, { directUnits: 0 });
          for (const t of texts) {
            const want = oracle(ks, steps, t);
            expect(m.findAll(t)).toEqual(want);
            expect(copied.findAll(t)).toEqual(want);
            expect(small.findAll(t + t + t)).toEqual(oracle(ks, steps, t + t + t));
          }
        },
      ),
      { numRuns: 400 * RUNS },
    );
  }, 60_000 * RUNS);

  it('finds overlapping and nested hits of random keyword sets over two letters', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[ab]{1,6}$/), { minLength: 1, maxLength: 20 }),
        fc.array(fc.constantFrom('a', 'b'), { minLength: 24, maxLength: 200 }).map((xs) => xs.join('')),
        (keywords, text) => {
          const m = createMatcher(buildMatcher(keywords));
          expect(m.findAll(text)).toEqual(oracle(keywords, [], text));
          expect(m.lastPath).toBe('fast');
          // Read in place above (a hit that loops back to its own state, "a" over "aa", stops the
          // loop there); copied into the buffer here.
          expect(createMatcher(buildMatcher(keywords), { directUnits: 0 }).findAll(text)).toEqual(oracle(keywords, [], text));
          for (const [layout, denseBytes] of [['hybrid', 0], ['hybrid', 64], ['pairs', 0]] as const) {
            const other = createMatcher(buildMatcher(keywords, { layout, denseBytes }));
            expect(other.findAll(text)).toEqual(oracle(keywords, [], text));
            expect(other.lastPath).toBe('fast');
          }
        },
      ),
      { numRuns: 300 * RUNS },
    );
  }, 60_000 * RUNS);

  it('handles Chinese, surrogate pairs and emoji at every split point', () => {
    const keywords = ['加微信', '微信', '信', '😀', '😀加', '𠀀', '交通', '口交'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom('加', '微', '信', '😀', '𠀀', '口', '交', '通', ' ', '，', '❤\ufe0f'), { maxLength: 80 }), stepsArb, (xs, steps) => {
        const text = xs.join('');
        const want = oracle(keywords, steps, text);
        for (const layout of ['dense', 'hybrid', 'pairs'] as const) {
          const data = buildMatcher(keywords, { normalize: steps, layout, denseBytes: 0 });
          expect(createMatcher(data).findAll(text)).toEqual(want);
          expect(createMatcher(data, { bufferUnits: 64, specialize: false }).findAll(text + text)).toEqual(oracle(keywords, steps, text + text));
        }
      }),
      { numRuns: 300 * RUNS },
    );
  }, 60_000 * RUNS);

  it('hands over to attention handling wherever the walk meets an attention unit (both chains, their tails, the rerun)', () => {
    // Keywords that hold astral characters and run across them keep their high surrogates in the
    // attention class; the padding moves the middle of the text, where the second chain starts,
    // over every unit of the core, so that an attention unit falls in the lockstep, in either
    // chain's tail. (The rerun from the middle walks units the second chain walked before it, so
    // it never meets one.)
    const keywords = ['加微信', '微信😀', '信😀加', '😀加微', '𠀀', '微信𠀀微', '信𠀀'];
    const cores = ['加微信😀加微信𠀀微信😀', '加微信加微信口微信'];
    for (const layout of ['dense', 'hybrid'] as const) {
      const data = buildMatcher(keywords, { layout, denseBytes: 0 });
      const m = createMatcher(data, { directUnits: 0 });
      for (const core of cores) for (let left = 0; left <= 40; left++) {
        // A lone high surrogate at the very end is the one attention unit the second chain can
        // meet alone, after the lockstep, when the text has an odd length.
        for (const right of ['', '交', '交'.repeat(7), '交'.repeat(30), '\ud840', '交\ud840', '交'.repeat(8) + '\ud840']) {
          const text = '口'.repeat(left) + core + right;
          expect(m.findAll(text), `${layout} ${left} ${right}`).toEqual(oracle(keywords, [], text));
          expect(m.lastPath).toBe('fast');
        }
      }
    }
  });

  it('reads short Latin texts in place, attention units and slow-path units included (dense)', () => {
    // The dense layout reads a short text in place when its first and middle units are below
    // 256: the text is framed so that they are ('a' first, 'c' in the middle), whatever pieces
    // (marks, emoji, expansions, Chinese) lie around them.
    const frame = (l: string, r: string) => {
      while (r.length < l.length) r += ' ';
      while (l.length < r.length - 1) l += ' ';
      return `a${l}c${r}`;
    };
    fc.assert(
      fc.property(fc.array(keywordArb, { minLength: 1, maxLength: 8 }), stepsArb, textArb(20), textArb(20), (keywords, steps, l, r) => {
        const text = frame(l, r);
        expect(text.charCodeAt(text.length >> 1)).toBe(0x63);
        const data = buildMatcher(keywords, { normalize: steps, layout: 'dense' });
        const want = oracle(keywords, steps, text);
        expect(createMatcher(data, { directUnits: 256 }).findAll(text)).toEqual(want);
        expect(createMatcher(data, { directUnits: 0 }).findAll(text)).toEqual(want);
      }),
      { numRuns: 400 * RUNS },
    );
  }, 60_000 * RUNS);
});

/**
 * Chat text as it comes (issue 16): emoji sequences (ZWJ, skin tones, VS16, keycaps, flags),
 * astral ideographs, lone surrogates, combining marks (BMP and astral), full-width punctuation,
 * digits (ASCII and full-width) and Latin words among Chinese.
 */
const CHAT_PIECES = [
  '加', '微', '信', '好', '口', '交', '葛', '说',
  'a', 'e', 'ok', 'VX', 'Hi', 'cafe', '1', '23', '１', '９', '，', '。', '！', '？', '～', '（', '）', '【', '】', '「', '」', '、', '……', '　', ' ',
  '😀', '👍', '👍🏽', '🙏🏻', '👨‍👩‍👧‍👦', '👩‍💻', '🏳️‍🌈', '❤️', '❤️‍🔥', '☺️', '1️⃣', '🇨🇳', '\u200d', '\u{1f3fb}',
  '𠀀', '𢯱', '𤲅', '𩫏', '\ud83d', '\ude00', '\udbff',
  '\u0301', 'e\u0301', '\u0308', '\ufe0f', '\u20e3', '\u{e0100}', '葛\u{e0100}', '\u{1d165}',
];
const chatText = (maxPieces: number) => fc.array(fc.constantFrom(...CHAT_PIECES), { maxLength: maxPieces }).map((xs) => xs.join(''));
const chatKeyword = fc.record({
  text: fc.array(fc.constantFrom(...CHAT_PIECES), { minLength: 1, maxLength: 3 }).map((xs) => xs.join('')),
  wholeWord: fc.boolean(),
  group: fc.constant(0),
  exception: fc.constant(false),
});
/** Keywords as a policy has them: Chinese, Latin, digits; none holds a surrogate or a mark. */
const plainKeyword = fc.array(fc.constantFrom('加', '微', '信', '好', '口', '交', '葛', 'ok', 'VX', 'cafe', '1', '23'), { minLength: 1, maxLength: 3 }).map((xs) => xs.join(''));

describe('matcher on chat text (emoji, surrogates, marks, full-width punctuation)', () => {
  it('finds the oracle hits, keywords with emoji, astral characters and marks included (all layouts)', () => {
    fc.assert(
      fc.property(
        fc.array(chatKeyword, { minLength: 1, maxLength: 10 }),
        stepsArb,
        fc.array(chatText(30), { minLength: 1, maxLength: 4 }),
        fc.constantFrom<MatcherLayout>('dense', 'hybrid', 'pairs'),
        (keywords, steps, texts, layout) => {
          const data = buildMatcher(keywords, { normalize: steps, layout, denseBytes: texts.length % 2 === 0 ? 0 : 2048 });
          const m = createMatcher(data);
          const small = createMatcher(data, { bufferUnits: 64, specialize: false });
          for (const t of texts) {
            expect(m.findAll(t)).toEqual(oracle(keywords, steps, t));
            expect(small.findAll(t + t + t)).toEqual(oracle(keywords, steps, t + t + t));
          }
        },
      ),
      { numRuns: 400 * RUNS },
    );
  }, 120_000 * RUNS);

  it('keeps chat text on the fast path, without normalisation and with case+width+symbols', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(plainKeyword, { minLength: 1, maxLength: 10 }),
        fc.constantFrom<NormalizeStep[]>([], DEFAULT_STEPS),
        // Astral marks after a letter, `e\u0301` under width (it composes) and lone surrogates
        // apart: every piece a chat message is made of.
        fc.array(fc.constantFrom(...CHAT_PIECES.filter((x) => !/[\u{e0100}\u{1d165}]|^[\ud800-\udfff]$|\u0301|\u0308/u.test(x))), { maxLength: 40 }).map((xs) => xs.join('')),
        fc.constantFrom<MatcherLayout>('dense', 'hybrid', 'pairs'),
        (keywords, steps, text, layout) => {
          const m = createMatcher(buildMatcher(keywords, { normalize: steps, layout }));
          expect(m.findAll(text)).toEqual(oracle(keywords, steps, text));
          expect(m.lastPath).toBe('fast');
        },
      ),
      { numRuns: 400 * RUNS },
    );
  }, 120_000 * RUNS);

  it('matches a keyword that holds a combining mark or an astral character on the fast path, spans in the original', () => {
    const keywords = ['e\u0301', '葛\u{e0100}', '𠀀好', '👍🏽', '好', '\u0301'];
    const cases: [string, NormalizeStep[], [number, number, number][]][] = [
      // e + U+0301 is one unit: `好` after it starts at 6; `\u0301` alone maps to its whole unit.
      ['cafe\u0301好', [], [[0, 3, 5], [5, 3, 5], [4, 5, 6]]],
      // 葛 + U+E0100 (an ideographic variation sequence): `葛` alone is not a unit of its own.
      // (A keyword that holds an astral mark is the one case left to the slow path.)
      ['说葛\u{e0100}了', [], [[1, 1, 4]]],
      ['a𠀀好😀', [], [[2, 1, 4], [4, 3, 4]]],
      ['好👍🏽👍', [], [[4, 0, 1], [3, 1, 5]]],
      // `好` followed by VS16: the hit covers the mark.
      ['好\ufe0f', [], [[4, 0, 2]]],
    ];
    for (const layout of ['dense', 'hybrid', 'pairs'] as const) {
      const m = createMatcher(buildMatcher(keywords, { layout }));
      for (const [text, steps, want] of cases) {
        const hits = m.findAll(text);
        expect(hits).toEqual(oracle(keywords, steps, text));
        expect(hits.map((h) => [h.pattern, h.start, h.end])).toEqual(want);
        // The mark and the astral character are fed to the automaton; the text stays on the fast path.
        expect(m.lastPath).toBe(text.includes('\u{e0100}') ? 'slow' : 'fast');
      }
    }
  });

  it('takes emoji and the astral characters no keyword holds in the hot loop, beside keywords that hold others', () => {
    // Without normalisation the kernels read the high half of a pair that no keyword holds as
    // class 0 (matcher.ts); `𠀀` (U+20000) keeps its own. A keyword that starts with a lone low
    // surrogate (`\udc00x`, the low half of `🐀` U+1F400 and of `𠀀`) turns that off, for its hit
    // starts at the pair's first half.
    const cases: [string[], string, [number, number, number][]][] = [
      [['𠀀好', '好'], '🐀𠀀好😀好\ufe0f', [[0, 2, 5], [1, 4, 5], [1, 7, 9]]],
      [['\udc00x', '𠀀'], '🐀x', [[0, 0, 3]]],
      [['\udc00x', '𠀀'], '🐀x𠀀x', [[0, 0, 3], [0, 3, 6], [1, 3, 5]]],
      [['\udc00x', '𠀀'], 'a\udc00x', [[0, 1, 3]]],
    ];
    for (const layout of ['dense', 'hybrid', 'pairs'] as const) {
      for (const [keywords, text, want] of cases) {
        const m = createMatcher(buildMatcher(keywords, { layout }));
        const hits = m.findAll(text);
        expect(hits).toEqual(oracle(keywords, [], text));
        expect(hits.map((h) => [h.pattern, h.start, h.end])).toEqual(want);
      }
    }
  });
});

describe('matcher examples', () => {
  it('skips inserted symbols and reports the original span', () => {
    const m = createMatcher(buildMatcher(['加微信'], { normalize: DEFAULT_STEPS }));
    const text = '欢迎加@微@信哦';
    expect(m.findAll(text)).toEqual([{ pattern: 0, start: 2, end: 7 }]);
    expect(text.slice(2, 7)).toBe('加@微@信');
    expect(m.findAll('加\u200b微 信')).toEqual([{ pattern: 0, start: 0, end: 5 }]);
  });

  it('drops a keyword inside an exception phrase of its group only', () => {
    const m = createMatcher(
      buildMatcher(
        [
          { text: '口交', group: 1 },
          { text: '路口交通', group: 1, exception: true },
          { text: '口交', group: 2 },
        ],
        { normalize: DEFAULT_STEPS },
      ),
    );
    expect(m.findAll('路口交通')).toEqual([{ pattern: 2, start: 1, end: 3 }]);
    expect(m.findAll('口交')).toEqual([
      { pattern: 0, start: 0, end: 2 },
      { pattern: 2, start: 0, end: 2 },
    ]);
  });

  it('matches whole words, with `*` opening a side', () => {
    const m = createMatcher(
      buildMatcher(
        [
          { text: 'sex', wholeWord: true },
          { text: 'sex*', wholeWord: true },
          { text: '*sex', wholeWord: true },
        ],
        { normalize: ['case'] },
      ),
    );
    expect(m.findAll('Essex')).toEqual([{ pattern: 2, start: 2, end: 5 }]);
    expect(m.findAll('sexy')).toEqual([{ pattern: 1, start: 0, end: 3 }]);
    expect(m.findAll('中文sex中文')).toEqual([
      { pattern: 0, start: 2, end: 5 },
      { pattern: 1, start: 2, end: 5 },
      { pattern: 2, start: 2, end: 5 },
    ]);
  });

  it('folds case, width, traditional characters and look-alikes', () => {
    const m = createMatcher(buildMatcher(['加微信', 'free'], { normalize: ALL_STEPS }));
    expect(m.findAll('加微信')).toEqual([{ pattern: 0, start: 0, end: 3 }]);
    expect(m.findAll('ＦＲＥＥ')).toEqual([{ pattern: 1, start: 0, end: 4 }]);
    expect(m.findAll('frее')).toEqual([{ pattern: 1, start: 0, end: 4 }]);
  });

  it('takes the slow path only for units that do not map one to one', () => {
    const m = createMatcher(buildMatcher(['fine', 'kg'], { normalize: DEFAULT_STEPS }));
    expect(m.findAll('so ﬁne')).toEqual([{ pattern: 0, start: 3, end: 6 }]);
    expect(m.lastPath).toBe('slow');
    expect(m.findAll('5㎏')).toEqual([{ pattern: 1, start: 1, end: 2 }]);
    expect(m.findAll('fine 😀❤\ufe0f fine')).toEqual([
      { pattern: 0, start: 0, end: 4 },
      { pattern: 0, start: 10, end: 14 },
    ]);
    expect(m.lastPath).toBe('fast');
  });

  it('never reports a keyword that normalises to nothing', () => {
    const m = createMatcher(buildMatcher(['@@', '😀', ''], { normalize: DEFAULT_STEPS }));
    expect(m.findAll('@@ 😀 x')).toEqual([]);
  });
});

describe('matcher layouts at their edges', () => {
  it('hybrid: classes beyond the record bitmap (rare edges), deep failure chains', () => {
    // 40 letters: the last ones have classes past the 32 a record's bitmap covers.
    const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN';
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.array(fc.constantFrom(...letters), { minLength: 1, maxLength: 7 }).map((xs) => xs.join('')), { minLength: 40, maxLength: 120 }),
        fc.array(fc.constantFrom(...letters, ' '), { minLength: 0, maxLength: 120 }).map((xs) => xs.join('')),
        (keywords, text) => {
          // Make sure every letter occurs in a keyword (so that all 40 get classes).
          const ks = [...keywords, letters];
          const data = buildMatcher(ks, { layout: 'hybrid', denseBytes: 0 });
          expect(data.classCount).toBeGreaterThan(3 + 32);
          expect(createMatcher(data).findAll(text + letters)).toEqual(oracle(ks, [], text + letters));
        },
      ),
      { numRuns: 100 * RUNS },
    );
  }, 60_000 * RUNS);

  it('pairs: hashed pair bits, and walks with more hits than the buffer holds', () => {
    const ks = ['a', 'aa', 'aaa', 'ab', 'ba', 'b', 'aaaaaaaaaa', '加a', 'a加'];
    const small = buildMatcher(ks, { layout: 'pairs', pairBits: 16 });
    expect(small.pairShift).toBeGreaterThan(0);
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', '加', ' ', '😀'), { maxLength: 300 }).map((xs) => xs.join('')), (text) => {
        const want = oracle(ks, [], text);
        expect(createMatcher(small).findAll(text)).toEqual(want);
        // 64 units of buffer: a run of a's overflows the hit buffer and goes the long way.
        expect(createMatcher(buildMatcher(ks, { layout: 'pairs' }), { bufferUnits: 64 }).findAll(text)).toEqual(want);
      }),
      { numRuns: 200 * RUNS },
    );
    const m = createMatcher(buildMatcher(ks, { layout: 'pairs' }), { bufferUnits: 64 });
    expect(m.findAll('a'.repeat(60))).toEqual(oracle(ks, [], 'a'.repeat(60)));
    expect(m.lastPath).toBe('long');
  });

  it('scans again from inside onHit (a nested scan gets buffers of its own)', () => {
    const ks = ['加微信', '微信', 'free', 'ee', '😀'];
    const text = 'free 加微信 😀 free加微信' + ' '.repeat(30) + 'free';
    for (const layout of ['dense', 'hybrid', 'pairs'] as const) {
      const m = createMatcher(buildMatcher(ks, { layout, denseBytes: 0 }));
      const outer: Hit[] = [];
      const inner: Hit[][] = [];
      m.scan(text, (pattern, start, end) => {
        outer.push({ pattern, start, end });
        inner.push(m.findAll(text.slice(start, end)));
      });
      const sorted = [...outer].sort((a, b) => a.start - b.start || b.end - a.end || a.pattern - b.pattern);
      expect(sorted).toEqual(oracle(ks, [], text));
      outer.forEach((h, i) => expect(inner[i]).toEqual(oracle(ks, [], text.slice(h.start, h.end))));
      // And the outer matcher still works afterwards.
      expect(m.findAll(text)).toEqual(oracle(ks, [], text));
    }
  });

  it('refuses data of another format with a clear error', () => {
    const data = { ...buildMatcher(['x']), format: 1 } as unknown as ReturnType<typeof buildMatcher>;
    expect(() => createMatcher(data)).toThrow(/format 1.*compile the policy again/);
  });
});

describe('matcher at scale', () => {
  it('builds 100,000 Chinese keywords (pairs layout) and still matches exactly', () => {
    const keywords: string[] = [];
    let seed = 7;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const chars = '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严';
    const set = new Set<string>();
    while (set.size < 100_000) {
      let w = '';
      const len = 2 + Math.floor(rand() * 3);
      for (let i = 0; i < len; i++) w += chars[Math.floor(rand() * chars.length)];
      set.add(w);
    }
    keywords.push(...set);
    const t0 = performance.now();
    const data = buildMatcher(keywords, { normalize: DEFAULT_STEPS });
    const ms = performance.now() - t0;
    expect(data.layout).toBe('pairs');
    // The benchmark holds the build to under a second; a loaded test machine gets some slack.
    expect(ms).toBeLessThan(5000);
    const m = createMatcher(data);
    let text = '';
    for (let i = 0; i < 300; i++) text += chars[Math.floor(rand() * chars.length)];
    expect(m.findAll(text)).toEqual(oracle(keywords, DEFAULT_STEPS, text));
  });
});
