// Test helper: the invariants every parse result keeps, whatever the text. Returns a list of
// problems (empty when all hold): every range lies inside the text, starts before it ends, and
// its line and column agree with its offset; children lie inside their parents; declarations
// and statements are in source order; every diagnostic has a code, a severity, a message and a
// valid range.
import type { PolicyFile } from '../ast.ts';
import type { Diagnostic, Position, Range } from '../diagnostic.ts';
import { LineIndex } from '../line-index.ts';

export function checkRanges(ast: PolicyFile, diagnostics: readonly Diagnostic[], text: string): string[] {
  const lines = new LineIndex(text);
  const problems: string[] = [];
  const where = (path: string, r: Range) => `${path} ${r.start.offset}-${r.end.offset}`;
  const position = (path: string, p: Position) => {
    if (!Number.isInteger(p.offset) || p.offset < 0 || p.offset > text.length) return problems.push(`${path}: offset ${p.offset} outside the text`);
    const q = lines.position(p.offset);
    if (q.line !== p.line || q.column !== p.column) problems.push(`${path}: ${p.line}:${p.column} is not offset ${p.offset} (${q.line}:${q.column})`);
  };
  const range = (path: string, r: Range | undefined) => {
    if (!r) return problems.push(`${path}: no range`);
    position(`${path}.start`, r.start);
    position(`${path}.end`, r.end);
    if (r.start.offset > r.end.offset) problems.push(`${where(path, r)}: starts after it ends`);
  };
  const visit = (path: string, v: unknown, parent: Range | undefined) => {
    if (Array.isArray(v)) {
      let prev = -1;
      v.forEach((x, i) => {
        visit(`${path}[${i}]`, x, parent);
        const r = (x as { range?: Range }).range;
        if (r && r.start.offset < prev) problems.push(`${path}[${i}]: out of source order`);
        if (r) prev = r.end.offset;
      });
      return;
    }
    if (!v || typeof v !== 'object') return;
    const r = (v as { range?: Range }).range;
    if (r) {
      range(path, r);
      if (parent && (r.start.offset < parent.start.offset || r.end.offset > parent.end.offset)) problems.push(`${where(path, r)}: outside its parent`);
    }
    for (const [k, x] of Object.entries(v)) if (k !== 'range') visit(`${path}.${k}`, x, r ?? parent);
  };
  range('file', ast.range);
  visit('declarations', ast.declarations, ast.range);
  visit('comments', ast.comments, ast.range);
  diagnostics.forEach((d, i) => {
    if (typeof d.code !== 'string' || !/^hush\/[a-z-]+\/[a-z-]+$/.test(d.code)) problems.push(`diagnostic ${i}: bad code ${String(d.code)}`);
    if (!['error', 'warning', 'info', 'hint'].includes(d.severity)) problems.push(`diagnostic ${i}: bad severity`);
    if (typeof d.message !== 'string' || d.message.length === 0) problems.push(`diagnostic ${i}: no message`);
    range(`diagnostic ${i} ${d.code}`, d.range);
  });
  return problems;
}
