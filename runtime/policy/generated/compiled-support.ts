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
import type { CompiledPolicy, Evidence, MessageInput, RuleFiring, StateQueries } from '../compiled-policy.ts';
import { openBlob, blobFromBase64, stringAt, type Blob } from './data-blob.ts';
import type { IrContactQuota, IrLadder, IrNormalizeStep } from '../../ir.ts';
import { parseLink, type ParsedLink } from '../../text/links.ts';
import { createMatcher, type Matcher } from '../../matcher/index.ts';
import { matcherFromBlob } from './matcher-sections.ts';
import { OutcomeBuilder } from '../outcome.ts';
import { StringTable } from './string-table.ts';
import { linksInText, textLength } from '../../text/text-semantics.ts';

/** The version of this interface; a generated module refuses a runtime of another version. */
export const SUPPORT_VERSION = 3;

const LN_SUBDOMAINS = 1;
const LN_HTTP = 2;
const LN_HTTPS = 4;

/**
 * What the generated module knows about each rule, for choosing candidates (the rule function
 * itself decides): [keyword profile or -1, link list or -1, mini-program list or -1, card list
 * or -1, trigger bits (1 image, 2 identity, 4 new-member), smallest `length over` or -1, flood
 * triggers as [count, windowMs, count, windowMs, …]].
 */
export type RuleMeta = readonly [number, number, number, number, number, number, readonly number[]];

export const META_IMAGE = 1;
export const META_IDENTITY = 2;
export const META_NEW_MEMBER = 4;

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
}

/**
 * A shape function of generated code: evaluates, in order, every `when` line of rule `rule`,
 * whose numbers (whitelists, counts, limits, actions) are its parameter row `params`.
 */
export type ShapeFunction = (msg: MessageInput, x: MessageContext, out: RuleFiring[], rule: number, params: readonly number[]) => void;

/**
 * The same `when` lines as the shape function of the same number, filling the outcome of a
 * decision instead: one match per trigger type with its first evidence, and the actions.
 */
export type DecideFunction = (msg: MessageInput, x: MessageContext, out: OutcomeBuilder, rule: number, params: readonly number[]) => void;

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

/** Per rule set, what candidate selection needs; built on first use of the rule set. */
interface RuleSetInfo {
  rules: Uint32Array;
  names: readonly string[];
  /** Membership, one bit per rule. */
  bits: Uint32Array;
  profiles: number[];
  floodWindows: number[];
  /** Per flood window: its triggers as [count, rule] pairs, flat, by count. */
  floods: number[][];
  links: number[];
  miniprograms: number[];
  cards: number[];
  images: number[];
  identities: number[];
  newMembers: number[];
  /** [smallest max, rule], by max. */
  lengths: [number, number][];
}

interface Profile {
  matcher: Matcher;
  /** Per pattern: its rule, and its keyword's global number (-1: an exception phrase). */
  prule: Uint32Array;
  pkw: Int32Array;
  /** The matcher's callback, bound once: it reads the message being decided from the core. */
  onHit: (pattern: number, start: number, end: number) => void;
}

/** A link of the message: from `links` (with its index) or found in the text (with its span). */
interface MessageLink {
  link: string;
  index: number;
  start: number;
  end: number;
  parsed: ParsedLink | null;
  /** allowed[list] !== 0: a whitelist holding it. */
  allowed: Uint8Array;
}

/**
 * The context of one message, passed to rule functions: everything they ask is computed at most
 * once per message. One context is reused for every message of a policy (decisions are
 * synchronous).
 */
export class MessageContext {
  msg!: MessageInput;
  state!: StateQueries;
  info!: RuleSetInfo;
  /** Flood counts by window index of the rule set. */
  floodCounts: number[] = [];
  /** Per rule: keyword hits as [global keyword, start, end, …], in the matcher's order. */
  private readonly hitEpoch: Uint32Array;
  private readonly hits: number[][];
  epoch = 0;
  private links: MessageLink[] | null = null;
  private miniprogramAllowed: Uint8Array[] | null = null;
  private cardAllowed: Uint8Array[] | null = null;
  private lengthCache = -1;
  private joinedCache: number | null | undefined = undefined;

