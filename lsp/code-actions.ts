// Quick fixes for the diagnostics that have one obvious repair:
// - a repeated or redundant list item (`hush/lint/duplicate-keyword`, `…/redundant-keyword`,
//   `…/duplicate-entry`, `…/duplicate-action`): remove it, with its comma, or its line in a
//   list file;
// - an unknown category (`hush/semantic/unknown-category`): declare it (`category X`), or change
//   it to the category the checker suggests;
// - an oversized list (`hush/limit/keywords-per-rule`, `hush/limit/groups-per-rule`): split the
//   rule into rules that each stay within the limit. Keywords: the new rules keep what keyword
//   matching needs (owner, groups, exceptions, normalisation, `when keyword`) and leave the other
//   triggers to the first rule, so nothing fires twice. Groups: every new rule is a full copy
//   for its share of the groups; a group list file is split into new list files. Whitelists are
//   never split: a link allowed by one half would still fire the other half.
// - any diagnostic that carries its own fixes (`Diagnostic.fixes`: IME punctuation, `60 minutes`,
//   a misspelt word, a step written `step: 4`, …): those edits, as they are.
// Fixes are computed on the current texts and returned as offset edits; the server converts them.
// A fix marked `safe` keeps what the author evidently meant; `hush check --fix` applies those
// (cli/commands/check-fix.ts), through this same function, so both apply the same edits.
import { existsSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import type * as A from '../language/ast.ts';
import { quoteString } from '../language/string-literal.ts';
import type { RuleModel } from '../compiler/model/model.ts';
import { countText } from '../compiler/wording.ts';
import { enclosingBlock, innermost, nodesAt } from './ast-at.ts';
import type { SetFile, SetState } from './policy-sets.ts';

/** A replacement of `[start, end)` in the current text of `path`. */
export interface FixEdit {
  path: string;
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  title: string;
  edits: FixEdit[];
  /** Files to create with their text, before the edits apply. */
  creates?: { path: string; text: string }[];
  preferred?: boolean;
  /** Applied by `hush check --fix`: it changes nothing but what is evidently a slip. */
  safe?: boolean;
}

/** A diagnostic the client sent back, reduced to what the fixes need. */
export interface FixRequest {
  code: string;
  start: number;
  end: number;
  help?: string;
}

export interface FixContext {
  set: SetState;
  /** The policy file the request is for; undefined for a list file. */
  file?: SetFile;
  /** The absolute path of the document. */
  path: string;
  text: string;
  /** The current text of any file (open document or disk). */
  textOf: (path: string) => string | undefined;
  /** The client can create files in a workspace edit. */
  canCreateFiles: boolean;
}

const lineStartOf = (text: string, o: number) => text.lastIndexOf('\n', o - 1) + 1;
const lineEndOf = (text: string, o: number) => {
  const i = text.indexOf('\n', o);
  return i === -1 ? text.length : i + 1;
};

/** The span of a whole statement, widened to its line when nothing else stands there. */
function statementSpan(text: string, n: A.Node): { start: number; end: number } {
  let start = n.range.start.offset;
  let end = n.range.end.offset;
  const ls = lineStartOf(text, start);
  if (/^[ \t]*$/.test(text.slice(ls, start))) start = ls;
  const le = lineEndOf(text, end);
  if (/^[ \t\r]*\n?$/.test(text.slice(end, le))) end = le;
  return { start, end };
}

/** Removes one item of a comma-separated list (its comma too), or its statement when it is alone. */
function removeItem(ctx: FixContext, req: FixRequest, what: string, safe = false): Fix | undefined {
  if (!ctx.file) {
    // A list file: the entry is its whole line.
    const ls = lineStartOf(ctx.text, req.start);
    return { title: `remove the ${what}`, edits: [{ path: ctx.path, start: ls, end: lineEndOf(ctx.text, ls), newText: '' }], preferred: true, safe };
  }
  const path = nodesAt(ctx.file.ast, req.start);
  const { step, parent, grand } = innermost(path);
  const siblings = parent && (parent.node as Record<string, unknown>)[step.key];
  if (!Array.isArray(siblings) || step.node.range.start.offset !== req.start) return undefined;
  const i = siblings.indexOf(step.node);
  if (i < 0) return undefined;
  let span: { start: number; end: number };
  if (siblings.length === 1) {
    // The only item: the statement goes (`keywords "x"` repeated in a second statement).
    const stmt = (parent!.node as { kind?: string }).kind === 'inline' ? grand?.node : parent!.node;
    if (!stmt || (stmt as { kind?: string }).kind === 'when') return undefined;
    span = statementSpan(ctx.text, stmt);
  } else if (i > 0) span = { start: siblings[i - 1].range.end.offset, end: siblings[i].range.end.offset };
  else span = { start: siblings[0].range.start.offset, end: siblings[1].range.start.offset };
  return { title: `remove the ${what}`, edits: [{ path: ctx.path, ...span, newText: '' }], preferred: true, safe };
}

function declareCategory(ctx: FixContext, req: FixRequest): Fix[] {
  if (!ctx.file) return [];
  const name = ctx.text.slice(req.start, req.end);
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) return [];
  const fixes: Fix[] = [];
  const decls = ctx.file.ast.declarations;
  const lastCategory = [...decls].reverse().find((d) => d.kind === 'category');
  const firstBlock = decls.findIndex((d) => d.kind === 'rule' || d.kind === 'ladder');
  const before = firstBlock === -1 ? decls : decls.slice(0, firstBlock);
  const anchor = lastCategory ?? before[before.length - 1];
  const edit: FixEdit = anchor
    ? { path: ctx.path, start: anchor.range.end.offset, end: anchor.range.end.offset, newText: `\n${lastCategory ? '' : '\n'}category ${name}` }
    : { path: ctx.path, start: 0, end: 0, newText: `category ${name}\n\n` };
  fixes.push({ title: `declare \`category ${name}\``, edits: [edit], preferred: !req.help?.includes('did you mean') });
  const near = /did you mean `([^`]+)`/.exec(req.help ?? '')?.[1];
  if (near) fixes.unshift({ title: `change to \`${near}\``, edits: [{ path: ctx.path, start: req.start, end: req.end, newText: near }], preferred: true });
  return fixes;
}

