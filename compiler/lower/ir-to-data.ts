// Lowers the IR's bulk data to the sections of a data blob (runtime/policy/generated/data-blob.ts) that generated
// code opens at load time, and plans the indexes code generation refers to by number:
//
// - blacklists and exempt customers: string tables (runtime/policy/generated/string-table.ts);
// - groups: identical group lists are merged first (a thousand rules often share a handful of
//   lists), then every group maps to a *rule set*, the sorted ids of the rules that apply to it;
//   groups with the same rules share one rule set, so the index is one table of groups plus a
//   short list of rule sets;
// - keywords: rules are grouped by normalisation profile; each profile has one keyword matcher
//   (runtime/matcher/) over the keywords and exception phrases of all its rules, each pattern in
//   its rule's group (so exceptions act within their rule), and a map from pattern to (rule,
//   keyword);
// - whitelists: identical link, mini-program and card whitelists are merged and numbered; links
//   index their patterns by host, mini-programs and cards map each id to the whitelists that
//   hold it.
//
// Everything is built in IR order, so the same IR always gives the same bytes.
import type { SectionArray } from '../../runtime/policy/generated/data-blob.ts';
import { encodeStrings } from '../../runtime/policy/generated/data-blob.ts';
import type { IrNormalizeStep, IrPolicySet, IrRule } from '../../runtime/ir.ts';
import { prepareLinkPattern } from '../../runtime/text/links.ts';
import { buildMatcher, keywordCore, normalizeKeyword, type KeywordSpec } from '../../runtime/matcher/index.ts';
import { exceptionVariants, keywordVariants, variantTable } from '../../runtime/text/variants.ts';
import { matcherSections } from '../../runtime/policy/generated/matcher-sections.ts';
import { buildStringTable } from '../../runtime/policy/generated/string-table.ts';
import * as L from '../../runtime/policy/generated/blob-layout.ts';


export interface RulePlan {
  /** The keyword profile of the rule's `when keyword` triggers, or -1 (no keyword trigger). */
  profile: number;
  /** The rule's link, mini-program and card whitelist numbers, or -1 (no such trigger). */
  linkList: number;
  miniprogramList: number;
  cardList: number;
}

export interface PolicyData {
  sections: [string, SectionArray][];
  /** The distinct normalisation profiles (sorted steps), in first use order. */
  profiles: IrNormalizeStep[][];
  rules: RulePlan[];
  /** Owners of personal blacklists, in IR order: table `bl.p<i>` is the i-th owner's. */
  owners: string[];
  counts: { ruleSets: number; groups: number; linkLists: number; miniprogramLists: number; cardLists: number; patterns: number[] };
}

/** Numbers distinct values (by a string key) in first-seen order. */
class Numbering<T> {
  readonly items: T[] = [];
  private readonly index = new Map<string, number>();
  id(key: string, item: T): number {
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.items.length;
      this.items.push(item);
      this.index.set(key, i);
    }
    return i;
  }
}

/** Merges identical string lists without building one huge key per list: hash, then compare. */
class ListNumbering {
  readonly lists: (readonly string[])[] = [];
  private readonly byHash = new Map<number, number[]>();
  id(list: readonly string[]): number {
    const same = this.lists.indexOf(list);
    if (same >= 0) return same;
    let h = list.length | 0;
    for (const s of list) {
      for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
      h = Math.imul(h ^ 0xff, 0x01000193);
    }
    const candidates = this.byHash.get(h) ?? [];
    for (const c of candidates) {
      const other = this.lists[c];
      if (other.length === list.length && other.every((x, i) => x === list[i])) return c;
    }
    candidates.push(this.lists.length);
    this.byHash.set(h, candidates);
    this.lists.push(list);
    return this.lists.length - 1;
  }
}

function profileOf(steps: readonly IrNormalizeStep[]): IrNormalizeStep[] {
  return [...new Set(steps)].filter((s) => s !== 'none').sort();
}

const has = (r: IrRule, type: string) => r.triggers.some((t) => t.type === type);

function strings(prefix: string, xs: readonly string[]): [string, SectionArray][] {
  const { units, offsets } = encodeStrings(xs);
  return [
    [L.stringsUnits(prefix), units],
    [L.stringsOffsets(prefix), offsets],
  ];
}

