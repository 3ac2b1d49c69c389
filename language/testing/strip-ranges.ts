// Test helper: a copy of an AST without its ranges (and without the file name), so two ASTs
// can be compared "modulo ranges", e.g. a file and its formatted text. Comment texts lose their
// trailing spaces, which the formatter drops.
import type { PolicyFile } from '../ast.ts';

function strip(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(strip);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== 'range') out[k] = strip(x);
    return out;
  }
  return v;
}

/** The declarations without ranges: what "the same AST" means across the `.policy` and YAML forms. */
export function declarationsWithoutRanges(ast: PolicyFile): unknown {
  return strip(ast.declarations);
}

export function stripRanges(ast: PolicyFile): unknown {
  return {
    form: ast.form,
    declarations: strip(ast.declarations),
    comments: ast.comments.map((c) => c.text.trimEnd()),
  };
}
