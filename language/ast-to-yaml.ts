// An AST to the canonical YAML form of its policy file (the shape policy-schema.ts describes).
//
// The YAML form is a mapping, so it groups what the `.policy` form may interleave. What the
// conversion does to an AST is written down once, as `yamlNormalForm`, and holds exactly:
// `parseYamlPolicy(astToYaml(ast))` gives `yamlNormalForm(ast)` again, up to ranges.
// - Declarations are grouped under their key (`enterprise`, `limits`, `normalize`, `blacklist`,
//   `exempt`, `categories`, `rules`, `ladders`, `quotas`), keys in the order of their first
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
// None of this changes the checked model. Comments are kept, each before the declaration or
// statement that follows it in the source (a comment at the end of a line moves to the line
// before the next statement); comments after the last statement end the document.
import { Document, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type * as A from './ast.ts';
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
};

const RULE_KEY: Record<A.RuleStatement['kind'], string> = {
  owner: 'owner',
  groups: 'groups',
  keywords: 'keywords',
  except: 'except',
  allow: 'allow',
  normalize: 'normalize',
  configured: 'configured-on',
  announce: 'announce',
  when: 'when',
};

const LADDER_KEY: Record<A.LadderStatement['kind'], string> = {
  counts: 'counts',
  step: 'steps',
  severe: 'severe',
  expire: 'expire-after',
  members: 'members',
  linked: 'while-linked-blocked',
};

const QUOTA_KEY: Record<A.QuotaStatement['kind'], string> = { daily: 'daily', adjust: 'adjust', minimum: 'minimum', maximum: 'maximum', timezone: 'timezone' };

const SINGLE_DECLS = new Set(['enterprise', 'limits', 'normalize']);
const SINGLE_RULE = new Set(['normalize', 'configured-on', 'announce']);
const SINGLE_LADDER = new Set(['severe', 'expire-after', 'members', 'while-linked-blocked']);
const SINGLE_QUOTA = new Set(['daily', 'minimum', 'maximum', 'timezone']);

/** A node that the YAML form cannot hold, with the key it would need twice. */
interface Lost {
  node: A.Node;
  key: string;
}

