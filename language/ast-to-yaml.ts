// An AST to the canonical YAML form of its policy file (the shape policy-schema.ts describes).
//
// The YAML form is a mapping, so it groups what the `.policy` form may interleave. What the
// conversion does to an AST is written down once, as `yamlNormalForm`, and holds exactly:
// `parseYamlPolicy(astToYaml(ast))` gives `yamlNormalForm(ast)` again, up to ranges.
// - Declarations are grouped under their key (`enterprise`, `limits`, `normalize`, `blacklist`,
//   `exempt`, `categories`, `rules`, `ladders`, `quotas`, `variants`), keys in the order of their first
//   declaration; inside a rule, statements under theirs (`owner`, `groups`, `keywords`, `except`,
//   `allow`, `normalize`, `configured-on`, `announce`, `when`), inside a ladder likewise
//   (`counts`, `steps`, `severe`, `expire-after`, `members`, `while-linked-blocked`), and inside
//   a quota (`daily`, `adjust`, `minimum`, `maximum`, `timezone`; raises and lowerings keep their
//   order under `adjust`).
// - Inline lists that end up next to each other under one key are one list (`groups "a"` then
//   `groups "b"` is `groups: [a, b]`), and a ladder's `counts` statements are one.
// - A key holds one value, so a second `enterprise`, `limits` or `normalize` declaration, and a
//   rule's second `normalize`, `configured on` or `announce`, a ladder's second `severe`,
//   `expire after`, `members` or `while linked blocked`, or a quota's second `daily`, `minimum`,
//   `maximum` or `timezone`, cannot be written: `yamlConversionProblems` reports each (the checker reports
//   them as duplicates in either form), and the first one is kept.
// None of this changes the checked model. Comments are kept where `hush fmt` keeps them
// (ast-to-text.ts `attachComments`): before their declaration or statement, at the end of its
// line (on the line its YAML ends on), after a list entry on that entry's line (or before the
// next entry, for a comment line between entries), after a block's
// name (its header line), at the end of a block (a comment after a block's `}` too, since the
// YAML form has no closing line), or at the end of the document.
import { Document, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type * as A from './ast.ts';
import { attachComments } from './ast-to-text.ts';
import { diagnostic, type Diagnostic, type Range } from './diagnostic.ts';
import { ALWAYS_ESCAPED } from './string-literal.ts';

// --- the normal form ----------------------------------------------------------------------

/** Groups items by key, keys in the order of their first item, items in their order. */
function group<T>(xs: readonly T[], key: (x: T) => string): [string, T[]][] {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const g = m.get(k);
    if (g) g.push(x);
    else m.set(k, [x]);
  }
  return [...m];
}

const span = (a: Range, b: Range): Range => ({ start: a.start, end: b.end });

/** Merges inline lists that stand next to each other (and `same` allows to be merged). */
function mergeInline<T extends { list: A.ListSource; range: Range }>(xs: readonly T[], same: (a: T, b: T) => boolean = () => true): T[] {
  const out: T[] = [];
  for (const x of xs) {
    const prev = out[out.length - 1];
    if (prev && prev.list.kind === 'inline' && x.list.kind === 'inline' && same(prev, x)) {
      out[out.length - 1] = {
        ...prev,
        list: { kind: 'inline', items: [...prev.list.items, ...x.list.items], range: span(prev.list.range, x.list.range) },
        range: span(prev.range, x.range),
      };
    } else out.push(x);
  }
  return out;
}

const TOP_KEY: Record<A.Declaration['kind'], string> = {
  enterprise: 'enterprise',
  limits: 'limits',
  normalize: 'normalize',
  blacklist: 'blacklist',
  exempt: 'exempt',
  category: 'categories',
  rule: 'rules',
  ladder: 'ladders',
  quota: 'quotas',
  variants: 'variants',
};

const RULE_KEY: Record<A.RuleStatement['kind'], string> = {
  owner: 'owner',
  groups: 'groups',
  keywords: 'keywords',
  pattern: 'patterns',
  except: 'except',
  allow: 'allow',
  normalize: 'normalize',
  configured: 'configured-on',
  announce: 'announce',
  when: 'when',
  exempt: 'exempt',
  during: 'during',
};

/** The YAML key of a rule statement: `during days …` goes under `during-days`, the time windows under `during`. */
const ruleKeyOf = (s: A.RuleStatement): string => (s.kind === 'during' && s.days ? 'during-days' : RULE_KEY[s.kind]);

