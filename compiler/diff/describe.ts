// Wording for diff messages: triggers, actions and sanctions as the policy language writes them
// (`when flood 5 in 10s`, `mute 30m`, `suspend interop for 1h`), ordinals for ladder offences.
// Durations and actions are worded by compiler/wording.ts, as every other command words them.
import type { IrAction, IrSanction, IrStep, IrTrigger } from '../../runtime/ir.ts';
import { actionText, durationText as duration, sanctionText as sanctionWording } from '../wording.ts';

/**
 * A value in a code span, as diagnostics quote names: in backticks, or in a longer run of them
 * when the value holds backticks (padded with a space when it starts or ends with one), so that
 * no name can close the span early. The characters are kept as they are (the JSON output holds
 * the real name); every renderer escapes control and bidirectional characters for its format
 * (cli/render/escape.ts).
 */
export function q(s: string): string {
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((x) => x.length));
  const fence = '`'.repeat(longest + 1);
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${s}${pad}${fence}`;
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
    default:
      // A customer ladder's sanctions: `mute for 1h`, `remove`, `blacklist personal`.
      return sanctionWording(s);
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
