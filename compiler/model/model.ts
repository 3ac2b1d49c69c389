// The checked model of a whole policy set: every file's declarations merged, every list file
// loaded, names resolved. The checks run on it; the IR is lowered from it. It keeps references
// to the AST nodes it came from, so every check can anchor a diagnostic to source.
import type * as A from '../../language/ast.ts';
import type { Range } from '../../language/diagnostic.ts';
import type { NormalizeStep } from '../../language/builtins.ts';
import type { LimitsProfile } from '../load/limits-profile.ts';

/** A place in a policy file. */
export interface Loc {
  file: string;
  range: Range;
}

/**
 * The entries of one list statement, inline or loaded from a list file. Lists can hold two
 * million entries, so positions are kept compactly: an inline list keeps each item's range, a
 * list file keeps each entry's 1-based line number in `listFile`.
 */
export interface LoadedList {
  values: string[];
  /** The list statement (`"a", "b"` or `from "file"`) in the policy file. */
  loc: Loc;
  /** The resolved path of the list file, for `from "file"`. */
  listFile?: string;
  /** For list files: the 1-based line of each value in `listFile`. */
  lines?: Int32Array;
  /** For inline lists: the range of each item in the policy file. */
  ranges?: Range[];
  /** The list file could not be read (already reported): checks must not call it empty. */
  failed?: true;
}

/** Where the i-th entry of a list stands: its own line in a list file, or its inline item. */
export function entryLoc(list: LoadedList, i: number): Loc {
  if (list.listFile && list.lines) {
    const line = list.lines[i];
    const len = list.values[i]?.length ?? 0;
    return {
      file: list.listFile,
      range: { start: { line, column: 1, offset: -1 }, end: { line, column: len + 1, offset: -1 } },
    };
  }
  return { file: list.loc.file, range: list.ranges?.[i] ?? list.loc.range };
}

export interface Owner {
  role: A.OwnerRole;
  /** The person (super-admin, member; optional for rule-manager). */
  id?: string;
  /** The management rule whose owners share a quota (rule-manager only). */
  managementRule?: string;
  loc: Loc;
}

export interface RuleModel {
  name: string;
  /** The whole `rule … { … }` declaration. */
  loc: Loc;
  /** The rule's name string. */
  nameLoc: Loc;
  decl: A.RuleDecl;
  owners: Owner[];
  groups: LoadedList[];
  keywords: { list: LoadedList; wholeWord: boolean }[];
  /** `pattern …` statements: RE2 patterns that fire the `keyword` trigger (compiler/checks/patterns.ts). */
  patterns: LoadedList[];
  exceptions: LoadedList[];
  allow: { links: LoadedList[]; miniprograms: LoadedList[]; cards: LoadedList[] };
  /** The rule's own normalisation, or the policy set's when it has none. */
  normalize: NormalizeStep[];
  /** The platform version on which the rule was first configured (`configured on "4.1.20"`). */
  configuredOn?: { version: string; loc: Loc };
  announce?: string;
  whens: A.WhenStmt[];
  /** `exempt customers …` of this rule: customers it never fires for (other rules still do). */
  exempt: LoadedList[];
  /** `during HH:MM-HH:MM` lines: with `days`, when the rule fires; none of either: at any time. */
  times: { window: A.TimeWindow; loc: Loc }[];
  /** `during days …` lines: dates `YYYY-MM-DD` on which the rule fires (checks/rule-windows.ts). */
  days: LoadedList[];
}

export interface LadderModel {
  name: string;
  loc: Loc;
  nameLoc: Loc;
  decl: A.LadderDecl;
  counts: A.Ident[];
  steps: A.StepStmt[];
  severe?: A.SevereStmt;
  expireAfter?: A.Duration;
  /** Whose violations the ladder counts, one entry per `members` line (at most one is allowed). */
  members: LoadedList[];
  /** Penalty rule 2: the first `while linked blocked` line. */
  linked?: A.LinkedStmt;
  /** The first `for customers|members` line; without one, a member ladder. */
  for?: A.ForStmt;
}

/** A `quota NAME { … }` declaration. */
export interface QuotaModel {
  name: string;
  loc: Loc;
  nameLoc: Loc;
  decl: A.QuotaDecl;
}

export interface CategoryModel {
  id: string;
  label?: string;
  builtin: boolean;
  /** The declaration, for a custom category. */
  loc?: Loc;
}

/** A `variants of "WORD" LIST` declaration: the set's own spellings of a word (spec/language.md §10). */
export interface VariantsModel {
  /** The word as written. */
  word: string;
  /** The word's string. */
  wordLoc: Loc;
  spellings: LoadedList;
  /** The whole declaration. */
  loc: Loc;
}

export interface PolicySetModel {
  /** The folder every list path must stay inside. */
  root: string;
  files: A.PolicyFile[];
  enterprise?: { name: string; loc: Loc };
  profile: LimitsProfile;
  normalize: NormalizeStep[];
  enterpriseBlacklist: LoadedList[];
  /** Personal blacklists by the member who owns them. */
  personalBlacklists: Map<string, LoadedList[]>;
  exempt: LoadedList[];
  categories: Map<string, CategoryModel>;
  rules: RuleModel[];
  ladders: LadderModel[];
  /** Every quota declaration in set order; a set may have one (the checker reports the others). */
  quotas: QuotaModel[];
  /** Every `variants of` declaration in set order. */
  variants: VariantsModel[];
  /** Offsets of syntax errors by file: checks for a missing part skip declarations holding one. */
  syntaxErrors: Map<string, number[]>;
}

/** True when a syntax error lies inside `loc`: what looks missing there may just be unparsed. */
export function hasSyntaxErrorIn(model: PolicySetModel, loc: Loc): boolean {
  const xs = model.syntaxErrors.get(loc.file);
  return !!xs && xs.some((o) => o >= loc.range.start.offset && o <= loc.range.end.offset);
}