const LADDER_KEY: Record<A.LadderStatement['kind'], string> = {
  counts: 'counts',
  step: 'steps',
  severe: 'severe',
  expire: 'expire-after',
  members: 'members',
  linked: 'while-linked-blocked',
  for: 'for',
};

const QUOTA_KEY: Record<A.QuotaStatement['kind'], string> = { daily: 'daily', adjust: 'adjust', minimum: 'minimum', maximum: 'maximum', timezone: 'timezone' };

const SINGLE_DECLS = new Set(['enterprise', 'limits', 'normalize']);
const SINGLE_RULE = new Set(['normalize', 'configured-on', 'announce']);
const SINGLE_LADDER = new Set(['severe', 'expire-after', 'members', 'while-linked-blocked', 'for']);
const SINGLE_QUOTA = new Set(['daily', 'minimum', 'maximum', 'timezone']);

/** A node that the YAML form cannot hold, with the key it would need twice. */
interface Lost {
  node: A.Node;
  key: string;
}

function normalRule(r: A.RuleDecl, lost: Lost[]): A.RuleDecl {
  const body: A.RuleStatement[] = [];
  for (const [key, xs] of group(r.body, ruleKeyOf)) {
    if (SINGLE_RULE.has(key)) {
      body.push(xs[0]);
      for (const x of xs.slice(1)) lost.push({ node: x, key });
    } else if (key === 'allow') {
      for (const [, ys] of group(xs as A.AllowStmt[], (s) => s.target)) body.push(...mergeInline(ys));
    } else if (key === 'keywords') {
      body.push(...mergeInline(xs as A.KeywordsStmt[], (a, b) => a.wholeWord === b.wholeWord));
    } else if (key === 'groups' || key === 'except' || key === 'patterns' || key === 'exempt') {
      body.push(...mergeInline(xs as (A.GroupsStmt | A.ExceptStmt | A.PatternStmt | A.RuleExemptStmt)[]));
    } else if (key === 'during-days') {
      body.push(...mergeInline((xs as A.DuringStmt[]).map((d) => ({ ...d, list: d.days! }))).map(({ list, ...d }) => ({ ...d, days: list })));
    } else body.push(...xs);
  }
  return { ...r, body };
}

function normalLadder(l: A.LadderDecl, lost: Lost[]): A.LadderDecl {
  const body: A.LadderStatement[] = [];
  for (const [key, xs] of group(l.body, (s) => LADDER_KEY[s.kind])) {
    if (key === 'counts') {
      const cs = xs as A.CountsStmt[];
      body.push({ kind: 'counts', categories: cs.flatMap((c) => c.categories), range: span(cs[0].range, cs[cs.length - 1].range) });
    } else if (SINGLE_LADDER.has(key)) {
      body.push(xs[0]);
      for (const x of xs.slice(1)) lost.push({ node: x, key });
    } else body.push(...xs);
  }
  return { ...l, body };
}

function normalQuota(q: A.QuotaDecl, lost: Lost[]): A.QuotaDecl {
  const body: A.QuotaStatement[] = [];
  for (const [key, xs] of group(q.body, (s) => QUOTA_KEY[s.kind])) {
    if (SINGLE_QUOTA.has(key)) {
      body.push(xs[0]);
      for (const x of xs.slice(1)) lost.push({ node: x, key });
    } else body.push(...xs);
  }
  return { ...q, body };
}

function normalize(ast: A.PolicyFile): { ast: A.PolicyFile; lost: Lost[] } {
  const lost: Lost[] = [];
  const declarations: A.Declaration[] = [];
  for (const [key, ds] of group(ast.declarations, (d) => TOP_KEY[d.kind])) {
    if (SINGLE_DECLS.has(key)) {
      declarations.push(ds[0]);
      for (const d of ds.slice(1)) lost.push({ node: d, key });
    } else if (key === 'blacklist') {
      for (const [scope, bs] of group(ds as A.BlacklistDecl[], (b) => b.scope)) declarations.push(...(scope === 'enterprise' ? mergeInline(bs) : bs));
    } else if (key === 'exempt') declarations.push(...mergeInline(ds as A.ExemptDecl[]));
    else if (key === 'rules') declarations.push(...(ds as A.RuleDecl[]).map((r) => normalRule(r, lost)));
    else if (key === 'ladders') declarations.push(...(ds as A.LadderDecl[]).map((l) => normalLadder(l, lost)));
    else if (key === 'quotas') declarations.push(...(ds as A.QuotaDecl[]).map((q) => normalQuota(q, lost)));
    else declarations.push(...ds);
  }
  return { ast: { ...ast, declarations }, lost };
}