function normalRule(r: A.RuleDecl, lost: Lost[]): A.RuleDecl {
  const body: A.RuleStatement[] = [];
  for (const [key, xs] of group(r.body, (s) => RULE_KEY[s.kind])) {
    if (SINGLE_RULE.has(key)) {
      body.push(xs[0]);
      for (const x of xs.slice(1)) lost.push({ node: x, key });
    } else if (key === 'allow') {
      for (const [, ys] of group(xs as A.AllowStmt[], (s) => s.target)) body.push(...mergeInline(ys));
    } else if (key === 'keywords') {
      body.push(...mergeInline(xs as A.KeywordsStmt[], (a, b) => a.wholeWord === b.wholeWord));
    } else if (key === 'groups' || key === 'except') {
      body.push(...mergeInline(xs as (A.GroupsStmt | A.ExceptStmt)[]));
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

class Renderer {
  /** The YAML node that carries the comments before each declaration or statement. */
  readonly anchors: { range: Range; node: Scalar | YAMLMap | YAMLSeq }[] = [];

  private anchor(n: A.Node, node: Scalar | YAMLMap | YAMLSeq): void {
    this.anchors.push({ range: n.range, node });
  }

  file(ast: A.PolicyFile): YAMLMap {
    const root = new YAMLMap();
    for (const [key, ds] of group(ast.declarations, (d) => TOP_KEY[d.kind])) {
      const p = this.declarations(key, ds);
      root.items.push(p);
      for (const d of ds) if (d.kind !== 'category' && d.kind !== 'rule' && d.kind !== 'ladder' && d.kind !== 'quota' && d.kind !== 'blacklist') this.anchor(d, p.key as Scalar);
    }
    // A blank line sets apart every key whose value is a block, and the key after it.
    root.items.forEach((p, i) => {
      const block = (q: Pair | undefined) => !!q && (q.value instanceof YAMLMap || q.value instanceof YAMLSeq) && !q.value.flow;
      if (i > 0 && (block(p) || block(root.items[i - 1]))) (p.key as Scalar).spaceBefore = true;
    });
    return root;
  }

  private declarations(key: string, ds: A.Declaration[]): Pair {
    switch (key) {
      case 'enterprise':
        return pair(key, str((ds[0] as A.EnterpriseDecl).name.value));
      case 'limits':
        return pair(key, str((ds[0] as A.LimitsDecl).profile.value));
      case 'normalize':
        return pair(key, this.steps((ds[0] as A.NormalizeDecl).steps));
      case 'blacklist': {
        const m = map([]);
        for (const [scope, bs] of group(ds as A.BlacklistDecl[], (b) => b.scope)) {
          if (scope === 'enterprise') {
            const p = pair('enterprise', this.lists(bs.map((b) => b.list)));
            for (const b of bs) this.anchor(b, p.key as Scalar);
            m.items.push(p);
          } else {
            m.items.push(pair('personal', seq(bs.map((b) => this.personal(b)))));
          }
        }
        return pair(key, m);
      }
      case 'exempt': {
        const p = pair('customers', this.lists((ds as A.ExemptDecl[]).map((d) => d.list)));
        return pair(key, map([p]));
      }
      case 'categories':
        return pair(key, seq((ds as A.CategoryDecl[]).map((c) => this.category(c))));
      case 'rules':
        return pair(key, this.spaced((ds as A.RuleDecl[]).map((r) => this.rule(r))));
      case 'quotas':
        return pair(key, this.spaced((ds as A.QuotaDecl[]).map((q) => this.quota(q))));
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

  /** A list value: `{from: f}`, `[a, b]`, or a block list mixing entries and `- from: f`. */
  private lists(lists: A.ListSource[]): YAMLMap | YAMLSeq {
    if (lists.length === 1 && lists[0].kind === 'file') return this.fromFile(lists[0], true);
    const items: unknown[] = [];
    for (const l of lists) {
      if (l.kind === 'inline') items.push(...l.items.map((i) => str(i.value)));
      else items.push(this.fromFile(l, false));
    }
    return flowIfShort(seq(items));
  }

  private personal(b: A.BlacklistDecl): YAMLMap {
    const pairs = [pair('of', str(b.owner?.value ?? ''))];
    if (b.list.kind === 'file') pairs.push(pair('from', str(b.list.path.value)));
    else pairs.push(pair('customers', flowIfShort(seq(b.list.items.map((i) => str(i.value))))));
    const m = map(pairs);
    this.anchor(b, m);
    return m;
  }

  private category(c: A.CategoryDecl): YAMLMap {
    const pairs = [pair('category', str(c.name.name))];
    if (c.label) pairs.push(pair('label', str(c.label.value)));
    const m = map(pairs);
    this.anchor(c, m);
    return m;
  }

  // --- rules ------------------------------------------------------------------------------

  private rule(r: A.RuleDecl): YAMLMap {
    const m = map([pair('rule', str(r.name.value))]);
    this.anchor(r, m);
    for (const [key, xs] of group(r.body, (s) => RULE_KEY[s.kind])) {
      const p = this.ruleKey(key, xs);
      m.items.push(p);
      for (const x of xs) if (x.kind !== 'when' && !(x.kind === 'owner' && xs.length > 1)) this.anchor(x, p.key as Scalar);
    }
    return m;
  }

  private ruleKey(key: string, xs: A.RuleStatement[]): Pair {
    switch (key) {
      case 'owner': {
        const owners = (xs as A.OwnerStmt[]).map((o) => {
          const node = this.owner(o);
          if (xs.length > 1) this.anchor(o, node);
          return node;
        });
        return pair(key, owners.length === 1 ? owners[0] : seq(owners));
      }
      case 'groups':
      case 'except':
        return pair(key, this.lists((xs as (A.GroupsStmt | A.ExceptStmt)[]).map((s) => s.list)));
      case 'keywords':
        return pair(key, this.keywords(xs as A.KeywordsStmt[]));
      case 'allow': {
        const m = map([]);
        for (const [target, ys] of group(xs as A.AllowStmt[], (s) => s.target)) m.items.push(pair(target, this.lists(ys.map((y) => y.list))));
        return pair(key, m);
      }
      case 'normalize':
        return pair(key, this.steps((xs[0] as A.NormalizeStmt).steps));
      case 'configured-on':
        return pair(key, str((xs[0] as A.ConfiguredStmt).version.value));
      case 'announce':
        return pair(key, str((xs[0] as A.AnnounceStmt).text.value));
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

  private keywords(xs: A.KeywordsStmt[]): YAMLMap | YAMLSeq {
    const wholeWord = (k: A.KeywordsStmt) => flowIfShort(map([pair('whole-word', this.lists([k.list]))]));
    if (xs.length === 1 && xs[0].wholeWord) return wholeWord(xs[0]);
    if (xs.length === 1 && xs[0].list.kind === 'file') return this.fromFile(xs[0].list, true);
    const items: unknown[] = [];
    for (const k of xs) {
      if (k.wholeWord) items.push(wholeWord(k));
      else if (k.list.kind === 'inline') items.push(...k.list.items.map((i) => str(i.value)));
      else items.push(this.fromFile(k.list, false));
    }
    return flowIfShort(seq(items));
  }

  private when(w: A.WhenStmt): YAMLMap {
    const m = map([pair('trigger', this.trigger(w.trigger)), pair('then', flowIfShort(seq(w.actions.map((a) => this.action(a)))))]);
    this.anchor(w, m);
    return m;
  }

  private trigger(t: A.Trigger): Scalar | YAMLMap {
    switch (t.type) {
      case 'flood':
        return map([pair('flood', map([pair('messages', new Scalar(t.count.value)), pair('within', str(t.window.text))], true))], true);
      case 'identity':
        return flowIfShort(map([pair('identity', flowIfShort(seq(t.identities.map((i) => str(i.value)))))]));
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
    const m = map([pair('ladder', str(l.name.value))]);
    this.anchor(l, m);
    for (const [key, xs] of group(l.body, (s) => LADDER_KEY[s.kind])) {
      let p: Pair;
      if (key === 'counts') p = pair(key, this.steps((xs as A.CountsStmt[]).flatMap((c) => c.categories)));
      else if (key === 'steps') p = pair(key, seq((xs as A.StepStmt[]).map((s) => this.step(s))));
      else if (key === 'severe') p = pair(key, map(this.sanctions(xs[0] as A.SevereStmt)));
      else if (key === 'members') p = pair(key, this.lists([(xs[0] as A.MembersStmt).list]));
      else if (key === 'while-linked-blocked') p = pair(key, this.linked(xs[0] as A.LinkedStmt));
      else p = pair(key, str((xs[0] as A.ExpireStmt).after.text));
      m.items.push(p);
      for (const x of xs) if (x.kind !== 'step') this.anchor(x, p.key as Scalar);
    }
    return m;
  }

  private step(s: A.StepStmt): YAMLMap {
    const m = map([pair('step', new Scalar(s.number.value)), ...this.sanctions(s)]);
    this.anchor(s, m);
    return m;
  }

  private sanction(x: A.Sanction): YAMLMap {
    const pairs = x.verb === 'suspend' ? [pair('suspend', new Scalar(x.target))] : [pair('ban', new Scalar(x.target))];
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
    const m = map([pair('quota', str(q.name.name))]);
    this.anchor(q, m);
    for (const [key, xs] of group(q.body, (s) => QUOTA_KEY[s.kind])) {
      let p: Pair;
      if (key === 'adjust') p = pair(key, seq((xs as A.AdjustStmt[]).map((a) => this.adjustment(a))));
      else if (key === 'timezone') p = pair(key, str((xs[0] as A.TimezoneStmt).offset.value));
      else if (key === 'daily') p = pair(key, new Scalar((xs[0] as A.DailyStmt).count.value));
      else p = pair(key, new Scalar((xs[0] as A.BoundStmt).value.value));
      m.items.push(p);
      for (const x of xs) if (x.kind !== 'adjust') this.anchor(x, p.key as Scalar);
    }
    return m;
  }

  private adjustment(a: A.AdjustStmt): YAMLMap {
    const c = a.condition;
    const when = 'negated' in c ? new Scalar(c.negated ? `not ${c.factor}` : c.factor) : map([pair(c.factor, map([pair(c.op, str(c.threshold.text))], true))], true);
    const m = map([pair(a.direction, new Scalar(a.amount.value)), pair('when', when)], true);
    this.anchor(a, m);
    return m;
  }
}

/** Puts each comment before the declaration or statement that follows it. */
function placeComments(doc: Document, r: Renderer, comments: readonly A.Comment[]): void {
  const anchors = [...r.anchors].sort((a, b) => a.range.start.offset - b.range.start.offset);
  const before = new Map<Scalar | YAMLMap | YAMLSeq, string[]>();
  const trailing: string[] = [];
  for (const c of comments) {
    const next = anchors.find((a) => a.range.start.offset >= c.range.end.offset);
    const text = c.text.replace(/\s+$/, '');
    if (!next) trailing.push(text);
    else before.set(next.node, [...(before.get(next.node) ?? []), text]);
  }
  for (const [node, texts] of before) node.commentBefore = [node.commentBefore, ...texts].filter((x) => x !== undefined && x !== null).join('\n');
  if (trailing.length) doc.comment = trailing.join('\n');
}

/** The canonical YAML text of an AST; ends with one line feed. */
export function astToYaml(ast: A.PolicyFile): string {
  const r = new Renderer();
  const doc = new Document();
  doc.contents = r.file(yamlNormalForm(ast));
  placeComments(doc, r, ast.comments);
  // Comment lines are written as `#` and the comment's own text, so `# x` reads back as ` x`.
  return escapeInvisible(doc.toString({ ...STRINGIFY, commentString: (s: string) => s.split('\n').map((l) => `#${l}`).join('\n') }));
}
