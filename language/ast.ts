// The abstract syntax tree of one policy file, shared by the `.policy` and the YAML front ends.
// The AST is strict: it never holds a hole. A statement that could not be parsed completely is
// left out and its error reported, so every node below is whole. Every node has a `range` in
// its own file. Declarations and statements keep their source order (the formatter and the
// language server need it); the compiler builds the structured, checked model from them.
import type { Range } from './diagnostic.ts';

export interface Node {
  range: Range;
}

/** A string literal with its unescaped value; `range` covers the quotes. */
export interface Str extends Node {
  value: string;
}

/** A bare name such as a category (`harassment`, `coupon-spam`) or a normalisation step. */
export interface Ident extends Node {
  name: string;
}

export interface IntLit extends Node {
  value: number;
}

/**
 * A percentage as written (`80%`, `0.5%`) and its number of percent (80, 0.5). Only digits and one
 * decimal point can be written, so it is never negative; the checker keeps it within 0 to 100.
 */
export interface Percent extends Node {
  text: string;
  percent: number;
}

/** A duration (`10s`, `30m`, `1h`, `7d`, `2w`) in milliseconds, or `forever` as `ms: null`. */
export interface Duration extends Node {
  text: string;
  ms: number | null;
}

/** An inline list (`"a", "b"`) or a list file (`from "lists/a.txt"`). */
export type ListSource = InlineList | FileList;

export interface InlineList extends Node {
  kind: 'inline';
  items: Str[];
}

export interface FileList extends Node {
  kind: 'file';
  path: Str;
}

export interface Comment extends Node {
  /** The text after `#`, without the line ending. */
  text: string;
}

export interface PolicyFile extends Node {
  /** The file name as given to the parser (a path, or a URI in the editor). */
  file: string;
  form: 'policy' | 'yaml';
  declarations: Declaration[];
  comments: Comment[];
}

export type Declaration =
  | EnterpriseDecl
  | LimitsDecl
  | NormalizeDecl
  | BlacklistDecl
  | ExemptDecl
  | CategoryDecl
  | RuleDecl
  | LadderDecl
  | QuotaDecl
  | VariantsDecl;

/**
 * `variants of "微信" "薇信", "vx"` or `variants of "微信" from "lists/weixin.txt"`: the set's own
 * spellings of a word, merged with the curated table for rules with the `variants` step.
 */
export interface VariantsDecl extends Node {
  kind: 'variants';
  word: Str;
  list: ListSource;
}

/** `enterprise "acme-retail"`: the enterprise the policy set belongs to. */
export interface EnterpriseDecl extends Node {
  kind: 'enterprise';
  name: Str;
}

/** `limits "wecom-4.1.36"`: the limits profile to check against. */
export interface LimitsDecl extends Node {
  kind: 'limits';
  profile: Str;
}

/** `normalize case, width, symbols`: the default text normalisation of the policy set. */
export interface NormalizeDecl extends Node {
  kind: 'normalize';
  steps: Ident[];
}

/** `blacklist enterprise …` or `blacklist personal of "li.lei" …`. */
export interface BlacklistDecl extends Node {
  kind: 'blacklist';
  scope: 'enterprise' | 'personal';
  /** The member who owns a personal blacklist. */
  owner?: Str;
  list: ListSource;
}

/** `exempt customers …`: customers no rule ever affects (the seed's whitelist). */
export interface ExemptDecl extends Node {
  kind: 'exempt';
  list: ListSource;
}

/** `category coupon-spam "Coupon farming"`: a custom violation category. */
export interface CategoryDecl extends Node {
  kind: 'category';
  name: Ident;
  label?: Str;
}

export interface RuleDecl extends Node {
  kind: 'rule';
  name: Str;
  body: RuleStatement[];
}

export type RuleStatement =
  | OwnerStmt
  | GroupsStmt
  | KeywordsStmt
  | PatternStmt
  | ExceptStmt
  | AllowStmt
  | NormalizeStmt
  | ConfiguredStmt
  | AnnounceStmt
  | WhenStmt
  | RuleExemptStmt
  | DuringStmt;

export type OwnerRole = 'super-admin' | 'member' | 'rule-manager';

/**
 * `owner super-admin "zhang.wei"`, `owner member "li.lei"`, or
 * `owner rule-manager of "east-region" "wang.fang"` (the owners of one management rule share a
 * quota, so the management rule is named; the person is optional).
 */
export interface OwnerStmt extends Node {
  kind: 'owner';
  role: OwnerRole;
  /** The person for super-admin and member; the person (optional) for rule-manager. */
  id?: Str;
  /** The management rule, for rule-manager only. */
  managementRule?: Str;
}

/** `groups "g-1", "g-2"` or `groups from "lists/groups.txt"`. */
export interface GroupsStmt extends Node {
  kind: 'groups';
  list: ListSource;
}

