// The checker's passes, in the order they run. This table is the architecture of the checker:
// each entry says what it must run after and why. Every pass reads the checked model built by
// `ast-to-model.ts` and reports through `accept`; none throws and none changes the model.
import type { Check } from './check.ts';
import { checkNames } from './names.ts';
import { checkRuleStructure } from './rule-structure.ts';
import { checkLadders } from './ladders.ts';
import { checkLimits } from './limits.ts';
import { checkKeywordLints } from './keyword-lints.ts';
import { checkListLints } from './list-lints.ts';
import { checkQuota } from './quota.ts';
import { checkPatterns } from './patterns.ts';
import { checkVariants } from './variants.ts';
import { checkRuleWindows } from './rule-windows.ts';

export interface Pass {
  name: string;
  /** Passes this one must follow, by name (checked by passes.test.ts, with the run order). */
  after: string[];
  what: string;
  run: Check;
}

export const passes: Pass[] = [
  // Runs after the model is built (parse → lists loaded → declarations merged across files).
  { name: 'names', after: [], what: 'unique rule and ladder names; every recorded or counted category is known', run: checkNames },
  { name: 'rule-structure', after: ['names'], what: 'owners, groups, triggers with their lists, counts, durations, normalisation', run: checkRuleStructure },
  { name: 'ladders', after: ['names'], what: 'ladder categories, step numbering, sanctions, appealability, unreachable steps, `members` and `while linked blocked`', run: checkLadders },
  // The quota stands alone: it names nothing the other passes check.
  { name: 'quota', after: [], what: 'one quota per set, of a known kind, with a daily base, sane amounts, thresholds, bounds and time zone', run: checkQuota },
  // Limits count entries of loaded lists, so they follow structure (which reports empty lists);
  // the linked-account restore limit follows the ladders pass, which reports a missing one.
  { name: 'limits', after: ['rule-structure', 'ladders'], what: 'every documented limit of the profile, the batch plan, the creator quotas and the linked-account restore delay', run: checkLimits },
  // Patterns stand alone: each compiles (or not) by itself; Hush's own limits bound them.
  { name: 'patterns', after: [], what: 'every `pattern` compiles with RE2 syntax, matches something, and stays within Hush\'s pattern limits', run: checkPatterns },
  // Windows stand alone: each `during` line and each date is checked by itself and against its rule's others.
  { name: 'rule-windows', after: [], what: 'time windows that are not empty, dates that are real, no window or date twice in a rule', run: checkRuleWindows },
  // Variant lines read the rules' steps only; each line stands alone otherwise.
  { name: 'variants', after: [], what: 'every variant line has a word and spellings that differ from it, are not repeated and do not normalise to nothing; some rule reads them', run: checkVariants },
  { name: 'keyword-lints', after: ['rule-structure'], what: 'duplicate and redundant keywords', run: checkKeywordLints },
  { name: 'list-lints', after: ['limits'], what: 'repeated list entries; customers both exempt and blacklisted', run: checkListLints },
];
