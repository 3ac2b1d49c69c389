// The policy-independent part of a compiled policy (see compiled-support.ts), over its data
// blob: the blacklists, exempt customers and group index as string tables, the rule sets of
// groups with what candidate selection needs of them, the keyword automata per normalisation
// profile, and the link, mini-program and card whitelists. Section names and flags come from
// blob-layout.ts, the one definition shared with the writer (compiler/lower/ir-to-data.ts).
import type { Evidence } from '../compiled-policy.ts';
import type { ParsedLink } from '../../text/links.ts';
import { createMatcher, type Matcher } from '../../matcher/index.ts';
import * as L from './blob-layout.ts';
import { openBlob, blobFromBase64, stringAt, type Blob } from './data-blob.ts';
import { matcherFromBlob } from './matcher-sections.ts';
import { StringTable } from './string-table.ts';
import type { MessageContext } from './message-context.ts';
import type { PolicySpec } from './compiled-support.ts';
import { RulePatterns } from './rule-patterns.ts';

export type { PatternSpec } from './rule-patterns.ts';

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

/** Per rule set, what candidate selection needs; built on first use of the rule set. */
export interface RuleSetInfo {
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
  /** The rules with patterns (and a keyword trigger), in rule order. */
  patterns: number[];
}

interface Profile {
  matcher: Matcher;
  /** Per pattern: its rule, and its keyword's global number (-1: an exception phrase). */
  prule: Uint32Array;
  pkw: Int32Array;
  /** The matcher's callback, bound once: it reads the message being decided from the core. */
  onHit: (pattern: number, start: number, end: number) => void;
}

export interface IdIndex {
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
  /** The pattern keywords of the rules that have some (absent from most policies). */
  private readonly rulePatterns: RulePatterns | null;

  constructor(readonly spec: PolicySpec) {
    this.rulePatterns = spec.patterns && spec.patterns.length > 0 ? new RulePatterns(spec.patterns, spec.profiles, spec.rules, spec.variants) : null;
    const blob: Blob = openBlob(typeof spec.data === 'string' ? blobFromBase64(spec.data) : spec.data);
    this.names = spec.names;
    this.enterprise = new StringTable(blob, L.BL_ENTERPRISE);
    const ou = blob.u16(L.stringsUnits(L.BL_OWNERS));
    const oo = blob.u32(L.stringsOffsets(L.BL_OWNERS));
    for (let i = 0; i + 1 < oo.length; i++) this.personal.set(stringAt(ou, oo, i), new StringTable(blob, L.blPersonal(i)));
    this.exempt = new StringTable(blob, L.EXEMPT);
    this.groups = new StringTable(blob, L.GROUPS);
    this.rsStart = blob.u32(L.RS_START);
    this.rsRules = blob.u32(L.RS_RULES);
    this.ruleSets = new Array(this.rsStart.length - 1);
    this.kwUnits = blob.u16(L.stringsUnits(L.KW_RAW));
    this.kwOffsets = blob.u32(L.stringsOffsets(L.KW_RAW));
    this.profiles = spec.profiles.map((_, p) => {
      const prule = blob.u32(L.kwPatternRule(p));
      const pkw = blob.i32(L.kwPatternKeyword(p));
      return {
        matcher: createMatcher(matcherFromBlob(blob, L.kwProfile(p))),
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
    this.lnHosts = new StringTable(blob, L.LN_HOSTS);
    this.lnStart = blob.u32(L.LN_START);
    this.lnList = blob.u32(L.LN_LIST);
    this.lnFlags = blob.u8(L.LN_FLAGS);
    this.lnPath = blob.i32(L.LN_PATH);
    const pu = blob.u16(L.stringsUnits(L.LN_PATHS));
    const po = blob.u32(L.stringsOffsets(L.LN_PATHS));
    this.lnPaths = Array.from({ length: po.length - 1 }, (_, i) => stringAt(pu, po, i));
    this.linkLists = spec.rules.reduce((n, m) => Math.max(n, m[1] + 1), 0);
    this.noLinkLists = new Uint8Array(this.linkLists);
    const idIndex = (prefix: L.IdIndexPrefix, at: 2 | 3): IdIndex => ({
      table: new StringTable(blob, L.idsTable(prefix)),
      start: blob.u32(L.idsStart(prefix)),
      list: blob.u32(L.idsList(prefix)),
      lists: spec.rules.reduce((n, m) => Math.max(n, m[at] + 1), 0),
    });
    this.mp = idIndex(L.MP, 2);
    this.cd = idIndex(L.CD, 3);
  }

  /** The evidence of a hit recorded as `g`: a keyword's global number, or a pattern's as `-1 - n`. */
  hitEvidence(g: number, text: string, start: number, end: number): Evidence {
    return g >= 0 ? { text: text.slice(start, end), start, end, keyword: this.keyword(g) } : { text: text.slice(start, end), start, end, pattern: this.rulePatterns!.source(-1 - g) };
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
      patterns: [],
    };
    for (const r of rules) {
      if (this.rulePatterns?.has(r)) info.patterns.push(r);
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
          if (!exact && !(f & L.LN_SUBDOMAINS)) continue;
          if (f & L.LN_HTTP && l.scheme !== 'http') continue;
          if (f & L.LN_HTTPS && l.scheme !== 'https') continue;
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
    if (x.info.patterns.length > 0) this.rulePatterns!.scan(x, marks, x.info.patterns);
    this.scanning = null;
    this.scanningMarks = null;
  }
}

/** The candidate rules of one message: marked once, run in rule order. */
export class Candidates {
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