// --- splitting a rule --------------------------------------------------------------------------

/** A name for the k-th part of a rule that no other rule has. */
function partName(ctx: FixContext, base: string, k: number, taken: Set<string>): string {
  let name = `${base}-${k}`;
  for (let i = 2; taken.has(name); i++) name = `${base}-${k}-${i}`;
  taken.add(name);
  return name;
}

/** The rule's text with statements replaced (a string) or dropped (null), and maybe a new name. */
function ruleText(text: string, rule: A.RuleDecl, replace: Map<A.RuleStatement, string | null>, name?: string): string {
  const start = rule.range.start.offset;
  const edits: { start: number; end: number; text: string }[] = [];
  if (name !== undefined) edits.push({ start: rule.name.range.start.offset, end: rule.name.range.end.offset, text: quoteString(name) });
  for (const [stmt, repl] of replace) {
    if (repl === null) edits.push({ ...statementSpan(text, stmt), text: '' });
    else edits.push({ start: stmt.range.start.offset, end: stmt.range.end.offset, text: repl });
  }
  edits.sort((a, b) => a.start - b.start);
  let out = '';
  let at = start;
  for (const e of edits) {
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at, rule.range.end.offset);
}

function indentOf(text: string, n: A.Node): string {
  const ls = lineStartOf(text, n.range.start.offset);
  const lead = text.slice(ls, n.range.start.offset);
  return /^[ \t]*$/.test(lead) ? lead : '  ';
}

