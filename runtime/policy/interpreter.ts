// The reference interpreter of the IR: the plainest implementation of every trigger, written to
// be obviously correct rather than fast. Generated code (compiler/codegen/ir-to-ts.ts) must agree with it
// on every input; the decision conformance cases and the differential tests hold both to that.
//
// Keywords: each rule normalises the text with its own steps, finds every occurrence of every
// keyword with `indexOf` on the normalised text (overlapping ones too), maps each back to its
// span in the original text, drops the ones that are not whole words (for `whole-word` keywords)
// or that lie inside an occurrence of an exception phrase, and reports them all in text order.
import type { CompiledPolicy, Evidence, MessageInput, RuleFiring, StateQueries } from './compiled-policy.ts';
import type { IrKeyword, IrPolicySet, IrRule, IrVariant } from '../ir.ts';
import { isLinkAllowed, prepareLinkPattern, type LinkMatcher } from '../text/links.ts';
import { normalizeKeyword, normalizeText } from '../text/normalize-reference.ts';
import { isWholeWord, keywordCore, linksInText, textLength } from '../text/text-semantics.ts';
import { exceptionVariants, keywordVariants, variantTable, type VariantTable } from '../text/variants.ts';
import type { RE2JS } from 're2js';
import { preparePattern, rulePatternHits } from '../pattern/pattern-hits.ts';
import { outcomeOfFirings } from './outcome.ts';
import { ruleGate, type GateInput } from './rule-gate.ts';

/** A keyword prepared for matching. */
export interface PreparedKeyword {
  /** As written in the policy (with any `*`). */
  raw: string;
  /** Normalised, without the `*` marks; '' never matches. */
  norm: string;
  wholeWord: boolean;
  /** A `*` at the start (end): the keyword may continue a word on that side. */
  openStart: boolean;
  openEnd: boolean;
}

/** Prepares a keyword: its `*` marks split off (`keywordCore`), its text normalised. */
export function prepareKeyword(k: IrKeyword, steps: IrRule['normalize']): PreparedKeyword {
  const { core, openStart, openEnd } = keywordCore(k.text);
  return { raw: k.text, norm: normalizeKeyword(core, steps), wholeWord: k.wholeWord, openStart, openEnd };
}

/**
 * Every pattern a keyword stands for (more than one under `variants`: runtime/text/variants.ts),
 * prepared, each with the keyword's position in the rule; spellings that normalise alike once.
 */
