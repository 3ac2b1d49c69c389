// The intermediate representation: the contract between the compiler and the runtime. It is
// plain, serializable data (JSON), canonical (sorted and de-duplicated wherever order carries no
// meaning, so the same policy set always gives the same bytes), and every node that came from
// source carries its location. Its JSON Schema is spec/ir.schema.json. The runtime depends on
// these types and on nothing of language/ or compiler/; the compiler lowers its checked model
// into them (compiler/model-to-ir.ts); code generation reads only this.

export const IR_VERSION = 1;

/** A source location: file and 1-based line/column span. */
export interface IrLoc {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export type IrNormalizeStep = 'none' | 'case' | 'width' | 'symbols' | 'traditional' | 'confusables';

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
}

export interface IrStep {
  /** 1, 2, 3… for steps; 0 for the severe path. */
  number: number;
  sanctions: IrSanction[];
  appealable: boolean;
  loc: IrLoc;
}

export interface IrSanction {
  /** `suspend-interop`, `ban-member`, `ban-admin`, `ban-enterprise`. */
  sanction: 'suspend-interop' | 'ban-member' | 'ban-admin' | 'ban-enterprise';
  /** null: forever. */
  ms: number | null;
}
