// The documented limits of the profile: sizes of keyword lists, whitelists, blacklists and group
// lists, the batch plan for group lists over one configuration operation, the creator quotas
// counted across every file of the policy set, and how soon a ladder restores a member after
// the linked WeChat account is unblocked. The numbers come from the profile (data);
// each limit has its own code `hush/limit/<id>`. Entries are counted once each (duplicates are a
// lint of their own).
import { formatDuration } from '../../language/duration.ts';
import { compareVersions, limitCode, limitMs, type LimitId } from '../load/limits-profile.ts';
import type { LoadedList, PolicySetModel, RuleModel } from '../model/model.ts';
import { countText as n } from '../wording.ts';
import { at, type Accept, type Check } from './check.ts';
import { listStats } from '../model/list-stats.ts';

/** The number of distinct values over lists, and the list at which the running count passes `max`. */
function countDistinct(lists: LoadedList[], max: number | null): { count: number; over?: LoadedList } {
  if (lists.length === 1) {
    const count = listStats(lists[0].values).distinct;
    return max !== null && count > max ? { count, over: lists[0] } : { count };
  }
  const seen = new Set<string>();
  let over: LoadedList | undefined;
  for (const l of lists) {
    for (const v of l.values) seen.add(v);
    if (!over && max !== null && seen.size > max) over = l;
  }
  return { count: seen.size, over };
}

export const checkLimits: Check = (model, accept) => {
  const limit = (id: LimitId) => model.profile.byId.get(id)!;
  const profileName = model.profile.profile;

  const sizeCheck = (id: LimitId, lists: LoadedList[], what: string, advice = '') => {
    const l = limit(id);
    const { count, over } = countDistinct(lists, l.max);
    if (over && l.max !== null) {
      accept(at(over.loc, limitCode(id), 'error', `${what} has ${n(count)} ${l.unit}, the limit is ${n(l.max)}`, {
        help: `${advice}${l.summary}: at most ${n(l.max)} in ${profileName} (seed: ${l.cite})`,
      }));
    }
  };

  for (const r of model.rules) {
    // The language server's quick fix does the split (lsp/code-actions.ts, `splitKeywords`).
    const parts = Math.ceil(countDistinct(r.keywords.map((k) => k.list), null).count / Math.max(1, limit('keywords-per-rule').max ?? 1));
    sizeCheck('keywords-per-rule', r.keywords.map((k) => k.list), `rule \`${r.name}\``, `split the rule into ${parts} rules with the same settings and a share of the keywords each (the editor's quick fix does it); `);
  }

  for (const r of model.rules) {
    sizeCheck('links-per-rule', r.allow.links, `the link whitelist of rule \`${r.name}\``);
    sizeCheck('miniprograms-per-rule', r.allow.miniprograms, `the mini-program whitelist of rule \`${r.name}\``);
    checkGroups(model, r, accept);
  }

  sizeCheck('enterprise-blacklist', model.enterpriseBlacklist, 'the enterprise blacklist');
  for (const [owner, lists] of model.personalBlacklists) {
    sizeCheck('personal-blacklist', lists, `the personal blacklist of \`${owner}\``);
  }

  checkCreatorQuotas(model, accept);
  checkLinkedRestore(model, accept);
};

/** `restore within D` of `while linked blocked`: at most the seed's 24 hours. */
function checkLinkedRestore(model: PolicySetModel, accept: Accept): void {
  const l = model.profile.byId.get('linked-restore')!;
  const max = limitMs(l);
  if (max === undefined) return;
  for (const ladder of model.ladders) {
    const d = ladder.linked?.restore;
    if (!d || d.ms === null || d.ms <= max) continue;
    accept(at({ file: ladder.loc.file, range: d.range }, limitCode('linked-restore'), 'error', `ladder \`${ladder.name}\` restores the member ${d.text} after the unblocking, the limit is ${formatDuration(max)}`, {
      help: `${l.summary}: at most ${n(l.max!)} ${l.unit} in ${model.profile.profile} (seed: ${l.cite})`,
    }));
  }
}