function prepareKeywordVariants(k: IrKeyword, steps: IrRule['normalize'], index: number, table: VariantTable): (PreparedKeyword & { index: number })[] {
  const seen = new Set<string>();
  const out: (PreparedKeyword & { index: number })[] = [];
  for (const v of keywordVariants(k.text, k.wholeWord, steps, normalizeKeyword, table)) {
    const p = prepareKeyword({ ...k, text: v.text, wholeWord: v.wholeWord }, steps);
    const key = `${p.norm}:${+p.wholeWord}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...p, raw: k.text, index });
  }
  return out;
}

/** One occurrence of a keyword, before and after the filters, for `explain`. */
export interface KeywordHit {
  /** The keyword as written, or the pattern as written when `pattern` is set. */
  keyword: string;
  /** The hit is a match of a `pattern` (spec/language.md §5), not of a keyword. */
  pattern?: true;
  /** The span in the original text (UTF-16). */
  start: number;
  end: number;
  text: string;
  /** The span in the normalised text. */
  normStart: number;
  normEnd: number;
  /** Why the hit does not fire, when it does not. */
  dropped?: { reason: 'not-whole-word' } | { reason: 'exception'; exception: string };
}

export interface KeywordTrace {
  rule: string;
  normalize: IrRule['normalize'];
  normalized: string;
  /** Every occurrence in text order, fired or dropped. */
  hits: KeywordHit[];
}

interface PreparedRule {
  ir: IrRule;
  /** Every pattern of every keyword; `index` is the keyword's position in the rule. */
  keywords: (PreparedKeyword & { index?: number })[];
  exceptions: { raw: string; norm: string }[];
  patterns: PreparedPattern[];
  links: LinkMatcher[];
  miniprograms: Set<string>;
  cards: Set<string>;
  /** The rule's own exemptions and windows (rule-gate.ts); null: it may fire on any message. */
  gate: ((msg: GateInput) => boolean) | null;
}

function allOccurrences(haystack: string, needle: string): number[] {
  const out: number[] = [];
  if (needle === '') return out;
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + 1)) out.push(i);
  return out;
}

/** Every keyword occurrence of a rule in a text, fired or not, in text order. */
/** What the keyword trace reads of a rule: its name, normalisation, keywords and exceptions. */
type KeywordRule = Pick<PreparedRule, 'keywords' | 'exceptions' | 'patterns'> & { ir: Pick<IrRule, 'name' | 'normalize'> };

/** A rule's pattern, compiled, with its place among the rule's keywords and patterns (after the keywords). */
interface PreparedPattern {
  raw: string;
  re: RE2JS;
  order: number;
}

function keywordHits(rule: KeywordRule, text: string): KeywordTrace {
  const n = normalizeText(text, rule.ir.normalize);
  const exceptionSpans: { start: number; end: number; raw: string }[] = [];
  for (const e of rule.exceptions) {
    for (const i of allOccurrences(n.text, e.norm)) exceptionSpans.push({ start: i, end: i + e.norm.length, raw: e.raw });
  }
  const hits: (KeywordHit & { order: number })[] = [];
  const seen = new Set<string>();
  rule.keywords.forEach((k, spelling) => {
    // The keyword's position in the rule orders evidence; each spelling drops its own repeats.
    const order = k.index ?? spelling;
    for (const i of allOccurrences(n.text, k.norm)) {
      const j = i + k.norm.length;
      const start = n.starts[i];
      const end = n.ends[j - 1];
      // Two normalised positions can map to one original span (NFKC expands `ⅲ` to `iii`).
      const key = `${spelling}:${start}:${end}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const hit: KeywordHit & { order: number } = { keyword: k.raw, start, end, text: text.slice(start, end), normStart: i, normEnd: j, order };
      const exception = exceptionSpans.find((x) => x.start <= i && j <= x.end);
      if (k.wholeWord && !isWholeWord(text, start, end, k.openStart, k.openEnd)) hit.dropped = { reason: 'not-whole-word' };
      else if (exception) hit.dropped = { reason: 'exception', exception: exception.raw };
      hits.push(hit);
    }
  });
  if (rule.patterns.length > 0) {
    for (const h of rulePatternHits(rule.patterns.map((p) => p.re), n, exceptionSpans)) {
      const p = rule.patterns[h.pattern];
      const hit: KeywordHit & { order: number } = { keyword: p.raw, pattern: true, start: h.start, end: h.end, text: text.slice(h.start, h.end), normStart: h.normStart, normEnd: h.normEnd, order: p.order };
      if (h.exception !== undefined) hit.dropped = { reason: 'exception', exception: h.exception };
      hits.push(hit);
    }
  }
  hits.sort((a, b) => a.start - b.start || b.end - a.end || a.order - b.order);
  return {
    rule: rule.ir.name,
    normalize: rule.ir.normalize,
    normalized: n.text,
    hits: hits.map(({ order: _, ...h }) => h),
  };
}

function keywordEvidence(rule: PreparedRule, text: string): Evidence[] {
  return keywordHits(rule, text)
    .hits.filter((h) => !h.dropped)
    .map((h) => (h.pattern ? { text: h.text, start: h.start, end: h.end, pattern: h.keyword } : { text: h.text, start: h.start, end: h.end, keyword: h.keyword }));
}