/** A posting list: for each key, the numbers it maps to, as offsets into one flat array. */
function postings(lists: readonly number[][]): { start: Uint32Array; items: Uint32Array } {
  const start = new Uint32Array(lists.length + 1);
  let n = 0;
  lists.forEach((l, i) => {
    start[i] = n;
    n += l.length;
  });
  start[lists.length] = n;
  const items = new Uint32Array(n);
  let at = 0;
  for (const l of lists) for (const x of l) items[at++] = x;
  return { start, items };
}

export function irToData(ir: IrPolicySet): PolicyData {
  const sections: [string, SectionArray][] = [];

  // Blacklists and exempt customers.
  sections.push(...buildStringTable(L.BL_ENTERPRISE, ir.enterpriseBlacklist));
  const owners = ir.personalBlacklists.map((p) => p.owner);
  sections.push(...strings(L.BL_OWNERS, owners));
  ir.personalBlacklists.forEach((p, i) => sections.push(...buildStringTable(L.blPersonal(i), p.customers)));
  sections.push(...buildStringTable(L.EXEMPT, ir.exempt));

  // Groups → rule sets.
  const groupLists = new ListNumbering();
  const rulesOfList: number[][] = [];
  ir.rules.forEach((r, ri) => {
    const l = groupLists.id(r.groups);
    (rulesOfList[l] ??= []).push(ri);
  });
  const listsOfGroup = new Map<string, number[]>();
  groupLists.lists.forEach((groups, l) => {
    for (const g of groups) {
      const xs = listsOfGroup.get(g);
      if (xs) xs.push(l);
      else listsOfGroup.set(g, [l]);
    }
  });
  const ruleSets = new Numbering<number[]>();
  const groupKeys: string[] = [];
  const groupValues: number[] = [];
  for (const [g, ls] of listsOfGroup) {
    const id = ruleSets.id(ls.join(','), ls);
    groupKeys.push(g);
    groupValues.push(id);
  }
  const ruleSetRules = ruleSets.items.map((ls) => {
    const rules = ls.length === 1 ? rulesOfList[ls[0]] : [...new Set(ls.flatMap((l) => rulesOfList[l]))].sort((a, b) => a - b);
    return rules;
  });
  sections.push(...buildStringTable(L.GROUPS, groupKeys, groupValues));
  const rs = postings(ruleSetRules);
  sections.push([L.RS_START, rs.start], [L.RS_RULES, rs.items]);

  // Keywords by profile.
  const profiles = new Numbering<IrNormalizeStep[]>();
  const plans: RulePlan[] = ir.rules.map((r) => ({
    profile: has(r, 'keyword') ? profiles.id(profileOf(r.normalize).join(','), profileOf(r.normalize)) : -1,
    linkList: -1,
    miniprogramList: -1,
    cardList: -1,
  }));
  // Every keyword of every rule as written (for evidence), numbered globally: rule r's keywords
  // are base[r], base[r] + 1, ….
  const base = new Uint32Array(ir.rules.length + 1);
  const raw: string[] = [];
  ir.rules.forEach((r, ri) => {
    base[ri] = raw.length;
    for (const k of r.keywords) raw.push(k.text);
  });
  base[ir.rules.length] = raw.length;
  sections.push(...strings(L.KW_RAW, raw), [L.KW_BASE, base]);
  const patternCounts: number[] = [];
  // The curated variants, with the set's own lines (spec/language.md §10) when it has some.
  const table = variantTable(ir.variants);
  profiles.items.forEach((steps, pi) => {
    // One matcher for all the profile's rules: each keyword and exception phrase is a pattern of
    // its rule's group, so exceptions act within their rule; `prule`/`pkw` map a pattern back.
    const specs: KeywordSpec[] = [];
    const rules: number[] = [];
    const keywords: number[] = [];
    ir.rules.forEach((r, ri) => {
      if (plans[ri].profile !== pi) return;
      r.keywords.forEach((k, ki) => {
        // One pattern per spelling under `variants` (runtime/text/variants.ts), as the interpreter.
        const seen = new Set<string>();
        for (const v of keywordVariants(k.text, k.wholeWord, steps, normalizeKeyword, table)) {
          const key = `${normalizeKeyword(keywordCore(v.text).core, steps)}:${+v.wholeWord}`;
          if (seen.has(key)) continue;
          seen.add(key);
          specs.push({ text: v.text, wholeWord: v.wholeWord, group: ri });
          rules.push(ri);
          keywords.push(base[ri] + ki);
        }
      });
      for (const e of r.exceptions) {
        for (const v of exceptionVariants(e, steps, table)) {
          specs.push({ text: v, exception: true, group: ri });
          rules.push(ri);
          keywords.push(-1);
        }
      }
    });
    patternCounts.push(specs.length);
    sections.push(
      ...matcherSections(L.kwProfile(pi), buildMatcher(specs, { normalize: steps })),
      [L.kwPatternRule(pi), Uint32Array.from(rules)],
      [L.kwPatternKeyword(pi), Int32Array.from(keywords)],
    );
  });

  // Link whitelists: host → (list, flags, path) postings.
  const linkLists = new Numbering<IrRule['links']>();
  ir.rules.forEach((r, ri) => {
    if (has(r, 'link')) plans[ri].linkList = linkLists.id(JSON.stringify(r.links), r.links);
  });
  const hosts = new Numbering<string>();
  const paths = new Numbering<string>();
  const hostPostings: [list: number, flags: number, path: number][][] = [];
  linkLists.items.forEach((patterns, li) => {
    for (const p of patterns) {
      const m = prepareLinkPattern(p);
      const h = hosts.id(m.host, m.host);
      const f = (m.subdomains ? L.LN_SUBDOMAINS : 0) | (m.scheme === 'http' ? L.LN_HTTP : m.scheme === 'https' ? L.LN_HTTPS : 0);
      const path = m.pathPrefix === null ? -1 : paths.id(m.pathPrefix, m.pathPrefix);
      (hostPostings[h] ??= []).push([li, f, path]);
    }
  });
  {
    const start = new Uint32Array(hosts.items.length + 1);
    const all = hostPostings.flat();
    hostPostings.reduce((at, ps, i) => ((start[i] = at), at + ps.length), 0);
    start[hosts.items.length] = all.length;
    sections.push(
      ...buildStringTable(L.LN_HOSTS, hosts.items, hosts.items.map((_, i) => i)),
      [L.LN_START, start],
      [L.LN_LIST, Uint32Array.from(all, (x) => x[0])],
      [L.LN_FLAGS, Uint8Array.from(all, (x) => x[1])],
      [L.LN_PATH, Int32Array.from(all, (x) => x[2])],
      ...strings(L.LN_PATHS, paths.items),
    );
  }

  // Mini-program and card whitelists: id → lists holding it.
  const idLists = (prefix: L.IdIndexPrefix, trigger: 'miniprogram' | 'card', key: 'miniprogramList' | 'cardList', of: (r: IrRule) => string[]) => {
    const lists = new ListNumbering();
    ir.rules.forEach((r, ri) => {
      if (has(r, trigger)) plans[ri][key] = lists.id(of(r));
    });
    const ids = new Numbering<number[]>();
    lists.lists.forEach((l, li) => {
      for (const x of l) {
        const i = ids.id(x, []);
        ids.items[i].push(li);
      }
    });
    const keys: string[] = [];
    lists.lists.forEach((l) => {
      for (const x of l) keys.push(x);
    });
    const distinct = [...new Set(keys)];
    const p = postings(ids.items);
    sections.push(...buildStringTable(L.idsTable(prefix), distinct, distinct.map((_, i) => i)), [L.idsStart(prefix), p.start], [L.idsList(prefix), p.items]);
    return lists.lists.length;
  };
  const miniprogramLists = idLists(L.MP, 'miniprogram', 'miniprogramList', (r) => r.miniprograms);
  const cardLists = idLists(L.CD, 'card', 'cardList', (r) => r.cards);

  return {
    sections,
    profiles: profiles.items,
    rules: plans,
    owners,
    counts: {
      ruleSets: ruleSets.items.length,
      groups: groupKeys.length,
      linkLists: linkLists.items.length,
      miniprogramLists,
      cardLists,
      patterns: patternCounts,
    },
  };
}