/** The AST that the YAML form of `ast` reads back as (see the top of this file). */
export function yamlNormalForm(ast: A.PolicyFile): A.PolicyFile {
  return normalize(ast).ast;
}

/** What the YAML form of `ast` cannot hold: each is an error for `hush convert`. */
export function yamlConversionProblems(ast: A.PolicyFile): Diagnostic[] {
  return normalize(ast).lost.map(({ node, key }) =>
    diagnostic('hush/yaml/not-expressible', 'error', `the YAML form has one \`${key}\` here, and this is a second one`, ast.file, node.range, {
      help: 'remove the duplicate (the checker rejects it in either form), then convert',
    }),
  );
}

// --- rendering ----------------------------------------------------------------------------

/** Flow collections longer than this are written as blocks. */
const FLOW_WIDTH = 80;
const STRINGIFY = { lineWidth: 0, flowCollectionPadding: false, indentSeq: true } as const;

/**
 * Characters a plain or block scalar would not show faithfully: the ones `hush fmt` always writes
 * as escapes (controls, bidi controls, invisible characters: language/string-literal.ts), and
 * lone surrogates. A value holding one is written double-quoted, with the character escaped.
 */
const INVISIBLE = new RegExp(`${ALWAYS_ESCAPED.source}|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]`, 'u');
/** The same characters, everywhere in a rendered document but its line feeds. */
const INVISIBLE_RAW = new RegExp(`(?!\\n)${ALWAYS_ESCAPED.source}`, 'gu');

/**
 * The yaml library escapes C0 controls in double-quoted scalars but writes bidi controls and
 * invisible characters (U+202E, U+FEFF, zero-width…) as themselves, where a reader cannot see
 * them: they only occur in double-quoted scalars (`str`) and comments, so they are written as
 * YAML escapes (`\u202e`, `\U000e0001`), which every YAML reader reads back to the character.
 */
function escapeInvisible(text: string): string {
  return text.replace(INVISIBLE_RAW, (ch) => {
    const cp = ch.codePointAt(0)!;
    return cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
  });
}

/**
 * Plain scalars that a YAML 1.1 reader (PyYAML, SnakeYAML, go-yaml v2, Ruby's Psych) types as
 * something other than a string although YAML 1.2 reads them as strings: booleans (`yes`, `on`,
 * `y`), sexagesimal numbers (`12:30:00`), dates and timestamps (`2026-01-01`), numbers with
 * underscores or in binary, octal written `0…`, `.inf`/`.nan` spellings, and the merge and value
 * keys. They are quoted, so that every reader sees the string the policy holds.
 */
const YAML11_TYPED = new RegExp(
  [
    '^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$',
    '^(?:~|null|Null|NULL)$',
    '^[-+]?(?:0b[01_]+|0[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*|[0-9][0-9_]*(?::[0-5]?[0-9])+)$',
    '^[-+]?(?:[0-9][0-9_]*)?\\.[0-9_]*(?:[eE][-+]?[0-9]+)?$',
    // Exponent forms without a dot or digits before the `e` (`e0`, `1e5`): the yaml package's
    // YAML 1.1 reader takes them as numbers.
    '^[-+]?(?:[0-9][0-9_]*)?(?:\\.[0-9_]*)?[eE][-+]?[0-9]+$',
    '^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*$',
    '^[-+]?\\.(?:inf|Inf|INF)$|^\\.(?:nan|NaN|NAN)$',
    '^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \\t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]*)?(?:[ \\t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?$',
    '^(?:<<|=)$',
  ].join('|'),
);

function str(value: string): Scalar {
  const s = new Scalar(value);
  if (INVISIBLE.test(value) || YAML11_TYPED.test(value)) s.type = Scalar.QUOTE_DOUBLE;
  return s;
}

function pair(key: string, value: unknown): Pair {
  return new Pair(new Scalar(key), value);
}

function map(pairs: Pair[], flow = false): YAMLMap {
  const m = new YAMLMap();
  m.items.push(...pairs);
  m.flow = flow;
  return m;
}

function seq(items: unknown[], flow = false): YAMLSeq {
  const s = new YAMLSeq();
  s.items.push(...items);
  s.flow = flow;
  return s;
}

/** Whether a collection written in flow style fits on one short line. */
function fits(node: YAMLMap | YAMLSeq): boolean {
  const doc = new Document();
  doc.contents = node;
  const text = doc.toString(STRINGIFY).trimEnd();
  return !text.includes('\n') && text.length <= FLOW_WIDTH;
}

