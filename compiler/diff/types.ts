// The semantic diff of two policy sets as data: every change anchored to source and classed by
// what it does to decisions (stricter, looser, both, equivalent). The renderers (cli/render/diff-*)
// and the JSON output read only these types; spec/cli.md (`hush diff`) documents the classes.
import type { LimitId } from '../load/limits-profile.ts';
import type { DiffCode } from './codes.ts';

/**
 * What a change does to decisions, message by message from the same state:
 * - `stricter`: no message (or violation) is treated more leniently, some may be treated harder;
 * - `looser`: the reverse;
 * - `both`: some decisions may get harder and others more lenient;
 * - `equivalent`: no decision changes (wording, owners, a covered keyword, a renamed rule).
 */
export type Effect = 'stricter' | 'looser' | 'both' | 'equivalent';

/** The effect of a whole diff: an effect, or `none` when nothing changed at all. */
export type Verdict = Effect | 'none';

export const EFFECTS: readonly Effect[] = ['stricter', 'looser', 'both', 'equivalent'];

/** Joins two effects: stricter and looser make both; equivalent changes nothing. */
export function joinEffects(a: Effect, b: Effect): Effect {
  if (a === b) return a;
  if (a === 'equivalent') return b;
  if (b === 'equivalent') return a;
  return 'both';
}

export function joinAll(effects: Iterable<Effect>): Effect {
  let e: Effect = 'equivalent';
  for (const x of effects) e = joinEffects(e, x);
  return e;
}

/** The effect of an entry set growing or shrinking, for a list where more entries mean stricter. */
export function growth(added: boolean, removed: boolean, moreIsStricter: boolean): Effect {
  if (!added && !removed) return 'equivalent';
  const up: Effect = moreIsStricter ? 'stricter' : 'looser';
  const down: Effect = moreIsStricter ? 'looser' : 'stricter';
  return added && removed ? 'both' : added ? up : down;
}

/** The reverse effect (what undoing the change would do). */
export function reverse(e: Effect): Effect {
  return e === 'stricter' ? 'looser' : e === 'looser' ? 'stricter' : e;
}

/** A place in a policy or list file: 1-based lines and UTF-16 columns, as the IR gives them. */
export interface DiffLoc {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** The entries of a list change too long to name one by one: how many, and the first few. */
export interface EntrySample {
  count: number;
  sample: string[];
}

export interface Change {
  code: DiffCode;
  effect: Effect;
  /** One line, lower case, no trailing period: "keyword `代购` removed". */
  message: string;
  /** Further detail: why the effect is what it is, the batch plan, what covers an entry. */
  note?: string;
  /** Where the changed thing stood in base (removed or changed things). */
  base: DiffLoc | null;
  /** Where it stands in head (added or changed things). */
  head: DiffLoc | null;
  /** A place in head that CI annotates: the thing itself, or the nearest enclosing one. */
  anchor: DiffLoc | null;
  entries?: EntrySample;
  /** For a change to one of the set's lists: `enterprise-blacklist`, `personal-blacklist:<owner>`, `exempt`. */
  list?: string;
}

export type SubjectKind = 'set' | 'rule' | 'ladder' | 'quota';

/** The changes of one rule, ladder, quota or of the policy set's own statements. */
export interface SubjectDiff {
  kind: SubjectKind;
  /** The rule's or ladder's name (`rule-renamed`: the head name); null for the set. */
  name: string | null;
  status: 'added' | 'removed' | 'changed' | 'renamed';
  effect: Effect;
  base: DiffLoc | null;
  head: DiffLoc | null;
  changes: Change[];
}

/** A documented limit whose use changed: `keywords in rule x: 12 -> 13 of 100`. */
export interface HeadroomChange {
  limit: LimitId;
  /** What the limit counts: "keywords in rule `retail-ads`", "customers on the enterprise blacklist". */
  subject: string;
  max: number;
  base: number;
  head: number;
  anchor: DiffLoc | null;
}

export interface SideSummary {
  /** As the user named it: a path, or `REV:path` for a git revision. */
  source: string;
  files: string[];
  rules: number;
  ladders: number;
}

export interface PolicyDiff {
  version: 1;
  base: SideSummary;
  head: SideSummary;
  verdict: Verdict;
  /** Leaf changes by effect. */
  counts: Record<Effect, number>;
  subjects: SubjectDiff[];
  limits: HeadroomChange[];
  impact: Impact | null;
}

/** A decision as the impact section shows it. */
export interface DecisionSummary {
  allowed: boolean;
  /** Why it was decided before any rule ran: `enterprise blacklist`, `muted`, `exempt`… */
  by?: string;
  actions: string[];
  /** `rule/trigger` of every match. */
  matches: string[];
  /** Sanctions a ladder applied or lifted: `interop-abuse step 2: suspend-interop until …`. */
  sanctions?: string[];
}

export interface ImpactExample {
  /** The 1-based line of the corpus. */
  line: number;
  /** The event's type: `message`, `violation`… */
  type: string;
  /** Who: the message's group and sender, or the event's subject. */
  who: string;
  /** The message's text (shortened), or the event's gist. */
  text: string;
  before: DecisionSummary;
  after: DecisionSummary;
}

export type ImpactKind = 'newly-stopped' | 'newly-allowed' | 'changed';

/** One cause of changed decisions: a rule, a list of the set, or state left by earlier events. */
export interface ImpactSubject {
  kind: 'rule' | 'ladder' | 'quota' | 'enterprise-blacklist' | 'personal-blacklist' | 'exempt' | 'state';
  name: string | null;
  /** The subject's effect in the diff, for a rule the diff names. */
  effect: Effect | null;
  newlyStopped: number;
  newlyAllowed: number;
  changed: number;
  examples: ImpactExample[];
}

export interface Impact {
  corpus: string;
  /** Corpus lines that were valid events, replayed through both sides in order. */
  events: number;
  messages: number;
  /** Lines that were not valid events (each skipped); blank lines are not counted. */
  badLines: number;
  /** The first few bad lines: line number and why. */
  badExamples: { line: number; error: string }[];
  /** Events whose decision differs between base and head. */
  changed: number;
  newlyStopped: number;
  newlyAllowed: number;
  /** Still stopped (or still allowed) on both sides, with other actions or rules. */
  otherwiseChanged: number;
  /** Sorted by the number of changed messages, most first. */
  subjects: ImpactSubject[];
  engine: 'interpreter';
}
