// `diffPolicySets`: the semantic diff of two checked policy sets (their IR, with the model for
// places). It pairs rules and ladders by name (a rule removed and one added with the same content
// is a rename), diffs each pair (rule-diff.ts, ladder-diff.ts), the set's own statements
// (set-diff.ts) and the contact quota (quota-diff.ts), adds the limit headroom, and joins the
// effects into the verdict. A policy set diffed with itself has no change at all.
import type { IrLadder, IrRule } from '../../runtime/ir.ts';
import { DIFF_CODES } from './codes.ts';
import { q } from './describe.ts';
import { diffLadder, ladderActs } from './ladder-diff.ts';
import { headroomChanges } from './limit-headroom.ts';
import { diffQuota } from './quota-diff.ts';
import { batchPlan, diffRule, ruleActs, ruleSummary } from './rule-diff.ts';
import { diffSet } from './set-diff.ts';
import { fileStart, firstLine, fromIrLoc, ladderLoc, ruleLoc, type Side } from './side.ts';
import { EFFECTS, joinAll, type Change, type Effect, type PolicyDiff, type SideSummary, type SubjectDiff } from './types.ts';

function summary(side: Side): SideSummary {
  return { source: side.source, files: side.files, rules: side.ir.rules.length, ladders: side.ir.ladders.length };
}

/** A rule's or ladder's content without its name and places: equal content, same decisions. */
function content(x: IrRule | IrLadder): string {
  return JSON.stringify(x, (k, v) => (k === 'loc' || k === 'name' ? undefined : v));
}

function subject(kind: SubjectDiff['kind'], name: string | null, status: SubjectDiff['status'], changes: Change[], base: SubjectDiff['base'], head: SubjectDiff['head']): SubjectDiff {
  return { kind, name, status, effect: joinAll(changes.map((c) => c.effect)), base, head, changes };
}

interface Named {
  name: string;
}

/** Pairs two name-sorted lists by name, and the removed and added ones with equal content. */
function pairByName<T extends Named>(base: readonly T[], head: readonly T[]) {
  const hb = new Map(base.map((x) => [x.name, x] as const));
  const hh = new Map(head.map((x) => [x.name, x] as const));
  const both = head.filter((x) => hb.has(x.name)).map((h) => ({ base: hb.get(h.name)!, head: h }));
  let removed = base.filter((x) => !hh.has(x.name));
  let added = head.filter((x) => !hb.has(x.name));
  const renamed: { base: T; head: T }[] = [];
  if (removed.length > 0 && added.length > 0) {
    const byContent = new Map<string, T[]>();
    for (const r of removed) {
      const k = content(r as unknown as IrRule);
      byContent.set(k, [...(byContent.get(k) ?? []), r]);
    }
    for (const a of added) {
      const xs = byContent.get(content(a as unknown as IrRule));
      if (xs && xs.length > 0) renamed.push({ base: xs.shift()!, head: a });
    }
    removed = removed.filter((r) => !renamed.some((p) => p.base === r));
    added = added.filter((a) => !renamed.some((p) => p.head === a));
  }
  return { both, removed, added, renamed };
}

