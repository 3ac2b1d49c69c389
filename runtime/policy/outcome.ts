// From the firings of a message to what its decision lists: one match per rule and trigger type
// (the first evidence of the first firing), and the lists of actions to merge. The engine needs
// nothing else, except for `explain`, which keeps every firing with all its evidence.
//
// Two ways to the same outcome, which must agree (runtime/outcome.test.ts, and every engine
// test through both implementations of a policy):
// - `outcomeOfFirings`, from the firings of `evaluateMessage` (the interpreter, and `explain`);
// - `OutcomeBuilder`, which generated code fills rule by rule (`decideMessage`), building each
//   match directly: a message with a link can fire the ~240 rules of its group, and a firing
//   object per rule, then a match per firing, was most of its cost.
import type { Evidence, Match, MessageOutcome, RuleFiring } from './compiled-policy.ts';
import type { IrAction, IrTriggerType } from '../ir.ts';

/** One match per rule and trigger, with the first evidence of the first firing. */
export function matchesOf(firings: readonly RuleFiring[]): Match[] {
  // A policy returns firings in IR order: rule by rule, rules sorted by name. While the rules
  // keep ascending, a (rule, trigger) seen before can only be among the current rule's matches,
  // so no set of keys is needed; firings in any other order take the general path. The array is
  // made at its largest size at once and cut to length: grown push by push, it would be copied
  // a dozen times for the hundreds of matches of a message with a link.
  const out: Match[] = new Array<Match>(firings.length);
  let n = 0;
  let rule: string | null = null;
  let runStart = 0;
  for (let i = 0; i < firings.length; i++) {
    const f = firings[i];
    if (f.rule !== rule) {
      if (rule !== null && !(f.rule > rule)) return matchesInAnyOrder(firings);
      rule = f.rule;
      runStart = n;
    } else {
      let seen = false;
      for (let j = runStart; j < n; j++) if (out[j].trigger === f.trigger) seen = true;
      if (seen) continue;
    }
    out[n++] = { rule: f.rule, trigger: f.trigger, evidence: f.evidence[0] };
  }
  out.length = n;
  return out;
}

function matchesInAnyOrder(firings: readonly RuleFiring[]): Match[] {
  const out: Match[] = [];
  const seen = new Set<string>();
  for (const f of firings) {
    const key = `${f.rule}\u0000${f.trigger}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ rule: f.rule, trigger: f.trigger, evidence: f.evidence[0] });
  }
  return out;
}

/** The firings' lists of actions in order, a list given once while it repeats (merging it again changes nothing). */
export function actionListsOf(firings: readonly RuleFiring[]): (readonly IrAction[])[] {
  const out: (readonly IrAction[])[] = [];
  let previous: readonly IrAction[] | null = null;
  for (const f of firings) if (f.actions !== previous) out.push((previous = f.actions));
  return out;
}

/** The outcome of `evaluateMessage`'s firings, or null when there are none. */
export function outcomeOfFirings(firings: readonly RuleFiring[]): MessageOutcome | null {
  return firings.length === 0 ? null : { matches: matchesOf(firings), actions: actionListsOf(firings) };
}

/**
 * The outcome of one message, filled by generated code in firing order (rules in IR order,
 * `when` lines in order). `fire` is for the first `when` line of its trigger type in a rule;
 * `fireAgain` for a later one, whose match is kept only if no earlier line of that type fired.
 */
export class OutcomeBuilder implements MessageOutcome {
  readonly matches: Match[];
  readonly actions: (readonly IrAction[])[] = [];
  private n = 0;
  private last: readonly IrAction[] | null = null;

  /** `capacity`: at most how many matches are expected (the array is made that large at once). */
  constructor(capacity: number) {
    this.matches = new Array<Match>(capacity);
  }

  fire(rule: string, trigger: IrTriggerType, evidence: Evidence, actions: readonly IrAction[]): void {
    this.matches[this.n++] = { rule, trigger, evidence };
    if (actions !== this.last) this.actions.push((this.last = actions));
  }

  fireAgain(rule: string, trigger: IrTriggerType, evidence: Evidence, actions: readonly IrAction[]): void {
    let seen = false;
    for (let j = this.n - 1; j >= 0 && this.matches[j].rule === rule; j--) if (this.matches[j].trigger === trigger) seen = true;
    if (seen) {
      if (actions !== this.last) this.actions.push((this.last = actions));
    } else this.fire(rule, trigger, evidence, actions);
  }

  /** The outcome, or null when nothing fired. */
  finish(): MessageOutcome | null {
    if (this.n === 0) return null;
    this.matches.length = this.n;
    return this;
  }
}
