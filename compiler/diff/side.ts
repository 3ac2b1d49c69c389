// One side of a diff: a checked policy set lowered to the IR, with the checked model when there
// is one (it knows where every list statement and list-file entry stands, which the IR keeps only
// for keywords). A diff reads decisions from the IR and places from the model.
import type { IrLoc, IrPolicySet } from '../../runtime/ir.ts';
import { entryLoc, type LoadedList, type Loc, type PolicySetModel } from '../model/model.ts';
import { irLoc } from '../lower/model-to-ir.ts';
import { variantWordKey } from '../../runtime/text/variants.ts';
import type { DiffLoc } from './types.ts';

export interface Side {
  /** As the user named it: a path, or `REV:path`. */
  source: string;
  ir: IrPolicySet;
  model: PolicySetModel | null;
  /** The policy files, as named in locations. */
  files: string[];
}

/** A side made from an IR alone (tests, the property test): places come from the IR only. */
export function irSide(ir: IrPolicySet, source = 'ir'): Side {
  return { source, ir, model: null, files: [] };
}

export function fromIrLoc(l: IrLoc): DiffLoc {
  return { file: l.file, line: l.line, column: l.column, endLine: l.endLine, endColumn: l.endColumn };
}

export function fromLoc(l: Loc): DiffLoc {
  return fromIrLoc(irLoc(l.file, l.range));
}

/** The first line of a place: what an annotation points at for a long declaration. */
export function firstLine(l: DiffLoc): DiffLoc {
  return l.endLine === l.line ? l : { ...l, endLine: l.line, endColumn: l.column };
}

/** The start of the side's first policy file, when nothing nearer stands in head. */
export function fileStart(side: Side): DiffLoc | null {
  const file = side.files[0] ?? side.ir.rules[0]?.loc.file ?? side.ir.ladders[0]?.loc.file;
  return file ? { file, line: 1, column: 1, endLine: 1, endColumn: 1 } : null;
}

/** Where a rule's name stands (the model's), else its declaration's first line. */
export function ruleLoc(side: Side, name: string): DiffLoc | null {
  const m = side.model?.rules.find((r) => r.name === name);
  if (m) return fromLoc(m.nameLoc);
  const r = side.ir.rules.find((x) => x.name === name);
  return r ? firstLine(fromIrLoc(r.loc)) : null;
}

export function ladderLoc(side: Side, name: string): DiffLoc | null {
  const m = side.model?.ladders.find((l) => l.name === name);
  if (m) return fromLoc(m.nameLoc);
  const l = side.ir.ladders.find((x) => x.name === name);
  return l ? firstLine(fromIrLoc(l.loc)) : null;
}

/** The lists of a rule the model knows, by what they hold. */
export type RuleListKind = 'groups' | 'exceptions' | 'links' | 'miniprograms' | 'cards' | 'keywords' | 'patterns' | 'exempt' | 'days';

function ruleLists(side: Side, rule: string, kind: RuleListKind): LoadedList[] {
  const r = side.model?.rules.find((x) => x.name === rule);
  if (!r) return [];
  switch (kind) {
    case 'groups':
      return r.groups;
    case 'exceptions':
      return r.exceptions;
    case 'links':
      return r.allow.links;
    case 'miniprograms':
      return r.allow.miniprograms;
    case 'cards':
      return r.allow.cards;
    case 'keywords':
      return r.keywords.map((k) => k.list);
    case 'patterns':
      return r.patterns;
    case 'exempt':
      return r.exempt;
    case 'days':
      return r.days;
  }
}

/** Lists of the set itself. */
export type SetListKind = { kind: 'enterprise-blacklist' } | { kind: 'personal-blacklist'; owner: string } | { kind: 'exempt' } | { kind: 'variants'; word: string };

function setLists(side: Side, which: SetListKind): LoadedList[] {
  const m = side.model;
  if (!m) return [];
  switch (which.kind) {
    case 'enterprise-blacklist':
      return m.enterpriseBlacklist;
    case 'personal-blacklist':
      return m.personalBlacklists.get(which.owner) ?? [];
    case 'exempt':
      return m.exempt;
    case 'variants':
      return m.variants.filter((v) => variantWordKey(v.word) === which.word).map((v) => v.spellings);
  }
}

function entryIn(lists: LoadedList[], value: string): DiffLoc | null {
  for (const l of lists) {
    const i = l.values.indexOf(value);
    if (i !== -1) return fromLoc(entryLoc(l, i));
  }
  return null;
}

function statementOf(lists: LoadedList[], value?: string): DiffLoc | null {
  const l = (value !== undefined ? lists.find((x) => x.values.includes(value)) : undefined) ?? lists[0];
  return l ? fromLoc(l.loc) : null;
}

/** Where one entry of a rule's list stands (its inline item or its list-file line). */
export function ruleEntryLoc(side: Side, rule: string, kind: RuleListKind, value: string): DiffLoc | null {
  return entryIn(ruleLists(side, rule, kind), value);
}

/** The list statement of a rule (`groups from "…"`) holding `value`, or its first one. */
export function ruleListLoc(side: Side, rule: string, kind: RuleListKind, value?: string): DiffLoc | null {
  return statementOf(ruleLists(side, rule, kind), value);
}

export function setEntryLoc(side: Side, which: SetListKind, value: string): DiffLoc | null {
  return entryIn(setLists(side, which), value);
}

export function setListLoc(side: Side, which: SetListKind, value?: string): DiffLoc | null {
  return statementOf(setLists(side, which), value);
}

/** Where a rule's `owner` line stands, when the model knows it. */
export function ruleOwnerLoc(side: Side, name: string): DiffLoc | null {
  const o = side.model?.rules.find((r) => r.name === name)?.owners[0];
  return o ? fromLoc(o.loc) : null;
}

/** Where a ladder's counted category or member stands (`kind` `counts` or `members`). */
export function ladderEntryLoc(side: Side, name: string, kind: 'counts' | 'members', value: string): DiffLoc | null {
  const l = side.model?.ladders.find((x) => x.name === name);
  if (!l) return null;
  if (kind === 'members') return entryIn(l.members ?? [], value);
  const ident = l.counts.find((c) => c.name === value);
  return ident ? fromLoc({ file: l.loc.file, range: ident.range }) : null;
}

/** A ladder's `counts` line (its first category) or `members` line. */
export function ladderListLoc(side: Side, name: string, kind: 'counts' | 'members'): DiffLoc | null {
  const l = side.model?.ladders.find((x) => x.name === name);
  if (!l) return null;
  if (kind === 'members') return statementOf(l.members ?? []);
  return l.counts[0] ? fromLoc({ file: l.loc.file, range: l.counts[0].range }) : null;
}
