// Test helper: a copy of an AST without its ranges (and without the file name), so two ASTs
// can be compared "modulo ranges", e.g. a file and its formatted text. Comment texts lose their
// trailing spaces, which the formatter drops.
import type { PolicyFile } from '../ast.ts';

export function stripRanges(ast: PolicyFile): unknown {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) if (k !== 'range') out[k] = strip(x);
      return out;
    }
    return v;
  };
  return {
    form: ast.form,
    declarations: strip(ast.declarations),
    comments: ast.comments.map((c) => c.text.trimEnd()),
  };
}