function chunk<T>(xs: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

function splitKeywords(ctx: FixContext, rule: A.RuleDecl, max: number): Fix | undefined {
  const stmts = rule.body.filter((s): s is A.KeywordsStmt => s.kind === 'keywords');
  if (stmts.length === 0 || stmts.some((s) => s.list.kind !== 'inline')) return undefined;
  const seen = new Set<string>();
  const items: { value: string; wholeWord: boolean }[] = [];
  for (const s of stmts) {
    for (const it of (s.list as A.InlineList).items) {
      if (seen.has(it.value)) continue;
      seen.add(it.value);
      items.push({ value: it.value, wholeWord: s.wholeWord });
    }
  }
  if (items.length <= max) return undefined;
  const indent = indentOf(ctx.text, stmts[0]);
  const statementsFor = (part: typeof items) => {
    const plain = part.filter((x) => !x.wholeWord).map((x) => quoteString(x.value));
    const whole = part.filter((x) => x.wholeWord).map((x) => quoteString(x.value));
    const lines = [];
    if (plain.length) lines.push(`keywords ${plain.join(', ')}`);
    if (whole.length) lines.push(`keywords whole-word ${whole.join(', ')}`);
    return lines.join(`\n${indent}`);
  };
  const taken = new Set(ctx.set.model.rules.map((r) => r.name));
  const parts = chunk(items, max);
  const texts = parts.map((part, k) => {
    const replace = new Map<A.RuleStatement, string | null>();
    stmts.forEach((s, i) => replace.set(s, i === 0 ? statementsFor(part) : null));
    if (k > 0) {
      for (const s of rule.body) {
        if ((s.kind === 'when' && s.trigger.type !== 'keyword') || s.kind === 'allow' || s.kind === 'announce') replace.set(s, null);
      }
    }
    return ruleText(ctx.text, rule, replace, k === 0 ? undefined : partName(ctx, rule.name.value, k + 1, taken));
  });
  return {
    title: `split rule \`${rule.name.value}\` into ${parts.length} rules of at most ${max} keywords`,
    edits: [{ path: ctx.path, start: rule.range.start.offset, end: rule.range.end.offset, newText: texts.join('\n\n') }],
  };
}

function splitGroups(ctx: FixContext, rule: A.RuleDecl, model: RuleModel | undefined, max: number): Fix | undefined {
  const stmts = rule.body.filter((s): s is A.GroupsStmt => s.kind === 'groups');
  if (stmts.length === 0) return undefined;
  const taken = new Set(ctx.set.model.rules.map((r) => r.name));
  const indent = indentOf(ctx.text, stmts[0]);
  const wholeRule = (parts: string[], creates?: Fix['creates'], extra: FixEdit[] = []): Fix => {
    const texts = parts.map((stmt, k) => {
      const replace = new Map<A.RuleStatement, string | null>();
      stmts.forEach((s, i) => replace.set(s, i === 0 ? stmt : null));
      return ruleText(ctx.text, rule, replace, k === 0 ? undefined : partName(ctx, rule.name.value, k + 1, taken));
    });
    const fix: Fix = {
      title: `split rule \`${rule.name.value}\` into ${parts.length} rules of at most ${countText(max)} groups`,
      edits: [...extra, { path: ctx.path, start: rule.range.start.offset, end: rule.range.end.offset, newText: texts.join('\n\n') }],
    };
    if (creates) fix.creates = creates;
    return fix;
  };
  if (stmts.every((s) => s.list.kind === 'inline')) {
    const values = [...new Set(stmts.flatMap((s) => (s.list as A.InlineList).items.map((i) => i.value)))];
    if (values.length <= max) return undefined;
    return wholeRule(chunk(values, max).map((part) => `groups ${part.map(quoteString).join(', ')}`));
  }
  // One list file: its entries beyond the limit move to new list files beside it.
  const list = model?.groups[0];
  if (stmts.length !== 1 || !ctx.canCreateFiles || !list?.listFile || !list.lines || list.values.length <= max) return undefined;
  const src = stmts[0].list as A.FileList;
  const listAbs = resolve(dirname(ctx.path), src.path.value);
  const listText = ctx.textOf(listAbs);
  if (listText === undefined) return undefined;
  const lines = listText.split('\n');
  const lineOffset = (line: number) => lines.slice(0, line - 1).reduce((a, l) => a + l.length + 1, 0);
  const count = Math.ceil(list.values.length / max);
  const ext = posix.extname(src.path.value);
  const stem = src.path.value.slice(0, src.path.value.length - ext.length);
  const creates: { path: string; text: string }[] = [];
  const stmtsText = [`groups from ${quoteString(src.path.value)}`];
  for (let k = 1; k < count; k++) {
    let rel = `${stem}-${k + 1}${ext}`;
    for (let i = 2; existsSync(resolve(dirname(ctx.path), rel)); i++) rel = `${stem}-${k + 1}-${i}${ext}`;
    const from = list.lines[k * max] - 1;
    const to = k + 1 < count ? list.lines[(k + 1) * max] - 1 : lines.length;
    let text = lines.slice(from, to).join('\n');
    if (!text.endsWith('\n')) text += '\n';
    creates.push({ path: join(dirname(ctx.path), rel), text });
    stmtsText.push(`groups from ${quoteString(rel)}`);
  }
  const cut = lineOffset(list.lines[max]);
  return wholeRule(stmtsText.map((s) => s.replace(/\n/g, `\n${indent}`)), creates, [{ path: listAbs, start: cut, end: listText.length, newText: '' }]);
}

function splitRule(ctx: FixContext, req: FixRequest, which: 'keywords' | 'groups'): Fix | undefined {
  if (!ctx.file) return undefined;
  const block = enclosingBlock(nodesAt(ctx.file.ast, req.start));
  if (block?.kind !== 'rule') return undefined;
  const limit = ctx.set.model.profile.byId.get(which === 'keywords' ? 'keywords-per-rule' : 'groups-per-rule');
  if (!limit?.max) return undefined;
  const model = ctx.set.model.rules.find((r) => r.decl === block);
  return which === 'keywords' ? splitKeywords(ctx, block, limit.max) : splitGroups(ctx, block, model, limit.max);
}

/** The fixes the diagnostic itself carries, found among the set's diagnostics by code and span. */
function carriedFixes(ctx: FixContext, req: FixRequest): Fix[] {
  const out: Fix[] = [];
  for (const d of ctx.set.diagnostics) {
    if (!d.fixes || d.code !== req.code || d.range.start.offset !== req.start || d.range.end.offset !== req.end) continue;
    if (ctx.set.absolute(d.file) !== ctx.path) continue;
    for (const f of d.fixes) {
      out.push({
        title: f.title,
        edits: f.edits.map((e) => ({ path: ctx.path, start: e.range.start.offset, end: e.range.end.offset, newText: e.newText })),
        preferred: out.length === 0,
        safe: f.safe,
      });
    }
    break;
  }
  return out;
}

export function quickFixes(ctx: FixContext, req: FixRequest): Fix[] {
  const carried = carriedFixes(ctx, req);
  return carried.length > 0 ? carried : computedFixes(ctx, req);
}

function computedFixes(ctx: FixContext, req: FixRequest): Fix[] {
  const one = (f: Fix | undefined) => (f ? [f] : []);
  switch (req.code) {
    // Removing a repeat changes nothing a policy decides: safe. A redundant keyword still shows
    // in a decision's evidence, so removing it is left to the author.
    case 'hush/lint/duplicate-keyword':
      return one(removeItem(ctx, req, 'repeated keyword', true));
    case 'hush/lint/redundant-keyword':
      return one(removeItem(ctx, req, 'redundant keyword'));
    case 'hush/lint/duplicate-entry':
      return one(removeItem(ctx, req, 'repeated entry', true));
    case 'hush/lint/duplicate-action':
      return one(removeItem(ctx, req, 'repeated action', true));
    case 'hush/semantic/unknown-category':
      return declareCategory(ctx, req);
    case 'hush/limit/keywords-per-rule':
      return one(splitRule(ctx, req, 'keywords'));
    case 'hush/limit/groups-per-rule':
      return one(splitRule(ctx, req, 'groups'));
    default:
      return [];
  }
}
