// Limit headroom: how much of each documented limit (spec/limits/<profile>.json) the policy set
// uses in base and in head, for every count that changed: keywords, whitelisted links and
// mini-programs and groups per rule, the blacklists, and the rule quotas of super admins,
// management rules and members. The numbers come from the head's profile; a set over a limit
// fails `hush check`, so this is for seeing how close a change brings it.
import type { IrPolicySet, IrRule } from '../../runtime/ir.ts';
import { loadProfile, type LimitId } from '../load/limits-profile.ts';
import { q } from './describe.ts';
import { ruleListLoc, ruleLoc, setListLoc, fileStart, type RuleListKind, type Side } from './side.ts';
import type { DiffLoc, HeadroomChange } from './types.ts';

const PER_RULE: [LimitId, RuleListKind, string, (r: IrRule) => number][] = [
  ['keywords-per-rule', 'keywords', 'keywords in', (r) => r.keywords.length],
  ['links-per-rule', 'links', 'whitelisted links of', (r) => r.links.length],
  ['miniprograms-per-rule', 'miniprograms', 'whitelisted mini-programs of', (r) => r.miniprograms.length],
  ['groups-per-rule', 'groups', 'groups of', (r) => r.groups.length],
];

function ownerCounts(ir: IrPolicySet): Map<string, { limit: LimitId; subject: string; n: number }> {
  const m = new Map<string, { limit: LimitId; subject: string; n: number }>();
  const bump = (key: string, limit: LimitId, subject: string) => {
    const e = m.get(key);
    if (e) e.n++;
    else m.set(key, { limit, subject, n: 1 });
  };
  for (const r of ir.rules) {
    const o = r.owner;
    if (!o) continue;
    if (o.role === 'super-admin') bump('super-admin', 'rules-per-super-admins', 'rules of all super admins');
    else if (o.role === 'rule-manager') bump(`rule-manager\u0000${o.managementRule}`, 'rules-per-management-rule', `rules of management rule ${q(o.managementRule ?? '?')}`);
    else bump(`member\u0000${o.id}`, 'rules-per-member', `rules of member ${q(o.id ?? '?')}`);
  }
  return m;
}

export function headroomChanges(baseSide: Side, headSide: Side): HeadroomChange[] {
  const profile = loadProfile(headSide.ir.profile) ?? loadProfile(baseSide.ir.profile);
  if (!profile) return [];
  const out: HeadroomChange[] = [];
  const add = (limit: LimitId, subject: string, base: number, head: number, anchor: DiffLoc | null) => {
    const max = profile.byId.get(limit)?.max;
    if (max === null || max === undefined || base === head) return;
    out.push({ limit, subject, max, base, head, anchor });
  };
  const baseRules = new Map(baseSide.ir.rules.map((r) => [r.name, r] as const));
  for (const h of headSide.ir.rules) {
    const b = baseRules.get(h.name);
    if (!b) continue;
    for (const [limit, kind, what, n] of PER_RULE) {
      add(limit, `${what} rule ${q(h.name)}`, n(b), n(h), ruleListLoc(headSide, h.name, kind) ?? ruleLoc(headSide, h.name));
    }
  }
  add('enterprise-blacklist', 'customers on the enterprise blacklist', baseSide.ir.enterpriseBlacklist.length, headSide.ir.enterpriseBlacklist.length, setListLoc(headSide, { kind: 'enterprise-blacklist' }) ?? fileStart(headSide));
  const owners = [...new Set([...baseSide.ir.personalBlacklists, ...headSide.ir.personalBlacklists].map((p) => p.owner))].sort();
  for (const owner of owners) {
    const n = (ir: IrPolicySet) => ir.personalBlacklists.find((p) => p.owner === owner)?.customers.length ?? 0;
    add('personal-blacklist', `customers on the personal blacklist of ${q(owner)}`, n(baseSide.ir), n(headSide.ir), setListLoc(headSide, { kind: 'personal-blacklist', owner }) ?? fileStart(headSide));
  }
  const ob = ownerCounts(baseSide.ir);
  const oh = ownerCounts(headSide.ir);
  for (const key of [...new Set([...ob.keys(), ...oh.keys()])].sort()) {
    const e = (oh.get(key) ?? ob.get(key))!;
    add(e.limit, e.subject, ob.get(key)?.n ?? 0, oh.get(key)?.n ?? 0, fileStart(headSide));
  }
  return out;
}