function linkEvidence(rule: PreparedRule, msg: MessageInput): Evidence[] {
  const out: Evidence[] = [];
  msg.links.forEach((link, index) => {
    if (!isLinkAllowed(link, rule.links)) out.push({ link, index });
  });
  for (const t of linksInText(msg.text)) {
    if (!isLinkAllowed(t.link, rule.links)) out.push({ link: t.link, start: t.start, end: t.end });
  }
  return out;
}

function evaluateRule(rule: PreparedRule, msg: MessageInput, state: StateQueries): RuleFiring[] {
  const firings: RuleFiring[] = [];
  let keywords: Evidence[] | undefined;
  rule.ir.triggers.forEach((t, triggerIndex) => {
    let evidence: Evidence[] = [];
    switch (t.type) {
      case 'keyword':
        evidence = keywords ??= keywordEvidence(rule, msg.text);
        break;
      case 'link':
        evidence = linkEvidence(rule, msg);
        break;
      case 'miniprogram':
        msg.miniprograms.forEach((miniprogram, index) => {
          if (!rule.miniprograms.has(miniprogram)) evidence.push({ miniprogram, index });
        });
        break;
      case 'card':
        msg.cards.forEach((card, index) => {
          if (!rule.cards.has(card)) evidence.push({ card, index });
        });
        break;
      case 'image':
        if (msg.images > 0) evidence.push({ images: msg.images });
        break;
      case 'flood': {
        const count = state.recentMessages(t.windowMs);
        if (count > t.count) evidence.push({ count, limit: t.count, windowMs: t.windowMs });
        break;
      }
      case 'identity': {
        const has = new Set(msg.sender.identities);
        for (const identity of t.identities) if (has.has(identity)) evidence.push({ identity });
        break;
      }
      case 'new-member': {
        const joined = state.joinedAt();
        if (joined !== null && msg.at >= joined && msg.at - joined < t.withinMs) {
          evidence.push({ joinedAt: new Date(joined).toISOString(), withinMs: t.withinMs });
        }
        break;
      }
      case 'length': {
        const length = textLength(msg.text);
        if (length > t.max) evidence.push({ length, max: t.max });
        break;
      }
    }
    if (evidence.length > 0) {
      firings.push({ rule: rule.ir.name, trigger: t.type, triggerIndex, evidence: [...evidence], actions: t.actions });
    }
  });
  return firings;
}

/** The interpreter's policy, with the keyword trace `explain` shows. */
export interface InterpretedPolicy extends CompiledPolicy {
  /** Every keyword occurrence of every rule that applies to the group, fired or dropped. */
  traceKeywords(group: string, text: string): KeywordTrace[];
}

/**
 * The part of a rule the keyword trace needs (a few kB a rule, where the IR holds its groups), with
 * the set's own variant lines when the rule has the `variants` step and the set declares some.
 */
export type IrKeywordRule = Pick<IrRule, 'name' | 'normalize' | 'keywords' | 'exceptions' | 'patterns'> & { variants?: IrVariant[] };

export function keywordRuleOf(r: IrRule, variants?: IrVariant[]): IrKeywordRule {
  const out: IrKeywordRule = { name: r.name, normalize: r.normalize, keywords: r.keywords, exceptions: r.exceptions };
  if (r.patterns) out.patterns = r.patterns;
  if (variants && r.normalize.includes('variants')) out.variants = variants;
  return out;
}

function prepareKeywordRule(r: IrKeywordRule, table: VariantTable = variantTable(r.variants)): KeywordRule {
  return {
    ir: { name: r.name, normalize: r.normalize },
    keywords: r.keywords.flatMap((k, i) => prepareKeywordVariants(k, r.normalize, i, table)),
    exceptions: r.exceptions
      .flatMap((raw) => exceptionVariants(raw, r.normalize, table).map((v) => ({ raw, norm: normalizeKeyword(v, r.normalize) })))
      .filter((e) => e.norm !== ''),
    patterns: (r.patterns ?? []).map((p, i) => ({ raw: p.pattern, re: preparePattern(p.pattern), order: r.keywords.length + i })),
  };
}

