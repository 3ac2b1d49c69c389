// Turns the entries added to and removed from one list (groups, keywords, whitelists, blacklists,
// exempt customers) into changes: one per entry, at its own line, for a few; one per direction
// with a count and a sample for many. Each entry's effect is the list's direction (a group added
// is stricter, a whitelisted link added is looser) unless something makes it inert: an entry
// covered by another that stays (a keyword containing a remaining keyword), or a list no `when`
// line reads in both versions.
import type { DiffCode } from './codes.ts';
import { q } from './describe.ts';
import { countText as count } from '../wording.ts';
import { ITEMISE_MAX, sampleOf } from './list-diff.ts';
import { joinAll, type Change, type DiffLoc, type Effect } from './types.ts';

export interface EntryChangeSpec {
  added: readonly string[];
  removed: readonly string[];
  addedCode: DiffCode;
  removedCode: DiffCode;
  /** The effect of one entry added (removing one has the reverse). */
  addedEffect: Effect;
  removedEffect: Effect;
  /** `group`, `groups` */
  noun: string;
  nouns: string;
  /** `rule \`x\``, `the enterprise blacklist` */
  container: string;
  /** Where an entry stands in head / base. */
  headEntry: (value: string) => DiffLoc | null;
  baseEntry: (value: string) => DiffLoc | null;
  /** The list statement in head / base (for many entries at once). */
  headList: (value?: string) => DiffLoc | null;
  baseList: (value?: string) => DiffLoc | null;
  /** Where to annotate a removal when the list is gone from head. */
  fallback: DiffLoc | null;
  /** Why an entry changes nothing (it is covered by another), or undefined. */
  covered?: (value: string, direction: 'added' | 'removed') => string | undefined;
  /** Set when no decision reads the list in both versions: every change is equivalent. */
  inert?: string;
  /** A note for the added entries as a whole (the batch plan). */
  addedNote?: (n: number) => string | undefined;
  /** Which of the set's lists this is (Change.list). */
  list?: string;
}

function one(spec: EntryChangeSpec, value: string, direction: 'added' | 'removed'): Change {
  const added = direction === 'added';
  const cover = spec.covered?.(value, direction);
  const note = spec.inert ?? cover;
  const effect: Effect = spec.inert !== undefined || cover !== undefined ? 'equivalent' : added ? spec.addedEffect : spec.removedEffect;
  const head = added ? spec.headEntry(value) ?? spec.headList(value) : null;
  const base = added ? null : spec.baseEntry(value) ?? spec.baseList(value);
  const extra = added ? spec.addedNote?.(1) : undefined;
  const notes = [note, extra].filter((x): x is string => x !== undefined);
  return {
    code: added ? spec.addedCode : spec.removedCode,
    effect,
    message: `${spec.noun} ${q(value)} ${added ? 'added to' : 'removed from'} ${spec.container}`,
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
    base,
    head,
    anchor: head ?? spec.headList() ?? spec.fallback,
    ...(spec.list !== undefined ? { list: spec.list } : {}),
  };
}

function many(spec: EntryChangeSpec, values: readonly string[], direction: 'added' | 'removed'): Change {
  const added = direction === 'added';
  let covered = 0;
  const effects: Effect[] = [];
  if (spec.inert === undefined) {
    for (const v of values) {
      if (spec.covered?.(v, direction) !== undefined) covered++;
      else effects.push(added ? spec.addedEffect : spec.removedEffect);
    }
  }
  const notes: string[] = [];
  if (spec.inert !== undefined) notes.push(spec.inert);
  if (covered > 0) notes.push(`${count(covered)} of them covered by entries that remain`);
  const plan = added ? spec.addedNote?.(values.length) : undefined;
  if (plan) notes.push(plan);
  const head = added ? spec.headList(values[0]) : null;
  const base = added ? null : spec.baseList(values[0]);
  return {
    code: added ? spec.addedCode : spec.removedCode,
    effect: joinAll(effects),
    message: `${count(values.length)} ${spec.nouns} ${added ? 'added to' : 'removed from'} ${spec.container}`,
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
    base,
    head,
    anchor: head ?? spec.headList() ?? spec.fallback,
    entries: sampleOf(values),
    ...(spec.list !== undefined ? { list: spec.list } : {}),
  };
}

export function entryChanges(spec: EntryChangeSpec): Change[] {
  const out: Change[] = [];
  for (const [values, direction] of [
    [spec.added, 'added'],
    [spec.removed, 'removed'],
  ] as const) {
    if (values.length === 0) continue;
    if (values.length <= ITEMISE_MAX) for (const v of values) out.push(one(spec, v, direction));
    else out.push(many(spec, values, direction));
  }
  return out;
}
