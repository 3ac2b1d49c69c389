// Diffs two versions of one penalty ladder. Steps are compared offence by offence, since a
// violation past the last step applies the last step again: the n-th offence gets step
// min(n, steps) on each side, and every offence whose sanction changes is described in words
// ("3rd offence and later: suspend interop forever -> ban member forever").
//
// A step is at least as harsh as another when each of the other's sanctions is covered by one of
// its own (the same sanction for at least as long, forever being longest; a member ban also
// covers a suspension of interop, which a banned account cannot use) and it is not appealable
// where the other was not. More categories counted, more members counted (no `members` line
// counts everyone), a longer expiry (none: never) and a longer restore delay are stricter.
import type { IrLadder, IrLinked, IrSanction, IrStep } from '../../runtime/ir.ts';
import { DIFF_CODES } from './codes.ts';
import { durationText as duration } from '../wording.ts';
import { ordinal, q, sanctionText, stepText } from './describe.ts';
import { entryChanges } from './entry-changes.ts';
import { genericFieldChanges } from './generic-fields.ts';
import { diffLists } from './list-diff.ts';
import { fromIrLoc, ladderEntryLoc, ladderListLoc, ladderLoc, type Side } from './side.ts';
import type { Change, DiffLoc, Effect } from './types.ts';

const KNOWN = ['name', 'loc', 'counts', 'steps', 'severe', 'expireAfterMs', 'members', 'linked', 'customers'];

const length = (ms: number | null) => (ms === null ? Infinity : ms);

function covers(x: IrSanction, y: IrSanction): boolean {
  if (length(x.ms) < length(y.ms)) return false;
  return x.sanction === y.sanction || (x.sanction === 'ban-member' && y.sanction === 'suspend-interop');
}

function atLeast(a: readonly IrSanction[], aAppealable: boolean, b: readonly IrSanction[], bAppealable: boolean): boolean {
  return b.every((y) => a.some((x) => covers(x, y))) && (!aAppealable || bAppealable);
}

/** Compares sanction sets (a missing step: none, appealable). */
export function sanctionsEffect(base: readonly IrSanction[], baseAppealable: boolean, head: readonly IrSanction[], headAppealable: boolean): Effect {
  const harsher = atLeast(head, headAppealable, base, baseAppealable);
  const milder = atLeast(base, baseAppealable, head, headAppealable);
  return harsher && milder ? 'equivalent' : harsher ? 'stricter' : milder ? 'looser' : 'both';
}

function stepEffect(b: IrStep | null, h: IrStep | null): Effect {
  return sanctionsEffect(b?.sanctions ?? [], b ? b.appealable : true, h?.sanctions ?? [], h ? h.appealable : true);
}

function sameStep(b: IrStep | null, h: IrStep | null): boolean {
  const key = (s: IrStep | null) => (s ? JSON.stringify([s.sanctions, s.appealable]) : 'none');
  return key(b) === key(h);
}

function linkedText(l: IrLinked | null): string {
  if (!l) return 'nothing';
  return `${l.sanctions.map((s) => sanctionText(s).replace(/ forever$/, '')).join(', ')}, restore within ${duration(l.restoreWithinMs)}`;
}

function expiryText(ms: number | null): string {
  return ms === null ? 'never' : duration(ms);
}

/** Whether a ladder can sanction anyone: it counts a category and has a step or a severe line. */
export function ladderActs(l: IrLadder): boolean {
  return l.counts.length > 0 && (l.steps.length > 0 || l.severe !== null || (l.linked ?? null) !== null);
}

