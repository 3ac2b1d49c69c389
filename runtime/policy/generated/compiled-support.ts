// What a generated policy module needs at run time, handed to its `createPolicy(runtime)`: the
// data blob reader, the string tables, the keyword scanner and normaliser, link parsing, and
// the per-message context its rule functions ask. The generated module holds the policy (its
// names, actions, the plan of its indexes and straight-line functions per rule shape); this file
// holds only policy-independent machinery, so a module stays small and every module shares one
// tested implementation of the text rules (runtime/text/text-semantics.ts, runtime/text/links.ts) with
// the interpreter.
//
// Per message the core finds the rule set of the group (one table lookup), then the *candidate*
// rules: those with keyword hits in this text (one scan per normalisation profile over one
// automaton for all rules), those with a flood window the sender now exceeds, and, only when
// the message carries links, mini-programs, cards, images or identities, the rules with such a
// trigger. Only candidates run their shape function; a rule with none of these cannot fire.
// Candidates run in rule order, so firings come out in IR order, as the interpreter's do.
//
// This file holds the interface with generated modules (the spec, shape and decide functions,
// `createCompiledPolicy`, `compiledRuntime`) and candidate selection; the core over the blob is
// policy-core.ts, the per-message context message-context.ts.
import type { CompiledPolicy, MessageInput, RuleFiring, StateQueries } from '../compiled-policy.ts';
import type { IrContactQuota, IrLadder, IrNormalizeStep, IrVariant, IrWindow } from '../../ir.ts';
import { OutcomeBuilder } from '../outcome.ts';
import { ruleGate, type GateInput } from '../rule-gate.ts';
import { textMayHoldLinks } from '../../text/text-semantics.ts';
import { MessageContext } from './message-context.ts';
import { Candidates, META_IDENTITY, META_IMAGE, META_NEW_MEMBER, PolicyCore, type PatternSpec, type RuleMeta } from './policy-core.ts';

export { MessageContext } from './message-context.ts';
export { META_IDENTITY, META_IMAGE, META_NEW_MEMBER, PolicyCore, type RuleMeta } from './policy-core.ts';

/** The version of this interface; a generated module refuses a runtime of another version. */
export const SUPPORT_VERSION = 4;

export interface PolicySpec {
  irVersion: number;
  hash: string;
  /** The blob's bytes (sidecar file or in-memory) or its base64 text (inline). */
  data: Uint8Array | string;
  names: readonly string[];
  ladders: readonly IrLadder[];
  contactQuota: IrContactQuota | null;
  profiles: readonly (readonly IrNormalizeStep[])[];
  rules: readonly RuleMeta[];
  /**
   * The rules with patterns and a keyword trigger (runtime/pattern/): [rule, its patterns as
   * written, its exception phrases as written]; absent when the policy has none. The patterns are
   * data handed to re2js, never code.
   */
  patterns?: readonly PatternSpec[];
  /**
   * The rules with their own exemptions or windows (`exempt customers`, `during`): [rule, its
   * exempt customers, its IR window or null]; absent when no rule has either. Data, never code.
   */
  gates?: readonly GateSpec[];
  /**
   * The set's own variant lines (IR `variants`), for the exception phrases of pattern rules with
   * the `variants` step (the keyword automaton already holds every spelling); absent when none.
   */
  variants?: readonly Pick<IrVariant, 'word' | 'spellings'>[];
}

/** A gated rule of the spec: its number, its exempt customers, its window (runtime/ir.ts `IrWindow`) or null. */
export type GateSpec = readonly [number, readonly string[], IrWindow | null];

/**
 * A shape function of generated code: evaluates, in order, every `when` line of rule `rule`,
 * whose numbers (whitelists, counts, limits, actions) are its parameter row `params`.
 */
export type ShapeFunction = (msg: MessageInput, ctx: MessageContext, out: RuleFiring[], rule: number, params: readonly number[]) => void;