/**
 * The keyword trace of `explain` for a compiled policy, without the interpreter: the rules that
 * apply to a group come from the compiled policy, their keywords from these few fields of the IR.
 * A service keeps this and not the IR, which for the largest set is over a gigabyte of heap.
 */
export function keywordTracer(rules: readonly IrKeywordRule[], rulesForGroup: (group: string) => readonly string[]): (group: string, text: string) => KeywordTrace[] {
  const byName = new Map<string, KeywordRule>();
  for (const r of rules) if (r.keywords.length > 0 || r.patterns) byName.set(r.name, prepareKeywordRule(r));
  return (group, text) => {
    const out: KeywordTrace[] = [];
    for (const name of rulesForGroup(group)) {
      const r = byName.get(name);
      if (r) out.push(keywordHits(r, text));
    }
    return out;
  };
}

function prepareRule(r: IrRule, table: VariantTable): PreparedRule {
  const { keywords, exceptions, patterns } = prepareKeywordRule(r, table);
  return {
    ir: r,
    keywords,
    exceptions,
    patterns,
    links: r.links.map(prepareLinkPattern),
    miniprograms: new Set(r.miniprograms),
    cards: new Set(r.cards),
    gate: ruleGate(r),
  };
}

/** Builds the reference implementation of a policy set from its IR. */
export function interpretIr(ir: IrPolicySet): InterpretedPolicy {
  const table = variantTable(ir.variants);
  const rules = ir.rules.map((r) => prepareRule(r, table));
  const byGroup = new Map<string, number[]>();
  rules.forEach((r, i) => {
    for (const g of r.ir.groups) {
      const xs = byGroup.get(g);
      if (xs) xs.push(i);
      else byGroup.set(g, [i]);
    }
  });
  const namesByGroup = new Map<string, readonly string[]>();
  for (const [g, xs] of byGroup) namesByGroup.set(g, xs.map((i) => rules[i].ir.name));
  const windowsByGroup = new Map<string, readonly number[]>();
  for (const [g, xs] of byGroup) {
    const ws = new Set<number>();
    for (const i of xs) for (const t of rules[i].ir.triggers) if (t.type === 'flood') ws.add(t.windowMs);
    if (ws.size > 0) windowsByGroup.set(g, [...ws]);
  }
  const noWindows: readonly number[] = [];
  const enterprise = new Set(ir.enterpriseBlacklist);
  const personal = new Map(ir.personalBlacklists.map((p) => [p.owner, new Set(p.customers)]));
  const exempt = new Set(ir.exempt);
  const none: readonly string[] = [];
  return {
    version: ir.version,
    ruleNames: ir.rules.map((r) => r.name),
    ladders: ir.ladders,
    contactQuota: ir.contactQuota,
    isEnterpriseBlacklisted: (c) => enterprise.has(c),
    isPersonalBlacklisted: (owner, c) => personal.get(owner)?.has(c) ?? false,
    isExempt: (c) => exempt.has(c),
    rulesForGroup: (g) => namesByGroup.get(g) ?? none,
    floodWindows: (g) => windowsByGroup.get(g) ?? noWindows,
    evaluateMessage(msg, state) {
      const out: RuleFiring[] = [];
      for (const i of byGroup.get(msg.group) ?? []) {
        // A rule whose gate is shut (a sender it exempts, a time outside its windows) gives nothing.
        const gate = rules[i].gate;
        if (gate === null || gate(msg)) out.push(...evaluateRule(rules[i], msg, state));
      }
      return out;
    },
    decideMessage(msg, state) {
      return outcomeOfFirings(this.evaluateMessage(msg, state));
    },
    traceKeywords(group, text) {
      return (byGroup.get(group) ?? []).filter((i) => rules[i].keywords.length > 0 || rules[i].patterns.length > 0).map((i) => keywordHits(rules[i], text));
    },
  };
}
