// The set's own variant lines (`variants of "微信" "薇信", "vx"`, spec/language.md §10): each
// spelling must be one a keyword can stand for. An empty word or spelling is an error (the empty
// entry of any list), and so is a spelling that the steps of a rule with `variants` normalise to
// nothing: it would not be skipped but cut the word out of every keyword holding it (`加微信`
// would also match every `加`). A spelling equal to the word, a spelling given twice for a word
// (in any of its declarations) or one the curated table already has, and variant lines in a set
// where no rule has the `variants` step, are lints.
import { normalizeKeyword } from '../../runtime/text/normalize-reference.ts';
import type { NormalizeStep as RuntimeNormalizeStep } from '../../runtime/text/normalize-steps.ts';
import { CURATED_VARIANTS, variantWordKey } from '../../runtime/text/variants.ts';
import { entryLoc } from '../model/model.ts';
import { NORMALIZE_STEP_TO_RUNTIME, stepsToRuntime } from '../model/normalize-steps.ts';
import { at, type Check } from './check.ts';

export const checkVariants: Check = (model, accept) => {
  if (model.variants.length === 0) return;
  // The distinct steps of the rules that read the lines (unknown steps are reported elsewhere).
  const profiles = new Map<string, RuntimeNormalizeStep[]>();
  for (const r of model.rules) {
    if (!r.normalize.includes('variants') || !r.normalize.every((s) => s in NORMALIZE_STEP_TO_RUNTIME)) continue;
    const steps = stepsToRuntime(r.normalize);
    profiles.set(steps.join(','), steps);
  }
  const used = model.rules.some((r) => r.normalize.includes('variants'));
  const given = new Map<string, Set<string>>();
  for (const v of model.variants) {
    if (!used) {
      accept(at(v.loc, 'hush/lint/unused-variants', 'warning', `variant line of \`${v.word}\` is read by no rule: none has the \`variants\` step`, {
        help: 'add `variants` to the `normalize` line of the set or of the rules that should match these spellings, or remove the line',
      }));
    }
    const word = variantWordKey(v.word);
    if (word === '') {
      accept(at(v.wordLoc, 'hush/semantic/empty-entry', 'error', 'the word of a variant line is empty'));
      continue;
    }
    const seen = given.get(word) ?? new Set<string>();
    given.set(word, seen);
    const curated = CURATED_VARIANTS.words.get(word) ?? [];
    const list = v.spellings;
    list.values.forEach((x, i) => {
      const loc = entryLoc(list, i);
      if (x === '') {
        accept(at(loc, 'hush/semantic/empty-entry', 'error', `a spelling of \`${v.word}\` is empty`));
        return;
      }
      if (variantWordKey(x) === word) {
        accept(at(loc, 'hush/lint/variant-is-word', 'warning', `\`${x}\` is the word \`${v.word}\` itself, not another spelling of it`, {
          help: 'a keyword always matches its own words; remove the entry',
        }));
        return;
      }
      if (seen.has(x)) {
        accept(at(loc, 'hush/lint/duplicate-variant', 'warning', `\`${x}\` is given twice as a spelling of \`${v.word}\``, { help: 'remove the repeated entry' }));
        return;
      }
      seen.add(x);
      if (curated.includes(x)) {
        accept(at(loc, 'hush/lint/duplicate-variant', 'warning', `\`${x}\` is already a spelling of \`${v.word}\` in the curated table`, {
          help: 'the `variants` step already matches it (spec/language.md §10); remove the entry',
        }));
        return;
      }
      for (const steps of profiles.values()) {
        if (normalizeKeyword(x, steps) !== '') continue;
        accept(at(loc, 'hush/semantic/variant-normalizes-empty', 'error', `the spelling \`${x}\` of \`${v.word}\` normalises to nothing under \`${steps.join(', ')}\``, {
          help: 'a spelling that normalises to nothing would cut the word out of every keyword that holds it; write the spelling with a letter, digit or character that the steps keep',
        }));
        break;
      }
    });
  }
};
