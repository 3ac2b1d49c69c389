// The three layouts of a keyword trie (matcher-data.ts describes each field): a dense transition
// table for small sets, and for large ones dense rows plus bitmap records (`hybrid`, small
// alphabets) or a character-pair filter plus the trie itself for forward walks (`pairs`, large
// alphabets).
import { CLASS_ATTENTION, FIRST_KEYWORD_CLASS, RECORD_CLASSES, type MatcherData } from './matcher-data.ts';
import { outputLists, type Trie } from './trie.ts';

type LayoutFields = Pick<
  MatcherData,
  | 'layout'
  | 'nodeCount'
  | 'first'
  | 'label'
  | 'depth'
  | 'out'
  | 'outList'
  | 'delta'
  | 'rows'
  | 'denseCount'
  | 'records'
  | 'recordOut'
  | 'rareEdges'
  | 'pairBits'
  | 'pairShift'
  | 'rootChild'
>;

const EMPTY_I32 = new Int32Array(0);
const EMPTY_U16 = new Uint16Array(0);
const EMPTY_HYBRID = {
  rows: EMPTY_I32,
  denseCount: 0,
  records: EMPTY_I32,
  recordOut: EMPTY_I32,
  rareEdges: EMPTY_I32,
} as const;

/**
 * The Aho-Corasick transition function of the first `rows` nodes, as node ids: row v is the row
 * of v's failure link with v's children written over it (failure links point to shallower nodes,
 * which come first). Reserved classes are left 0.
 */
function transitions(trie: Trie, K: number, rows: number): Int32Array {
  const { first, label, fail } = trie;
  const next = new Int32Array(rows * K);
  for (let v = 0; v < rows; v++) {
    const row = v * K;
    if (v > 0) {
      const f = fail[v] * K;
      next.copyWithin(row, f, f + K);
    }
    for (let c = first[v]; c < first[v + 1]; c++) next[row + label[c]] = c;
  }
  return next;
}

/** Whether a pattern needs more than a subtraction to report (a whole-word check). */
export type Care = (pattern: number) => boolean;

export function denseLayout(trie: Trie, K: number, care: Care): LayoutFields {
  const N = trie.nodeCount;
  const { out, outList } = outputLists(trie, true, care);
  const next = transitions(trie, K, N);
  const delta = new Int32Array(N * K);
  for (let v = 0; v < N; v++) {
    const row = v * K;
    delta[row] = 0;
    delta[row + 1] = row;
    delta[row + CLASS_ATTENTION] = ~row;
    for (let c = FIRST_KEYWORD_CLASS; c < K; c++) {
      const t = next[row + c];
      delta[row + c] = out[t] >= 0 ? ~(t * K) : t * K;
    }
  }
  return {
    layout: 'dense',
    nodeCount: N,
    first: EMPTY_I32,
    label: EMPTY_U16,
    depth: trie.depth,
    out,
    outList,
    delta,
    ...EMPTY_HYBRID,
    pairBits: EMPTY_I32,
    pairShift: 0,
    rootChild: EMPTY_I32,
  };
}

export function hybridLayout(trie: Trie, K: number, denseBytes: number, care: Care): LayoutFields {
  const N = trie.nodeCount;
  const { first, label, fail } = trie;
  const { out, outList } = outputLists(trie, true, care);
  const W = K + 1;
  const M = Math.max(1, Math.min(N, Math.floor(denseBytes / (4 * W))));
  const R = M * W;
  const stateOf = (v: number) => (v < M ? v * W : R + 4 * (v - M));
  const next = transitions(trie, K, M);
  const rows = new Int32Array(M * W);
  for (let v = 0; v < M; v++) {
    const row = v * W;
    rows[row + 1] = row;
    rows[row + CLASS_ATTENTION] = ~row;
    for (let c = FIRST_KEYWORD_CLASS; c < K; c++) {
      const t = next[v * K + c];
      rows[row + c] = out[t] >= 0 ? ~stateOf(t) : stateOf(t);
    }
    rows[row + K] = out[v];
  }
  const records = new Int32Array(4 * (N - M));
  const recordOut = new Int32Array(((N - M) >> 5) + 1);
  const rare: number[] = [];
  const limit = FIRST_KEYWORD_CLASS + RECORD_CLASSES;
  for (let v = M; v < N; v++) {
    const r = 4 * (v - M);
    let bits = 0;
    for (let c = first[v]; c < first[v + 1]; c++) {
      const l = label[c];
      if (l < limit) bits |= 1 << (l - FIRST_KEYWORD_CLASS);
      else rare.push(v, l, c);
    }
    records[r] = bits;
    records[r + 1] = first[v] < first[v + 1] ? stateOf(first[v]) : 0;
    records[r + 2] = stateOf(fail[v]);
    records[r + 3] = out[v];
    if (out[v] >= 0) recordOut[(v - M) >> 5] |= 1 << ((v - M) & 31);
  }
  return {
    layout: 'hybrid',
    nodeCount: N,
    first: EMPTY_I32,
    label: EMPTY_U16,
    depth: trie.depth,
    out: EMPTY_I32,
    outList,
    delta: EMPTY_I32,
    rows,
    denseCount: M,
    records,
    recordOut,
    // Parents in order, children by class: already sorted.
    rareEdges: Int32Array.from(rare),
    pairBits: EMPTY_I32,
    pairShift: 0,
    rootChild: EMPTY_I32,
  };
}

/** Pair bits beyond this many are hashed into this many. */
const PAIR_BITS_LIMIT = 1 << 25;

export function pairsLayout(trie: Trie, K: number, care: Care, maxBits = PAIR_BITS_LIMIT): LayoutFields {
  const N = trie.nodeCount;
  const { first, label } = trie;
  const { out, outList } = outputLists(trie, false, care);
  const rootChild = new Int32Array(K).fill(-1);
  for (let c = first[0]; c < first[1]; c++) rootChild[label[c]] = c;
  let shift = 0;
  let bitCount = K * K;
  if (bitCount > maxBits) {
    // Hashed into the largest power of two that fits.
    let bits = 5;
    while (2 ** (bits + 1) <= maxBits && bits < 30) bits++;
    bitCount = 2 ** bits;
    shift = 32 - bits;
  }
  const pairBits = new Int32Array((bitCount + 31) >>> 5);
  const set = (x: number, y: number) => {
    const i = x * K + y;
    const b = shift === 0 ? i : Math.imul(i, 0x9e3779b1) >>> shift;
    pairBits[b >>> 5] |= 1 << (b & 31);
  };
  for (let x = 0; x < K; x++) set(x, CLASS_ATTENTION);
  for (let a = first[0]; a < first[1]; a++) {
    for (let b = first[a]; b < first[a + 1]; b++) set(label[a], label[b]);
    if (out[a] >= 0) for (let x = 0; x < K; x++) set(x, label[a]);
  }
  return {
    layout: 'pairs',
    nodeCount: N,
    first,
    label,
    depth: trie.depth,
    out,
    outList,
    delta: EMPTY_I32,
    ...EMPTY_HYBRID,
    pairBits,
    pairShift: shift,
    rootChild,
  };
}
