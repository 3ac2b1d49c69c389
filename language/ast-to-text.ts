// The formatter: an AST back to the canonical text of a `.policy` file. The layout rules
// (spec/language.md lists them for authors):
// - one declaration or statement per line; two spaces of indentation inside `{ … }`; a block with
//   nothing inside is written `rule "x" {}`;
// - one space between words, `, ` between list items, `: ` after `step N`, `severe` and
//   `while linked blocked`; `appealable` always last in its sanction list, `restore within`
//   always last in its line;
// - strings are re-quoted (`quoteString`): the value is kept, escapes become canonical;
//   durations and percentages are kept as written (`90s` stays `90s`, `05%` stays `05%`);
//   numbers are written in decimal;
// - blank lines: where the source had one or more blank lines between two lines, one is kept
//   (the lines of a YAML source are not the text's: from the YAML form, only the forced ones);
//   none after `{`, before `}` or at the start of the file; at the top level a block (`rule`,
//   `ladder`, `quota`) is always set apart from its neighbours by one blank line (before its leading
//   comments);
// - comments are kept: a comment on its own line stays before the statement that follows it
//   (or before the `}` that closes its block, or at the end of the file); a comment after a
//   statement on the same line stays at the end of that line (after one space); a comment after
//   `rule "x" {` stays on the header line; a comment inside a statement that spans several lines
//   moves to its own line just before that statement. Trailing spaces of a comment are dropped;
// - long lists are never wrapped: one statement is one line, whatever its length, so a diff of a
//   keyword list shows the statement that changed;
// - the file ends with one line feed; lines end with `\n`, or `\r\n` when `formatPolicyText` is
//   given a file whose first line ends with `\r\n`.
import type * as A from './ast.ts';
import { hasErrors, type Diagnostic } from './diagnostic.ts';
import { formatDuration } from './duration.ts';
import { quoteString } from './string-literal.ts';
import { parsePolicy } from './text-to-ast.ts';

const INDENT = '  ';

export type Item = A.Declaration | A.RuleStatement | A.LadderStatement | A.QuotaStatement;
export type Block = A.RuleDecl | A.LadderDecl | A.QuotaDecl;

function isBlock(item: Item): item is Block {
  return 'kind' in item && (item.kind === 'rule' || item.kind === 'ladder' || item.kind === 'quota');
}

/** A comment placed before an item; an interior one sat inside the item in the source. */
interface Leading {
  comment: A.Comment;
  interior: boolean;
}

/** Where each comment goes, per item and per block. */
export interface Attached {
  leading: Map<Item, Leading[]>;
  trailing: Map<Item, A.Comment>;
  /** A comment at the end of a block's header line (`rule "x" { # …`). */
  headerTrailing: Map<Block, A.Comment>;
  /** Comments after a block's last statement, before its `}`. */
  dangling: Map<Block, A.Comment[]>;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const xs = m.get(k);
  if (xs) xs.push(v);
  else m.set(k, [v]);
}

const startOf = (n: A.Node) => n.range.start.offset;
const endOf = (n: A.Node) => n.range.end.offset;

/**
 * Assigns the comments of one container (the file or a block body) to its items; returns the
 * comments left after the last item (they end the container).
 */
function attach(items: readonly Item[], comments: readonly A.Comment[], at: Attached): A.Comment[] {
  const rest: A.Comment[] = [];
  const inBlock = new Map<Block, A.Comment[]>();
  for (const c of comments) {
    const cs = startOf(c);
    const inner = items.find((i) => startOf(i) < cs && cs < endOf(i));
    if (inner) {
      if (isBlock(inner)) push(inBlock, inner, c);
      else push(at.leading, inner, { comment: c, interior: true });
      continue;
    }
    let prev: Item | undefined;
    for (const i of items) if (endOf(i) <= cs && (!prev || endOf(i) >= endOf(prev))) prev = i;
    if (prev && prev.range.end.line === c.range.start.line && !at.trailing.has(prev)) {
      at.trailing.set(prev, c);
      continue;
    }
    let next: Item | undefined;
    for (const i of items) if (startOf(i) >= cs && (!next || startOf(i) < startOf(next))) next = i;
    if (next) push(at.leading, next, { comment: c, interior: false });
    else rest.push(c);
  }
  for (const block of items) {
    if (!isBlock(block)) continue;
    const inside: A.Comment[] = [];
    const first = block.body.length ? Math.min(...block.body.map(startOf)) : Infinity;
    for (const c of inBlock.get(block) ?? []) {
      if (startOf(c) < endOf(block.name)) push(at.leading, block, { comment: c, interior: true });
      else if (c.range.start.line === block.name.range.end.line && startOf(c) < first && !at.headerTrailing.has(block)) at.headerTrailing.set(block, c);
      else inside.push(c);
    }
    const dangling = attach(block.body, inside, at);
    if (dangling.length) at.dangling.set(block, dangling);
  }
  return rest;
}