/** `keywords "加微信", "代购"`; `keywords whole-word "spam"` matches Latin keywords as words. */
export interface KeywordsStmt extends Node {
  kind: 'keywords';
  wholeWord: boolean;
  list: ListSource;
}

/** `except "路口交通"`: exception phrases inside which a keyword does not fire. */
/** `pattern "1[3-9]\\d{9}"`: RE2 patterns that fire the `keyword` trigger like keywords (spec/language.md §5). */
export interface PatternStmt extends Node {
  kind: 'pattern';
  list: ListSource;
}

export interface ExceptStmt extends Node {
  kind: 'except';
  list: ListSource;
}

export type AllowTarget = 'links' | 'miniprograms' | 'cards';

/** `allow links …`, `allow miniprograms …`, `allow cards …`: the rule's whitelists. */
export interface AllowStmt extends Node {
  kind: 'allow';
  target: AllowTarget;
  list: ListSource;
}

/** `normalize …` inside a rule: overrides the policy-wide normalisation for this rule. */
export interface NormalizeStmt extends Node {
  kind: 'normalize';
  steps: Ident[];
}

/**
 * `configured on "4.1.20"`: the platform version on which the rule was first configured. A rule
 * configured before v4.1.36 with more than 20,000 groups keeps working and stays editable.
 */
export interface ConfiguredStmt extends Node {
  kind: 'configured';
  version: Str;
}

/** `announce "…"`: the group announcement that tells members the rule (education scenario). */
export interface AnnounceStmt extends Node {
  kind: 'announce';
  text: Str;
}

/**
 * `exempt customers …` inside a rule: customers this rule never fires for (other rules still do).
 * The top-level `exempt customers …` (ExemptDecl) exempts them from every rule.
 */
export interface RuleExemptStmt extends Node {
  kind: 'exempt';
  list: ListSource;
}

/**
 * `during 22:00-07:00` or `during days …` (dates `YYYY-MM-DD`): the rule fires only on messages
 * sent in one of its windows (every `during` line of a rule together: their union), read in the
 * policy set's time zone. Exactly one of `times` and `days` is given.
 */
export interface DuringStmt extends Node {
  kind: 'during';
  times?: TimeWindow;
  days?: ListSource;
}

/**
 * A window of the day (`22:00-07:00`; `text` is its canonical form, `HH:MM-HH:MM`) and its minutes
 * since midnight; `end` is exclusive, and a window whose end is not after its start crosses midnight.
 */
export interface TimeWindow extends Node {
  text: string;
  start: number;
  end: number;
}

/** `when TRIGGER then ACTION, ACTION…`. */
export interface WhenStmt extends Node {
  kind: 'when';
  trigger: Trigger;
  actions: Action[];
}

export type Trigger =
  | SimpleTrigger
  | FloodTrigger
  | IdentityTrigger
  | NewMemberTrigger
  | LengthTrigger;

/**
 * `keyword` (a keyword of the rule), `link` (a link not on the whitelist), `miniprogram` (a
 * mini-program not on the whitelist), `card` (a contact card not on the whitelist), `image`
 * (any image).
 */
export interface SimpleTrigger extends Node {
  type: 'keyword' | 'link' | 'miniprogram' | 'card' | 'image';
}

/** `flood 5 in 10s`: fires on the message that makes the sender's count in the window exceed N. */
export interface FloodTrigger extends Node {
  type: 'flood';
  count: IntLit;
  window: Duration;
}

/** `identity "new-customer", "competitor"`: senders with one of these identities may not speak. */
export interface IdentityTrigger extends Node {
  type: 'identity';
  identities: Str[];
}

/** `new-member within 10m`: members who joined less than the duration ago may not speak. */
export interface NewMemberTrigger extends Node {
  type: 'new-member';
  within: Duration;
}

/** `length over 500`: messages longer than N characters. */
export interface LengthTrigger extends Node {
  type: 'length';
  max: IntLit;
}

export type TriggerType = Trigger['type'];

export type Action =
  | WarnAction
  | SimpleAction
  | MuteAction
  | BlacklistAction
  | NotifyAction
  | RecordAction;

/** `warn "请勿发送广告"`: a warning shown in the group. */
export interface WarnAction extends Node {
  type: 'warn';
  text: Str;
}

/** `recall` (withdraw the message) or `remove` (remove the sender from the group). */
export interface SimpleAction extends Node {
  type: 'recall' | 'remove';
}

/** `mute 30m`: the sender may not speak in the group for the duration. */
export interface MuteAction extends Node {
  type: 'mute';
  duration: Duration;
}

/** `blacklist personal|enterprise|group`: add the sender to that blacklist. */
export interface BlacklistAction extends Node {
  type: 'blacklist';
  scope: 'personal' | 'enterprise' | 'group';
}

/** `notify owner|admins`: tell the group owner or the enterprise admins. */
export interface NotifyAction extends Node {
  type: 'notify';
  target: 'owner' | 'admins';
}

