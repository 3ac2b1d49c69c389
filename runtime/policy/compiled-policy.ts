// The interface between the engine and a policy. Two implementations provide it and must agree
// on every input: the reference interpreter of the IR (runtime/policy/interpreter.ts) and the module
// that code generation emits (compiler/codegen/ir-to-ts.ts). A policy is pure: it reads the message and
// asks the engine about state through `StateQueries`; the engine owns all state.
import type { IrAction, IrContactQuota, IrLadder, IrTriggerType } from '../ir.ts';

/** A message event after validation, with its time in epoch milliseconds. */
export interface MessageInput {
  group: string;
  /** The member who owns the group, whose personal blacklist applies there; null if unknown. */
  owner: string | null;
  sender: { id: string; kind: 'customer' | 'member'; identities: string[] };
  text: string;
  links: string[];
  miniprograms: string[];
  cards: string[];
  /** How many images the message carries. */
  images: number;
  at: number;
}

/** What the policy may ask the engine while deciding one message. */
export interface StateQueries {
  /** The sender's messages in this group within the last `windowMs`, this one included. */
  recentMessages(windowMs: number): number;
  /** When the sender joined this group (epoch ms), or null when no join was seen. */
  joinedAt(): number | null;
}

/**
 * Evidence of one trigger firing. Keyword evidence has the matched text and its UTF-16 span in
 * the ORIGINAL message text; other triggers say what they saw.
 */
export type Evidence =
  | { text: string; start: number; end: number; keyword: string }
  /** A `pattern` of the rule matched (the `keyword` trigger): the pattern as written. */
  | { text: string; start: number; end: number; pattern: string }
  | { link: string; index: number }
  /** A web address found in the message's text, with its UTF-16 span. */
  | { link: string; start: number; end: number }
  | { miniprogram: string; index: number }
  | { card: string; index: number }
  | { images: number }
  | { count: number; limit: number; windowMs: number }
  | { identity: string }
  | { joinedAt: string; withinMs: number }
  | { length: number; max: number };

/** One `when` line of one rule that fired on a message. */
export interface RuleFiring {
  rule: string;
  trigger: IrTriggerType;
  /** The index of the `when` line within the rule (IR order). */
  triggerIndex: number;
  /** All evidence, first first: the first decides, all are kept for `explain`. */
  evidence: Evidence[];
  actions: IrAction[];
}

/** A rule that fired, with its first evidence: what a decision lists. */
export interface Match {
  rule: string;
  trigger: IrTriggerType;
  evidence: Evidence;
}

/**
 * What a decision needs of the rules that fired on a message (runtime/policy/outcome.ts): the
 * firings reduced to their matches and their lists of actions, without the rest of the trace.
 */
export interface MessageOutcome {
  /** One per rule and trigger type, with the first evidence of its first firing, in firing order. */
  readonly matches: Match[];
  /** The firings' lists of actions in firing order; a list that is the same array as the one before it is given once. */
  readonly actions: (readonly IrAction[])[];
}

export interface CompiledPolicy {
  /** The IR version and a content hash, for `hush compile --check` and for logs. */
  readonly version: number;
  readonly ruleNames: readonly string[];
  readonly ladders: readonly IrLadder[];
  /** The daily contact-add quota, or null when the set declares none. */
  readonly contactQuota: IrContactQuota | null;
  isEnterpriseBlacklisted(customer: string): boolean;
  isPersonalBlacklisted(owner: string, customer: string): boolean;
  isExempt(customer: string): boolean;
  /** The names of the rules that apply to a group, in IR order. */
  rulesForGroup(group: string): readonly string[];
  /**
   * The distinct flood windows (ms) of the rules that apply to a group: the windows
   * `evaluateMessage` asks `recentMessages` about, so an engine on an asynchronous store can
   * fetch the counts first.
   */
  floodWindows(group: string): readonly number[];
  /**
   * Evaluates every rule that applies to the message's group, in IR order (rules sorted by
   * name, `when` lines in source order) and returns the firings in that order. Blacklists and
   * exemptions are the engine's business, not this function's.
   */
  evaluateMessage(msg: MessageInput, state: StateQueries): RuleFiring[];
  /**
   * What `evaluateMessage` gives, reduced to what a decision needs (`outcomeOfFirings` of its
   * firings), or null when no rule fires: the engine's path for every message but `explain`'s.
   * It asks `state` the same questions in the same order.
   */
  decideMessage(msg: MessageInput, state: StateQueries): MessageOutcome | null;
}
