// Compares the actions of one `when` line in base and head. The engine merges actions per type
// (spec/runtime.md), so a line's actions are a vector: recall and remove (on or off), the longest
// mute, the widest blacklist (group < personal < enterprise, the engine's own order), whether it
// warns, and the sets of notified targets and recorded categories. Head is stricter when every
// component is at least base's, looser when every one is at most; a warning's wording is neither.
// A stopped message stays stopped under a stricter vector: recall, remove, mute and blacklist are
// exactly what makes a decision `allowed: false`.
import type { IrAction } from '../../runtime/ir.ts';
import { actionText } from '../wording.ts';
import { joinAll, type Effect } from './types.ts';

const SCOPE_RANK = { group: 0, personal: 1, enterprise: 2 } as const;

interface ActionVector {
  recall: boolean;
  remove: boolean;
  /** The longest mute in ms; 0: none. */
  mute: number;
  /** -1: none. */
  blacklist: number;
  warns: Set<string>;
  notify: Set<string>;
  record: Set<string>;
}

function vector(actions: readonly IrAction[]): ActionVector {
  const v: ActionVector = { recall: false, remove: false, mute: 0, blacklist: -1, warns: new Set(), notify: new Set(), record: new Set() };
  for (const a of actions) {
    switch (a.type) {
      case 'recall':
        v.recall = true;
        break;
      case 'remove':
        v.remove = true;
        break;
      case 'mute':
        v.mute = Math.max(v.mute, a.ms);
        break;
      case 'blacklist':
        v.blacklist = Math.max(v.blacklist, SCOPE_RANK[a.scope]);
        break;
      case 'warn':
        v.warns.add(a.text);
        break;
      case 'notify':
        v.notify.add(a.target);
        break;
      case 'record':
        v.record.add(a.category);
        break;
    }
  }
  return v;
}

function cmp(a: number, b: number): Effect {
  return b > a ? 'stricter' : b < a ? 'looser' : 'equivalent';
}

function sets(a: Set<string>, b: Set<string>): Effect {
  const added = [...b].some((x) => !a.has(x));
  const removed = [...a].some((x) => !b.has(x));
  return added && removed ? 'both' : added ? 'stricter' : removed ? 'looser' : 'equivalent';
}

export interface ActionsDelta {
  effect: Effect;
  /** What changed, one phrase each: "recall dropped", "mute 30m -> mute 1h". */
  parts: string[];
}

/** Compares two action lists; `equivalent` with no parts when they act alike and read alike. */
export function diffActions(base: readonly IrAction[], head: readonly IrAction[]): ActionsDelta {
  const a = vector(base);
  const b = vector(head);
  const effects: Effect[] = [
    cmp(+a.recall, +b.recall),
    cmp(+a.remove, +b.remove),
    cmp(a.mute, b.mute),
    cmp(a.blacklist, b.blacklist),
    cmp(+(a.warns.size > 0), +(b.warns.size > 0)),
    sets(a.notify, b.notify),
    sets(a.record, b.record),
  ];
  const baseTexts = [...new Set(base.map(actionText))];
  const headTexts = [...new Set(head.map(actionText))];
  let dropped = baseTexts.filter((t) => !headTexts.includes(t));
  let added = headTexts.filter((t) => !baseTexts.includes(t));
  const parts: string[] = [];
  // A changed mute or blacklist reads as one phrase: `mute 30m -> mute 1h`.
  for (const type of ['mute ', 'blacklist ']) {
    const x = dropped.filter((t) => t.startsWith(type));
    const y = added.filter((t) => t.startsWith(type));
    if (x.length === 1 && y.length === 1) {
      parts.push(`${x[0]} -> ${y[0]}`);
      dropped = dropped.filter((t) => t !== x[0]);
      added = added.filter((t) => t !== y[0]);
    }
  }
  for (const t of dropped) parts.push(`${t} dropped`);
  for (const t of added) parts.push(`${t} added`);
  return { effect: joinAll(effects), parts };
}
