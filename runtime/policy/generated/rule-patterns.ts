// The pattern keywords of a compiled policy (spec/language.md §5, `pattern`): per rule that has
// some, its patterns compiled with re2js and its exception phrases normalised, matched on the
// text normalised with the rule's profile (once per profile and message) by the same function as
// the interpreter's (runtime/pattern/pattern-hits.ts). A hit is recorded in the message context
// like a keyword's, under the number `-1 - n` of the pattern (n counts the policy's patterns in
// rule order), so the context sorts it after the rule's keywords, as the interpreter does.
import type { RE2JS } from 're2js';
import type { IrNormalizeStep, IrVariant } from '../../ir.ts';
import { exceptionSpans, preparePattern, rulePatternHits, type ExceptionSpan } from '../../pattern/pattern-hits.ts';
import { normalizeKeyword, normalizeText, type NormalizedText } from '../../text/normalize-reference.ts';
import { exceptionVariants, variantTable } from '../../text/variants.ts';
import type { MessageContext } from './message-context.ts';
import type { Candidates, RuleMeta } from './policy-core.ts';

/** [rule, its patterns as written, its exception phrases as written]. */
export type PatternSpec = readonly [rule: number, patterns: readonly string[], exceptions: readonly string[]];

interface RuleEntry {
  profile: number;
  /** The number of the rule's first pattern among the policy's. */
  base: number;
  res: RE2JS[];
  exceptions: { raw: string; norm: string }[];
}

export class RulePatterns {
  private readonly byRule = new Map<number, RuleEntry>();
  private readonly sources: string[] = [];
  /** The message's normalised text per profile, for the message being scanned. */
  private readonly texts = new Map<number, NormalizedText>();

  /** `variants`: the set's own variant lines (IR `variants`), which the exception phrases of a rule with the `variants` step also stand for. */
  constructor(specs: readonly PatternSpec[], private readonly profiles: readonly (readonly IrNormalizeStep[])[], rules: readonly RuleMeta[], variants?: readonly Pick<IrVariant, 'word' | 'spellings'>[]) {
    const table = variantTable(variants);
    for (const [rule, patterns, exceptions] of specs) {
      const profile = rules[rule][0];
      if (profile < 0) continue;
      const steps = profiles[profile];
      this.byRule.set(rule, {
        profile,
        base: this.sources.length,
        res: patterns.map(preparePattern),
        exceptions: exceptions.flatMap((raw) => exceptionVariants(raw, steps, table).map((v) => ({ raw, norm: normalizeKeyword(v, steps) }))).filter((e) => e.norm !== ''),
      });
      this.sources.push(...patterns);
    }
  }

  has(rule: number): boolean {
    return this.byRule.has(rule);
  }

  /** The n-th pattern of the policy, as written. */
  source(n: number): string {
    return this.sources[n];
  }

  /** Records the hits of the patterns of `rules` (those of the message's rule set that have some). */
  scan(x: MessageContext, marks: Candidates, rules: readonly number[]): void {
    const text = x.msg.text;
    this.texts.clear();
    for (const r of rules) {
      const e = this.byRule.get(r)!;
      let n = this.texts.get(e.profile);
      if (n === undefined) this.texts.set(e.profile, (n = normalizeText(text, this.profiles[e.profile])));
      const spans: ExceptionSpan[] = exceptionSpans(n.text, e.exceptions);
      for (const h of rulePatternHits(e.res, n, spans)) {
        if (h.exception !== undefined) continue;
        if (x.addHit(r, -1 - (e.base + h.pattern), h.start, h.end)) marks.add(r);
      }
    }
    this.texts.clear();
  }
}
