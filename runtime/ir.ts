// The intermediate representation: the contract between the compiler and the runtime. It is
// plain, serializable data (JSON), canonical (sorted and de-duplicated wherever order carries no
// meaning, so the same policy set always gives the same bytes), and every node that came from
// source carries its location. Its JSON Schema is spec/ir.schema.json. The runtime depends on
// these types and on nothing of language/ or compiler/; the compiler lowers its checked model
// into them (compiler/lower/model-to-ir.ts); code generation reads only this.

import type { NormalizeStep } from './text/normalize-steps.ts';

export const IR_VERSION = 1;

/** A source location: file and 1-based line/column span. */
export interface IrLoc {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** A normalisation step: the vocabulary is runtime/text/normalize-steps.ts. */
export type IrNormalizeStep = NormalizeStep;

export interface IrPolicySet {
  version: typeof IR_VERSION;
  enterprise: string | null;
  /** The limits profile the set was checked against. */
  profile: string;
  /** Customers on the enterprise blacklist: sorted, distinct. Applies in every group. */
  enterpriseBlacklist: string[];
  /** Personal blacklists by owner (sorted by owner; customers sorted, distinct). */
  personalBlacklists: IrPersonalBlacklist[];
  /** Exempt customers: sorted, distinct. */
  exempt: string[];
  /** Categories known to the set, built-in and custom, sorted by id. */
  categories: IrCategory[];
  /** Rules sorted by name. A rule's index in this array is its id in generated code. */
  rules: IrRule[];
  /** Ladders sorted by name. */
  ladders: IrLadder[];
  /** The daily quota for adding external contacts (`quota contact-add { … }`), or null. */
  contactQuota: IrContactQuota | null;
  /**
   * The set's own variant lines (`variants of "微信" …`), merged with the curated table for every
   * rule with the `variants` step (runtime/text/variants.ts); sorted by word. Absent when the set
   * declares none, so a policy without them lowers to the same IR as before they existed.
   */
  variants?: IrVariant[];
}

/**
 * One word of the author's variant lines: the word as the table keys it (NFKC, lower case), and
 * its spellings in declaration order (the first ones are kept when a keyword has too many),
 * distinct, none equal to the word; `loc` is the first declaration naming the word.
 */
export interface IrVariant {
  word: string;
  spellings: string[];
  loc: IrLoc;
}

export interface IrPersonalBlacklist {
  owner: string;
  customers: string[];
  loc: IrLoc;
}

export interface IrCategory {
  id: string;
  label: string | null;
  builtin: boolean;
}

export type IrOwnerRole = 'super-admin' | 'member' | 'rule-manager';

export interface IrOwner {
  role: IrOwnerRole;
  id: string | null;
  managementRule: string | null;
}

export interface IrRule {
  name: string;
  loc: IrLoc;
  owner: IrOwner | null;
  /** Groups the rule applies to: sorted, distinct. */
  groups: string[];
  /** The normalisation applied alike to keywords (at compile time) and to message text. */
  normalize: IrNormalizeStep[];
  /** Keywords as written (before normalisation), sorted by text, distinct. */
  keywords: IrKeyword[];
  /**
   * Pattern keywords (`pattern "…"`, RE2 syntax, as written), sorted by text, distinct; they fire
   * the `keyword` trigger like keywords. Absent when the rule has none, so a policy without
   * patterns lowers to the same IR as before they existed.
   */
  patterns?: IrPattern[];
  /** Exception phrases: a keyword hit that lies inside an exception hit does not fire. */
  exceptions: string[];
  links: IrLinkPattern[];
  /** Whitelisted mini-program ids: sorted, distinct. */
  miniprograms: string[];
  /** Whitelisted contact-card ids: sorted, distinct. */
  cards: string[];
  announce: string | null;
  /** The rule's `when` lines in source order (order decides the order of warnings). */
  triggers: IrTrigger[];
  /**
   * Customers this rule never fires for (`exempt customers …` inside the rule): sorted, distinct.
   * Absent when the rule has none, so a policy without them lowers to the same IR as before.
   */
  exempt?: string[];
  /** When the rule fires (its `during` lines); absent: at any time. */
  window?: IrWindow;
}

/**
 * The times a rule fires: a message whose `at`, read at `utcOffsetMinutes`, falls in one of the
 * windows of the day or on one of the days (the union of the rule's `during` lines).
 */
export interface IrWindow {
  /** Windows of the day, minutes since midnight, `end` exclusive; `end < start` crosses midnight. Sorted, distinct. */
  times: IrTimeWindow[];
  /** Dates `YYYY-MM-DD`: sorted, distinct. */
  days: string[];
  /** The offset of the policy set's time zone from UTC, in minutes (the quota's `timezone`, else +480). */
  utcOffsetMinutes: number;
}

export interface IrTimeWindow {
  start: number;
  end: number;
}

export interface IrPattern {
  pattern: string;
  loc: IrLoc;
}

export interface IrKeyword {
  text: string;
  /** Latin keywords may ask to match whole words only. */
  wholeWord: boolean;
  loc: IrLoc;
}

/**
 * A whitelisted link, as written (`https://shop.acme.cn/*`, `*.acme.cn`) and parsed: an optional
 * scheme, a host (with `*.` meaning any subdomain of it, and the domain itself), and an optional
 * path prefix (`/*` or no path means any path).
 */
export interface IrLinkPattern {
  pattern: string;
  scheme: string | null;
  host: string;
  subdomains: boolean;
  pathPrefix: string | null;
}

export type IrTrigger =
  | { type: 'keyword' | 'link' | 'miniprogram' | 'card' | 'image'; loc: IrLoc; actions: IrAction[] }
  | { type: 'flood'; count: number; windowMs: number; loc: IrLoc; actions: IrAction[] }
  | { type: 'identity'; identities: string[]; loc: IrLoc; actions: IrAction[] }
  | { type: 'new-member'; withinMs: number; loc: IrLoc; actions: IrAction[] }
  | { type: 'length'; max: number; loc: IrLoc; actions: IrAction[] };

export type IrTriggerType = IrTrigger['type'];

export type IrAction =
  | { type: 'warn'; text: string }
  | { type: 'recall' }
  | { type: 'remove' }
  | { type: 'mute'; ms: number }
  | { type: 'blacklist'; scope: 'personal' | 'enterprise' | 'group' }
  | { type: 'notify'; target: 'owner' | 'admins' }
  | { type: 'record'; category: string };

export type IrActionType = IrAction['type'];

/** The fixed order of merged actions (PRODUCT.md, "Semantics already decided"). */
export const ACTION_ORDER: readonly IrActionType[] = ['recall', 'remove', 'mute', 'blacklist', 'warn', 'notify', 'record'];

export interface IrLadder {
  name: string;
  loc: IrLoc;
  /** Categories whose violations climb this ladder: sorted, distinct. */
  counts: string[];
  /** Steps in order 1, 2, 3…; a violation past the last step applies the last step again. */
  steps: IrStep[];
  /** Applied to a violation with a bad influence (severity `severe`), whatever the count. */
  severe: IrStep | null;
  /** Strikes older than this no longer count; null: they never expire. */
  expireAfterMs: number | null;
  /**
   * Whose violations the ladder counts (`members "m-1", …` or `members from "file"`): sorted,
   * distinct member ids; null: every subject's.
   */
  members: string[] | null;
  /**
   * Penalty rule 2 (`while linked blocked: suspend interop, restore within 24h`): sanctions held
   * while the subject's linked WeChat account is blocked, lifted a fixed delay after it is
   * unblocked; null when the ladder has no such line.
   */
  linked: IrLinked | null;
  /**
   * `for customers`: the ladder counts the violations a rule's `record` reports for a customer's
   * message, and its sanctions are customer sanctions. Absent: a member ladder (violation events).
   */
  customers?: true;
}

export interface IrLinked {
  /** Held while the linked account is blocked: every `ms` is null here. */
  sanctions: IrSanction[];
  /** The sanctions end this long after the `unblocked` event (at most 24 hours, the seed's limit). */
  restoreWithinMs: number;
  loc: IrLoc;
}

/**
 * The daily quota of external contacts one member may add: a base, adjusted by the enterprise's
 * profile (the seed's information completeness, usage, customer feedback and compliance), kept
 * between a minimum and a maximum, counted per calendar day at a fixed UTC offset.
 */
export interface IrContactQuota {
  loc: IrLoc;
  base: number;
  /** In source order; each applies when its condition holds for the event's profile. */
  adjustments: IrQuotaAdjustment[];
  minimum: number;
  /** null: no maximum. */
  maximum: number | null;
  /** The offset of the quota's day from UTC, in minutes (+480 for China, the default). */
  utcOffsetMinutes: number;
}

export type IrProfileFactor = 'complete' | 'compliant' | 'usage' | 'blocks' | 'deletions' | 'complaints';

export interface IrQuotaAdjustment {
  /** Positive for `raise`, negative for `lower`. */
  delta: number;
  /**
   * `complete`/`compliant` are booleans: `is` true or false. The others are rates in [0, 1]:
   * `over` or `under` a threshold (`over 2%` is `{op:'over', value:0.02}`). A condition on a
   * factor the event's profile does not give never holds.
   */
  factor: IrProfileFactor;
  op: 'is' | 'over' | 'under';
  value: number | boolean;
  loc: IrLoc;
}

export interface IrStep {
  /** 1, 2, 3… for steps; 0 for the severe path. */
  number: number;
  sanctions: IrSanction[];
  appealable: boolean;
  loc: IrLoc;
}

export interface IrSanction {
  /**
   * Member sanctions: `suspend-interop`, `ban-member`, `ban-admin`, `ban-enterprise`. Customer
   * sanctions (a `customers` ladder): `mute` (in the violation's group), `remove` (from it),
   * `blacklist-personal` (the group owner's), `blacklist-enterprise`.
   */
  sanction: 'suspend-interop' | 'ban-member' | 'ban-admin' | 'ban-enterprise' | 'mute' | 'remove' | 'blacklist-personal' | 'blacklist-enterprise';
  /** null: forever. */
  ms: number | null;
}