  constructor(private readonly core: PolicyCore) {
    this.hitEpoch = new Uint32Array(core.names.length);
    this.hits = core.names.map(() => []);
    this.linkEvidence = new ListMemo(core.linkLists);
    this.mpEvidence = new ListMemo(core.mp.lists);
    this.cardEvidence = new ListMemo(core.cd.lists);
  }

  reset(msg: MessageInput, state: StateQueries, info: RuleSetInfo): void {
    this.msg = msg;
    this.state = state;
    this.info = info;
    this.epoch = (this.epoch + 1) >>> 0 || 1;
    if (this.epoch === 1) {
      this.hitEpoch.fill(0);
      this.linkEvidence.epochs.fill(0);
      this.mpEvidence.epochs.fill(0);
      this.cardEvidence.epochs.fill(0);
    }
    this.links = null;
    this.miniprogramAllowed = null;
    this.cardAllowed = null;
    this.lengthCache = -1;
    this.joinedCache = undefined;
  }

  /** Records a keyword hit (span in the original text) for a rule; true when it is the rule's first. */
  addHit(rule: number, keyword: number, start: number, end: number): boolean {
    const first = this.hitEpoch[rule] !== this.epoch;
    if (first) {
      this.hitEpoch[rule] = this.epoch;
      this.hits[rule].length = 0;
    }
    this.hits[rule].push(keyword, start, end);
    return first;
  }

  /**
   * The keyword evidence of a rule (a fresh array), or null when none fires. The matcher has
   * already dropped repeats, whole-word misses and hits inside the rule's exception phrases; it
   * reports in the automaton's order, so the hits are sorted here into the interpreter's: by
   * start, longer first, then keyword (the rule's keywords in IR order).
   */
  kw(rule: number): Evidence[] | null {
    return this.hitEpoch[rule] !== this.epoch ? null : this.keywordEvidence(rule);
  }

  /** The first of `kw(rule)`'s evidence (no others are built), or null. */
  kw1(rule: number): Evidence | null {
    if (this.hitEpoch[rule] !== this.epoch) return null;
    const hits = this.hits[rule];
    let b = 0;
    for (let h = 3; h < hits.length; h += 3) {
      if (hits[h + 1] < hits[b + 1] || (hits[h + 1] === hits[b + 1] && (hits[h + 2] > hits[b + 2] || (hits[h + 2] === hits[b + 2] && hits[h] < hits[b])))) b = h;
    }
    const start = hits[b + 1];
    const end = hits[b + 2];
    return { text: this.msg.text.slice(start, end), start, end, keyword: this.core.keyword(hits[b]) };
  }

  private keywordEvidence(rule: number): Evidence[] {
    const hits = this.hits[rule];
    const text = this.msg.text;
    const order: number[] = [];
    for (let h = 0; h < hits.length; h += 3) order.push(h);
    if (order.length > 1) order.sort((a, b) => hits[a + 1] - hits[b + 1] || hits[b + 2] - hits[a + 2] || hits[a] - hits[b]);
    return order.map((h) => {
      const start = hits[h + 1];
      const end = hits[h + 2];
      return { text: text.slice(start, end), start, end, keyword: this.core.keyword(hits[h]) };
    });
  }

  private messageLinks(): MessageLink[] {
    if (this.links) return this.links;
    const out: MessageLink[] = [];
    const links = this.msg.links;
    for (let i = 0; i < links.length; i++) out.push(this.messageLink(links[i], i, -1, -1));
    for (const t of linksInText(this.msg.text)) out.push(this.messageLink(t.link, -1, t.start, t.end));
    return (this.links = out);
  }

  private messageLink(link: string, index: number, start: number, end: number): MessageLink {
    const parsed = parseLink(link);
    return { link, index, start, end, parsed, allowed: parsed ? this.core.allowedLinkLists(parsed) : this.core.noLinkLists };
  }

