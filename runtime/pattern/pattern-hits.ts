// Where a rule's patterns match a message (spec/language.md §5, `pattern`): on the text
// normalised with the rule's steps, like its keywords, each pattern's matches from left to right,
// leftmost first and not overlapping one another (RE2's and JavaScript's `g` semantics), an empty
// match never counted; each match maps back to its span in the original text (UTF-16) through
// the normaliser's map, so a span never splits a surrogate pair or a character from its marks.
// The interpreter and generated code both call this: they share one implementation of patterns,
// and pattern-hits.test.ts holds it to a naive oracle (JavaScript's RegExp on safe patterns).
import type { RE2JS } from 're2js';
import type { NormalizedText } from '../text/normalize-steps.ts';
import { compilePattern } from './compile-pattern.ts';

/** One match of a pattern: its span in the normalised text and in the original text. */
export interface PatternMatch {
  normStart: number;
  normEnd: number;
  start: number;
  end: number;
}

/** A pattern of a checked policy, compiled; the checker has refused every pattern that fails here. */
export function preparePattern(source: string): RE2JS {
  const c = compilePattern(source);
  if (!c.ok) throw new Error(`a checked policy holds a pattern re2js refuses: ${c.problem.message}`);
  return c.re;
}

/** Every match of `re` in a normalised text, in text order, with its span in the original text. */
export function patternMatches(re: RE2JS, n: NormalizedText): PatternMatch[] {
  const out: PatternMatch[] = [];
  if (n.text.length === 0) return out;
  const m = re.matcher(n.text);
  while (m.find()) {
    const i = m.start();
    const j = m.end();
    // An empty match is never a hit (a pattern that matches the empty text is refused; `\b` alone is not).
    if (j > i) out.push({ normStart: i, normEnd: j, start: n.starts[i], end: n.ends[j - 1] });
  }
  return out;
}

/** An occurrence of an exception phrase in the normalised text. */
export interface ExceptionSpan {
  start: number;
  end: number;
  raw: string;
}

/** Every occurrence (overlapping ones too) of the normalised exception phrases in a normalised text. */
export function exceptionSpans(normalized: string, exceptions: readonly { raw: string; norm: string }[]): ExceptionSpan[] {
  const out: ExceptionSpan[] = [];
  for (const e of exceptions) {
    if (e.norm === '') continue;
    for (let i = normalized.indexOf(e.norm); i !== -1; i = normalized.indexOf(e.norm, i + 1)) out.push({ start: i, end: i + e.norm.length, raw: e.raw });
  }
  return out;
}

/** A match of one of a rule's patterns, with the exception phrase it lies inside, if any. */
export interface RulePatternHit extends PatternMatch {
  /** The pattern's position among the rule's patterns. */
  pattern: number;
  exception?: string;
}

/**
 * The matches of a rule's patterns in a normalised text, pattern by pattern, each with the
 * exception phrase it lies inside (a hit inside an exception does not fire, as for keywords); a
 * pattern's matches that map to one original span are one hit.
 */
export function rulePatternHits(patterns: readonly RE2JS[], n: NormalizedText, exceptions: readonly ExceptionSpan[]): RulePatternHit[] {
  const out: RulePatternHit[] = [];
  patterns.forEach((re, pattern) => {
    let last: PatternMatch | undefined;
    for (const m of patternMatches(re, n)) {
      // Matches next to one another can map to one original span (NFKC expands `ⅲ` to `iii`): once.
      if (last && last.start === m.start && last.end === m.end) continue;
      last = m;
      const x = exceptions.find((e) => e.start <= m.normStart && m.normEnd <= e.end);
      out.push(x ? { ...m, pattern, exception: x.raw } : { ...m, pattern });
    }
  });
  return out;
}
