// The outline of a file (document symbols: declarations, rules, ladders and quotas with their
// statements) and its folding ranges (rule, ladder and quota blocks, statements over several lines,
// runs of comment lines).
import { FoldingRangeKind, SymbolKind, type DocumentSymbol, type FoldingRange } from 'vscode-languageserver';
import type * as A from '../language/ast.ts';
import { toLspRange, type PositionSource } from './to-lsp.ts';

function statementLabel(s: A.RuleStatement | A.LadderStatement | A.QuotaStatement): { name: string; kind: SymbolKind } {
  switch (s.kind) {
    case 'owner':
      return { name: `owner ${s.role}${s.managementRule ? ` of ${s.managementRule.value}` : ''}${s.id ? ` ${s.id.value}` : ''}`, kind: SymbolKind.Property };
    case 'groups':
    case 'keywords':
    case 'pattern':
    case 'except':
      return { name: `${s.kind}${s.list.kind === 'file' ? ` from ${s.list.path.value}` : ` (${s.list.items.length})`}`, kind: SymbolKind.Array };
    case 'allow':
      return { name: `allow ${s.target}${s.list.kind === 'file' ? ` from ${s.list.path.value}` : ` (${s.list.items.length})`}`, kind: SymbolKind.Array };
    case 'normalize':
      return { name: `normalize ${s.steps.map((x) => x.name).join(', ')}`, kind: SymbolKind.Property };
    case 'configured':
      return { name: `configured on ${s.version.value}`, kind: SymbolKind.Property };
    case 'announce':
      return { name: 'announce', kind: SymbolKind.String };
    case 'exempt':
      return { name: `exempt customers${s.list.kind === 'file' ? ` from ${s.list.path.value}` : ` (${s.list.items.length})`}`, kind: SymbolKind.Array };
    case 'during':
      return s.times
        ? { name: `during ${s.times.text}`, kind: SymbolKind.Property }
        : { name: `during days${s.days?.kind === 'file' ? ` from ${s.days.path.value}` : ` (${s.days?.kind === 'inline' ? s.days.items.length : 0})`}`, kind: SymbolKind.Array };
    case 'when':
      return { name: `when ${s.trigger.type} → ${s.actions.map((a) => a.type).join(', ')}`, kind: SymbolKind.Event };
    case 'counts':
      return { name: `counts ${s.categories.map((c) => c.name).join(', ')}`, kind: SymbolKind.Property };
    case 'step':
      return { name: `step ${s.number.value}`, kind: SymbolKind.EnumMember };
    case 'severe':
      return { name: 'severe', kind: SymbolKind.EnumMember };
    case 'expire':
      return { name: `expire after ${s.after.text}`, kind: SymbolKind.Property };
    case 'members':
      return { name: `members${s.list.kind === 'file' ? ` from ${s.list.path.value}` : ` (${s.list.items.length})`}`, kind: SymbolKind.Array };
    case 'linked':
      return { name: 'while linked blocked', kind: SymbolKind.EnumMember };
    case 'for':
      return { name: `for ${s.subjects}`, kind: SymbolKind.Property };
    case 'daily':
      return { name: `daily ${s.count.value}`, kind: SymbolKind.Property };
    case 'adjust':
      return { name: `${s.direction} ${s.amount.value}`, kind: SymbolKind.Property };
    case 'minimum':
    case 'maximum':
      return { name: `${s.kind} ${s.value.value}`, kind: SymbolKind.Property };
    case 'timezone':
      return { name: `timezone ${s.offset.value}`, kind: SymbolKind.Property };
  }
}

function declarationSymbol(d: A.Declaration, text: PositionSource): DocumentSymbol {
  const range = toLspRange(d.range, text);
  const sym = (name: string, kind: SymbolKind, selection: A.Node = d, detail?: string, children?: DocumentSymbol[]): DocumentSymbol => {
    const s: DocumentSymbol = { name: name || ' ', kind, range, selectionRange: toLspRange(selection.range, text) };
    if (detail) s.detail = detail;
    if (children) s.children = children;
    return s;
  };
  switch (d.kind) {
    case 'enterprise':
      return sym(`enterprise ${d.name.value}`, SymbolKind.Constant, d.name);
    case 'limits':
      return sym(`limits ${d.profile.value}`, SymbolKind.Constant, d.profile);
    case 'normalize':
      return sym(`normalize ${d.steps.map((s) => s.name).join(', ')}`, SymbolKind.Property);
    case 'blacklist':
      return sym(d.scope === 'enterprise' ? 'blacklist enterprise' : `blacklist personal of ${d.owner?.value ?? ''}`, SymbolKind.Array);
    case 'exempt':
      return sym('exempt customers', SymbolKind.Array);
    case 'category':
      return sym(d.name.name, SymbolKind.EnumMember, d.name, d.label?.value ?? 'category');
    case 'variants':
      return sym(`variants of ${d.word.value}`, SymbolKind.Array, d.word);
    case 'rule':
    case 'ladder':
    case 'quota': {
      const children = (d.body as (A.RuleStatement | A.LadderStatement | A.QuotaStatement)[]).map((s) => {
        const l = statementLabel(s);
        const r = toLspRange(s.range, text);
        return { name: l.name, kind: l.kind, range: r, selectionRange: r } satisfies DocumentSymbol;
      });
      const name = d.kind === 'quota' ? `quota ${d.name.name}` : d.name.value;
      return sym(name, d.kind === 'rule' ? SymbolKind.Class : d.kind === 'quota' ? SymbolKind.Object : SymbolKind.Module, d.name, d.kind, children);
    }
  }
}

export function documentSymbols(ast: A.PolicyFile, text: PositionSource): DocumentSymbol[] {
  return ast.declarations.map((d) => declarationSymbol(d, text));
}

export function foldingRanges(ast: A.PolicyFile, text: PositionSource): FoldingRange[] {
  const out: FoldingRange[] = [];
  const fold = (n: A.Node, kind?: FoldingRangeKind) => {
    const r = toLspRange(n.range, text);
    if (r.end.line > r.start.line) out.push(kind ? { startLine: r.start.line, endLine: r.end.line, kind } : { startLine: r.start.line, endLine: r.end.line });
  };
  for (const d of ast.declarations) {
    const block = d.kind === 'rule' || d.kind === 'ladder' || d.kind === 'quota';
    fold(d, block ? FoldingRangeKind.Region : undefined);
    if (block) for (const s of d.body) fold(s);
  }
  // Runs of two or more comments on consecutive lines.
  const comments = [...ast.comments].sort((a, b) => a.range.start.offset - b.range.start.offset);
  let first: A.Comment | undefined;
  let last: A.Comment | undefined;
  const flush = () => {
    if (first && last && last.range.start.line > first.range.start.line) {
      const a = toLspRange(first.range, text);
      const b = toLspRange(last.range, text);
      out.push({ startLine: a.start.line, endLine: b.start.line, kind: FoldingRangeKind.Comment });
    }
  };
  for (const c of comments) {
    if (last && c.range.start.line === last.range.start.line + 1) last = c;
    else {
      flush();
      first = last = c;
    }
  }
  flush();
  return out.sort((a, b) => a.startLine - b.startLine);
}
