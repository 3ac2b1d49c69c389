// Chat-like text for the keyword matcher benchmark: the Chinese messages of matcher-data.ts with
// what real chat adds to them — emoji (ZWJ sequences, skin tones, VS16, keycaps, flags), astral
// ideographs (surrogate pairs, drawn from the chinese-poetry corpus), full-width punctuation,
// digits and Latin words (drawn from the SpamAssassin corpus) — in a share of the messages; and
// 100,000-keyword sets whose fillers are drawn from those messages, so that hits are dense. A
// benchmark on clean text alone would flatter a matcher whose fast path stops at a surrogate.
// Everything is a pure function of the seeds and the packaged corpora, generated at run time.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { int, mulberry32, pick, type Random } from '../scripts/seeded.ts';

const require = createRequire(import.meta.url);

/** Emoji as people type them: plain, with a skin tone, ZWJ sequences, VS16, keycaps, flags. */
export const EMOJI: readonly string[] = [
  // Plain (one surrogate pair) and BMP pictographs.
  '😀', '😂', '🤣', '😭', '😊', '👍', '🙏', '🎉', '🔥', '💰', '🧧', '🐶', '🌹', '💯', '🤔', '😅', '⭐', '☕',
  // Skin tones (Emoji_Modifier, a second pair).
  '👍🏻', '👍🏽', '🙏🏼', '👌🏿', '💪🏾', '👋🏻',
  // ZWJ sequences (U+200D), some with VS16 or a skin tone inside.
  '👨‍👩‍👧‍👦', '👩‍💻', '🧑‍🤝‍🧑', '👨‍👩‍👧', '🏳️‍🌈', '❤️‍🔥', '🤷‍♀️', '🙋🏻‍♂️',
  // VS16 (U+FE0F, a combining mark) after a BMP symbol; a keycap; flags (regional indicators).
  '❤️', '☺️', '✌️', '☀️', '✔️', '☎️', '1️⃣', '🇨🇳', '🇭🇰',
];

/** Full-width and CJK punctuation that chat adds to the poetry's own ，。 */
const PUNCTUATION: readonly string[] = ['！', '？', '～', '：', '；', '（', '）', '【', '】', '「', '」', '、', '……', '！！', '？？'];

/** Digits as chat carries them: amounts, years, phone numbers, full-width digits. */
function digits(rand: Random): string {
  switch (int(rand, 5)) {
    case 0:
      return `${1 + int(rand, 999)}元`;
    case 1:
      return `${2000 + int(rand, 30)}年`;
    case 2:
      return `1${3 + int(rand, 7)}${String(int(rand, 1e9)).padStart(9, '0')}`;
    case 3:
      return String.fromCharCode(...Array.from({ length: 1 + int(rand, 3) }, () => 0xff10 + int(rand, 10)));
    default:
      return String(int(rand, 100));
  }
}

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

/** The distinct astral ideographs (surrogate pairs) of the chinese-poetry `mengxue` texts, sorted. */
export function astralIdeographs(): string[] {
  const dir = join(packageDir('chinese-poetry'), 'dist', 'mengxue');
  const set = new Set<string>();
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
    for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/[\ud800-\udbff][\udc00-\udfff]/g)) {
      if (/^\p{Script=Han}$/u.test(m[0])) set.add(m[0]);
    }
  }
  if (set.size === 0) {
    // Never expected with the packaged corpus: CJK Extension B instead.
    for (let cp = 0x20000; cp < 0x20100; cp++) set.add(String.fromCodePoint(cp));
  }
  return [...set].sort();
}

/** Latin words of 2 to 10 letters from the English text, most common first (the first 2,000). */
export function latinWords(enText: string): string[] {
  const freq = new Map<string, number>();
  for (const w of enText.match(/\b[A-Za-z]{2,10}\b/g) ?? []) freq.set(w, (freq.get(w) ?? 0) + 1);
  return [...freq.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 2000).map((e) => e[0]);
}

const graphemes = new Intl.Segmenter('zh', { granularity: 'grapheme' });