  // Evidence by whitelist, per message: rules that share a whitelist (a thousand rules often
  // share ten) share one evidence array within a decision. Firings are read-only data. The
  // methods below answer from the memo in a few lines, small enough to be inlined into the shape
  // functions, which ask for every candidate rule (hundreds on a message with a link); the first
  // question of a message goes to `…First`.
  private readonly linkEvidence: ListMemo;
  private readonly mpEvidence: ListMemo;
  private readonly cardEvidence: ListMemo;

  /** Evidence of a `when link` with whitelist `list`, or null. */
  link(list: number): Evidence[] | null {
    const memo = this.linkEvidence;
    return memo.epochs[list] === this.epoch ? memo.values[list] : this.linkFirst(list);
  }

  private linkFirst(list: number): Evidence[] | null {
    let out: Evidence[] | null = null;
    for (const l of this.messageLinks()) {
      if (l.allowed[list]) continue;
      const e: Evidence = l.index >= 0 ? { link: l.link, index: l.index } : ({ link: l.link, start: l.start, end: l.end } as unknown as Evidence);
      (out ??= []).push(e);
    }
    return this.linkEvidence.set(list, this.epoch, out);
  }

  /** Evidence of a `when miniprogram` with whitelist `list`, or null. */
  mp(list: number): Evidence[] | null {
    if (this.msg.miniprograms.length === 0) return null;
    const memo = this.mpEvidence;
    return memo.epochs[list] === this.epoch ? memo.values[list] : this.mpFirst(list);
  }

  private mpFirst(list: number): Evidence[] | null {
    const allowed = (this.miniprogramAllowed ??= this.msg.miniprograms.map((m) => this.core.allowedIdLists(this.core.mp, m)));
    let out: Evidence[] | null = null;
    for (let i = 0; i < allowed.length; i++) if (!allowed[i][list]) (out ??= []).push({ miniprogram: this.msg.miniprograms[i], index: i });
    return this.mpEvidence.set(list, this.epoch, out);
  }

  /** Evidence of a `when card` with whitelist `list`, or null. */
  card(list: number): Evidence[] | null {
    if (this.msg.cards.length === 0) return null;
    const memo = this.cardEvidence;
    return memo.epochs[list] === this.epoch ? memo.values[list] : this.cardFirst(list);
  }

  private cardFirst(list: number): Evidence[] | null {
    const allowed = (this.cardAllowed ??= this.msg.cards.map((c) => this.core.allowedIdLists(this.core.cd, c)));
    let out: Evidence[] | null = null;
    for (let i = 0; i < allowed.length; i++) if (!allowed[i][list]) (out ??= []).push({ card: this.msg.cards[i], index: i });
    return this.cardEvidence.set(list, this.epoch, out);
  }

  /** The sender's messages in the group within `windowMs` (asked once per window per message). */
  flood(windowMs: number): number {
    const w = this.info.floodWindows.indexOf(windowMs);
    return w >= 0 ? this.floodCounts[w] : this.state.recentMessages(windowMs);
  }

  /** Evidence of a `when identity` naming `identities` (sorted), or null. */
  ids(identities: readonly string[]): Evidence[] | null {
    const has = this.msg.sender.identities;
    if (has.length === 0) return null;
    let out: Evidence[] | null = null;
    for (const identity of identities) if (has.includes(identity)) (out ??= []).push({ identity });
    return out;
  }

  joined(): number | null {
    if (this.joinedCache === undefined) this.joinedCache = this.state.joinedAt();
    return this.joinedCache;
  }

  /** The text's length in code points. */
  len(): number {
    if (this.lengthCache < 0) this.lengthCache = textLength(this.msg.text);
    return this.lengthCache;
  }
}

