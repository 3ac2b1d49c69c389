// Diffs a rule's own gate: its exempt customers (`exempt customers` inside the rule) and its
// windows (`during`). An exemption added lets the rule fire for fewer senders (looser), removed
// for more (stricter). A window added to a rule that had none makes it fire at fewer times
// (looser), removed stricter; a changed window is judged by containment at one time zone: the
// new one holds every time the old one held (stricter), the old one every time of the new
// (looser), both ways (equivalent: `22:00-07:00` is `22:00-00:00` and `00:00-07:00`), or neither
// (both). A change of time zone shifts every window: both.
import type { IrRule, IrWindow } from '../../runtime/ir.ts';
import { DIFF_CODES } from './codes.ts';
import { q } from './describe.ts';
import { entryChanges } from './entry-changes.ts';
import { diffLists } from './list-diff.ts';
import { fromLoc, ruleEntryLoc, ruleListLoc, type Side } from './side.ts';
import type { Change, DiffLoc, Effect } from './types.ts';

/** The IR fields of a rule this file diffs. */
export const GATE_FIELDS = ['exempt', 'window'];

const DAY_MINUTES = 1440;

/** The minutes of the day a window's times hold, one flag each. */
function minutesOf(w: IrWindow): Uint8Array {
  const m = new Uint8Array(DAY_MINUTES);
  for (const { start, end } of w.times) {
    if (start === end) continue;
    for (let i = start; i !== end; i = (i + 1) % DAY_MINUTES) m[i] = 1;
  }
  return m;
}

/**
 * Whether every time window `a` holds, `b` holds too (both at one offset). A time of a window's
 * days is held by `b` only through `b`'s days or a `b` that holds every minute; a time of `a`'s
 * minutes falls on dates outside any list, so only `b`'s minutes can hold it.
 */
function contains(b: IrWindow, a: IrWindow): boolean {
  const am = minutesOf(a);
  const bm = minutesOf(b);
  const bAll = bm.every((x) => x === 1);
  for (let i = 0; i < DAY_MINUTES; i++) if (am[i] && !bm[i]) return false;
  const bDays = new Set(b.days);
  return bAll || a.days.every((d) => bDays.has(d));
}

function windowText(w: IrWindow): string {
  const hm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  const parts = [...w.times.map((t) => `${hm(t.start)}-${hm(t.end)}`)];
  if (w.days.length > 0) parts.push(w.days.length <= 3 ? `days ${w.days.join(', ')}` : `${w.days.length} days`);
  const sign = w.utcOffsetMinutes < 0 ? '-' : '+';
  return `${parts.join(', ')} (UTC${sign}${hm(Math.abs(w.utcOffsetMinutes))})`;
}

/** The first `during` line of a rule in a side's model, if known. */
function windowLoc(side: Side, rule: string): DiffLoc | null {
  const r = side.model?.rules.find((x) => x.name === rule);
  if (!r) return null;
  const locs = [...r.times.map((t) => t.loc), ...r.days.map((d) => d.loc)].sort((x, y) => x.range.start.offset - y.range.start.offset);
  return locs[0] ? fromLoc(locs[0]) : null;
}

export function diffRuleGate(baseSide: Side, headSide: Side, base: IrRule, head: IrRule, anchor: DiffLoc | null): Change[] {
  const name = head.name;
  const changes: Change[] = [];
  const e = diffLists(base.exempt ?? [], head.exempt ?? []);
  changes.push(
    ...entryChanges({
      headEntry: (v) => ruleEntryLoc(headSide, name, 'exempt', v),
      baseEntry: (v) => ruleEntryLoc(baseSide, base.name, 'exempt', v),
      headList: (v) => ruleListLoc(headSide, name, 'exempt', v),
      baseList: (v) => ruleListLoc(baseSide, base.name, 'exempt', v),
      fallback: anchor,
      added: e.added,
      removed: e.removed,
      addedCode: DIFF_CODES['rule-exempt-added'],
      removedCode: DIFF_CODES['rule-exempt-removed'],
      addedEffect: 'looser',
      removedEffect: 'stricter',
      noun: 'customer',
      nouns: 'customers',
      container: `the exempt customers of rule ${q(name)}`,
    }),
  );

  const bw = base.window;
  const hw = head.window;
  if (JSON.stringify(bw) === JSON.stringify(hw)) return changes;
  const at = { base: bw ? windowLoc(baseSide, base.name) : null, head: hw ? windowLoc(headSide, name) : null };
  if (!bw || !hw) {
    changes.push({
      code: hw ? DIFF_CODES['window-added'] : DIFF_CODES['window-removed'],
      effect: hw ? 'looser' : 'stricter',
      message: hw ? `rule ${q(name)} now fires only during ${windowText(hw)}` : `rule ${q(name)} now fires at any time (was only during ${windowText(bw!)})`,
      base: at.base,
      head: at.head,
      anchor: at.head ?? anchor,
    });
    return changes;
  }
  let effect: Effect;
  let note: string | undefined;
  if (bw.utcOffsetMinutes !== hw.utcOffsetMinutes) {
    effect = 'both';
    note = 'the time zone changed: every window moved';
  } else {
    const wider = contains(hw, bw);
    const narrower = contains(bw, hw);
    effect = wider && narrower ? 'equivalent' : wider ? 'stricter' : narrower ? 'looser' : 'both';
    if (wider && narrower) note = 'the same times, written differently';
  }
  changes.push({
    code: DIFF_CODES['window-changed'],
    effect,
    message: `windows of rule ${q(name)}: ${windowText(bw)} -> ${windowText(hw)}`,
    ...(note ? { note } : {}),
    base: at.base,
    head: at.head,
    anchor: at.head ?? anchor,
  });
  return changes;
}