/**
 * Inserts `piece` at a seeded grapheme boundary of `text`: never inside a surrogate pair, an
 * emoji sequence or between a character and its marks (digits typed between `❤` and its VS16
 * would be a text no one sends, and one where raw indexOf and the matcher's units disagree).
 */
function insert(text: string, piece: string, rand: Random): string {
  const bounds = [0];
  for (const g of graphemes.segment(text)) bounds.push(g.index + g.segment.length);
  const at = bounds[int(rand, bounds.length)];
  return text.slice(0, at) + piece + text.slice(at);
}

export interface MixOptions {
  /** Share of the messages given one emoji or astral ideograph (1/8: "mixed"). */
  surrogateShare: number;
  /** Surrogate pieces per message, at least (1..3 for "surrogate-heavy": every message). */
  surrogatesPerMessage?: [number, number];
  /** Share of the messages given digits, and given a Latin word (each). */
  digitShare: number;
  latinShare: number;
  /** Share of the messages given extra full-width punctuation. */
  punctuationShare: number;
}

/** "Chinese chat, mixed": one message in eight has an emoji or an astral ideograph. */
export const MIXED: MixOptions = { surrogateShare: 1 / 8, digitShare: 1 / 6, latinShare: 1 / 6, punctuationShare: 1 / 4 };
/** "surrogate-heavy": every message has one to three emoji or astral ideographs. */
export const SURROGATE_HEAVY: MixOptions = { surrogateShare: 1, surrogatesPerMessage: [1, 3], digitShare: 1 / 6, latinShare: 1 / 6, punctuationShare: 1 / 4 };

/**
 * The messages with emoji or astral ideographs (half and half), digits, Latin words and
 * full-width punctuation inserted at seeded positions, each in its share of the messages.
 * Flat strings (a JSON round trip), as messages parsed from events are.
 */
export function mixMessages(messages: readonly string[], enText: string, options: MixOptions, seed: number): string[] {
  const rand = mulberry32(seed);
  const astral = astralIdeographs();
  const words = latinWords(enText);
  const out = messages.map((m) => {
    let t = m;
    if (rand() < options.surrogateShare) {
      const [lo, hi] = options.surrogatesPerMessage ?? [1, 1];
      const k = lo + int(rand, hi - lo + 1);
      for (let i = 0; i < k; i++) t = insert(t, rand() < 0.5 ? pick(rand, EMOJI) : pick(rand, astral), rand);
    }
    if (rand() < options.digitShare) t = insert(t, digits(rand), rand);
    if (rand() < options.latinShare) t = insert(t, rand() < 0.5 ? ` ${pick(rand, words)} ` : pick(rand, words), rand);
    if (rand() < options.punctuationShare) t = insert(t, pick(rand, PUNCTUATION), rand);
    return t;
  });
  return JSON.parse(JSON.stringify(out)) as string[];
}

/** How many of the messages carry a surrogate (an emoji pair or an astral ideograph). */
export function surrogateMessageShare(messages: readonly string[]): number {
  let n = 0;
  for (const m of messages) if (/[\ud800-\udbff]/.test(m)) n++;
  return n / messages.length;
}

/**
 * The list plus fillers up to `count`, each 2 to 4 consecutive letters or digits (code points:
 * Han, astral Han, Latin, digits) cut from a seeded message at a seeded position: the fillers
 * come from the very text they are matched against, so that hits are dense.
 */
export function denseFillers(list: readonly string[], count: number, messages: readonly string[], seed: number): string[] {
  const rand = mulberry32(seed);
  const out = new Set(list);
  const word = /^[\p{L}\p{N}]+$/u;
  while (out.size < count) {
    const m = pick(rand, messages);
    const cps = [...m];
    if (cps.length < 4) continue;
    const len = 2 + int(rand, 3);
    const at = int(rand, cps.length - len + 1);
    const w = cps.slice(at, at + len).join('');
    if (word.test(w)) out.add(w);
  }
  return [...out];
}
