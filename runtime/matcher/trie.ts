// The keyword trie every matcher layout is built from: nodes numbered breadth first (the root is
// 0, the shallowest nodes come first, the children of a node are consecutive and sorted by
// class), with failure links, depths and the per-node output lists (`outputLists`).

export interface Trie {
  /** Number of nodes, the root included. */
  nodeCount: number;
  /** Children of node v: first[v] up to first[v + 1] (N + 1 entries). */
  first: Int32Array;
  /** The class of the edge into each node (0 for the root). */
  label: Uint16Array;
  /** Uint8Array when every keyword is shorter than 256 units. */
  depth: Uint8Array | Uint16Array;
  /** Failure link of each node (the root's is 0). */
  fail: Int32Array;
  /** The first pattern whose normalised text is node v's (-1: none); the rest follow in `patternNext`. */
  exact: Int32Array;
  patternNext: Int32Array;
}

export interface OutputLists {
  /** Where each node's run starts in `outList`, or -1. */
  out: Int32Array;
  outList: Int32Array;
}

/** The child of `v` by class `c`, or -1 (children are sorted by class: binary search). */
export function trieChild(first: Int32Array, label: Uint16Array, v: number, c: number): number {
  let lo = first[v];
  let hi = first[v + 1] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const l = label[mid];
    if (l === c) return mid;
    if (l < c) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * Builds the trie of the normalised patterns (`norms`, mapped to classes by `unitClass`).
 * Patterns that normalised to nothing are left out.
 */
export function buildTrie(norms: readonly string[], unitClass: Uint16Array): Trie {
  const P = norms.length;
  let totalUnits = 1;
  for (let p = 0; p < P; p++) totalUnits += norms[p].length;
  const cap = totalUnits;
  // Insertion order first, with an open-addressing hash from (node, class) to child.
  const firstChild = new Int32Array(cap).fill(-1);
  const nextSibling = new Int32Array(cap).fill(-1);
  const nodeLabel = new Int32Array(cap);
  const exact = new Int32Array(cap).fill(-1);
  const lastExact = new Int32Array(cap).fill(-1);
  const patternNext = new Int32Array(P).fill(-1);
  let hashBits = 4;
  while (1 << hashBits < 2 * cap) hashBits++;
  const hashMask = (1 << hashBits) - 1;
  const hashNode = new Int32Array(1 << hashBits).fill(-1);
  const hashClass = new Int32Array(1 << hashBits);
  const hashChild = new Int32Array(1 << hashBits);
  let n = 1;
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
        child = n++;
        hashNode[h] = node;
        hashClass[h] = cls;
        hashChild[h] = child;
        nodeLabel[child] = cls;
        nextSibling[child] = firstChild[node];
        firstChild[node] = child;
      }
      node = child;
    }
    if (exact[node] === -1) exact[node] = p;
    else patternNext[lastExact[node]] = p;
    lastExact[node] = p;
  }
  const N = n;

  // Breadth first, children sorted by class.
  const order = new Int32Array(N);
  const first = new Int32Array(N + 1);
  const label = new Uint16Array(N);
  let longest = 0;
  for (let p = 0; p < P; p++) longest = Math.max(longest, norms[p].length);
  const depth = longest < 256 ? new Uint8Array(N) : new Uint16Array(N);
  const kids: number[] = [];
  let qt = 1;
  for (let qh = 0; qh < N; qh++) {
    const v = order[qh];
    first[qh] = qt;
    kids.length = 0;
    for (let c = firstChild[v]; c !== -1; c = nextSibling[c]) kids.push(c);
    kids.sort((a, b) => nodeLabel[a] - nodeLabel[b]);
    for (const c of kids) {
      order[qt] = c;
      label[qt] = nodeLabel[c];
      depth[qt] = depth[qh] + 1;
      qt++;
    }
  }
  first[N] = N;

  // Failure links, breadth first (a node's failure is shallower, so it comes earlier).
  const fail = new Int32Array(N);
  for (let v = 0; v < N; v++) {
    for (let c = first[v]; c < first[v + 1]; c++) {
      if (v === 0) continue;
      const a = label[c];
      let f = fail[v];
      let g = trieChild(first, label, f, a);
      while (g === -1 && f !== 0) {
        f = fail[f];
        g = trieChild(first, label, f, a);
      }
      fail[c] = g === -1 ? 0 : g;
    }
  }

  const nodeExact = new Int32Array(N);
  for (let v = 0; v < N; v++) nodeExact[v] = exact[order[v]];
  return { nodeCount: N, first, label, depth, fail, exact: nodeExact, patternNext };
}

/**
 * The output lists of a trie. A node's run holds its own patterns as (pattern, length) pairs,
 * the length negated for a pattern that needs more than a subtraction to report (`care`: a
 * whole-word check), then ends with -1, or, with `withLinks`, with a jump to the run of the
 * nearest node on its failure chain that has patterns: -2 - (where that run starts). Runs are
 * shared, never copied.
 */
export function outputLists(trie: Trie, withLinks: boolean, care: (pattern: number) => boolean): OutputLists {
  const { nodeCount: N, fail, depth, exact, patternNext } = trie;
  const outLink = new Int32Array(N).fill(-1);
  let size = 0;
  for (let v = 1; v < N; v++) {
    const f = fail[v];
    outLink[v] = exact[f] !== -1 ? f : outLink[f];
    if (exact[v] === -1) continue;
    for (let p = exact[v]; p !== -1; p = patternNext[p]) size += 2;
    size++;
  }
  const out = new Int32Array(N).fill(-1);
  const outList = new Int32Array(size);
  let w = 0;
  // Own runs first (in node order), jumps filled in once every run has its place.
  for (let v = 1; v < N; v++) {
    if (exact[v] === -1) continue;
    out[v] = w;
    for (let p = exact[v]; p !== -1; p = patternNext[p]) {
      outList[w++] = p;
      outList[w++] = care(p) ? -depth[v] : depth[v];
    }
    outList[w++] = -1;
  }
  for (let v = 1; v < N; v++) {
    const link = withLinks ? outLink[v] : -1;
    if (link === -1) continue;
    if (exact[v] === -1) {
      // No patterns of its own: the node's run is its link's.
      out[v] = out[link];
      continue;
    }
    let end = out[v];
    while (outList[end] >= 0) end += 2;
    outList[end] = -2 - out[link];
  }
  return { out, outList };
}
