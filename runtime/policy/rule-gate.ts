// A rule's gate: whether the rule may fire on a message at all, from its own exemption list
// (`exempt customers …` inside the rule) and its windows (`during …`). A gated rule whose gate
// is shut gives no firing; every other rule, and the engine's counting, go on as before
// (spec/runtime.md §4). The interpreter and generated code share this one definition, as they
// share the text rules, so the two cannot disagree on what a window holds.
import type { IrRule, IrWindow } from '../ir.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The day number (days since 1970-01-01) of a date `YYYY-MM-DD`. */
function dayNumber(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY);
}

/**
 * Whether a time (epoch ms) falls in a window: its minute of the day at the window's offset lies
 * in one of the windows of the day (`end` exclusive; `end < start` crosses midnight, so
 * `22:00-07:00` holds 23:30 and 06:59), or its date there is one of the days.
 */
export function windowHolds(w: Pick<IrWindow, 'times' | 'utcOffsetMinutes'>, days: ReadonlySet<number>, at: number): boolean {
  const local = at + w.utcOffsetMinutes * MINUTE;
  if (days.size > 0 && days.has(Math.floor(local / DAY))) return true;
  const minute = Math.floor((((local % DAY) + DAY) % DAY) / MINUTE);
  for (const { start, end } of w.times) {
    if (start < end ? start <= minute && minute < end : start > end && (minute >= start || minute < end)) return true;
  }
  return false;
}

/** What a rule's gate reads of a message. */
export interface GateInput {
  sender: { id: string };
  at: number;
}

/** A rule's gate (true: the rule may fire), or null when the rule has neither exemptions nor windows. */
export function ruleGate(r: Pick<IrRule, 'exempt' | 'window'>): ((msg: GateInput) => boolean) | null {
  const exempt = r.exempt && r.exempt.length > 0 ? new Set(r.exempt) : null;
  const w = r.window;
  if (!exempt && !w) return null;
  const days = new Set((w?.days ?? []).map(dayNumber));
  return (msg) => !(exempt !== null && exempt.has(msg.sender.id)) && (w === undefined || windowHolds(w, days, msg.at));
}

/**
 * Why a rule's gate is shut for a message (`exempt`: the rule exempts the sender; `window`: the
 * message is outside the rule's `during` lines), or null when the rule may fire: what `hush
 * explain` says of a rule that applies to the group but was not evaluated.
 */
export function gateShutBecause(r: Pick<IrRule, 'exempt' | 'window'>, msg: GateInput): 'exempt' | 'window' | null {
  if (r.exempt && r.exempt.includes(msg.sender.id)) return 'exempt';
  if (r.window && !windowHolds(r.window, new Set(r.window.days.map(dayNumber)), msg.at)) return 'window';
  return null;
}