/**
 * Where the formatter puts each comment of a file: before an item (a declaration or statement),
 * at the end of its line, at the end of a block's header line, before a block's `}`, or (`rest`)
 * at the end of the file. The YAML form (ast-to-yaml.ts) puts each at the same place.
 */
export function attachComments(ast: A.PolicyFile): Attached & { rest: A.Comment[] } {
  const comments = [...ast.comments].sort((a, b) => startOf(a) - startOf(b));
  const at: Attached = { leading: new Map(), trailing: new Map(), headerTrailing: new Map(), dangling: new Map() };
  const rest = attach(ast.declarations, comments, at);
  return { ...at, rest };
}

/** One or more output lines with the source lines they came from, to keep blank lines. */
interface Unit {
  lines: string[];
  first: number;
  last: number;
  /** Units of one group (an item and its leading comments) are never split by a forced blank. */
  group: number;
  block: boolean;
}

function commentText(c: A.Comment): string {
  return `#${c.text.replace(/[\r\n]+/g, ' ').trimEnd()}`;
}

function withTrailing(line: string, c: A.Comment | undefined): string {
  return c ? `${line} ${commentText(c)}` : line;
}

class Printer {
  /** `keepBlanks`: keep the source's blank lines (a `.policy` source; a YAML one's lines are not the text's). */
  constructor(
    private readonly at: Attached,
    private readonly keepBlanks = true,
  ) {}

  /** The units of a container: every item with its leading comments, then the dangling comments. */
  units(items: readonly Item[], dangling: readonly A.Comment[], indent: string): Unit[] {
    const units: Unit[] = [];
    let group = 0;
    for (const item of items) {
      group++;
      const block = isBlock(item);
      for (const { comment, interior } of this.at.leading.get(item) ?? []) {
        const line = interior ? item.range.start.line : comment.range.start.line;
        units.push({ lines: [indent + commentText(comment)], first: line, last: line, group, block });
      }
      const lines = block ? this.block(item, indent) : [indent + withTrailing(statement(item), this.at.trailing.get(item))];
      units.push({ lines, first: item.range.start.line, last: item.range.end.line, group, block });
    }
    group++;
    for (const c of dangling) {
      units.push({ lines: [indent + commentText(c)], first: c.range.start.line, last: c.range.start.line, group, block: false });
    }
    return units;
  }

  /** Joins units, keeping one blank line where the source had some; `top` sets blocks apart. */
  join(units: readonly Unit[], top: boolean): string[] {
    const out: string[] = [];
    units.forEach((u, k) => {
      const prev = units[k - 1];
      if (prev) {
        const forced = top && prev.group !== u.group && (prev.block || u.block);
        if (forced || (this.keepBlanks && u.first - prev.last > 1)) out.push('');
      }
      out.push(...u.lines);
    });
    return out;
  }

  block(b: Block, indent: string): string[] {
    const header = `${indent}${b.kind} ${b.kind === 'quota' ? b.name.name : quoteString(b.name.value)} {`;
    const trailing = this.at.trailing.get(b);
    const headerComment = this.at.headerTrailing.get(b);
    const dangling = this.at.dangling.get(b) ?? [];
    if (b.body.length === 0 && dangling.length === 0 && !headerComment) return [withTrailing(`${header}}`, trailing)];
    const body = this.join(this.units(b.body, dangling, indent + INDENT), false);
    return [withTrailing(header, headerComment), ...body, withTrailing(`${indent}}`, trailing)];
  }
}

// --- statements -------------------------------------------------------------------------------

const q = (s: A.Str) => quoteString(s.value);

function list(l: A.ListSource): string {
  return l.kind === 'file' ? `from ${q(l.path)}` : l.items.map(q).join(', ');
}

function duration(d: A.Duration): string {
  if (d.ms === null) return 'forever';
  return d.text || formatDuration(d.ms);
}

function trigger(t: A.Trigger): string {
  switch (t.type) {
    case 'flood':
      return `flood ${t.count.value} in ${duration(t.window)}`;
    case 'identity':
      return `identity ${t.identities.map(q).join(', ')}`;
    case 'new-member':
      return `new-member within ${duration(t.within)}`;
    case 'length':
      return `length over ${t.max.value}`;
    default:
      return t.type;
  }
}

function action(a: A.Action): string {
  switch (a.type) {
    case 'warn':
      return `warn ${q(a.text)}`;
    case 'mute':
      return `mute ${duration(a.duration)}`;
    case 'blacklist':
      return `blacklist ${a.scope}`;
    case 'notify':
      return `notify ${a.target}`;
    case 'record':
      return `record ${a.category.name}`;
    default:
      return a.type;
  }
}

function sanction(s: A.Sanction): string {
  // `mute for 1h` and `remove` name no target: a customer ladder's subject is the customer.
  const head = s.target === 'customer' ? s.verb : `${s.verb} ${s.target}`;
  if (!s.duration) return s.verb === 'suspend' || s.verb === 'mute' ? `${head} forever` : head;
  return s.duration.ms === null ? `${head} forever` : `${head} for ${duration(s.duration)}`;
}