/** Flow style when every item is a scalar or a flow collection and the result is short. */
function flowIfShort<T extends YAMLMap | YAMLSeq>(node: T): T {
  const items = node.items.map((i) => (i instanceof Pair ? i.value : i));
  if (items.every((i) => i instanceof Scalar || ((i instanceof YAMLMap || i instanceof YAMLSeq) && i.flow))) {
    node.flow = true;
    if (!fits(node)) node.flow = false;
  }
  return node;
}

type YNode = Scalar | YAMLMap | YAMLSeq;

/** Where the comments of one declaration or statement go in the YAML document. */
interface Anchor {
  /** The node whose `commentBefore` holds the comments before the statement. */
  before: YNode;
  /** The node whose line the statement's YAML ends on (its end-of-line comment's home). */
  end: YNode;
}

/** A block's YAML: its map (the comments before its end) and its name (the header line's comment). */
interface BlockNodes {
  map: YAMLMap;
  header: Scalar;
}

/** The node on whose line a node's YAML text ends: the last item of a block collection, recursively. */
function lastLine(n: YNode): YNode {
  if (n instanceof Scalar || n.flow || n.items.length === 0) return n;
  const last = n.items[n.items.length - 1] as unknown;
  const tail = last instanceof Pair ? (last.value ?? last.key) : last;
  return tail instanceof Scalar || tail instanceof YAMLMap || tail instanceof YAMLSeq ? lastLine(tail) : n;
}

class Renderer {
  /** The YAML nodes of each declaration and statement. */
  readonly anchors = new Map<A.Node, Anchor>();
  readonly blocks = new Map<A.Node, BlockNodes>();
  /** The scalar of each list entry, for a comment after an entry. */
  readonly entries = new Map<A.Str, Scalar>();

  private place(n: A.Node, before: YNode, end: YNode): void {
    this.anchors.set(n, { before, end });
  }

  /** Places statements that share one key: the first from its key, each ending on its last item. */
  private share(key: Scalar, value: YNode, parts: { node: A.Node; items: YNode[] }[]): void {
    if (parts.length === 1) return this.place(parts[0].node, key, value);
    parts.forEach(({ node, items }, i) => {
      const first = items[0] ?? value;
      this.place(node, i === 0 ? key : first, items[items.length - 1] ?? value);
    });
  }

  private entry(s: A.Str): Scalar {
    const node = str(s.value);
    this.entries.set(s, node);
    return node;
  }

  file(ast: A.PolicyFile): YAMLMap {
    const root = new YAMLMap();
    for (const [key, ds] of group(ast.declarations, (d) => TOP_KEY[d.kind])) root.items.push(this.declarations(key, ds));
    // A blank line sets apart every key whose value is a block, and the key after it.
    root.items.forEach((p, i) => {
      const block = (q: Pair | undefined) => !!q && (q.value instanceof YAMLMap || q.value instanceof YAMLSeq) && !q.value.flow;
      if (i > 0 && (block(p) || block(root.items[i - 1]))) (p.key as Scalar).spaceBefore = true;
    });
    return root;
  }

  /** A pair whose value is one statement's. */
  private single(key: string, n: A.Node, value: YNode): Pair {
    const p = pair(key, value);
    this.place(n, p.key as Scalar, value);
    return p;
  }

  /** A pair whose value holds the lists of several statements, each placed on its items. */
  private listPair(key: string, xs: { node: A.Node; list: A.ListSource }[]): Pair {
    const { value, items } = this.lists(xs.map((x) => x.list));
    const p = pair(key, value);
    this.share(p.key as Scalar, value, xs.map((x, i) => ({ node: x.node, items: items[i] })));
    return p;
  }

