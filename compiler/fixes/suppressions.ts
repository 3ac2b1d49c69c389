// Inline suppression of lints: a comment `# hush-ignore hush/lint/CODE` silences that lint on one
// line. At the end of a line it silences the line it ends; alone on its line, the line after it.
// Several codes are separated by commas or spaces, and a reason may follow ` -- `:
//
//   keywords "加微信", "加 微信"  # hush-ignore hush/lint/duplicate-keyword -- both spellings seen
//
// Only lints (warnings and infos under `hush/lint/`) can be silenced; an error never is. A code
// that is not a lint, or a lint that does not exist, is itself a lint
// (`hush/lint/unknown-suppression`), and so is a suppression that silences nothing in a file
// without syntax errors (`hush/lint/unused-suppression`): a stale one must not hide the next
// problem on its line. spec/language.md §2 documents it.
import type * as A from '../../language/ast.ts';
import { diagnostic, type Diagnostic, type Position, type Range } from '../../language/diagnostic.ts';
import { closest, WORD_TOLERANCE } from '../../language/suggest.ts';

/** Every lint Hush reports (spec/diagnostics.md, "Lints"; a test holds the two equal). */
export const LINT_CODES = [
  'hush/lint/duplicate-keyword',
  'hush/lint/redundant-keyword',
  'hush/lint/duplicate-entry',
  'hush/lint/duplicate-variant',
  'hush/lint/variant-is-word',
  'hush/lint/unused-variants',
  'hush/lint/duplicate-trigger',
  'hush/lint/duplicate-window',
  'hush/lint/duplicate-action',
  'hush/lint/category-in-two-ladders',
  'hush/lint/empty-members',
  'hush/lint/unreachable-step',
  'hush/lint/record-not-counted',
  'hush/lint/miniprogram-id',
  'hush/lint/unknown-suppression',
  'hush/lint/unused-suppression',
] as const;

/** The lints a suppression can never silence: those about suppressions. */
const UNSILENCEABLE = new Set<string>(['hush/lint/unknown-suppression', 'hush/lint/unused-suppression']);

const MARK = /^\s*hush-ignore\b(.*)$/;

export interface Suppression {
  /** The comment holding it. */
  comment: A.Comment;
  /** The line it silences (1-based). */
  line: number;
  codes: string[];
}

/** The smallest offset at which any AST node starts or ends on each line: where code stands. */
function codeStarts(ast: A.PolicyFile): Map<number, number> {
  const first = new Map<number, number>();
  const note = (p: Position) => {
    const o = first.get(p.line);
    if (o === undefined || p.offset < o) first.set(p.line, p.offset);
  };
  const visit = (v: unknown) => {
    if (Array.isArray(v)) {
      for (const x of v) visit(x);
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    const o = v as Record<string, unknown>;
    const r = o.range as Range | undefined;
    if (r && typeof r === 'object' && 'start' in r && 'end' in r) {
      note(r.start);
      note(r.end);
    }
    for (const k in o) if (k !== 'range' && k !== 'comments') visit(o[k]);
  };
  visit(ast.declarations);
  return first;
}

/** The suppressions written in a file's comments. */
export function suppressionsOf(ast: A.PolicyFile): Suppression[] {
  const out: Suppression[] = [];
  let starts: Map<number, number> | undefined;
  for (const c of ast.comments) {
    const m = MARK.exec(c.text);
    if (!m) continue;
    starts ??= codeStarts(ast);
    const line = c.range.start.line;
    const codeBefore = (starts.get(line) ?? Infinity) < c.range.start.offset;
    const codes = m[1].split(/\s--\s|\s—\s/)[0].split(/[\s,]+/).filter(Boolean);
    out.push({ comment: c, line: codeBefore ? line : line + 1, codes });
  }
  return out;
}

/**
 * The diagnostics with the suppressed lints removed and the suppressions' own lints added.
 * `files` are the parsed policy files (their paths as diagnostics name them).
 */
export function applySuppressions(files: readonly { path: string; ast: A.PolicyFile }[], diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const known = new Set<string>(LINT_CODES);
  const byFile = new Map<string, Suppression[]>();
  const extra: Diagnostic[] = [];
  for (const f of files) {
    const xs = suppressionsOf(f.ast);
    if (xs.length === 0) continue;
    byFile.set(f.path, xs);
    for (const s of xs) {
      if (s.codes.length === 0) {
        extra.push(diagnostic('hush/lint/unknown-suppression', 'warning', '`hush-ignore` names no lint', f.path, s.comment.range, {
          help: 'write the code of the lint to silence: `# hush-ignore hush/lint/duplicate-keyword`',
        }));
      }
      for (const code of s.codes) {
        if (known.has(code) && !UNSILENCEABLE.has(code)) continue;
        const lint = code.startsWith('hush/lint/') || !code.startsWith('hush/');
        const near = lint ? closest(code.startsWith('hush/') ? code : `hush/lint/${code}`, LINT_CODES.filter((k) => !UNSILENCEABLE.has(k)), WORD_TOLERANCE) : undefined;
        extra.push(
          diagnostic('hush/lint/unknown-suppression', 'warning', lint ? `\`${code}\` is not a lint Hush reports` : `\`${code}\` cannot be silenced: only lints can`, f.path, s.comment.range, {
            help: near ? `did you mean \`${near}\`?` : lint ? 'the lints are listed in spec/diagnostics.md' : 'errors are never silenced: fix what they report',
          }),
        );
      }
    }
  }
  if (byFile.size === 0) return [...diagnostics];
  const used = new Set<string>();
  const kept = diagnostics.filter((d) => {
    if (d.severity === 'error' || !d.code.startsWith('hush/lint/') || UNSILENCEABLE.has(d.code)) return true;
    const s = byFile.get(d.file)?.find((x) => x.line === d.range.start.line && x.codes.includes(d.code));
    if (!s) return true;
    used.add(`${d.file}\u0000${s.comment.range.start.offset}\u0000${d.code}`);
    return false;
  });
  const broken = new Set(diagnostics.filter((d) => d.severity === 'error' && d.code.startsWith('hush/syntax/')).map((d) => d.file));
  for (const [file, xs] of byFile) {
    // With a syntax error, a statement may be missing and its lint with it: nothing is "unused".
    if (broken.has(file)) continue;
    for (const s of xs) {
      for (const code of s.codes) {
        if (!known.has(code) || UNSILENCEABLE.has(code) || used.has(`${file}\u0000${s.comment.range.start.offset}\u0000${code}`)) continue;
        extra.push(diagnostic('hush/lint/unused-suppression', 'warning', `\`hush-ignore ${code}\` silences nothing on line ${s.line}`, file, s.comment.range, {
          help: 'remove it: a stale suppression would hide the next such problem on its line',
        }));
      }
    }
  }
  return [...kept, ...extra];
}
