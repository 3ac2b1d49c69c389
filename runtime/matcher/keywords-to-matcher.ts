// Builds the matcher data of a keyword set: normalises every keyword with the set's steps, gives
// every character that occurs in a keyword a class (folding normalisation into the
// character-to-class map), builds the Aho-Corasick automaton over classes, and lays it out as a
// dense transition table (small sets) or a double-array trie with failure links (large sets).
import {
  CLASS_ATTENTION,
  CLASS_NONE,
  CLASS_SKIP,
  FIRST_KEYWORD_CLASS,
  FLAG_EXCEPTION,
  FLAG_OPEN_END,
  FLAG_OPEN_START,
  FLAG_WHOLE_WORD,
  MATCHER_FORMAT,
  type MatcherData,
} from './matcher-data.ts';
import { canonicalSteps, normalizeWithTable, unitTable, UnitKind, type NormalizeStep } from './normalize.ts';

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
  /** Largest dense table, in entries, before the double-array layout is used (default 2^20). */
  denseLimit?: number;
}

/** Keywords longer than this (normalised, in UTF-16 units) never match. */
export const MAX_KEYWORD_LENGTH = 65535;

/** Splits a keyword into its `*` marks and its text, as the reference interpreter does. */
export function keywordCore(text: string): { core: string; openStart: boolean; openEnd: boolean } {
  let core = text;
  const openStart = core.length > 1 && core.startsWith('*');
  if (openStart) core = core.slice(1);
  const openEnd = core.length > 1 && core.endsWith('*');
  if (openEnd) core = core.slice(0, -1);
  return { core, openStart, openEnd };
}

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

  // The trie, in input order, with an open-addressing hash table from (node, class) to child.
  let totalUnits = 1;
  for (let p = 0; p < P; p++) totalUnits += norms[p].length;
  const cap = totalUnits;
  const firstChild = new Int32Array(cap).fill(-1);
  const lastChild = new Int32Array(cap).fill(-1);
  const nextSibling = new Int32Array(cap).fill(-1);
  const label = new Int32Array(cap);
  const nodeDepth = new Int32Array(cap);
  const nodeExact = new Int32Array(cap).fill(-1);
  const lastExact = new Int32Array(cap).fill(-1);
  const patternNext = new Int32Array(P).fill(-1);
  let hashBits = 4;
  while (1 << hashBits < 2 * cap) hashBits++;
  const hashMask = (1 << hashBits) - 1;
  const hashNode = new Int32Array(1 << hashBits).fill(-1);
  const hashClass = new Int32Array(1 << hashBits);
  const hashChild = new Int32Array(1 << hashBits);
  let N = 1;
  for (let p = 0; p < P; p++) {
    const s = norms[p];
    if (s.length === 0) continue;
    let node = 0;
    for (let i = 0; i < s.length; i++) {
      const cls = unitClass[s.charCodeAt(i)];
      let h = (Math.imul(node, 0x9e3779b1) ^ Math.imul(cls, 0x85ebca6b)) >>> (32 - hashBits);
      let child = -1;
      while (hashNode[h] !== -1) {
        if (hashNode[h] === node && hashClass[h] === cls) {
          child = hashChild[h];
          break;
        }
        h = (h + 1) & hashMask;
      }
      if (child === -1) {
        child = N++;
        hashNode[h] = node;
        hashClass[h] = cls;
        hashChild[h] = child;
        label[child] = cls;
        nodeDepth[child] = i + 1;
        if (lastChild[node] === -1) firstChild[node] = child;
        else nextSibling[lastChild[node]] = child;
        lastChild[node] = child;
      }
      node = child;
    }
    if (nodeExact[node] === -1) nodeExact[node] = p;
    else patternNext[lastExact[node]] = p;
    lastExact[node] = p;
  }
  // Breadth-first order of the nodes, root first.
  const bfs = new Int32Array(N);
  let qt = 1;
  for (let qh = 0; qh < qt; qh++) {
    for (let c = firstChild[bfs[qh]]; c !== -1; c = nextSibling[c]) bfs[qt++] = c;
  }

  // Failure and output links, breadth first, finding children with the hash table.
  const childOf = (node: number, cls: number): number => {
    let h = (Math.imul(node, 0x9e3779b1) ^ Math.imul(cls, 0x85ebca6b)) >>> (32 - hashBits);
    while (hashNode[h] !== -1) {
      if (hashNode[h] === node && hashClass[h] === cls) return hashChild[h];
      h = (h + 1) & hashMask;
    }
    return -1;
  };
  const nodeFail = new Int32Array(N);
  const nodeLink = new Int32Array(N).fill(-1);
  for (let qi = 1; qi < N; qi++) {
    const v = bfs[qi];
    // The parent is not stored: failure links are set while visiting the parent instead.
    for (let c = firstChild[v]; c !== -1; c = nextSibling[c]) {
      let f = nodeFail[v];
      let g = childOf(f, label[c]);
      while (g === -1 && f !== 0) {
        f = nodeFail[f];
        g = childOf(f, label[c]);
      }
      nodeFail[c] = g === -1 || g === c ? 0 : g;
    }
  }
  // Children of the root fail to the root (nodeFail is 0 already); output links need the failure
  // link of every node, so they are a second pass.
  for (let qi = 1; qi < N; qi++) {
    const v = bfs[qi];
    const f = nodeFail[v];
    nodeLink[v] = nodeExact[f] !== -1 ? f : nodeLink[f];
  }

  const denseLimit = options.denseLimit ?? 1 << 20;
  const common = {
    format: MATCHER_FORMAT,
    steps,
    classCount: K,
    classMap,
    alphabet,
    alphabetClass,
    patternCount: P,
    patternNext,
    patternLength,
    patternFlags,
    patternGroup,
  } as const;

  if (N * K <= denseLimit) {
    // Dense: states numbered breadth first; row s is the row of fail(s) with s's children set.
    const stateOf = new Int32Array(N);
    for (let i = 0; i < N; i++) stateOf[bfs[i]] = i;
    const next = new Int32Array(N * K);
    const depth = new Uint16Array(N);
    const exact = new Int32Array(N);
    const outputLink = new Int32Array(N);
    for (let i = 0; i < N; i++) {
      const v = bfs[i];
      depth[i] = nodeDepth[v];
      exact[i] = nodeExact[v];
      outputLink[i] = nodeLink[v] === -1 ? -1 : stateOf[nodeLink[v]];
      const row = i * K;
      if (i > 0) {
        const frow = stateOf[nodeFail[v]] * K;
        next.copyWithin(row, frow, frow + K);
      }
      for (let c = firstChild[v]; c !== -1; c = nextSibling[c]) next[row + label[c]] = stateOf[c];
    }
    const delta = new Int32Array(N * K);
    for (let s = 0; s < N; s++) {
      const row = s * K;
      delta[row + CLASS_NONE] = 0;
      delta[row + CLASS_SKIP] = row;
      delta[row + CLASS_ATTENTION] = ~row;
      for (let c = FIRST_KEYWORD_CLASS; c < K; c++) {
        const t = next[row + c];
        delta[row + c] = exact[t] !== -1 || outputLink[t] !== -1 ? ~(t * K) : t * K;
      }
    }
    return {
      ...common,
      layout: 'dense',
      stateCount: N,
      delta,
      base: new Int32Array(0),
      check: new Int32Array(0),
      fail: new Int32Array(0),
      depth,
      exact,
      outputLink,
    };
  }

  // Double array: the root's children sit at their class; every other node's children are
  // placed at base + class for the first base whose slots are all free.
  let size = Math.max(2 * N + K, 1024);
  let base = new Int32Array(size);
  let check = new Int32Array(size).fill(-1);
  // nextFree[x]: a slot >= x that may be free (path-compressed), for skipping used runs.
  let nextFree = new Int32Array(size + 1);
  for (let i = 0; i <= size; i++) nextFree[i] = i;
  const grow = (need: number) => {
    if (need < size) return;
    let n2 = size;
    while (n2 <= need) n2 *= 2;
    const b2 = new Int32Array(n2);
    b2.set(base);
    base = b2;
    const c2 = new Int32Array(n2).fill(-1);
    c2.set(check);
    check = c2;
    const f2 = new Int32Array(n2 + 1);
    f2.set(nextFree.subarray(0, size));
    for (let i = size; i <= n2; i++) f2[i] = i;
    nextFree = f2;
    size = n2;
  };
  const findFree = (x: number): number => {
    let r = x;
    while (nextFree[r] !== r) r = nextFree[r];
    while (nextFree[x] !== r) {
      const nx = nextFree[x];
      nextFree[x] = r;
      x = nx;
    }
    return r;
  };
  const use = (slot: number, parent: number) => {
    check[slot] = parent;
    nextFree[slot] = slot + 1;
  };
  const slotOf = new Int32Array(N);
  slotOf[0] = 0;
  use(0, -2);
  base[0] = 0;
  for (let c = firstChild[0]; c !== -1; c = nextSibling[c]) {
    slotOf[c] = label[c];
    use(label[c], 0);
  }
  // Slots below K are the root's children or stay empty: a slot below K is then always a child
  // of the root, whose failure link is the root (the scanner relies on it).
  for (let t = 0; t < K; t++) nextFree[t] = t + 1;
  const labels: number[] = [];
  let maxSlot = K;
  for (let qi = 1; qi < N; qi++) {
    const v = bfs[qi];
    if (firstChild[v] === -1) continue;
    labels.length = 0;
    for (let c = firstChild[v]; c !== -1; c = nextSibling[c]) labels.push(label[c]);
    labels.sort((a, b) => a - b);
    const c0 = labels[0];
    const last = labels[labels.length - 1];
    let slot = findFree(c0 + 1);
    let misses = 0;
    let b: number;
    for (;;) {
      b = slot - c0;
      grow(b + last + 1);
      let ok = true;
      for (let j = 1; j < labels.length; j++) {
        if (check[b + labels[j]] !== -1) {
          ok = false;
          break;
        }
      }
      if (ok) break;
      // Holes early in the array suit small nodes; after a few misses, a big node looks near
      // the end of the used slots, where most slots are free.
      slot = ++misses === 16 ? findFree(Math.max(slot + 1, maxSlot - last)) : findFree(slot + 1);
    }
    const s = slotOf[v];
    base[s] = b;
    for (let c = firstChild[v], j = 0; c !== -1; c = nextSibling[c], j++) {
      const t = b + label[c];
      slotOf[c] = t;
      use(t, s);
      if (t > maxSlot) maxSlot = t;
    }
  }
  // Every base + class stays inside the arrays, so a scan never reads past the end.
  let maxBase = 0;
  for (let qi = 0; qi < N; qi++) maxBase = Math.max(maxBase, base[slotOf[bfs[qi]]]);
  const S = Math.max(maxSlot + 1, maxBase + K);
  grow(S);
  const outBase = new Int32Array(S);
  const outCheck = new Int32Array(S).fill(-1);
  const fail = new Int32Array(S);
  const depth = new Uint16Array(S);
  const exact = new Int32Array(S).fill(-1);
  const outputLink = new Int32Array(S).fill(-1);
  for (let v = 0; v < N; v++) {
    const s = slotOf[v];
    const hasOutput = nodeExact[v] !== -1 || nodeLink[v] !== -1;
    outBase[s] = hasOutput ? base[s] | 0x80000000 : base[s];
    outCheck[s] = v === 0 ? -2 : check[s];
    fail[s] = slotOf[nodeFail[v]];
    depth[s] = nodeDepth[v];
    exact[s] = nodeExact[v];
    outputLink[s] = nodeLink[v] === -1 ? -1 : slotOf[nodeLink[v]];
  }
  return {
    ...common,
    layout: 'double-array',
    stateCount: S,
    delta: new Int32Array(0),
    base: outBase,
    check: outCheck,
    fail,
    depth,
    exact,
    outputLink,
  };
}