  private declarations(key: string, ds: A.Declaration[]): Pair {
    switch (key) {
      case 'enterprise':
        return this.single(key, ds[0], str((ds[0] as A.EnterpriseDecl).name.value));
      case 'limits':
        return this.single(key, ds[0], str((ds[0] as A.LimitsDecl).profile.value));
      case 'normalize':
        return this.single(key, ds[0], this.steps((ds[0] as A.NormalizeDecl).steps));
      case 'blacklist': {
        const m = map([]);
        for (const [scope, bs] of group(ds as A.BlacklistDecl[], (b) => b.scope)) {
          if (scope === 'enterprise') m.items.push(this.listPair('enterprise', bs.map((b) => ({ node: b, list: b.list }))));
          else m.items.push(pair('personal', seq(bs.map((b) => this.personal(b)))));
        }
        return pair(key, m);
      }
      case 'exempt':
        return pair(key, map([this.listPair('customers', (ds as A.ExemptDecl[]).map((d) => ({ node: d, list: d.list })))]));
      case 'categories':
        return pair(key, seq((ds as A.CategoryDecl[]).map((c) => this.category(c))));
      case 'rules':
        return pair(key, this.spaced((ds as A.RuleDecl[]).map((r) => this.rule(r))));
      case 'quotas':
        return pair(key, this.spaced((ds as A.QuotaDecl[]).map((q) => this.quota(q))));
      case 'variants':
        return pair(key, seq((ds as A.VariantsDecl[]).map((v) => this.variantLine(v))));
      default:
        return pair(key, this.spaced((ds as A.LadderDecl[]).map((l) => this.ladder(l))));
    }
  }

  /** A block sequence whose items are set apart by blank lines. */
  private spaced(items: YAMLMap[]): YAMLSeq {
    items.forEach((m, i) => {
      if (i > 0) m.spaceBefore = true;
    });
    return seq(items);
  }

  private steps(steps: A.Ident[]): YAMLSeq {
    return flowIfShort(seq(steps.map((s) => str(s.name))));
  }

  private fromFile(l: A.FileList, flow: boolean): YAMLMap {
    return map([pair('from', str(l.path.value))], flow);
  }

  /**
   * A list value: `{from: f}`, `[a, b]`, or a block list mixing entries and `- from: f`; with
   * the YAML items each list gave.
   */
  private lists(lists: A.ListSource[]): { value: YAMLMap | YAMLSeq; items: YNode[][] } {
    if (lists.length === 1 && lists[0].kind === 'file') {
      const value = this.fromFile(lists[0], true);
      return { value, items: [[value]] };
    }
    const all: YNode[] = [];
    const items = lists.map((l) => {
      const mine = l.kind === 'inline' ? l.items.map((i) => this.entry(i)) : [this.fromFile(l, false)];
      all.push(...mine);
      return mine;
    });
    return { value: flowIfShort(seq(all)), items };
  }

  private personal(b: A.BlacklistDecl): YAMLMap {
    const pairs = [pair('of', str(b.owner?.value ?? ''))];
    if (b.list.kind === 'file') pairs.push(pair('from', str(b.list.path.value)));
    else pairs.push(pair('customers', flowIfShort(seq(b.list.items.map((i) => this.entry(i))))));
    const m = map(pairs);
    this.place(b, m, m);
    return m;
  }

  /** `{of: 微信, spellings: [薇信, vx]}` or `{of: 微信, from: lists/weixin.txt}`. */
  private variantLine(v: A.VariantsDecl): YAMLMap {
    const pairs = [pair('of', str(v.word.value))];
    if (v.list.kind === 'file') pairs.push(pair('from', str(v.list.path.value)));
    else pairs.push(pair('spellings', flowIfShort(seq(v.list.items.map((i) => this.entry(i))))));
    const m = map(pairs);
    this.place(v, m, m);
    return m;
  }

  private category(c: A.CategoryDecl): YAMLMap {
    const pairs = [pair('category', str(c.name.name))];
    if (c.label) pairs.push(pair('label', str(c.label.value)));
    const m = map(pairs);
    this.place(c, m, m);
    return m;
  }

  /** A block's map, its name first; its comments are placed on the map and on the name. */
  private blockMap(b: A.RuleDecl | A.LadderDecl | A.QuotaDecl, key: string, name: string): YAMLMap {
    const header = str(name);
    const m = map([pair(key, header)]);
    this.place(b, m, m);
    this.blocks.set(b, { map: m, header });
    return m;
  }

  // --- rules ------------------------------------------------------------------------------

  private rule(r: A.RuleDecl): YAMLMap {
    const m = this.blockMap(r, 'rule', r.name.value);
    for (const [key, xs] of group(r.body, ruleKeyOf)) m.items.push(this.ruleKey(key, xs));
    return m;
  }

