// Diffs the `when` lines of one rule. Lines are paired by trigger type: first identical lines,
// then lines with the same parameters (only the actions changed), then the rest in source order;
// a line left without a partner was added or removed. For a pair, the firing condition and the
// actions are compared separately (action-diff.ts). When a line's trigger fires on a superset of
// the messages (from the same state), its condition is stricter:
//   flood N in D     fewer messages (N down) or a longer window (D up)
//   identity …       more identities
//   new-member within D   a longer D
//   length over N    a lower N
// keyword, link, miniprogram, card and image lines have no parameters of their own; the rule's
// keywords and whitelists decide them (rule-diff.ts).
import type { IrTrigger, IrTriggerType } from '../../runtime/ir.ts';
import { diffActions } from './action-diff.ts';
import { triggerText, whenLine, q } from './describe.ts';
import { fromIrLoc } from './side.ts';
import { DIFF_CODES } from './codes.ts';
import type { Change, DiffLoc, Effect } from './types.ts';

export interface TriggerPair {
  base: IrTrigger;
  head: IrTrigger;
}

export interface TriggerDelta {
  pairs: TriggerPair[];
  added: IrTrigger[];
  removed: IrTrigger[];
}

function params(t: IrTrigger): string {
  const { loc: _l, actions: _a, ...rest } = t;
  return JSON.stringify(rest);
}

function whole(t: IrTrigger): string {
  return `${params(t)}${JSON.stringify(t.actions)}`;
}

/** Pairs the `when` lines of two versions of a rule. */
export function pairTriggers(base: readonly IrTrigger[], head: readonly IrTrigger[]): TriggerDelta {
  const pairs: TriggerPair[] = [];
  const leftB = new Set(base.map((_, i) => i));
  const leftH = new Set(head.map((_, i) => i));
  const pass = (key: (t: IrTrigger) => string) => {
    for (const j of [...leftH]) {
      for (const i of leftB) {
        if (base[i].type === head[j].type && key(base[i]) === key(head[j])) {
          pairs.push({ base: base[i], head: head[j] });
          leftB.delete(i);
          leftH.delete(j);
          break;
        }
      }
    }
  };
  pass(whole);
  pass(params);
  pass(() => '');
  pairs.sort((x, y) => head.indexOf(x.head) - head.indexOf(y.head));
  return { pairs, added: [...leftH].map((j) => head[j]), removed: [...leftB].map((i) => base[i]) };
}

function subset(a: readonly string[], b: readonly string[]): boolean {
  return a.every((x) => b.includes(x));
}

/** Whether head's trigger fires on at least (or at most) the messages base's fires on. */
export function conditionEffect(b: IrTrigger, h: IrTrigger): { effect: Effect; note?: string } {
  if (b.type === 'flood' && h.type === 'flood') {
    const sooner = h.count <= b.count && h.windowMs >= b.windowMs;
    const later = h.count >= b.count && h.windowMs <= b.windowMs;
    if (sooner && later) return { effect: 'equivalent' };
    if (sooner) return { effect: 'stricter', note: 'fires on fewer messages or over a longer window' };
    if (later) return { effect: 'looser', note: 'needs more messages or a shorter window' };
    return { effect: 'both', note: 'the count and the window moved in opposite directions' };
  }
  if (b.type === 'identity' && h.type === 'identity') {
    const more = subset(b.identities, h.identities);
    const fewer = subset(h.identities, b.identities);
    if (more && fewer) return { effect: 'equivalent' };
    if (more) return { effect: 'stricter', note: 'more identities may not speak' };
    if (fewer) return { effect: 'looser', note: 'fewer identities are stopped' };
    return { effect: 'both', note: 'identities added and removed' };
  }
  if (b.type === 'new-member' && h.type === 'new-member') {
    if (h.withinMs === b.withinMs) return { effect: 'equivalent' };
    return h.withinMs > b.withinMs ? { effect: 'stricter', note: 'new members wait longer' } : { effect: 'looser', note: 'new members wait less' };
  }
  if (b.type === 'length' && h.type === 'length') {
    if (h.max === b.max) return { effect: 'equivalent' };
    return h.max < b.max ? { effect: 'stricter', note: 'shorter messages are stopped' } : { effect: 'looser', note: 'longer messages pass' };
  }
  return { effect: 'equivalent' };
}

export interface TriggerChanges {
  changes: Change[];
  delta: TriggerDelta;
}

/**
 * The changes of a rule's `when` lines. `ruleAnchor` is where the head rule stands, for lines
 * that were removed (the annotation goes on the rule).
 */
export function diffTriggers(rule: string, base: readonly IrTrigger[], head: readonly IrTrigger[], ruleAnchor: DiffLoc | null): TriggerChanges {
  const delta = pairTriggers(base, head);
  const changes: Change[] = [];
  for (const { base: b, head: h } of delta.pairs) {
    const c = conditionEffect(b, h);
    const hl = fromIrLoc(h.loc);
    if (params(b) !== params(h)) {
      changes.push({
        code: DIFF_CODES['trigger-changed'],
        effect: c.effect,
        message: `${q(triggerText(b))} -> ${q(triggerText(h))} in rule ${q(rule)}`,
        ...(c.note ? { note: c.note } : {}),
        base: fromIrLoc(b.loc),
        head: hl,
        anchor: hl,
      });
    }
    const a = diffActions(b.actions, h.actions);
    if (a.parts.length > 0 || a.effect !== 'equivalent') {
      changes.push({
        code: DIFF_CODES['actions-changed'],
        effect: a.effect,
        message: `${q(triggerText(h))} in rule ${q(rule)}: ${a.parts.join('; ')}`,
        note: `was ${q(whenLine(b))}`,
        base: fromIrLoc(b.loc),
        head: hl,
        anchor: hl,
      });
    }
  }
  for (const t of delta.added) {
    const hl = fromIrLoc(t.loc);
    changes.push({ code: DIFF_CODES['trigger-added'], effect: 'stricter', message: `${q(whenLine(t))} added to rule ${q(rule)}`, base: null, head: hl, anchor: hl });
  }
  for (const t of delta.removed) {
    changes.push({ code: DIFF_CODES['trigger-removed'], effect: 'looser', message: `${q(whenLine(t))} removed from rule ${q(rule)}`, base: fromIrLoc(t.loc), head: null, anchor: ruleAnchor });
  }
  return { changes, delta };
}

/** The trigger types that are paired in both versions: where the rule's lists matter to both. */
export function pairedTypes(delta: TriggerDelta): Set<IrTriggerType> {
  return new Set(delta.pairs.map((p) => p.head.type));
}