/** A sanction of `while linked blocked`: without a duration unless one was (wrongly) written. */
function heldSanction(s: A.Sanction): string {
  return s.duration ? sanction(s) : `${s.verb} ${s.target}`;
}

function linked(s: A.LinkedStmt): string {
  const parts = s.sanctions.map(heldSanction);
  if (s.restore) parts.push(`restore within ${duration(s.restore)}`);
  return `while linked blocked: ${parts.join(', ')}`;
}

function condition(c: A.QuotaCondition): string {
  if ('negated' in c) return c.negated ? `not ${c.factor}` : c.factor;
  return `${c.factor} ${c.op} ${c.threshold.text}`;
}

function sanctions(xs: readonly A.Sanction[], appealable: A.Node | undefined): string {
  const parts = xs.map(sanction);
  if (appealable) parts.push('appealable');
  return parts.join(', ');
}

/** The one-line text of a statement or one-line declaration. */
function statement(s: Exclude<Item, Block>): string {
  switch (s.kind) {
    case 'enterprise':
      return `enterprise ${q(s.name)}`;
    case 'limits':
      return `limits ${q(s.profile)}`;
    case 'normalize':
      return `normalize ${s.steps.map((x) => x.name).join(', ')}`;
    case 'blacklist':
      return s.scope === 'personal'
        ? `blacklist personal of ${s.owner ? q(s.owner) : '""'} ${list(s.list)}`
        : `blacklist enterprise ${list(s.list)}`;
    case 'exempt':
      return `exempt customers ${list(s.list)}`;
    case 'category':
      return s.label ? `category ${s.name.name} ${q(s.label)}` : `category ${s.name.name}`;
    case 'variants':
      return `variants of ${q(s.word)} ${list(s.list)}`;
    case 'owner': {
      if (s.role === 'rule-manager') {
        const head = `owner rule-manager of ${s.managementRule ? q(s.managementRule) : '""'}`;
        return s.id ? `${head} ${q(s.id)}` : head;
      }
      return `owner ${s.role} ${s.id ? q(s.id) : '""'}`;
    }
    case 'groups':
      return `groups ${list(s.list)}`;
    case 'keywords':
      return `keywords ${s.wholeWord ? 'whole-word ' : ''}${list(s.list)}`;
    case 'pattern':
      return `pattern ${list(s.list)}`;
    case 'except':
      return `except ${list(s.list)}`;
    case 'allow':
      return `allow ${s.target} ${list(s.list)}`;
    case 'configured':
      return `configured on ${q(s.version)}`;
    case 'announce':
      return `announce ${q(s.text)}`;
    case 'when':
      return `when ${trigger(s.trigger)} then ${s.actions.map(action).join(', ')}`;
    case 'during':
      return s.times ? `during ${s.times.text}` : `during days ${s.days ? list(s.days) : '""'}`;
    case 'counts':
      return `counts ${s.categories.map((c) => c.name).join(', ')}`;
    case 'step':
      return `step ${s.number.value}: ${sanctions(s.sanctions, s.appealable)}`;
    case 'severe':
      return `severe: ${sanctions(s.sanctions, s.appealable)}`;
    case 'expire':
      return `expire after ${duration(s.after)}`;
    case 'members':
      return `members ${list(s.list)}`;
    case 'linked':
      return linked(s);
    case 'for':
      return `for ${s.subjects}`;
    case 'daily':
      return `daily ${s.count.value}`;
    case 'adjust':
      return `${s.direction} ${s.amount.value} when ${condition(s.condition)}`;
    case 'minimum':
    case 'maximum':
      return `${s.kind} ${s.value.value}`;
    case 'timezone':
      return `timezone ${q(s.offset)}`;
  }
}

// --- entry points ------------------------------------------------------------------------------

/** The canonical text of a policy file, comments included; always ends with `\n` unless empty. */
export function formatPolicy(ast: A.PolicyFile): string {
  const { rest, ...at } = attachComments(ast);
  const p = new Printer(at, ast.form !== 'yaml');
  const lines = p.join(p.units(ast.declarations, rest, ''), true);
  return lines.length ? `${lines.join('\n')}\n` : '';
}

export interface FormatResult {
  /** The formatted text; undefined when the file has errors (formatting would lose content). */
  text?: string;
  diagnostics: Diagnostic[];
}

/** Parses and formats one file; refuses (no `text`) when the parser reports any error. */
export function formatPolicyText(text: string, file: string): FormatResult {
  const { ast, diagnostics } = parsePolicy(text, file);
  if (hasErrors(diagnostics)) return { diagnostics };
  const formatted = formatPolicy(ast);
  const nl = text.indexOf('\n');
  const crlf = nl > 0 && text[nl - 1] === '\r';
  return { text: crlf ? formatted.replace(/\n/g, '\r\n') : formatted, diagnostics };
}