  private ruleKey(key: string, xs: A.RuleStatement[]): Pair {
    switch (key) {
      case 'owner': {
        const owners = (xs as A.OwnerStmt[]).map((o) => this.owner(o));
        if (owners.length === 1) return this.single(key, xs[0], owners[0]);
        const p = pair(key, seq(owners));
        this.share(p.key as Scalar, p.value as YAMLSeq, xs.map((x, i) => ({ node: x, items: [owners[i]] })));
        return p;
      }
      case 'groups':
      case 'except':
      case 'patterns':
        return this.listPair(key, (xs as (A.GroupsStmt | A.ExceptStmt | A.PatternStmt)[]).map((s) => ({ node: s, list: s.list })));
      case 'keywords':
        return this.keywords(xs as A.KeywordsStmt[]);
      case 'allow': {
        const m = map([]);
        for (const [target, ys] of group(xs as A.AllowStmt[], (s) => s.target)) m.items.push(this.listPair(target, ys.map((y) => ({ node: y, list: y.list }))));
        return pair(key, m);
      }
      case 'normalize':
        return this.single(key, xs[0], this.steps((xs[0] as A.NormalizeStmt).steps));
      case 'configured-on':
        return this.single(key, xs[0], str((xs[0] as A.ConfiguredStmt).version.value));
      case 'announce':
        return this.single(key, xs[0], str((xs[0] as A.AnnounceStmt).text.value));
      case 'exempt':
        return pair(key, map([this.listPair('customers', (xs as A.RuleExemptStmt[]).map((d) => ({ node: d, list: d.list })))]));
      case 'during': {
        const windows = (xs as A.DuringStmt[]).map((d) => str(d.times!.text));
        const value = flowIfShort(seq(windows));
        const p = pair(key, value);
        this.share(p.key as Scalar, value, xs.map((x, i) => ({ node: x, items: [windows[i]] })));
        return p;
      }
      case 'during-days':
        return this.listPair(key, (xs as A.DuringStmt[]).map((d) => ({ node: d, list: d.days! })));
      default:
        return pair(key, seq((xs as A.WhenStmt[]).map((w) => this.when(w))));
    }
  }

  private owner(o: A.OwnerStmt): YAMLMap {
    if (o.role !== 'rule-manager') return map([pair(o.role, str(o.id?.value ?? ''))], true);
    const inner = [pair('of', str(o.managementRule?.value ?? ''))];
    if (o.id) inner.push(pair('id', str(o.id.value)));
    return flowIfShort(map([pair('rule-manager', flowIfShort(map(inner)))]));
  }

  private keywords(xs: A.KeywordsStmt[]): Pair {
    const wholeWord = (k: A.KeywordsStmt) => {
      const { value, items } = this.lists([k.list]);
      return { value: flowIfShort(map([pair('whole-word', value)])), items: items[0] };
    };
    if (xs.length === 1 && xs[0].wholeWord) {
      const { value, items } = wholeWord(xs[0]);
      const p = pair('keywords', value);
      // The entries sit inside `whole-word:`; the statement ends where its last entry does.
      this.place(xs[0], p.key as Scalar, value.flow ? value : (items[items.length - 1] ?? value));
      return p;
    }
    if (xs.length === 1 && xs[0].list.kind === 'file') return this.single('keywords', xs[0], this.fromFile(xs[0].list, true));
    const all: YNode[] = [];
    const parts = xs.map((k) => {
      let mine: YNode[];
      if (k.wholeWord) mine = [wholeWord(k).value];
      else if (k.list.kind === 'inline') mine = k.list.items.map((i) => this.entry(i));
      else mine = [this.fromFile(k.list, false)];
      all.push(...mine);
      return { node: k as A.Node, items: mine };
    });
    const value = flowIfShort(seq(all));
    const p = pair('keywords', value);
    this.share(p.key as Scalar, value, parts);
    return p;
  }

  private when(w: A.WhenStmt): YAMLMap {
    const m = map([pair('trigger', this.trigger(w.trigger)), pair('then', flowIfShort(seq(w.actions.map((a) => this.action(a)))))]);
    this.place(w, m, m);
    return m;
  }

  private trigger(t: A.Trigger): Scalar | YAMLMap {
    switch (t.type) {
      case 'flood':
        return map([pair('flood', map([pair('messages', new Scalar(t.count.value)), pair('within', str(t.window.text))], true))], true);
      case 'identity':
        return flowIfShort(map([pair('identity', flowIfShort(seq(t.identities.map((i) => this.entry(i)))))]));
      case 'new-member':
        return map([pair('new-member', map([pair('within', str(t.within.text))], true))], true);
      case 'length':
        return map([pair('length', map([pair('over', new Scalar(t.max.value))], true))], true);
      default:
        return new Scalar(t.type);
    }
  }

