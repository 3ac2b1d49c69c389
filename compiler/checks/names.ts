// Names: rule and ladder names are unique across the policy set; every category a rule records
// or a ladder counts is built in or declared.
import type { Check } from './check.ts';
import { at, locOf } from './check.ts';
import type { Loc } from '../model/model.ts';
import { closest as closestWord, NAME_TOLERANCE } from '../../language/suggest.ts';

export const checkNames: Check = (model, accept) => {
  const unique = (kind: string, items: { name: string; nameLoc: Loc }[]) => {
    const first = new Map<string, Loc>();
    for (const it of items) {
      const prev = first.get(it.name);
      if (prev) {
        accept(at(it.nameLoc, 'hush/semantic/duplicate-name', 'error', `${kind} \`${it.name}\` is defined twice`, {
          related: [{ ...prev, message: 'first defined here' }],
          help: `${kind} names are unique across the whole policy set`,
        }));
      } else first.set(it.name, it.nameLoc);
      if (it.name.trim() === '') accept(at(it.nameLoc, 'hush/semantic/empty-name', 'error', `a ${kind} needs a name`));
    }
  };
  unique('rule', model.rules);
  unique('ladder', model.ladders);

  const known = [...model.categories.keys()];
  const checkCategory = (file: string, c: { name: string; range: import('../../language/diagnostic.ts').Range }) => {
    if (model.categories.has(c.name)) return;
    const near = closest(c.name, known);
    accept(at(locOf(file, c), 'hush/semantic/unknown-category', 'error', `unknown category \`${c.name}\``, {
      help: near ? `did you mean \`${near}\`? custom categories are declared with \`category ${c.name}\`` : `declare it with \`category ${c.name}\``,
    }));
  };
  for (const r of model.rules) {
    for (const w of r.whens) for (const a of w.actions) if (a.type === 'record') checkCategory(r.loc.file, a.category);
  }
  for (const l of model.ladders) for (const c of l.counts) checkCategory(l.loc.file, c);
};

/** The known name closest to `name` by edit distance, when it is close enough to be a typo. */
export function closest(name: string, known: string[]): string | undefined {
  return closestWord(name, known, NAME_TOLERANCE);
}
