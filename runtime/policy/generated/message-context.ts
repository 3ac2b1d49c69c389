// The context of one message of a compiled policy (see compiled-support.ts), passed to the
// shape functions of a generated module: the keyword hits the core's scan recorded, and the
// link, mini-program, card, flood, identity, join and length questions of the rule functions,
// each answered at most once per message.
import type { Evidence, MessageInput, StateQueries } from '../compiled-policy.ts';
import { parseLink, type ParsedLink } from '../../text/links.ts';
import { linksInText, textLength } from '../../text/text-semantics.ts';
import type { PolicyCore, RuleSetInfo } from './policy-core.ts';

/** A link of the message: from `links` (with its index) or found in the text (with its span). */
interface MessageLink {
  link: string;
  index: number;
  start: number;
  end: number;
  parsed: ParsedLink | null;
  /** allowed[list] !== 0: a whitelist holding it. */
  allowed: Uint8Array;
  /** Its evidence, made once: every rule it fires lists the same object (runtime/engine/decision-json.ts turns it into JSON once). */
  evidence: Evidence;
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
  /** Evidence by mini-program and card index, made once per message like a link's. */
  private miniprogramEvidenceMade: Evidence[] = [];
  private cardEvidenceMade: Evidence[] = [];
  private lengthCache = -1;
  private joinedCache: number | null | undefined = undefined;

  constructor(private readonly core: PolicyCore) {
    this.hitEpoch = new Uint32Array(core.names.length);
    this.hits = core.names.map(() => []);
    this.linkMemo = new ListMemo(core.linkLists);
    this.miniprogramMemo = new ListMemo(core.mp.lists);
    this.cardMemo = new ListMemo(core.cd.lists);
  }