  private action(a: A.Action): Scalar | YAMLMap {
    switch (a.type) {
      case 'recall':
      case 'remove':
        return new Scalar(a.type);
      case 'warn':
        return map([pair('warn', str(a.text.value))], true);
      case 'mute':
        return map([pair('mute', str(a.duration.text))], true);
      case 'blacklist':
        return map([pair('blacklist', new Scalar(a.scope))], true);
      case 'notify':
        return map([pair('notify', new Scalar(a.target))], true);
      case 'record':
        return map([pair('record', str(a.category.name))], true);
    }
  }

  // --- ladders ----------------------------------------------------------------------------

  private ladder(l: A.LadderDecl): YAMLMap {
    const m = this.blockMap(l, 'ladder', l.name.value);
    for (const [key, xs] of group(l.body, (s) => LADDER_KEY[s.kind])) {
      if (key === 'counts') m.items.push(this.single(key, xs[0], this.steps((xs as A.CountsStmt[]).flatMap((c) => c.categories))));
      else if (key === 'steps') m.items.push(pair(key, seq((xs as A.StepStmt[]).map((s) => this.step(s)))));
      else if (key === 'severe') m.items.push(this.single(key, xs[0], map(this.sanctions(xs[0] as A.SevereStmt))));
      else if (key === 'members') m.items.push(this.listPair(key, [{ node: xs[0], list: (xs[0] as A.MembersStmt).list }]));
      else if (key === 'while-linked-blocked') m.items.push(this.single(key, xs[0], this.linked(xs[0] as A.LinkedStmt)));
      else if (key === 'for') m.items.push(this.single(key, xs[0], new Scalar((xs[0] as A.ForStmt).subjects)));
      else m.items.push(this.single(key, xs[0], str((xs[0] as A.ExpireStmt).after.text)));
    }
    return m;
  }

  private step(s: A.StepStmt): YAMLMap {
    const m = map([pair('step', new Scalar(s.number.value)), ...this.sanctions(s)]);
    this.place(s, m, m);
    return m;
  }

  private sanction(x: A.Sanction): YAMLMap {
    const pairs = [pair(x.verb, new Scalar(x.target))];
    if (x.duration) pairs.push(pair('for', str(x.duration.text)));
    return map(pairs, true);
  }

  private sanctions(s: A.StepStmt | A.SevereStmt): Pair[] {
    const list = seq(s.sanctions.map((x) => this.sanction(x)));
    const out = [pair('sanctions', flowIfShort(list))];
    if (s.appealable) out.push(pair('appealable', new Scalar(true)));
    return out;
  }

  private linked(s: A.LinkedStmt): YAMLMap {
    const pairs: Pair[] = [];
    if (s.sanctions.length) pairs.push(pair('sanctions', flowIfShort(seq(s.sanctions.map((x) => this.sanction(x))))));
    if (s.restore) pairs.push(pair('restore-within', str(s.restore.text)));
    return flowIfShort(map(pairs));
  }

  // --- quotas -----------------------------------------------------------------------------

  private quota(q: A.QuotaDecl): YAMLMap {
    const m = this.blockMap(q, 'quota', q.name.name);
    for (const [key, xs] of group(q.body, (s) => QUOTA_KEY[s.kind])) {
      if (key === 'adjust') m.items.push(pair(key, seq((xs as A.AdjustStmt[]).map((a) => this.adjustment(a)))));
      else if (key === 'timezone') m.items.push(this.single(key, xs[0], str((xs[0] as A.TimezoneStmt).offset.value)));
      else if (key === 'daily') m.items.push(this.single(key, xs[0], new Scalar((xs[0] as A.DailyStmt).count.value)));
      else m.items.push(this.single(key, xs[0], new Scalar((xs[0] as A.BoundStmt).value.value)));
    }
    return m;
  }

  private adjustment(a: A.AdjustStmt): YAMLMap {
    const c = a.condition;
    const when = 'negated' in c ? new Scalar(c.negated ? `not ${c.factor}` : c.factor) : map([pair(c.factor, map([pair(c.op, str(c.threshold.text))], true))], true);
    const m = map([pair(a.direction, new Scalar(a.amount.value)), pair('when', when)], true);
    this.place(a, m, m);
    return m;
  }
}

// --- comments -----------------------------------------------------------------------------

const commentLine = (c: A.Comment) => c.text.replace(/[\r\n]+/g, ' ').replace(/\s+$/, '');

function addBefore(n: YNode, text: string): void {
  n.commentBefore = n.commentBefore ? `${n.commentBefore}\n${text}` : text;
}

function addAfter(n: YNode, text: string): void {
  n.comment = n.comment ? `${n.comment}\n${text}` : text;
}

