// One interface over the three layouts (matcher-data.ts), for everything off the hot loop: the
// attention handler, the slow and long paths, hit reporting and the warm-up. Kernel states are
// the kernels' own numbers (a premultiplied row, a record offset, or for `pairs` a node); nodes
// are trie nodes (breadth-first numbers, trie.ts).
import { FIRST_KEYWORD_CLASS, RECORD_CLASSES, type MatcherData } from './matcher-data.ts';
import { trieChild } from './trie.ts';

export interface LayoutView {
  /** Where the output list of a kernel state (a raw hit) starts in `outList`, or -1. */
  head(state: number): number;
  /** The kernel state after a keyword class or 0 (automaton layouts; `pairs` has none). */
  step(state: number, cls: number): number;
  /** The depth of a kernel state (automaton layouts). */
  depthOf(state: number): number;
  /** The child of a node by a keyword class, or -1. */
  child(node: number, cls: number): number;
  /** Where the output list of a node starts, or -1. */
  nodeHead(node: number): number;
  /** The classes of a node's children (for the warm-up; small trees only for the automaton layouts). */
  childClasses(node: number): number[];
  /** `hybrid`: the record state that record node `node` reaches by a class outside its bitmap, or -1. */
  rare(node: number, cls: number): number;
}

export function layoutView(data: MatcherData): LayoutView {
  const K = data.classCount;
  const { delta, depth, out, records, rareEdges, first, label } = data;
  const decode = (e: number) => (e < 0 ? ~e : e);
  const childClasses = (node: number, child: (v: number, c: number) => number) => {
    const cs: number[] = [];
    for (let c = FIRST_KEYWORD_CLASS; c < K; c++) if (child(node, c) >= 0) cs.push(c);
    return cs;
  };

  if (data.layout === 'dense') {
    const child = (v: number, c: number) => {
      const t = decode(delta[v * K + c]) / K;
      return depth[t] === depth[v] + 1 ? t : -1;
    };
    return {
      head: (s) => out[s / K],
      step: (s, c) => decode(delta[s + c]),
      depthOf: (s) => depth[s / K],
      child,
      nodeHead: (v) => out[v],
      childClasses: (v) => childClasses(v, child),
      rare: () => -1,
    };
  }

  if (data.layout === 'hybrid') {
    const W = K + 1;
    const M = data.denseCount;
    const R = M * W;
    const { rows } = data;
    const stateOf = (v: number) => (v < M ? v * W : R + 4 * (v - M));
    const nodeOf = (s: number) => (s < R ? s / W : M + ((s - R) >> 2));
    const rareCount = rareEdges.length / 3;
    /** The record state that record node `parent` reaches by a class outside its bitmap, or -1. */
    const rare = (parent: number, c: number): number => {
      let lo = 0;
      let hi = rareCount - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const p = rareEdges[3 * mid];
        const l = rareEdges[3 * mid + 1];
        if (p === parent && l === c) return stateOf(rareEdges[3 * mid + 2]);
        if (p < parent || (p === parent && l < c)) lo = mid + 1;
        else hi = mid - 1;
      }
      return -1;
    };
    /** The child state of a record state by a keyword class, or -1. */
    const recordChild = (s: number, c: number): number => {
      const cc = c - FIRST_KEYWORD_CLASS;
      const r = s - R;
      if (cc >= RECORD_CLASSES) return rare(M + (r >> 2), c);
      const bits = records[r];
      if (((bits >>> cc) & 1) === 0) return -1;
      let x = bits & ~(-1 << cc);
      let rank = 0;
      for (; x !== 0; x &= x - 1) rank++;
      return records[r + 1] + 4 * rank;
    };
    const step = (s: number, c: number): number => {
      if (c < FIRST_KEYWORD_CLASS) return c === 0 ? 0 : s;
      for (let x = s; ; ) {
        if (x < R) return decode(rows[x + c]);
        const e = recordChild(x, c);
        if (e >= 0) return e;
        x = records[x - R + 2];
      }
    };
    const child = (v: number, c: number): number => {
      if (v >= M) {
        const e = recordChild(stateOf(v), c);
        return e < 0 ? -1 : nodeOf(e);
      }
      const t = nodeOf(decode(rows[v * W + c]));
      return depth[t] === depth[v] + 1 ? t : -1;
    };
    const head = (s: number) => (s < R ? rows[s + K] : records[s - R + 3]);
    return {
      head,
      step,
      depthOf: (s) => depth[nodeOf(s)],
      child,
      nodeHead: (v) => head(stateOf(v)),
      childClasses: (v) => childClasses(v, child),
      rare,
    };
  }

  // pairs
  return {
    head: (v) => out[v],
    step: () => 0,
    depthOf: (v) => depth[v],
    child: (v, c) => trieChild(first, label, v, c),
    nodeHead: (v) => out[v],
    childClasses: (v) => Array.from(label.subarray(first[v], first[v + 1])),
    rare: () => -1,
  };
}
