// How many clean messages the `variants` normalisation step and bare-link reading wrongly catch,
// measured on real Chinese text that holds no spam: the chinese-poetry corpus (node_modules/
// chinese-poetry). The figures are in spec/language.md §10 and spec/runtime.md §5.
//
//   node bin/run-ts.js scripts/variants-false-positives.ts [--sample N] [--seed S]
//
// Messages are the lines (paragraphs) of the Song lyrics (simplified) and a seeded sample of the
// Tang and Song poems (traditional, converted to simplified with OpenCC, as a `traditional` rule
// would read them). Keywords are the contact and spam words a policy lists (KEYWORDS below, every
// one a word of the variants table). A message is a false positive of `variants` when a keyword
// matches it under `case, width, symbols, variants` and none does under `case, width, symbols`;
// every such message is counted, and the spellings that caused them are listed.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Converter } from 'opencc-js/t2cn';
import { buildMatcher, createMatcher, normalizeKeyword, type KeywordSpec, type NormalizeStep } from '../runtime/matcher/index.ts';
import { linksInText } from '../runtime/text/text-semantics.ts';
import { keywordVariants } from '../runtime/text/variants.ts';
import { int, mulberry32 } from './seeded.ts';

/** Keywords an author of a contact-spam rule lists (each holds words of the variants table). */
export const KEYWORDS = [
  '加微信', '微信', '加我微信', '加v', '加qq', 'qq', '电话', '手机', '私聊', '联系我', '二维码', '加群', '进群',
  '兼职', '返利', '刷单', '贷款', '发票', '赌博',
];

const BASE: NormalizeStep[] = ['case', 'width', 'symbols'];
const WITH_VARIANTS: NormalizeStep[] = ['case', 'width', 'symbols', 'variants'];

function packageDir(name: string): string {
  return dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
}

/** The corpus lines: every Song lyric paragraph, then `sample` seeded poem lines in simplified characters. */
export function corpusLines(sample: number, seed: number): string[] {
  const root = join(packageDir('chinese-poetry'), 'dist');
  const lines: string[] = [];
  const ci = join(root, 'songci');
  for (const f of readdirSync(ci).filter((x) => /^ci\.song\.\d+\.json$/.test(x)).sort()) {
    for (const p of JSON.parse(readFileSync(join(ci, f), 'utf8')) as { paragraphs: string[] }[]) for (const l of p.paragraphs) lines.push(l);
  }
  const shi = join(root, 'quantangshi');
  const poems: string[] = [];
  for (const f of readdirSync(shi).filter((x) => /^poet\.(tang|song)\.\d+\.json$/.test(x)).sort()) {
    for (const p of JSON.parse(readFileSync(join(shi, f), 'utf8')) as { paragraphs: string[] }[]) for (const l of p.paragraphs) poems.push(l);
  }
  const rand = mulberry32(seed);
  const picked: string[] = [];
  for (let i = 0; i < sample && poems.length > 0; i++) picked.push(poems[int(rand, poems.length)]);
  const toSimplified = Converter({ from: 't', to: 'cn' });
  for (const l of toSimplified(picked.join('\n')).split('\n')) lines.push(l);
  return lines.filter((l) => l.trim() !== '');
}

function matcherFor(steps: NormalizeStep[]): { scan: (text: string) => number[]; spellings: string[] } {
  const specs: KeywordSpec[] = [];
  const spellings: string[] = [];
  for (const k of KEYWORDS) {
    for (const v of keywordVariants(k, false, steps, normalizeKeyword)) {
      specs.push({ text: v.text, wholeWord: v.wholeWord });
      spellings.push(v.text);
    }
  }
  const m = createMatcher(buildMatcher(specs, { normalize: steps }));
  return { scan: (text) => m.findAll(text).map((h) => h.pattern), spellings };
}

export interface FalsePositiveReport {
  messages: number;
  matchedWithout: number;
  matchedWith: number;
  falsePositives: number;
  bySpelling: [spelling: string, messages: number][];
  examples: string[];
  linkMessages: number;
  linkExamples: string[];
}

export function measure(lines: readonly string[]): FalsePositiveReport {
  const base = matcherFor(BASE);
  const variants = matcherFor(WITH_VARIANTS);
  let matchedWithout = 0;
  let matchedWith = 0;
  let falsePositives = 0;
  const bySpelling = new Map<string, number>();
  const examples: string[] = [];
  let linkMessages = 0;
  const linkExamples: string[] = [];
  for (const line of lines) {
    const a = base.scan(line).length > 0;
    const hits = variants.scan(line);
    if (a) matchedWithout++;
    if (hits.length > 0) matchedWith++;
    if (!a && hits.length > 0) {
      falsePositives++;
      for (const s of new Set(hits.map((p) => variants.spellings[p]))) bySpelling.set(s, (bySpelling.get(s) ?? 0) + 1);
      if (examples.length < 10) examples.push(line);
    }
    const links = linksInText(line);
    if (links.length > 0) {
      linkMessages++;
      if (linkExamples.length < 10) linkExamples.push(`${line}  →  ${links.map((l) => l.link).join(', ')}`);
    }
  }
  return {
    messages: lines.length,
    matchedWithout,
    matchedWith,
    falsePositives,
    bySpelling: [...bySpelling].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)),
    examples,
    linkMessages,
    linkExamples,
  };
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('variants-false-positives.ts')) {
  const arg = (name: string, dflt: number) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : dflt;
  };
  const lines = corpusLines(arg('--sample', 200_000), arg('--seed', 20261206));
  const r = measure(lines);
  const pct = (n: number) => `${((100 * n) / r.messages).toFixed(3)}%`;
  console.log(`messages (poem lines): ${r.messages}`);
  console.log(`matched by the keywords without variants: ${r.matchedWithout} (${pct(r.matchedWithout)})`);
  console.log(`matched with variants: ${r.matchedWith} (${pct(r.matchedWith)})`);
  console.log(`false positives of variants: ${r.falsePositives} (${pct(r.falsePositives)})`);
  console.log(`by spelling: ${r.bySpelling.map(([s, n]) => `${s} ${n}`).join(', ')}`);
  for (const e of r.examples) console.log(`  ${e}`);
  console.log(`messages with a link found in the text: ${r.linkMessages}`);
  for (const e of r.linkExamples) console.log(`  ${e}`);
}