  reset(msg: MessageInput, state: StateQueries, info: RuleSetInfo): void {
    this.msg = msg;
    this.state = state;
    this.info = info;
    this.epoch = (this.epoch + 1) >>> 0 || 1;
    if (this.epoch === 1) {
      this.hitEpoch.fill(0);
      this.linkMemo.epochs.fill(0);
      this.miniprogramMemo.epochs.fill(0);
      this.cardMemo.epochs.fill(0);
    }
    this.links = null;
    this.miniprogramAllowed = null;
    this.cardAllowed = null;
    this.miniprogramEvidenceMade.length = 0;
    this.cardEvidenceMade.length = 0;
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
  keywordEvidence(rule: number): Evidence[] | null {
    return this.hitEpoch[rule] !== this.epoch ? null : this.sortedKeywordEvidence(rule);
  }

  /** The first of `keywordEvidence(rule)`'s evidence (no others are built), or null. */
  firstKeywordEvidence(rule: number): Evidence | null {
    if (this.hitEpoch[rule] !== this.epoch) return null;
    const hits = this.hits[rule];
    let b = 0;
    for (let h = 3; h < hits.length; h += 3) {
      if (hits[h + 1] < hits[b + 1] || (hits[h + 1] === hits[b + 1] && (hits[h + 2] > hits[b + 2] || (hits[h + 2] === hits[b + 2] && hitOrder(hits[h]) < hitOrder(hits[b]))))) b = h;
    }
    return this.core.hitEvidence(hits[b], this.msg.text, hits[b + 1], hits[b + 2]);
  }

  private sortedKeywordEvidence(rule: number): Evidence[] {
    const hits = this.hits[rule];
    const text = this.msg.text;
    const order: number[] = [];
    for (let h = 0; h < hits.length; h += 3) order.push(h);
    if (order.length > 1) order.sort((a, b) => hits[a + 1] - hits[b + 1] || hits[b + 2] - hits[a + 2] || hitOrder(hits[a]) - hitOrder(hits[b]));
    return order.map((h) => this.core.hitEvidence(hits[h], text, hits[h + 1], hits[h + 2]));
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
    const evidence: Evidence = index >= 0 ? { link, index } : ({ link, start, end } as unknown as Evidence);
    return { link, index, start, end, parsed, allowed: parsed ? this.core.allowedLinkLists(parsed) : this.core.noLinkLists, evidence };
  }

  // Evidence by whitelist, per message: rules that share a whitelist (a thousand rules often
  // share ten) share one evidence array within a decision, and every array holds the one
  // evidence object of its link, mini-program or card. Firings are read-only data. The
  // methods below answer from the memo in a few lines, small enough to be inlined into the shape
  // functions, which ask for every candidate rule (hundreds on a message with a link); the first
  // question of a message goes to `…First`.
  private readonly linkMemo: ListMemo;
  private readonly miniprogramMemo: ListMemo;
  private readonly cardMemo: ListMemo;

  /** Evidence of a `when link` with whitelist `list`, or null. */
  linkEvidence(list: number): Evidence[] | null {
    const memo = this.linkMemo;
    return memo.epochs[list] === this.epoch ? memo.values[list] : this.linkFirst(list);
  }

  private linkFirst(list: number): Evidence[] | null {
    let out: Evidence[] | null = null;
    for (const l of this.messageLinks()) {
      if (!l.allowed[list]) (out ??= []).push(l.evidence);
    }
    return this.linkMemo.set(list, this.epoch, out);
  }

  /** Evidence of a `when miniprogram` with whitelist `list`, or null. */
  miniprogramEvidence(list: number): Evidence[] | null {
    if (this.msg.miniprograms.length === 0) return null;
    const memo = this.miniprogramMemo;
    return memo.epochs[list] === this.epoch ? memo.values[list] : this.miniprogramFirst(list);
  }

  private miniprogramFirst(list: number): Evidence[] | null {
    const allowed = (this.miniprogramAllowed ??= this.msg.miniprograms.map((m) => this.core.allowedIdLists(this.core.mp, m)));
    let out: Evidence[] | null = null;
    const made = this.miniprogramEvidenceMade;
    for (let i = 0; i < allowed.length; i++) if (!allowed[i][list]) (out ??= []).push((made[i] ??= { miniprogram: this.msg.miniprograms[i], index: i }));
    return this.miniprogramMemo.set(list, this.epoch, out);
  }

  /** Evidence of a `when card` with whitelist `list`, or null. */
  cardEvidence(list: number): Evidence[] | null {
    if (this.msg.cards.length === 0) return null;
    const memo = this.cardMemo;
    return memo.epochs[list] === this.epoch ? memo.values[list] : this.cardFirst(list);
  }

  private cardFirst(list: number): Evidence[] | null {
    const allowed = (this.cardAllowed ??= this.msg.cards.map((c) => this.core.allowedIdLists(this.core.cd, c)));
    let out: Evidence[] | null = null;
    const made = this.cardEvidenceMade;
    for (let i = 0; i < allowed.length; i++) if (!allowed[i][list]) (out ??= []).push((made[i] ??= { card: this.msg.cards[i], index: i }));
    return this.cardMemo.set(list, this.epoch, out);
  }

  /** The sender's messages in the group within `windowMs` (asked once per window per message). */
  floodCount(windowMs: number): number {
    const w = this.info.floodWindows.indexOf(windowMs);
    return w >= 0 ? this.floodCounts[w] : this.state.recentMessages(windowMs);
  }

  /** Evidence of a `when identity` naming `identities` (sorted), or null. */
  identityEvidence(identities: readonly string[]): Evidence[] | null {
    const has = this.msg.sender.identities;
    if (has.length === 0) return null;
    let out: Evidence[] | null = null;
    for (const identity of identities) if (has.includes(identity)) (out ??= []).push({ identity });
    return out;
  }

  /** When the sender joined the group (ms since the epoch), or null. */
  joinedAt(): number | null {
    if (this.joinedCache === undefined) this.joinedCache = this.state.joinedAt();
    return this.joinedCache;
  }

  /** The text's length in code points. */
  textLength(): number {
    if (this.lengthCache < 0) this.lengthCache = textLength(this.msg.text);
    return this.lengthCache;
  }
}

/**
 * The order of a recorded hit among a rule's hits at one span: keywords by global number, then
 * patterns (recorded as `-1 - n`, rule-patterns.ts) by number, as the interpreter orders them.
 */
function hitOrder(g: number): number {
  return g >= 0 ? g : 0x40000000 + (-1 - g);
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
