// Lints on a rule's keywords: a keyword given twice, and a keyword that contains another keyword
// of the same rule (the longer one can never add a match: the shorter fires wherever it does).
// Keywords are compared as the matcher compares them: the `*` marks at their ends split off
// (runtime keyword syntax) and the rest normalised by the runtime's reference normaliser with the
// rule's steps, so two keywords the lint calls the same are two keywords the matcher cannot tell apart.
import type { NormalizeStep } from '../../language/builtins.ts';
import { normalizeKeyword } from '../../runtime/text/normalize-reference.ts';
import { keywordCore } from '../../runtime/text/text-semantics.ts';
import { entryLoc, type RuleModel } from '../model/model.ts';
import { stepsToRuntime } from '../model/normalize-steps.ts';
import { at, type Check } from './check.ts';

/** The form in which the matcher compares a keyword: its normalised text, with its `*` marks. */
export function comparableKeyword(keyword: string, steps: readonly NormalizeStep[]): string {
  const { core, openStart, openEnd } = keywordCore(keyword);
  const norm = normalizeKeyword(core, stepsToRuntime(steps));
  return `${openStart ? '*' : ''}${norm}${openEnd ? '*' : ''}`;
}

function comparable(steps: readonly NormalizeStep[]): (s: string) => string {
  return (s) => comparableKeyword(s, steps);
}

export const checkKeywordLints: Check = (model, accept) => {
  for (const r of model.rules) lintRule(r, accept);
};

function lintRule(r: RuleModel, accept: Parameters<Check>[1]): void {
  const norm = comparable(r.normalize);
  const first = new Map<string, { li: number; i: number }>();
  const entries: { key: string; li: number; i: number; wholeWord: boolean }[] = [];
  r.keywords.forEach(({ list, wholeWord }, li) => {
    list.values.forEach((v, i) => {
      const key = norm(v);
      if (key.trim() === '' || key.replace(/\*/g, '').trim() === '') {
        accept(at(entryLoc(list, i), 'hush/semantic/empty-keyword', 'error', 'a keyword is empty', { help: 'remove it' }));
        return;
      }
      const prev = first.get(key);
      if (prev) {
        accept(at(entryLoc(list, i), 'hush/lint/duplicate-keyword', 'warning', `keyword \`${v}\` is given twice in rule \`${r.name}\``, {
          related: [{ ...entryLoc(r.keywords[prev.li].list, prev.i), message: 'first given here' }],
          help: 'remove the second one',
        }));
        return;
      }
      first.set(key, { li, i });
      entries.push({ key, li, i, wholeWord });
    });
  });
  // Sorted by length, each keyword is compared only with shorter ones, and the first of them
  // (in this order) that it contains is reported. Either by scanning every shorter keyword, or,
  // when cheaper, by looking up the substrings of the longer one at the lengths shorter keywords
  // have: a rule taking thousands of keywords from a list file stays near-linear in them (the
  // scan alone made a keystroke in a 98 KB keyword list take seconds in the language server).
  const byLength = [...entries].sort((a, b) => a.key.length - b.key.length);
  const shorter = new Map<string, number>();
  const lengths: number[] = [];
  for (let j = 0; j < byLength.length; j++) {
    const long = byLength[j];
    if (j > 0 && byLength[j - 1].key.length < long.key.length) {
      for (let k = j - 1; k >= 0 && byLength[k].key.length === byLength[j - 1].key.length; k--) {
        const s = byLength[k];
        if (!s.wholeWord && !s.key.includes('*') && !shorter.has(s.key)) shorter.set(s.key, k);
      }
      if (lengths.length === 0 || lengths[lengths.length - 1] !== byLength[j - 1].key.length) lengths.push(byLength[j - 1].key.length);
    }
    if (long.wholeWord) continue;
    let found = -1;
    if (long.key.length * lengths.length < j) {
      for (const len of lengths) {
        for (let s = 0; s + len <= long.key.length; s++) {
          const k = shorter.get(long.key.slice(s, s + len));
          if (k !== undefined && (found === -1 || k < found)) found = k;
        }
        if (found !== -1) break;
      }
    } else {
      for (let k = 0; k < j; k++) {
        const short = byLength[k];
        if (short.key.length === long.key.length) break;
        if (short.wholeWord || short.key.includes('*')) continue;
        if (long.key.includes(short.key)) {
          found = k;
          break;
        }
      }
    }
    if (found !== -1) {
      const short = byLength[found];
      const shortList = r.keywords[short.li].list;
      const longList = r.keywords[long.li].list;
      accept(at(entryLoc(longList, long.i), 'hush/lint/redundant-keyword', 'warning', `keyword \`${longList.values[long.i]}\` contains keyword \`${shortList.values[short.i]}\` of the same rule`, {
        related: [{ ...entryLoc(shortList, short.i), message: 'the shorter keyword, which already matches' }],
        help: 'the longer keyword never adds a match; remove it, or use an exception phrase with `except`',
      }));
    }
  }
}
