// Builds the matcher data of a keyword set: normalises every keyword with the set's steps, gives
// every character that occurs in a keyword a class (folding normalisation into the
// character-to-class map), builds the keyword trie over classes (trie.ts) and lays it out for
// the scan (matcher-data.ts): one dense transition table for small sets; for large ones, dense
// rows plus bitmap records (small alphabets) or a character-pair filter plus trie walks (large
// alphabets). layouts.ts holds the layouts.
import { denseLayout, hybridLayout, pairsLayout } from './layouts.ts';
import {
  CLASS_ATTENTION,
  CLASS_SKIP,
  FIRST_KEYWORD_CLASS,
  FLAG_EXCEPTION,
  FLAG_OPEN_END,
  FLAG_OPEN_START,
  FLAG_WHOLE_WORD,
  MATCHER_FORMAT,
  type MatcherData,
  type MatcherLayout,
} from './matcher-data.ts';
import { keywordCore } from '../text/text-semantics.ts';
import { canonicalSteps, normalizeWithTable, unitTable, UnitKind, type NormalizeStep } from './normalize.ts';
import { buildTrie } from './trie.ts';

/** Splits a keyword into its `*` marks and its text, as the reference interpreter does. */
export { keywordCore } from '../text/text-semantics.ts';

/** One keyword or exception phrase of a matcher. */
export interface KeywordSpec {
  /** As written: a `*` at the start or the end of a keyword marks that side open (see README). */
  text: string;
  /** Match whole words only (a word character on a side that is not open stops the match). */
  wholeWord?: boolean;
  /** The group (a rule) the keyword belongs to; exception phrases act within their group. */
  group?: number;
  /** An exception phrase: never reported; a hit of its group lying inside one of its hits is dropped. */
  exception?: boolean;
}

export interface BuildOptions {
  /** The normalisation steps (default: none). */
  normalize?: readonly NormalizeStep[];
  /** Largest dense table, in entries (states times classes), before a large layout is used (default 2^20). */
  denseLimit?: number;
  /** The layout, instead of the one the size and alphabet call for (tests). */
  layout?: MatcherLayout;
  /** `hybrid`: bytes of dense rows for the shallowest states (default 6 MiB). */
  denseBytes?: number;
  /** `pairs`: most bits of the pair filter before it is hashed (default 2^25). */
  pairBits?: number;
}

/** Table entries up to which a set gets the dense layout. */
const DENSE_LIMIT = 1 << 20;
/** Alphabets at least this large get the `pairs` layout when the set is large. */
const PAIRS_MIN_CLASSES = 256;
/** Bytes of dense rows of the hybrid layout. */
const HYBRID_DENSE_BYTES = 6 << 20;

/** A surrogate that is not half of a pair. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Keywords longer than this (normalised, in UTF-16 units) never match. */
export const MAX_KEYWORD_LENGTH = 65535;

/** Builds the matcher data of `keywords` (strings or specs); pattern ids are list positions. */
export function buildMatcher(keywords: readonly (string | KeywordSpec)[], options: BuildOptions = {}): MatcherData {
  const steps = canonicalSteps(options.normalize ?? []);
  const table = unitTable(steps);
  const P = keywords.length;

  // Normalise the patterns.
  const norms: string[] = new Array(P);
  const patternLength = new Int32Array(P);
  const patternFlags = new Uint8Array(P);
  const patternGroup = new Int32Array(P);
  for (let p = 0; p < P; p++) {
    const k = keywords[p];
    const spec: KeywordSpec = typeof k === 'string' ? { text: k } : k;
    let flags = 0;
    let core = spec.text;
    if (spec.exception) flags |= FLAG_EXCEPTION;
    else {
      const parts = keywordCore(spec.text);
      core = parts.core;
      if (parts.openStart) flags |= FLAG_OPEN_START;
      if (parts.openEnd) flags |= FLAG_OPEN_END;
      if (spec.wholeWord) flags |= FLAG_WHOLE_WORD;
    }
    let norm = normalizeWithTable(core, table);
    if (norm.length > MAX_KEYWORD_LENGTH) norm = '';
    norms[p] = norm;
    patternLength[p] = norm.length;
    patternFlags[p] = flags;
    patternGroup[p] = spec.group ?? 0;
  }

  // The alphabet: every normalised unit of a keyword, most frequent first.
  const freq = new Int32Array(65536);
  for (let p = 0; p < P; p++) {
    const s = norms[p];
    for (let i = 0; i < s.length; i++) freq[s.charCodeAt(i)]++;
  }
  const units: number[] = [];
  for (let u = 0; u < 65536; u++) if (freq[u] > 0) units.push(u);
  units.sort((a, b) => freq[b] - freq[a] || a - b);
  if (units.length + FIRST_KEYWORD_CLASS > 65536) throw new RangeError('too many distinct keyword characters');
  const K = units.length + FIRST_KEYWORD_CLASS;
  const unitClass = new Uint16Array(65536);
  units.forEach((u, i) => (unitClass[u] = FIRST_KEYWORD_CLASS + i));
  const sortedUnits = [...units].sort((a, b) => a - b);
  const alphabet = Uint16Array.from(sortedUnits);
  const alphabetClass = Uint16Array.from(sortedUnits.map((u) => unitClass[u]));

  // The character-to-class map, with normalisation folded in.
  const classMap = new Uint16Array(65536);
  const { kind, unit } = table;
  for (let u = 0; u < 65536; u++) {
    const k = kind[u];
    if (k === UnitKind.One) classMap[u] = unitClass[unit[u]];
    else if (k === UnitKind.Skip) classMap[u] = CLASS_SKIP;
    else classMap[u] = CLASS_ATTENTION;
  }

  const loneSurrogates = norms.some((n) => LONE_SURROGATE.test(n));
  const trie = buildTrie(norms, unitClass);
  const layout: MatcherLayout = options.layout ?? chooseLayout(trie.nodeCount, K, options.denseLimit ?? DENSE_LIMIT);
  const common = {
    format: MATCHER_FORMAT,
    steps,
    classCount: K,
    classMap,
    alphabet,
    alphabetClass,
    loneSurrogates,
    patternCount: P,
    patternLength,
    patternFlags,
    patternGroup,
  } as const;
  const care = (p: number) => (patternFlags[p] & FLAG_WHOLE_WORD) !== 0;
  if (layout === 'dense') return { ...common, ...denseLayout(trie, K, care) };
  if (layout === 'hybrid') return { ...common, ...hybridLayout(trie, K, options.denseBytes ?? HYBRID_DENSE_BYTES, care) };
  return { ...common, ...pairsLayout(trie, K, care, options.pairBits) };
}

/** Dense when the whole table is small; else by the size of the alphabet. */
function chooseLayout(nodes: number, K: number, denseLimit: number): MatcherLayout {
  if (nodes * K <= denseLimit) return 'dense';
  return K >= PAIRS_MIN_CLASSES ? 'pairs' : 'hybrid';
}
