// The time windows and exemptions of a rule (`during …`, `exempt customers …` inside a rule):
// a window of the day must not be empty (`10:00-10:00`), a `during days` entry must be a real
// calendar date `YYYY-MM-DD`, and a window or date given twice in one rule is a lint. The times
// themselves (`25:00`) are literals, checked by both front ends (language/literal-checks.ts);
// repeats inside one list are list-lints.ts's.
import { dayNumberOf } from '../../language/literal-checks.ts';
import { entryLoc, type LoadedList } from '../model/model.ts';
import { at, type Check } from './check.ts';

export const checkRuleWindows: Check = (model, accept) => {
  for (const r of model.rules) {
    const seenTimes = new Map<string, number>();
    for (const { window, loc } of r.times) {
      if (window.start === window.end) {
        accept(at(loc, 'hush/semantic/empty-window', 'error', `the window \`${window.text}\` is empty: it starts where it ends`, {
          help: 'a window ends before its start to cross midnight (`22:00-07:00`); for the whole day, leave out `during`',
        }));
        continue;
      }
      const line = seenTimes.get(window.text);
      if (line !== undefined) {
        accept(at(loc, 'hush/lint/duplicate-window', 'warning', `the window \`${window.text}\` is given twice in rule \`${r.name}\``, {
          help: `it is already given on line ${line}; remove one`,
        }));
      } else seenTimes.set(window.text, loc.range.start.line);
    }
    // A date in two `during days` lists of the rule: the first list holds it.
    const seenDays = new Map<string, LoadedList>();
    for (const list of r.days) {
      const mine = new Set<string>();
      list.values.forEach((v, i) => {
        const date = v.trim();
        if (dayNumberOf(date) === undefined) {
          if (v !== '') {
            accept(at(entryLoc(list, i), 'hush/semantic/bad-date', 'error', `\`${v}\` is not a date`, {
              help: 'write a calendar date as `YYYY-MM-DD` (`2026-06-07`), one a line in a list file',
            }));
          }
          return;
        }
        const first = seenDays.get(date);
        if (first && first !== list && !mine.has(date)) {
          accept(at(entryLoc(list, i), 'hush/lint/duplicate-window', 'warning', `the day \`${date}\` is given twice in rule \`${r.name}\``, {
            related: [{ ...first.loc, message: 'already in this list' }],
            help: 'remove it from one of the lists',
          }));
        }
        mine.add(date);
        if (!first) seenDays.set(date, list);
      });
    }
  }
};