function checkGroups(model: PolicySetModel, r: RuleModel, accept: Accept): void {
  if (r.groups.length === 0) return;
  const perRule = model.profile.byId.get('groups-per-rule')!;
  const perOp = model.profile.byId.get('groups-per-operation')!;
  const { count, over } = countDistinct(r.groups, perRule.max);
  const anchor = over?.loc ?? r.groups[0].loc;
  if (perRule.max !== null && count > perRule.max) {
    const legacy = perRule.legacyBefore && r.configuredOn && compareVersions(r.configuredOn.version, perRule.legacyBefore) < 0;
    if (legacy) {
      accept(at(anchor, `${limitCode('groups-per-rule')}-legacy`, 'info', `rule \`${r.name}\` applies to ${n(count)} groups, over the ${n(perRule.max)} limit, but was configured on ${r.configuredOn!.version}, before ${perRule.legacyBefore}: it keeps working and stays editable`, {
        help: `seed: ${perRule.cite}`,
        related: [{ ...r.configuredOn!.loc, message: 'configured before the limit here' }],
      }));
    } else {
      accept(at(anchor, limitCode('groups-per-rule'), 'error', `rule \`${r.name}\` applies to ${n(count)} customer groups, the limit is ${n(perRule.max)}`, {
        help: `split the groups over several rules; a rule configured before v${perRule.legacyBefore} with more groups is allowed: say so with \`configured on "4.1.x"\` (seed: ${perRule.cite})`,
      }));
    }
  }
  if (perOp.max !== null && count > perOp.max) {
    const batches = Math.ceil(count / perOp.max);
    const last = count - (batches - 1) * perOp.max;
    accept(at(r.groups[0].loc, limitCode('groups-per-operation'), 'info', `rule \`${r.name}\` applies to ${n(count)} groups: configuring it takes ${batches} batches of at most ${n(perOp.max)} groups (${batches - 1} × ${n(perOp.max)} + ${n(last)})`, {
      help: `batch plan: one configuration operation picks at most ${n(perOp.max)} groups (seed: ${perOp.cite})`,
    }));
  }
}

/**
 * Creator quotas: all super admins of the enterprise together; all owners of one management rule
 * together; each member on their own. Rules are counted in policy-set order (files sorted by
 * path, then source order); the first rule past the quota gets the diagnostic.
 */
function checkCreatorQuotas(model: PolicySetModel, accept: Accept): void {
  const buckets = new Map<string, { id: LimitId; what: string; rules: RuleModel[] }>();
  for (const r of model.rules) {
    const o = r.owners[0];
    if (!o) continue;
    const key = o.role === 'super-admin' ? 'super-admins' : o.role === 'rule-manager' ? `rm:${o.managementRule}` : `member:${o.id}`;
    let b = buckets.get(key);
    if (!b) {
      b =
        o.role === 'super-admin'
          ? { id: 'rules-per-super-admins', what: 'all super admins together', rules: [] }
          : o.role === 'rule-manager'
            ? { id: 'rules-per-management-rule', what: `the owners of management rule \`${o.managementRule}\` together`, rules: [] }
            : { id: 'rules-per-member', what: `member \`${o.id}\``, rules: [] };
      buckets.set(key, b);
    }
    b.rules.push(r);
  }
  for (const b of buckets.values()) {
    const l = model.profile.byId.get(b.id)!;
    if (l.max === null || b.rules.length <= l.max) continue;
    const first = b.rules[l.max];
    accept(at(first.owners[0].loc, limitCode(b.id), 'error', `${n(b.rules.length)} rules are created by ${b.what}, the limit is ${n(l.max)}`, {
      help: `rule \`${first.name}\` is number ${n(l.max + 1)}; ${l.summary}: at most ${n(l.max)} (seed: ${l.cite})`,
      related: [{ ...b.rules[0].owners[0].loc, message: 'the first rule of this quota' }],
    }));
  }
}