/** Values by small number, valid for one message (epoch). */
class ListMemo {
  readonly epochs: Uint32Array;
  readonly values: (Evidence[] | null)[];
  constructor(lists: number) {
    this.epochs = new Uint32Array(lists);
    this.values = new Array<Evidence[] | null>(lists).fill(null);
  }
  set(list: number, epoch: number, value: Evidence[] | null): Evidence[] | null {
    this.epochs[list] = epoch;
    this.values[list] = value;
    return value;
  }
}

interface IdIndex {
  table: StringTable;
  start: Uint32Array;
  list: Uint32Array;
  lists: number;
}

/** The policy-independent part of a compiled policy, over its blob. */
export class PolicyCore {
  readonly names: readonly string[];
  readonly profiles: Profile[];
  private readonly kwUnits: Uint16Array;
  private readonly kwOffsets: Uint32Array;
  private readonly kwCache = new Map<number, string>();
  private readonly enterprise: StringTable;
  private readonly personal = new Map<string, StringTable>();
  private readonly exempt: StringTable;
  private readonly groups: StringTable;
  private readonly rsStart: Uint32Array;
  private readonly rsRules: Uint32Array;
  private readonly ruleSets: (RuleSetInfo | undefined)[];
  private readonly lnHosts: StringTable;
  private readonly lnStart: Uint32Array;
  private readonly lnList: Uint32Array;
  private readonly lnFlags: Uint8Array;
  private readonly lnPath: Int32Array;
  private readonly lnPaths: string[];
  readonly linkLists: number;
  readonly noLinkLists: Uint8Array;
  readonly mp: IdIndex;
  readonly cd: IdIndex;

  constructor(readonly spec: PolicySpec) {
    const blob: Blob = openBlob(typeof spec.data === 'string' ? blobFromBase64(spec.data) : spec.data);
    this.names = spec.names;
    this.enterprise = new StringTable(blob, 'bl.e');
    const ou = blob.u16('bl.owners.units');
    const oo = blob.u32('bl.owners.offsets');
    for (let i = 0; i + 1 < oo.length; i++) this.personal.set(stringAt(ou, oo, i), new StringTable(blob, `bl.p${i}`));
    this.exempt = new StringTable(blob, 'ex');
    this.groups = new StringTable(blob, 'groups');
    this.rsStart = blob.u32('rs.start');
    this.rsRules = blob.u32('rs.rules');
    this.ruleSets = new Array(this.rsStart.length - 1);
    this.kwUnits = blob.u16('kw.raw.units');
    this.kwOffsets = blob.u32('kw.raw.offsets');
    this.profiles = spec.profiles.map((_, p) => {
      const prule = blob.u32(`k${p}.prule`);
      const pkw = blob.i32(`k${p}.pkw`);
      return {
        matcher: createMatcher(matcherFromBlob(blob, `k${p}`)),
        prule,
        pkw,
        onHit: (pattern: number, start: number, end: number) => {
          const r = prule[pattern];
          const bits = this.scanning!.info.bits;
          if ((bits[r >>> 5] & (1 << (r & 31))) === 0) return;
          if (this.scanning!.addHit(r, pkw[pattern], start, end)) this.scanningMarks!.add(r);
        },
      };
    });
    this.lnHosts = new StringTable(blob, 'ln.hosts');
    this.lnStart = blob.u32('ln.start');
    this.lnList = blob.u32('ln.list');
    this.lnFlags = blob.u8('ln.flags');
    this.lnPath = blob.i32('ln.path');
    const pu = blob.u16('ln.paths.units');
    const po = blob.u32('ln.paths.offsets');
    this.lnPaths = Array.from({ length: po.length - 1 }, (_, i) => stringAt(pu, po, i));
    this.linkLists = spec.rules.reduce((n, m) => Math.max(n, m[1] + 1), 0);
    this.noLinkLists = new Uint8Array(this.linkLists);
    const idIndex = (prefix: string, at: 2 | 3): IdIndex => ({
      table: new StringTable(blob, `${prefix}.ids`),
      start: blob.u32(`${prefix}.start`),
      list: blob.u32(`${prefix}.list`),
      lists: spec.rules.reduce((n, m) => Math.max(n, m[at] + 1), 0),
    });
    this.mp = idIndex('mp', 2);
    this.cd = idIndex('cd', 3);
  }

