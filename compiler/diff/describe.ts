// Wording for diff messages: triggers, actions and sanctions as the policy language writes them
// (`when flood 5 in 10s`, `mute 30m`, `suspend interop for 1h`), ordinals for ladder offences.
// Durations and actions are worded by compiler/wording.ts, as every other command words them.
import type { IrAction, IrSanction, IrStep, IrTrigger } from '../../runtime/ir.ts';
import { actionText, durationText as duration } from '../wording.ts';

/** A value in backticks, as diagnostics quote names; control characters shown as `�`. */
export function q(s: string): string {
  return `\`${s.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '\ufffd')}\``;
}

function quoted(s: string): string {
  return JSON.stringify(s);
}

/** `when flood 5 in 10s`, `when identity "new-customer"` */
export function triggerText(t: IrTrigger): string {
  switch (t.type) {
    case 'flood':
      return `when flood ${t.count} in ${duration(t.windowMs)}`;
    case 'identity':
      return `when identity ${t.identities.map(quoted).join(', ')}`;
    case 'new-member':
      return `when new-member within ${duration(t.withinMs)}`;
    case 'length':
      return `when length over ${t.max}`;
    default:
      return `when ${t.type}`;
  }
}

export function actionsText(actions: readonly IrAction[]): string {
  return actions.length === 0 ? 'nothing' : actions.map(actionText).join(', ');
}

/** `when keyword then recall, remove` */
export function whenLine(t: IrTrigger): string {
  return `${triggerText(t)} then ${actionsText(t.actions)}`;
}

/** `suspend interop for 1h`, `ban member forever`, `ban admin for 7d` */
export function sanctionText(s: IrSanction): string {
  const d = s.ms === null ? 'forever' : `for ${duration(s.ms)}`;
  switch (s.sanction) {
    case 'suspend-interop':
      return `suspend interop ${d}`;
    case 'ban-member':
      return `ban member ${d}`;
    case 'ban-admin':
      return `ban admin ${d}`;
    case 'ban-enterprise':
      return `ban enterprise ${d}`;
  }
}

/** `suspend interop for 1h, appealable`; `no sanction` for a missing step. */
export function stepText(s: IrStep | null): string {
  if (!s || s.sanctions.length === 0) return 'no sanction';
  return `${s.sanctions.map(sanctionText).join(', ')}${s.appealable ? ', appealable' : ''}`;
}

/** 1st, 2nd, 3rd, 4th, 11th, 21st */
export function ordinal(n: number): string {
  const t = n % 100;
  if (t >= 11 && t <= 13) return `${n}th`;
  return `${n}${n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th'}`;
}
