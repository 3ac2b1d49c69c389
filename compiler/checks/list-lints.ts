// Lints and errors on lists: entries repeated within a list, and customers that are both exempt
// and blacklisted (an error: PRODUCT.md's order of evaluation makes the exemption meaningless).
import { entryLoc, type LoadedList } from '../model/model.ts';
import { listStats } from '../model/list-stats.ts';
import { countText as n } from '../wording.ts';
import { at, type Check } from './check.ts';

export const checkListLints: Check = (model, accept) => {
  const all: { list: LoadedList; what: string }[] = [];
  for (const l of model.enterpriseBlacklist) all.push({ list: l, what: 'the enterprise blacklist' });
  for (const [owner, ls] of model.personalBlacklists) for (const l of ls) all.push({ list: l, what: `the personal blacklist of \`${owner}\`` });
  for (const l of model.exempt) all.push({ list: l, what: 'the exempt customers' });
  for (const r of model.rules) {
    for (const l of r.groups) all.push({ list: l, what: `the groups of rule \`${r.name}\`` });
    for (const l of r.allow.links) all.push({ list: l, what: `the link whitelist of rule \`${r.name}\`` });
    for (const l of r.allow.miniprograms) all.push({ list: l, what: `the mini-program whitelist of rule \`${r.name}\`` });
    for (const l of r.allow.cards) all.push({ list: l, what: `the card whitelist of rule \`${r.name}\`` });
    for (const l of r.exceptions) all.push({ list: l, what: `the exception phrases of rule \`${r.name}\`` });
    for (const l of r.exempt) all.push({ list: l, what: `the exempt customers of rule \`${r.name}\`` });
    for (const l of r.days) all.push({ list: l, what: `the days of rule \`${r.name}\`` });
  }
  for (const l of model.ladders) for (const m of l.members) all.push({ list: m, what: `the members of ladder \`${l.name}\`` });
  const reported = new Set<string[]>();
  for (const { list, what } of all) {
    if (reported.has(list.values)) continue;
    reported.add(list.values);
    const stats = listStats(list.values);
    const total = list.values.length - stats.distinct;
    stats.duplicates.forEach((i, k) => {
      accept(at(entryLoc(list, i), 'hush/lint/duplicate-entry', 'warning', `\`${list.values[i]}\` is listed twice in ${what}`, {
        help: k === 0 && total > stats.duplicates.length ? `${n(total)} repeated entries in all; only the first ${stats.duplicates.length} are shown` : 'remove the repeated entry',
      }));
    });
    for (let i = 0; i < list.values.length; i++) {
      if (list.values[i] === '') accept(at(entryLoc(list, i), 'hush/semantic/empty-entry', 'error', `an entry of ${what} is empty`));
    }
  }

  // Exempt and blacklisted at once. The exempt list is small; scan the blacklists against it.
  const exempt = new Map<string, { list: LoadedList; i: number }>();
  for (const l of model.exempt) l.values.forEach((v, i) => exempt.has(v) || exempt.set(v, { list: l, i }));
  if (exempt.size === 0) return;
  const scan = (l: LoadedList, what: string) => {
    for (let i = 0; i < l.values.length; i++) {
      const hit = exempt.get(l.values[i]);
      if (!hit) continue;
      accept(at(entryLoc(hit.list, hit.i), 'hush/semantic/exempt-and-blacklisted', 'error', `customer \`${l.values[i]}\` is both exempt and on ${what}`, {
        related: [{ ...entryLoc(l, i), message: `on ${what} here` }],
        help: 'a blacklisted customer is stopped before exemptions apply; remove the customer from one of the lists',
      }));
    }
  };
  for (const l of model.enterpriseBlacklist) scan(l, 'the enterprise blacklist');
  for (const [owner, ls] of model.personalBlacklists) for (const l of ls) scan(l, `the personal blacklist of \`${owner}\``);
};