  keyword(g: number): string {
    let s = this.kwCache.get(g);
    if (s === undefined) {
      s = stringAt(this.kwUnits, this.kwOffsets, g);
      this.kwCache.set(g, s);
    }
    return s;
  }

  isEnterpriseBlacklisted(c: string): boolean {
    return this.enterprise.has(c);
  }

  isPersonalBlacklisted(owner: string, c: string): boolean {
    const t = this.personal.get(owner);
    return t !== undefined && t.has(c);
  }

  isExempt(c: string): boolean {
    return this.exempt.has(c);
  }

  /** Recently seen groups: a Map lookup is cheaper than the table's, and chat is bursty. */
  private readonly groupCache = new Map<string, RuleSetInfo | null>();

  ruleSet(group: string): RuleSetInfo | null {
    let info = this.groupCache.get(group);
    if (info !== undefined) return info;
    const id = this.groups.get(group);
    info = id < 0 ? null : (this.ruleSets[id] ??= this.buildRuleSet(id));
    if (this.groupCache.size >= 65536) this.groupCache.clear();
    this.groupCache.set(group, info);
    return info;
  }

  private buildRuleSet(id: number): RuleSetInfo {
    const rules = this.rsRules.subarray(this.rsStart[id], this.rsStart[id + 1]);
    const info: RuleSetInfo = {
      rules,
      names: Object.freeze(Array.from(rules, (r) => this.names[r])),
      bits: new Uint32Array((this.names.length + 31) >>> 5),
      profiles: [],
      floodWindows: [],
      floods: [],
      links: [],
      miniprograms: [],
      cards: [],
      images: [],
      identities: [],
      newMembers: [],
      lengths: [],
    };
    for (const r of rules) {
      const [profile, link, mp, card, bits, length, floods] = this.spec.rules[r];
      info.bits[r >>> 5] |= 1 << (r & 31);
      if (profile >= 0 && !info.profiles.includes(profile)) info.profiles.push(profile);
      if (link >= 0) info.links.push(r);
      if (mp >= 0) info.miniprograms.push(r);
      if (card >= 0) info.cards.push(r);
      if (bits & META_IMAGE) info.images.push(r);
      if (bits & META_IDENTITY) info.identities.push(r);
      if (bits & META_NEW_MEMBER) info.newMembers.push(r);
      if (length >= 0) info.lengths.push([length, r]);
      for (let f = 0; f < floods.length; f += 2) {
        let w = info.floodWindows.indexOf(floods[f + 1]);
        if (w < 0) {
          w = info.floodWindows.push(floods[f + 1]) - 1;
          info.floods.push([]);
        }
        info.floods[w].push(floods[f], r);
      }
    }
    info.profiles.sort((a, b) => a - b);
    info.floods = info.floods.map((xs) => {
      const pairs: [number, number][] = [];
      for (let i = 0; i < xs.length; i += 2) pairs.push([xs[i], xs[i + 1]]);
      pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      return pairs.flat();
    });
    info.lengths.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return info;
  }

  /** Which link whitelists hold a link: one flag per list. */
  allowedLinkLists(l: ParsedLink): Uint8Array {
    const allowed = new Uint8Array(this.linkLists);
    // The host itself (any pattern), then each parent domain (`*.` patterns only).
    let host = l.host;
    let exact = true;
    for (;;) {
      const h = this.lnHosts.get(host);
      if (h >= 0) {
        for (let q = this.lnStart[h]; q < this.lnStart[h + 1]; q++) {
          const f = this.lnFlags[q];
          if (!exact && !(f & LN_SUBDOMAINS)) continue;
          if (f & LN_HTTP && l.scheme !== 'http') continue;
          if (f & LN_HTTPS && l.scheme !== 'https') continue;
          const p = this.lnPath[q];
          if (p >= 0 && !l.path.startsWith(this.lnPaths[p])) continue;
          allowed[this.lnList[q]] = 1;
        }
      }
      const dot = host.indexOf('.');
      if (dot < 0) break;
      host = host.slice(dot + 1);
      exact = false;
    }
    return allowed;
  }