export function diffLadder(baseSide: Side, headSide: Side, b: IrLadder, h: IrLadder): Change[] {
  const name = h.name;
  const anchor = ladderLoc(headSide, name);
  const changes: Change[] = [];
  const place = (s: { loc: IrStep['loc'] } | null | undefined): DiffLoc | null => (s ? fromIrLoc(s.loc) : null);

  const c = diffLists(b.counts, h.counts);
  changes.push(
    ...entryChanges({
      added: c.added,
      removed: c.removed,
      addedCode: DIFF_CODES['ladder-counts-changed'],
      removedCode: DIFF_CODES['ladder-counts-changed'],
      addedEffect: 'stricter',
      removedEffect: 'looser',
      noun: 'category',
      nouns: 'categories',
      container: `the counts of ladder ${q(name)}`,
      headEntry: (v) => ladderEntryLoc(headSide, name, 'counts', v),
      baseEntry: (v) => ladderEntryLoc(baseSide, b.name, 'counts', v),
      headList: () => ladderListLoc(headSide, name, 'counts') ?? anchor,
      baseList: () => ladderListLoc(baseSide, b.name, 'counts') ?? ladderLoc(baseSide, b.name),
      fallback: anchor,
    }),
  );

  // `for customers` / `for members`: the ladder stops counting one kind of subject and starts on the
  // other, so one side gets looser and the other stricter.
  if (!!b.customers !== !!h.customers) {
    const who = (c: boolean | undefined) => (c ? "customers' violations (rules' `record`)" : "members' violations");
    changes.push({
      code: DIFF_CODES['ladder-members-changed'],
      effect: 'both',
      message: `ladder ${q(name)} now counts ${who(h.customers)}, not ${who(b.customers)}`,
      base: ladderLoc(baseSide, b.name),
      head: anchor,
      anchor,
    });
  }

  const bm = b.members ?? null;
  const hm = h.members ?? null;
  if (bm === null && hm !== null) {
    changes.push({
      code: DIFF_CODES['ladder-members-changed'],
      effect: 'looser',
      message: `ladder ${q(name)} now counts the violations of ${hm.length} member${hm.length === 1 ? '' : 's'} only, not everyone's`,
      base: null,
      head: ladderListLoc(headSide, name, 'members'),
      anchor: ladderListLoc(headSide, name, 'members') ?? anchor,
    });
  } else if (bm !== null && hm === null) {
    changes.push({
      code: DIFF_CODES['ladder-members-changed'],
      effect: 'stricter',
      message: `ladder ${q(name)} now counts everyone's violations, not only ${bm.length} member${bm.length === 1 ? '' : 's'}'`,
      base: ladderListLoc(baseSide, b.name, 'members'),
      head: null,
      anchor,
    });
  } else if (bm !== null && hm !== null) {
    const m = diffLists(bm, hm);
    changes.push(
      ...entryChanges({
        added: m.added,
        removed: m.removed,
        addedCode: DIFF_CODES['ladder-members-changed'],
        removedCode: DIFF_CODES['ladder-members-changed'],
        addedEffect: 'stricter',
        removedEffect: 'looser',
        noun: 'member',
        nouns: 'members',
        container: `the members of ladder ${q(name)}`,
        headEntry: (v) => ladderEntryLoc(headSide, name, 'members', v),
        baseEntry: (v) => ladderEntryLoc(baseSide, b.name, 'members', v),
        headList: () => ladderListLoc(headSide, name, 'members') ?? anchor,
        baseList: () => ladderListLoc(baseSide, b.name, 'members') ?? ladderLoc(baseSide, b.name),
        fallback: anchor,
      }),
    );
  }

  const be = b.expireAfterMs ?? null;
  const he = h.expireAfterMs ?? null;
  if (be !== he) {
    changes.push({
      code: DIFF_CODES['ladder-expiry-changed'],
      effect: length(he) > length(be) ? 'stricter' : 'looser',
      message: `strikes on ladder ${q(name)} expire after: ${expiryText(be)} -> ${expiryText(he)}`,
      note: length(he) > length(be) ? 'offences count for longer' : 'offences are forgotten sooner',
      base: null,
      head: null,
      anchor,
    });
  }

  const n = Math.max(b.steps.length, h.steps.length);
  for (let i = 1; i <= n; i++) {
    const sb = b.steps[Math.min(i, b.steps.length) - 1] ?? null;
    const sh = h.steps[Math.min(i, h.steps.length) - 1] ?? null;
    if (sameStep(sb, sh)) continue;
    const head = i <= h.steps.length ? place(sh) : null;
    changes.push({
      code: DIFF_CODES['ladder-step-changed'],
      effect: stepEffect(sb, sh),
      message: `${ordinal(i)} offence${i === n ? ' and later' : ''} on ladder ${q(name)}: ${stepText(sb)} -> ${stepText(sh)}`,
      ...(i > b.steps.length && sb ? { note: `base repeats its last step (step ${b.steps.length}) from here` } : i > h.steps.length && sh ? { note: `head repeats its last step (step ${h.steps.length}) from here` } : {}),
      base: i <= b.steps.length ? place(sb) : null,
      head,
      anchor: head ?? place(sh) ?? anchor,
    });
  }

  if (!sameStep(b.severe, h.severe)) {
    const head = place(h.severe);
    changes.push({
      code: DIFF_CODES['ladder-severe-changed'],
      effect: stepEffect(b.severe, h.severe),
      message: `severe violation on ladder ${q(name)}: ${stepText(b.severe)} -> ${stepText(h.severe)}`,
      base: place(b.severe),
      head,
      anchor: head ?? anchor,
    });
  }

  const bl = b.linked ?? null;
  const hl = h.linked ?? null;
  if (JSON.stringify(bl && { s: bl.sanctions, r: bl.restoreWithinMs }) !== JSON.stringify(hl && { s: hl.sanctions, r: hl.restoreWithinMs })) {
    let effect = sanctionsEffect(bl?.sanctions ?? [], false, hl?.sanctions ?? [], false);
    if (bl && hl && bl.restoreWithinMs !== hl.restoreWithinMs) {
      effect = effect === 'equivalent' ? (hl.restoreWithinMs > bl.restoreWithinMs ? 'stricter' : 'looser') : effect === (hl.restoreWithinMs > bl.restoreWithinMs ? 'stricter' : 'looser') ? effect : 'both';
    }
    const head = place(hl);
    changes.push({
      code: DIFF_CODES['ladder-linked-changed'],
      effect,
      message: `while the linked account is blocked (ladder ${q(name)}): ${linkedText(bl)} -> ${linkedText(hl)}`,
      base: place(bl),
      head,
      anchor: head ?? anchor,
    });
  }
  changes.push(...genericFieldChanges(`ladder ${q(name)}`, b, h, KNOWN, anchor));
  return changes;
}