/** Writes the collections that hold `target` (and `target`'s own items) in block style, so that a comment inside can be written. */
function unflow(root: unknown, target: YNode): boolean {
  if (root === target) return true;
  if (root instanceof Pair) return unflow(root.key, target) || unflow(root.value, target);
  if (root instanceof YAMLMap || root instanceof YAMLSeq) {
    for (const item of root.items) {
      if (unflow(item, target)) {
        root.flow = false;
        return true;
      }
    }
  }
  return false;
}

/**
 * Puts each comment where the formatter puts it (ast-to-text.ts `attachComments`): the comments
 * before a declaration or statement before its YAML; one at the end of a statement's line at the
 * end of the line its YAML ends on; one after a list entry on that entry's line; one at the end of
 * a block's header line after its name; the ones before a block's `}` (and one after it) at the
 * end of the block's map; the rest at the end of the document.
 */
function placeComments(doc: Document, r: Renderer, ast: A.PolicyFile): void {
  const at = attachComments(ast);
  const ends: [YNode, string][] = [];
  const lost: A.Comment[] = [...at.rest];
  /** The list entry an interior comment goes with: after the entry on its line, or else before the next entry. */
  const entryOf = (item: A.Node, c: A.Comment): { node: Scalar; after: boolean } | undefined => {
    let after: Scalar | undefined;
    let before: { node: Scalar; offset: number } | undefined;
    for (const [s, node] of r.entries) {
      if (s.range.start.offset < item.range.start.offset || s.range.end.offset > item.range.end.offset) continue;
      if (s.range.end.offset <= c.range.start.offset && s.range.end.line === c.range.start.line) after = node;
      if (s.range.start.offset >= c.range.end.offset && (!before || s.range.start.offset < before.offset)) before = { node, offset: s.range.start.offset };
    }
    if (after) return { node: after, after: true };
    return before && { node: before.node, after: false };
  };
  for (const [item, cs] of at.leading) {
    const a = r.anchors.get(item);
    for (const { comment, interior } of cs) {
      if (!a) {
        lost.push(comment);
        continue;
      }
      const entry = interior && !r.blocks.has(item) ? entryOf(item, comment) : undefined;
      if (entry) {
        unflow(doc.contents, entry.node);
        if (entry.after) addAfter(entry.node, commentLine(comment));
        else addBefore(entry.node, commentLine(comment));
      } else addBefore(a.before, commentLine(comment));
    }
  }
  for (const [block, c] of at.headerTrailing) {
    const b = r.blocks.get(block);
    if (b) addAfter(b.header, commentLine(c));
    else lost.push(c);
  }
  for (const [block, cs] of at.dangling) {
    const b = r.blocks.get(block);
    if (b) for (const c of cs) addAfter(b.map, commentLine(c));
    else lost.push(...cs);
  }
  for (const [item, c] of at.trailing) {
    const b = r.blocks.get(item);
    const a = r.anchors.get(item);
    if (b) {
      // A block's YAML has no closing line: after `}` is the end of its map, or its header line when it is empty.
      if (b.map.items.length === 1 && !b.map.comment) addAfter(b.header, commentLine(c));
      else addAfter(b.map, commentLine(c));
    } else if (a) ends.push([a.end, commentLine(c)]);
    else lost.push(c);
  }
  // End-of-line comments last: the collections they end on are in their final style by now.
  for (const [n, text] of ends) addAfter(lastLine(n), text);
  // What cannot be placed (a statement the YAML form cannot hold) goes before what follows it.
  const order = [...r.anchors].sort((x, y) => x[0].range.start.offset - y[0].range.start.offset);
  const trailing: string[] = [];
  for (const c of lost.sort((x, y) => x.range.start.offset - y.range.start.offset)) {
    const next = at.rest.includes(c) ? undefined : order.find(([n]) => n.range.start.offset >= c.range.end.offset);
    if (next) addBefore(next[1].before, commentLine(c));
    else trailing.push(commentLine(c));
  }
  if (trailing.length) doc.comment = trailing.join('\n');
}

/** The canonical YAML text of an AST; ends with one line feed. */
export function astToYaml(ast: A.PolicyFile): string {
  const r = new Renderer();
  const doc = new Document();
  const normal = yamlNormalForm(ast);
  doc.contents = r.file(normal);
  placeComments(doc, r, normal);
  // Comment lines are written as `#` and the comment's own text, so `# x` reads back as ` x`.
  return escapeInvisible(doc.toString({ ...STRINGIFY, commentString: (s: string) => s.split('\n').map((l) => `#${l}`).join('\n') }));
}