/**
 * The same `when` lines as the shape function of the same number, filling the outcome of a
 * decision instead: one match per trigger type with its first evidence, and the actions.
 */
export type DecideFunction = (msg: MessageInput, ctx: MessageContext, out: OutcomeBuilder, rule: number, params: readonly number[]) => void;

export interface CompiledModulePolicy extends CompiledPolicy {
  readonly hash: string;
}

/**
 * Kinds of trigger that make every rule having one a candidate when the message carries the
 * thing they look at (a link, a mini-program, …): one bit each, per rule and per message.
 */
const KIND_LINK = 1;
const KIND_MINIPROGRAM = 2;
const KIND_CARD = 4;
const KIND_IMAGE = 8;
const KIND_IDENTITY = 16;
const KIND_NEW_MEMBER = 32;

/**
 * Builds the CompiledPolicy of a generated module: its spec, shape functions (for
 * `evaluateMessage`) and decide functions (for `decideMessage`), and per rule its shape and
 * parameter row.
 */
export function createCompiledPolicy(
  spec: PolicySpec,
  shapes: readonly ShapeFunction[],
  decides: readonly DecideFunction[],
  shapeOf: readonly number[],
  params: readonly (readonly number[])[],
): CompiledModulePolicy {
  const core = new PolicyCore(spec);
  const x = new MessageContext(core);
  const cands = new Candidates(spec.names.length);
  const kinds = Uint8Array.from(spec.rules, ([, link, mp, card, bits]) => {
    let k = 0;
    if (link >= 0) k |= KIND_LINK;
    if (mp >= 0) k |= KIND_MINIPROGRAM;
    if (card >= 0) k |= KIND_CARD;
    if (bits & META_IMAGE) k |= KIND_IMAGE;
    if (bits & META_IDENTITY) k |= KIND_IDENTITY;
    if (bits & META_NEW_MEMBER) k |= KIND_NEW_MEMBER;
    return k;
  });
  // Rule gates (rule-gate.ts, shared with the interpreter): a rule whose gate is shut does not run.
  const gates: (((msg: GateInput) => boolean) | null)[] | null = spec.gates && spec.gates.length > 0 ? new Array<null>(spec.names.length).fill(null) : null;
  for (const [r, exempt, window] of spec.gates ?? []) gates![r] = ruleGate({ exempt: [...exempt], ...(window ? { window } : {}) });
  const open = (r: number, msg: MessageInput) => gates === null || gates[r] === null || gates[r]!(msg);
  const none: readonly string[] = Object.freeze([]);
  const noWindows: readonly number[] = Object.freeze([]);
  return {
    version: spec.irVersion,
    hash: spec.hash,
    ruleNames: spec.names,
    ladders: spec.ladders,
    contactQuota: spec.contactQuota,
    isEnterpriseBlacklisted: (c) => core.isEnterpriseBlacklisted(c),
    isPersonalBlacklisted: (o, c) => core.isPersonalBlacklisted(o, c),
    isExempt: (c) => core.isExempt(c),
    rulesForGroup: (g) => core.ruleSet(g)?.names ?? none,
    floodWindows: (g) => core.ruleSet(g)?.floodWindows ?? noWindows,
    evaluateMessage(msg, state) {
      const wide = select(msg, state);
      if (wide < 0) return [];
      const out: RuleFiring[] = [];
      if (fewCandidates(wide)) {
        for (const r of cands.list) if (open(r, msg)) shapes[shapeOf[r]](msg, x, out, r, params[r]);
      } else {
        const rules = x.info.rules;
        for (let i = 0; i < rules.length; i++) {
          const r = rules[i];
          if (((kinds[r] & wide) !== 0 || cands.has(r)) && open(r, msg)) shapes[shapeOf[r]](msg, x, out, r, params[r]);
        }
      }
      return out;
    },
    decideMessage(msg, state) {
      const wide = select(msg, state);
      if (wide < 0) return null;
      if (fewCandidates(wide)) {
        const few = new OutcomeBuilder(cands.list.length);
        for (const r of cands.list) if (open(r, msg)) decides[shapeOf[r]](msg, x, few, r, params[r]);
        return few.finish();
      }
      const rules = x.info.rules;
      const out = new OutcomeBuilder(rules.length);
      for (let i = 0; i < rules.length; i++) {
        const r = rules[i];
        if (((kinds[r] & wide) !== 0 || cands.has(r)) && open(r, msg)) decides[shapeOf[r]](msg, x, out, r, params[r]);
      }
      return out.finish();
    },
  };

  /** Only marked candidates, few enough to run sorted rather than walking the whole rule set. */
  function fewCandidates(wide: number): boolean {
    return wide === 0 && cands.list.length * 8 < x.info.rules.length;
  }

  /**
   * Prepares the context of a message and selects its candidate rules: -1 when no rule can
   * fire, else the kinds of rule that are all candidates (0: none, only the marked ones, which
   * are then sorted when they are few, and walked in the rule set's order when they are many).
   */
  function select(msg: MessageInput, state: StateQueries): number {
    const info = core.ruleSet(msg.group);
    if (info === null) return -1;
    x.reset(msg, state, info);
    cands.reset();
    // Every flood window is asked, in rule order, whatever else happens: the engine counts
    // the message on the first question, as it does for the interpreter.
    // Written by index, never emptied: `length = 0` would free the array's room every message.
    // Only the first floodWindows.length entries are read (MessageContext.flood).
    const counts = x.floodCounts;
    for (let w = 0; w < info.floodWindows.length; w++) {
      const n = state.recentMessages(info.floodWindows[w]);
      counts[w] = n;
      // By count: the rules whose limit the sender now exceeds come first.
      const fs = info.floods[w];
      for (let f = 0; f < fs.length && fs[f] < n; f += 2) cands.add(fs[f + 1]);
    }
    if (info.profiles.length > 0) core.scanKeywords(x, cands);
    // Whole kinds of rule are candidates when the message carries what they look at; they
    // are not marked one by one (a link makes the ~250 link rules of a group candidates).
    let wide = 0;
    if (info.links.length > 0 && (msg.links.length > 0 || textMayHoldLinks(msg.text))) wide |= KIND_LINK;
    if (info.miniprograms.length > 0 && msg.miniprograms.length > 0) wide |= KIND_MINIPROGRAM;
    if (info.cards.length > 0 && msg.cards.length > 0) wide |= KIND_CARD;
    if (info.images.length > 0 && msg.images > 0) wide |= KIND_IMAGE;
    if (info.identities.length > 0 && msg.sender.identities.length > 0) wide |= KIND_IDENTITY;
    if (info.newMembers.length > 0 && x.joinedAt() !== null) wide |= KIND_NEW_MEMBER;
    if (info.lengths.length > 0 && x.textLength() > info.lengths[0][0]) {
      const n = x.textLength();
      for (const [max, r] of info.lengths) {
        if (max >= n) break;
        cands.add(r);
      }
    }
    const list = cands.list;
    if (list.length === 0 && wide === 0) return -1;
    // A few candidates: sorted, they are run in rule order.
    if (fewCandidates(wide) && list.length > 1) list.sort((a, b) => a - b);
    return wide;
  }
}

/** The object a generated module's `createPolicy(runtime)` receives. */
export const compiledRuntime = {
  version: SUPPORT_VERSION,
  /** This support reads `patterns` of the spec; a module with patterns refuses a support without. */
  patterns: true,
  /** This support reads `gates` of the spec (rules' own exemptions and windows). */
  gates: true,
  /** This support reads `variants` of the spec (a set's own variant lines). */
  variants: true,
  createCompiledPolicy,
} as const;

export type CompiledRuntime = typeof compiledRuntime;
