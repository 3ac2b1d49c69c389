// The compiled form of a keyword set: plain data in typed arrays, so that generated code can embed
// it as data (never as code) and the runtime can scan with it without rebuilding anything.
// runtime/matcher/README.md describes the design; keywords-to-matcher.ts builds it and
// matcher.ts scans with it.
import type { NormalizeStep } from './normalize.ts';

/** Reserved character classes; keyword characters have classes from FIRST_KEYWORD_CLASS up. */
export const CLASS_NONE = 0;
/** A code unit that normalises to nothing (under `symbols`): the automaton stays where it is. */
export const CLASS_SKIP = 1;
/** A code unit that needs a look at its context: a surrogate, a combining mark, an expansion. */
export const CLASS_ATTENTION = 2;
export const FIRST_KEYWORD_CLASS = 3;

/** Pattern flags. */
export const FLAG_OPEN_START = 1;
export const FLAG_OPEN_END = 2;
export const FLAG_WHOLE_WORD = 4;
export const FLAG_EXCEPTION = 8;

/** Deep states of the hybrid layout: classes below this (minus 3) have a bit in their record. */
export const RECORD_CLASSES = 32;

export const MATCHER_FORMAT = 2;

/**
 * `dense`: one transition table over every state (small sets). `hybrid`: dense rows for the
 * shallowest states, bitmap records for the others (large sets over small alphabets, such as
 * English). `pairs`: a bitset of the two-character starts of keywords, and forward walks in the
 * trie from each start it lets through (large sets over large alphabets, such as Chinese).
 */
export type MatcherLayout = 'dense' | 'hybrid' | 'pairs';

export interface MatcherData {
  format: typeof MATCHER_FORMAT;
  /** The normalisation steps, in pipeline order (empty for `none`). */
  steps: NormalizeStep[];
  /** Number of character classes, reserved ones included. */
  classCount: number;
  /**
   * For each UTF-16 code unit of the text: the class of the unit it normalises to, or a reserved
   * class (CLASS_NONE, CLASS_SKIP, CLASS_ATTENTION). 65,536 entries.
   */
  classMap: Uint16Array;
  /** The normalised code units that occur in keywords, sorted, and their classes. */
  alphabet: Uint16Array;
  alphabetClass: Uint16Array;
  layout: MatcherLayout;

  // The trie (trie.ts): nodes breadth first, children consecutive and sorted by class.
  nodeCount: number;
  /** Children of node v: first[v] up to first[v + 1]. Empty for `dense` (its table has them). */
  first: Int32Array;
  /** The class of the edge into each node. Empty for `dense`. */
  label: Uint16Array;
  /** Uint8Array when every keyword is shorter than 256 units. */
  depth: Uint8Array | Uint16Array;
  /** Where each node's output list starts in `outList`, or -1. Empty for `hybrid` (rows and records hold it). */
  out: Int32Array;
  /**
   * Each node's run: its own patterns as (pattern, normalised length) pairs, the length negated
   * when the pattern needs a whole-word check; then -1, or (dense and hybrid) a jump to the run
   * of the nearest node on its failure chain with patterns: -2 - (where that run starts).
   */
  outList: Int32Array;

  /**
   * `dense`: delta[v·K + c] is the next state times K (K = classCount), bitwise negated when it
   * has outputs or the class needs attention. Empty otherwise.
   */
  delta: Int32Array;

  /**
   * `hybrid`: the rows of the first `denseCount` nodes (breadth first), K + 1 entries each: for
   * each class the next state (failure resolved) as a row offset v·(K + 1) or as a record state
   * R + 4·(v − denseCount) (R = denseCount·(K + 1)), bitwise negated when it has outputs; then
   * where the node's output list starts (or -1). Classes 1 (skip) and 2 (attention) stay put,
   * attention flagged.
   */
  rows: Int32Array;
  /** `hybrid`: how many nodes have rows. */
  denseCount: number;
  /**
   * `hybrid`: for every node v from `denseCount` up, four entries at 4·(v − denseCount): a bit
   * per class 3..34 that has a child, the first child's state (their states are consecutive, in
   * class order), the failure link's state, and where its output list starts (or -1).
   */
  records: Int32Array;
  /** `hybrid`: a bit per record node, set when it has outputs. */
  recordOut: Int32Array;
  /**
   * `hybrid`: edges of record nodes by classes the bitmaps do not cover (35 and up), sorted by
   * parent node then class: parent, class, child.
   */
  rareEdges: Int32Array;

  /**
   * `pairs`: a bit at x·K + y when the class pair (x, y) starts a keyword (the node for xy
   * exists), when y alone is a keyword, and for every x when y is CLASS_ATTENTION.
   */
  pairBits: Int32Array;
  /**
   * `pairs`: 0 when the bit of (x, y) is x·K + y; else, for alphabets too large for a bit per
   * pair, the bit is (x·K + y)·0x9e3779b1 >>> pairShift (a hash: a set bit then only says "look").
   */
  pairShift: number;
  /** `pairs`: the depth-one node of each class, or -1. */
  rootChild: Int32Array;

  /** Number of patterns (the input list, in order). */
  patternCount: number;
  /** Per pattern: the length of its normalised text (0: it never matches). */
  patternLength: Int32Array;
  /** Per pattern: FLAG_* bits. */
  patternFlags: Uint8Array;
  /** Per pattern: its group (exception phrases suppress hits of their own group only). */
  patternGroup: Int32Array;
  /**
   * Whether a normalised keyword holds a surrogate that is not half of a pair. Without one, no
   * hit starts or ends inside a surrogate pair of the text, and a pair that normalises to itself
   * keeps the fast path's spans exact. Data built before this field has none: read as true.
   */
  loneSurrogates?: boolean;
}
