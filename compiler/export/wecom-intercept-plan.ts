// The plan: what to call on WeCom's API so that its intercept rules become the exported ones,
// like `terraform plan`. Rules are matched by name (WeCom chooses rule ids); only rules whose
// name starts with `hush-` are Hush's, and every other rule is left alone. Operations come in a
// fixed order, deletions first (they free room under the enterprise's limit of rules), then
// updates, then creations, each sorted by name. An update sends only what changes, with the
// range as deltas (`add_applicable_range` / `remove_applicable_range`, document 95130).
import type { AddInterceptRuleBody, InterceptRange } from './wecom-intercept-export.ts';
import type { CurrentRule } from './wecom-intercept-current.ts';
import { isManagedName } from './wecom-intercept-names.ts';

/** The body of `update_intercept_rule` (document 95130). */
export interface UpdateInterceptRuleBody {
  rule_id: string;
  word_list?: string[];
  /** An empty `semantics_list` clears the rule's semantic rules ("若为空表示清除所有的语义规则"). */
  extra_rule?: { semantics_list: number[] };
  intercept_type?: 1 | 2;
  add_applicable_range?: InterceptRange;
  remove_applicable_range?: InterceptRange;
}

export type PlanOperation =
  | { op: 'delete'; rule_name: string; rule_id: string; endpoint: 'del_intercept_rule'; body: { rule_id: string }; reason: string }
  | { op: 'update'; rule_name: string; rule_id: string; endpoint: 'update_intercept_rule'; body: UpdateInterceptRuleBody; words: { added: string[]; removed: string[] } }
  | { op: 'create'; rule_name: string; endpoint: 'add_intercept_rule'; body: AddInterceptRuleBody };

export interface InterceptPlan {
  operations: PlanOperation[];
  /** Hush's rules that are already as exported. */
  unchanged: string[];
  /** WeCom's rules that Hush does not manage, left alone. */
  unmanaged: { rule_id: string; rule_name: string }[];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function minus<T>(a: readonly T[], b: readonly T[]): T[] {
  const s = new Set(b);
  return [...new Set(a)].filter((x) => !s.has(x));
}

function rangePart(users: string[], departments: number[]): InterceptRange | undefined {
  if (users.length === 0 && departments.length === 0) return undefined;
  const r: InterceptRange = {};
  if (users.length > 0) r.user_list = [...users].sort(cmp);
  if (departments.length > 0) r.department_list = [...departments].sort((a, b) => a - b);
  return r;
}

export function planInterceptRules(desired: readonly AddInterceptRuleBody[], current: readonly CurrentRule[]): InterceptPlan {
  const deletes: PlanOperation[] = [];
  const updates: PlanOperation[] = [];
  const creates: PlanOperation[] = [];
  const unchanged: string[] = [];
  const unmanaged = current.filter((r) => !isManagedName(r.rule_name)).map((r) => ({ rule_id: r.rule_id, rule_name: r.rule_name }));
  unmanaged.sort((a, b) => cmp(a.rule_name, b.rule_name) || cmp(a.rule_id, b.rule_id));

  // Hush's rules by name; of two with one name, the first by rule_id is kept and the other deleted.
  const byName = new Map<string, CurrentRule>();
  for (const r of current) {
    if (!isManagedName(r.rule_name)) continue;
    if (byName.has(r.rule_name)) deletes.push({ op: 'delete', rule_name: r.rule_name, rule_id: r.rule_id, endpoint: 'del_intercept_rule', body: { rule_id: r.rule_id }, reason: 'a second rule of this name' });
    else byName.set(r.rule_name, r);
  }
  const wanted = new Set(desired.map((d) => d.rule_name));
  for (const [name, r] of byName) {
    if (!wanted.has(name)) deletes.push({ op: 'delete', rule_name: name, rule_id: r.rule_id, endpoint: 'del_intercept_rule', body: { rule_id: r.rule_id }, reason: 'no longer exported' });
  }

  for (const d of desired) {
    const r = byName.get(d.rule_name);
    if (r === undefined) {
      creates.push({ op: 'create', rule_name: d.rule_name, endpoint: 'add_intercept_rule', body: d });
      continue;
    }
    const now = r.detail!;
    const body: UpdateInterceptRuleBody = { rule_id: r.rule_id };
    const added = minus(d.word_list, now.word_list);
    const removed = minus(now.word_list, d.word_list);
    if (added.length > 0 || removed.length > 0) body.word_list = d.word_list;
    if (now.semantics_list.length > 0) body.extra_rule = { semantics_list: [] };
    if (now.intercept_type !== d.intercept_type) body.intercept_type = d.intercept_type;
    const users = d.applicable_range.user_list ?? [];
    const departments = d.applicable_range.department_list ?? [];
    const add = rangePart(minus(users, now.user_list), minus(departments, now.department_list));
    const remove = rangePart(minus(now.user_list, users), minus(now.department_list, departments));
    if (add) body.add_applicable_range = add;
    if (remove) body.remove_applicable_range = remove;
    if (Object.keys(body).length === 1) unchanged.push(d.rule_name);
    else updates.push({ op: 'update', rule_name: d.rule_name, rule_id: r.rule_id, endpoint: 'update_intercept_rule', body, words: { added, removed } });
  }

  const byNameThenId = (a: PlanOperation, b: PlanOperation) => cmp(a.rule_name, b.rule_name) || cmp('rule_id' in a ? a.rule_id : '', 'rule_id' in b ? b.rule_id : '');
  return { operations: [...deletes.sort(byNameThenId), ...updates.sort(byNameThenId), ...creates.sort(byNameThenId)], unchanged: unchanged.sort(cmp), unmanaged };
}