/** `record harassment`: report a violation of this category to the penalty ladders. */
export interface RecordAction extends Node {
  type: 'record';
  category: Ident;
}

export type ActionType = Action['type'];

export interface LadderDecl extends Node {
  kind: 'ladder';
  name: Str;
  body: LadderStatement[];
}

export type LadderStatement = CountsStmt | StepStmt | SevereStmt | ExpireStmt | MembersStmt | LinkedStmt | ForStmt;

/**
 * `for customers` (or `for members`, the default): whose violations the ladder counts. A customer
 * ladder counts the violations a rule's `record` reports for a customer's message, and its
 * sanctions are the customer sanctions (`mute`, `remove`, `blacklist`).
 */
export interface ForStmt extends Node {
  kind: 'for';
  subjects: 'members' | 'customers';
}

/** `counts harassment, inducing-share`: the categories whose violations climb this ladder. */
export interface CountsStmt extends Node {
  kind: 'counts';
  categories: Ident[];
}

/** `step 1: suspend interop for 1h, appealable`. */
export interface StepStmt extends Node {
  kind: 'step';
  number: IntLit;
  sanctions: Sanction[];
  /** The range of the `appealable` flag when present. */
  appealable?: Node;
}

/** `severe: ban member forever, ban admin`: a violation with a bad influence, at any count. */
export interface SevereStmt extends Node {
  kind: 'severe';
  sanctions: Sanction[];
  appealable?: Node;
}

/** `expire after 90d`: strikes older than this no longer count. */
export interface ExpireStmt extends Node {
  kind: 'expire';
  after: Duration;
}

/** `members "m-1", "m-2"` or `members from "lists/sales.txt"`: whose violations the ladder counts. */
export interface MembersStmt extends Node {
  kind: 'members';
  list: ListSource;
}

/**
 * `while linked blocked: suspend interop, restore within 24h` (penalty rule 2): sanctions held
 * while the member's linked WeChat account is blocked, ending `restore` after it is unblocked.
 * The checker requires `restore within` and rejects a duration on the sanctions; the AST keeps
 * both as written so that either form reports them alike.
 */
export interface LinkedStmt extends Node {
  kind: 'linked';
  sanctions: Sanction[];
  /** The `D` of `restore within D`. */
  restore?: Duration;
}

/** `personal` and `enterprise` for `blacklist`; `customer` for `mute` and `remove`. */
export type SanctionTarget = 'interop' | 'member' | 'admin' | 'enterprise' | 'customer' | 'personal';

/**
 * `suspend interop for 1h`, `suspend interop forever`, `ban member forever`, `ban admin`. A ban
 * without a duration is forever; a suspension needs one.
 */
export interface Sanction extends Node {
  /**
   * Member sanctions: `suspend` (interop), `ban`. Customer sanctions (a `for customers` ladder):
   * `mute` (target `customer`; `mute for 1h` or `mute forever`), `remove` (target `customer`:
   * from the group) and `blacklist` (target `personal`, the group owner's, or `enterprise`).
   */
  verb: 'suspend' | 'ban' | 'mute' | 'remove' | 'blacklist';
  target: SanctionTarget;
  /** Absent means forever for a ban. */
  duration?: Duration;
}

/**
 * `quota contact-add { … }`: the daily quota of external contacts a member may add (the penalty
 * seed's "not a fixed value"). `contact-add` is the only quota so far; the checker says so.
 */
export interface QuotaDecl extends Node {
  kind: 'quota';
  name: Ident;
  body: QuotaStatement[];
}

export type QuotaStatement = DailyStmt | AdjustStmt | BoundStmt | TimezoneStmt;

/** `daily 100`: the base number of contacts a day. */
export interface DailyStmt extends Node {
  kind: 'daily';
  count: IntLit;
}

/** `raise 50 when usage over 80%`, `lower 100 when not compliant`. */
export interface AdjustStmt extends Node {
  kind: 'adjust';
  direction: 'raise' | 'lower';
  amount: IntLit;
  condition: QuotaCondition;
}

/** `minimum 10`, `maximum 500`: the bounds of the adjusted quota. */
export interface BoundStmt extends Node {
  kind: 'minimum' | 'maximum';
  value: IntLit;
}

/** `timezone "+08:00"`: the UTC offset at which the quota's day starts. */
export interface TimezoneStmt extends Node {
  kind: 'timezone';
  offset: Str;
}

export type QuotaCondition = FlagCondition | RateCondition;

/** `complete`, `not complete`, `compliant`, `not compliant`: a yes-or-no fact of the enterprise. */
export interface FlagCondition extends Node {
  factor: 'complete' | 'compliant';
  negated: boolean;
}

export type RateFactor = 'usage' | 'blocks' | 'deletions' | 'complaints';

/** `usage over 80%`, `complaints under 0.5%`: a rate of the enterprise above or below a threshold. */
export interface RateCondition extends Node {
  factor: RateFactor;
  op: 'over' | 'under';
  threshold: Percent;
}