  /** Which mini-program or card whitelists hold an id: one flag per list. */
  allowedIdLists(index: IdIndex, id: string): Uint8Array {
    const allowed = new Uint8Array(index.lists);
    const i = index.table.get(id);
    if (i >= 0) for (let q = index.start[i]; q < index.start[i + 1]; q++) allowed[index.list[q]] = 1;
    return allowed;
  }

  /** The message being scanned, for the profiles' bound callbacks. */
  private scanning: MessageContext | null = null;
  private scanningMarks: Candidates | null = null;

  /** Scans the text once per profile of the rule set and records hits of the set's rules. */
  scanKeywords(x: MessageContext, marks: Candidates): void {
    const text = x.msg.text;
    if (text.length === 0) return;
    this.scanning = x;
    this.scanningMarks = marks;
    for (const p of x.info.profiles) {
      const prof = this.profiles[p];
      prof.matcher.scan(text, prof.onHit);
    }
    this.scanning = null;
    this.scanningMarks = null;
  }
}

/** The candidate rules of one message: marked once, run in rule order. */
class Candidates {
  private readonly mark: Uint32Array;
  private epoch = 0;
  readonly list: number[] = [];
  constructor(rules: number) {
    this.mark = new Uint32Array(rules);
  }
  reset(): void {
    this.epoch = (this.epoch + 1) >>> 0 || 1;
    if (this.epoch === 1) this.mark.fill(0);
    this.list.length = 0;
  }
  add(r: number): void {
    if (this.mark[r] !== this.epoch) {
      this.mark[r] = this.epoch;
      this.list.push(r);
    }
  }
  has(r: number): boolean {
    return this.mark[r] === this.epoch;
  }
}

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
        for (const r of cands.list) shapes[shapeOf[r]](msg, x, out, r, params[r]);
      } else {
        const rules = x.info.rules;
        for (let i = 0; i < rules.length; i++) {
          const r = rules[i];
          if ((kinds[r] & wide) !== 0 || cands.has(r)) shapes[shapeOf[r]](msg, x, out, r, params[r]);
        }
      }
      return out;
    },
    decideMessage(msg, state) {
      const wide = select(msg, state);
      if (wide < 0) return null;
      if (fewCandidates(wide)) {
        const few = new OutcomeBuilder(cands.list.length);
        for (const r of cands.list) decides[shapeOf[r]](msg, x, few, r, params[r]);
        return few.finish();
      }
      const rules = x.info.rules;
      const out = new OutcomeBuilder(rules.length);
      for (let i = 0; i < rules.length; i++) {
        const r = rules[i];
        if ((kinds[r] & wide) !== 0 || cands.has(r)) decides[shapeOf[r]](msg, x, out, r, params[r]);
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
    if (info.links.length > 0 && (msg.links.length > 0 || msg.text.includes('://'))) wide |= KIND_LINK;
    if (info.miniprograms.length > 0 && msg.miniprograms.length > 0) wide |= KIND_MINIPROGRAM;
    if (info.cards.length > 0 && msg.cards.length > 0) wide |= KIND_CARD;
    if (info.images.length > 0 && msg.images > 0) wide |= KIND_IMAGE;
    if (info.identities.length > 0 && msg.sender.identities.length > 0) wide |= KIND_IDENTITY;
    if (info.newMembers.length > 0 && x.joined() !== null) wide |= KIND_NEW_MEMBER;
    if (info.lengths.length > 0 && x.len() > info.lengths[0][0]) {
      const n = x.len();
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
  createCompiledPolicy,
} as const;

export type CompiledRuntime = typeof compiledRuntime;
