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

export const MATCHER_FORMAT = 1;

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
  /** `dense`: a full transition table; `double-array`: a double-array trie with failure links. */
  layout: 'dense' | 'double-array';
  /** Number of states (dense) or of double-array slots. */
  stateCount: number;
  /**
   * Dense layout: `delta[s·K + c]` is the next state times K (K = classCount), bitwise negated
   * when the next state ends a keyword or the class needs attention. Empty otherwise.
   */
  delta: Int32Array;
  /**
   * Double-array layout: the child of slot s by class c is t = (base[s] & 0x7fffffff) + c when
   * check[t] = s; base[s] is negative when s ends a keyword. (Separate arrays beat one
   * interleaved array here: a failed transition reads only `check`, and `check` alone packs
   * four times as many slots per cache line.) Empty otherwise.
   */
  base: Int32Array;
  check: Int32Array;
  /** Double-array layout: the failure link of each slot. Empty otherwise. */
  fail: Int32Array;
  /** Per state: its depth (the normalised length of the text it stands for). */
  depth: Uint16Array;
  /** Per state: the first pattern whose normalised text ends exactly here, or -1. */
  exact: Int32Array;
  /** Per state: the nearest state on its failure chain with an exact pattern, or -1. */
  outputLink: Int32Array;
  /** Number of patterns (the input list, in order). */
  patternCount: number;
  /** Per pattern: the next pattern with the same normalised text, or -1. */
  patternNext: Int32Array;
  /** Per pattern: the length of its normalised text (0: it never matches). */
  patternLength: Int32Array;
  /** Per pattern: FLAG_* bits. */
  patternFlags: Uint8Array;
  /** Per pattern: its group (exception phrases suppress hits of their own group only). */
  patternGroup: Int32Array;
}