export function diffPolicySets(base: Side, head: Side): PolicyDiff {
  const subjects: SubjectDiff[] = [];
  const setChanges = diffSet(base, head);
  if (setChanges.length > 0) subjects.push(subject('set', null, 'changed', setChanges, null, null));

  const rules: SubjectDiff[] = [];
  const r = pairByName(base.ir.rules, head.ir.rules);
  for (const { base: b, head: h } of r.both) {
    const changes = diffRule(base, head, b, h);
    if (changes.length > 0) rules.push(subject('rule', h.name, 'changed', changes, ruleLoc(base, b.name), ruleLoc(head, h.name)));
  }
  for (const h of r.added) {
    const at = ruleLoc(head, h.name);
    const plan = batchPlan(head, h.groups.length);
    const acts = ruleActs(h);
    const change: Change = {
      code: DIFF_CODES['rule-added'],
      effect: acts ? 'stricter' : 'equivalent',
      message: `rule ${q(h.name)} added: ${ruleSummary(h)}`,
      ...(plan || !acts ? { note: [acts ? undefined : 'it has no `when` line or no group, so it decides nothing', plan].filter(Boolean).join('; ') } : {}),
      base: null,
      head: at,
      anchor: at,
    };
    rules.push(subject('rule', h.name, 'added', [change], null, at));
  }
  for (const b of r.removed) {
    const at = ruleLoc(base, b.name);
    const acts = ruleActs(b);
    const change: Change = {
      code: DIFF_CODES['rule-removed'],
      effect: acts ? 'looser' : 'equivalent',
      message: `rule ${q(b.name)} removed (it had ${ruleSummary(b)})`,
      ...(acts ? {} : { note: 'it had no `when` line or no group, so it decided nothing' }),
      base: at,
      head: null,
      anchor: fileStart(head),
    };
    rules.push(subject('rule', b.name, 'removed', [change], at, null));
  }
  for (const { base: b, head: h } of r.renamed) {
    const at = ruleLoc(head, h.name);
    const change: Change = {
      code: DIFF_CODES['rule-renamed'],
      effect: 'equivalent',
      message: `rule ${q(b.name)} renamed to ${q(h.name)}`,
      note: 'its content is unchanged; only its name in decisions and the order of its warnings change',
      base: ruleLoc(base, b.name),
      head: at,
      anchor: at,
    };
    rules.push(subject('rule', h.name, 'renamed', [change], ruleLoc(base, b.name), at));
  }
  rules.sort((x, y) => (x.name! < y.name! ? -1 : x.name! > y.name! ? 1 : 0));
  subjects.push(...rules);

  const ladders: SubjectDiff[] = [];
  const l = pairByName(base.ir.ladders, head.ir.ladders);
  for (const { base: b, head: h } of l.both) {
    const changes = diffLadder(base, head, b, h);
    if (changes.length > 0) ladders.push(subject('ladder', h.name, 'changed', changes, ladderLoc(base, b.name), ladderLoc(head, h.name)));
  }
  for (const h of l.added) {
    const at = ladderLoc(head, h.name);
    const acts = ladderActs(h);
    ladders.push(
      subject('ladder', h.name, 'added', [{ code: DIFF_CODES['ladder-added'], effect: acts ? 'stricter' : 'equivalent', message: `ladder ${q(h.name)} added: counts ${h.counts.join(', ') || 'nothing'}${h.customers ? ' (customers)' : ''}, ${h.steps.length} step${h.steps.length === 1 ? '' : 's'}`, base: null, head: at, anchor: at }], null, at),
    );
  }
  for (const b of l.removed) {
    const at = ladderLoc(base, b.name);
    ladders.push(
      subject('ladder', b.name, 'removed', [{ code: DIFF_CODES['ladder-removed'], effect: ladderActs(b) ? 'looser' : 'equivalent', message: `ladder ${q(b.name)} removed (it counted ${b.counts.join(', ') || 'nothing'})`, base: at, head: null, anchor: fileStart(head) }], at, null),
    );
  }
  for (const { base: b, head: h } of l.renamed) {
    const at = ladderLoc(head, h.name);
    ladders.push(
      subject('ladder', h.name, 'renamed', [{ code: DIFF_CODES['ladder-renamed'], effect: 'equivalent', message: `ladder ${q(b.name)} renamed to ${q(h.name)}`, note: 'its content is unchanged', base: ladderLoc(base, b.name), head: at, anchor: at }], ladderLoc(base, b.name), at),
    );
  }
  ladders.sort((x, y) => (x.name! < y.name! ? -1 : x.name! > y.name! ? 1 : 0));
  subjects.push(...ladders);

  const quota = diffQuota(base.ir.contactQuota ?? null, head.ir.contactQuota ?? null, fileStart(head));
  if (quota.length > 0) {
    const loc = (s: Side) => (s.ir.contactQuota ? firstLine(fromIrLoc(s.ir.contactQuota.loc)) : null);
    const status = !base.ir.contactQuota ? 'added' : !head.ir.contactQuota ? 'removed' : 'changed';
    subjects.push(subject('quota', 'contact-add', status, quota, loc(base), loc(head)));
  }

  const counts = Object.fromEntries(EFFECTS.map((e) => [e, 0])) as Record<Effect, number>;
  for (const s of subjects) for (const c of s.changes) counts[c.effect]++;
  const all = subjects.flatMap((s) => s.changes);
  return {
    version: 1,
    base: summary(base),
    head: summary(head),
    verdict: all.length === 0 ? 'none' : joinAll(all.map((c) => c.effect)),
    counts,
    subjects,
    limits: headroomChanges(base, head),
    impact: null,
  };
}
