// The `.policy` front end as one call: text in, AST and diagnostics out. It never throws.
import type { PolicyFile } from './ast.ts';
import { cstToAst } from './cst-to-ast.ts';
import { diagnostic, sortDiagnostics, type Diagnostic } from './diagnostic.ts';
import { LineIndex } from './line-index.ts';
import { textToTokens } from './text-to-tokens.ts';
import { tokensToCst } from './tokens-to-cst.ts';

/** More syntax errors than this in one file are summarised in one last diagnostic. */
const MAX_SYNTAX_ERRORS = 100;

const codes: Record<string, string> = {
  MismatchedTokenException: 'hush/syntax/expected-token',
  EarlyExitException: 'hush/syntax/expected-token',
  NoViableAltException: 'hush/syntax/unexpected-token',
  NotAllInputParsedException: 'hush/syntax/unexpected-token',
};

export interface ParseResult {
  ast: PolicyFile;
  diagnostics: Diagnostic[];
}

export function parsePolicy(text: string, file: string): ParseResult {
  const lines = new LineIndex(text);
  const lexed = textToTokens(text, file, lines);
  const { cst, errors } = tokensToCst(lexed.tokens);
  const diagnostics: Diagnostic[] = [...lexed.diagnostics];
  const seen = new Set<number>();
  let syntaxErrors = 0;
  for (const e of errors) {
    const t = e.token;
    const atEnd = Number.isNaN(t.startOffset) || t.tokenType?.name === 'EOF';
    let message = e.message;
    let start = atEnd ? text.length : t.startOffset;
    let end = atEnd ? text.length : t.startOffset + t.image.length;
    // When what was expected is missing at the end of a line, point there rather than at the
    // next line's first token, which is usually fine.
    const prev = (e as { previousToken?: { startOffset: number; image: string; startLine?: number } }).previousToken;
    if (prev && !Number.isNaN(prev.startOffset) && prev.image && lines.position(prev.startOffset).line < lines.position(start).line) {
      start = end = prev.startOffset + prev.image.length;
      const wanted = /(?:^|, )expected (.*?)(?:, found .*)?$/.exec(message);
      if (wanted) message = `missing ${wanted[1]} at the end of the line`;
    }
    if (seen.has(start)) continue;
    seen.add(start);
    if (++syntaxErrors > MAX_SYNTAX_ERRORS) continue;
    diagnostics.push(diagnostic(codes[e.name] ?? 'hush/syntax/unexpected-token', 'error', message, file, lines.range(start, end)));
  }
  if (syntaxErrors > MAX_SYNTAX_ERRORS) {
    diagnostics.push(
      diagnostic('hush/syntax/too-many-errors', 'error', `${syntaxErrors - MAX_SYNTAX_ERRORS} more syntax errors not shown`, file, lines.range(text.length, text.length)),
    );
  }
  const built = cstToAst(cst, lexed.comments, file, lines);
  diagnostics.push(...built.diagnostics);
  return { ast: built.ast, diagnostics: sortDiagnostics(diagnostics) };
}
