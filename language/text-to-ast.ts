// The `.policy` front end as one call: text in, AST and diagnostics out. It never throws.
import type { CstNode, IRecognitionException, IToken } from 'chevrotain';
import type { PolicyFile } from './ast.ts';
import { cstToAst } from './cst-to-ast.ts';
import { diagnostic, sortDiagnostics, type Diagnostic, type Range } from './diagnostic.ts';
import { LineIndex } from './line-index.ts';
import { textToTokens } from './text-to-tokens.ts';
import { EOF, tokensToCst } from './tokens-to-cst.ts';
import { LINE_STARTERS } from './tokens.ts';

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
  /**
   * Set when `ParseOptions.maxRules` cut the text: the `rule` word that starts the first
   * declaration left out (nothing from there on was lexed or parsed).
   */
  cutAt?: Range;
}

export interface ParseOptions {
  /**
   * Parse at most this many `rule` declarations: the text is cut before the next `rule` word,
   * found by `nthRuleWord` before the lexer runs, so a file of 100,000 rules never becomes
   * millions of tokens. The caller reports the limit (the checker: `hush/limit/rules-per-set`).
   */
  maxRules?: number;
}

/**
 * One pass over the text the way the lexer reads it, allocating nothing per word: comments,
 * strings (terminated or not), numbers with their units and words. The offset of the `n`th word
 * `rule` (1-based) that starts a rule declaration, or -1 when there are fewer. A declaration's
 * `rule` is followed by its name or its block (`rule "…"`, `rule {`); a category named `rule`
 * (`record rule`, `category rule`) is followed by neither, and is not counted.
 */
export function nthRuleWord(text: string, n: number): number {
  const word = /#[^\n\r]*|"(?:[^"\\\n\r]|\\[^\n\r])*"?|[0-9]+[A-Za-z]*|[A-Za-z_][A-Za-z0-9_-]*/g;
  let seen = 0;
  for (let m = word.exec(text); m !== null; m = word.exec(text)) {
    if (m[0] === 'rule' && startsNameOrBlock(text, m.index + 4) && ++seen === n) return m.index;
  }
  return -1;
}

/** Whether the next token from `i` (past white space and comments) is a string or `{`. */
function startsNameOrBlock(text: string, i: number): boolean {
  for (;;) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\uFEFF') i++;
    else if (c === '#') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
    } else return c === '"' || c === '{';
  }
}

/** The last token that starts before `offset` (tokens are in source order). */
function tokenBefore(tokens: readonly IToken[], offset: number): IToken | undefined {
  let lo = 0;
  let hi = tokens.length - 1;
  let found: IToken | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].startOffset < offset) {
      found = tokens[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

export function parsePolicy(whole: string, file: string, options: ParseOptions = {}): ParseResult {
  const cut = options.maxRules === undefined ? -1 : nthRuleWord(whole, options.maxRules + 1);
  const text = cut < 0 ? whole : whole.slice(0, cut);
  const lines = new LineIndex(text);
  const lexed = textToTokens(text, file, lines);
  const { cst, errors, missing: missingOf, suggestions } = tokensToCst(lexed.tokens);
  const diagnostics: Diagnostic[] = [...lexed.diagnostics];
  // One error per place; a missing `}` is a separate mistake from what else is missing there.
  const seen = new Set<string>();
  let syntaxErrors = 0;
  const report = (code: string, message: string, start: number, end: number, dedupe = true, meant?: string) => {
    const key = `${code === 'hush/syntax/missing-brace' ? 'brace' : 'other'}:${start}`;
    if (dedupe && seen.has(key)) return;
    seen.add(key);
    if (++syntaxErrors > MAX_SYNTAX_ERRORS) return;
    const range = lines.range(start, end);
    if (code === 'hush/syntax/missing-brace') {
      // Where the parser found the block's end; the author may have meant it later, so not safe.
      const fix = { title: 'close the block here', edits: [{ range, newText: '\n}' }], safe: false };
      diagnostics.push(diagnostic(code, 'error', message, file, range, { fixes: [fix] }));
      return;
    }
    // A misspelt language word: say which, and offer the change (a guess, so safe only when the
    // word differs in case alone: `Recall`).
    const extra = meant === undefined ? {} : { help: `did you mean \`${meant}\`?`, fixes: [{ title: `change to \`${meant}\``, edits: [{ range, newText: meant }], safe: meant.toLowerCase() === text.slice(start, end).toLowerCase() }] };
    diagnostics.push(diagnostic(code, 'error', message, file, range, extra));
  };
  for (const e of errors) {
    const t = e.token;
    const atEnd = Number.isNaN(t.startOffset) || t.tokenType === EOF;
    let message = e.message;
    let start = atEnd ? text.length : t.startOffset;
    let end = atEnd ? text.length : t.startOffset + t.image.length;
    // When what was expected is missing at the end of a line (the next line starts a new
    // statement, or the file ends), point there rather than at the next line's first token,
    // which is usually fine. A token that cannot start a line is itself the mistake.
    const prev = tokenBefore(lexed.tokens, start);
    const missing = missingOf.get(e);
    let code = codes[e.name] ?? 'hush/syntax/unexpected-token';
    if (prev && missing && (atEnd || LINE_STARTERS.has(t.tokenType))) {
      const prevEnd = prev.startOffset + prev.image.length;
      if (lines.position(prevEnd).line < lines.position(start).line) {
        start = end = prevEnd;
        message = `missing ${missing} at the end of the line`;
        // Only the `}` is missing: the block's statements are all there (the checker still checks it).
        if (missing === '`}`') code = 'hush/syntax/missing-brace';
      }
    }
    const meant = start === t.startOffset ? suggestions.get(e) : undefined;
    report(code, message, start, end, true, meant);
  }
  for (const b of abandonedBlocks(cst, errors, text.length)) {
    const last = tokenBefore(lexed.tokens, b.to);
    const end = last ? last.startOffset + last.image.length : b.to;
    report('hush/syntax/missing-brace', `missing \`}\` to close this ${b.kind}`, end, end, false);
  }
  if (syntaxErrors > MAX_SYNTAX_ERRORS) {
    diagnostics.push(
      diagnostic('hush/syntax/too-many-errors', 'error', `${syntaxErrors - MAX_SYNTAX_ERRORS} more syntax errors not shown`, file, lines.range(text.length, text.length)),
    );
  }
  const built = cstToAst(cst, lexed.comments, file, lines);
  diagnostics.push(...built.diagnostics);
  const result: ParseResult = { ast: built.ast, diagnostics: sortDiagnostics(diagnostics) };
  if (cut >= 0) {
    const start = lines.position(cut);
    result.cutAt = { start, end: { line: start.line, column: start.column + 4, offset: cut + 4 } };
  }
  return result;
}

/**
 * Blocks the parser left without reaching their `}`: after an error inside a block, Chevrotain
 * may re-sync to the next declaration or the end of the file and abandon the block, so its
 * missing `}` would go unreported. Blocks whose own frame already reported an error (a `}`
 * found missing, a bad header) are left out. `to` is where the next declaration starts.
 */
export function abandonedBlocks(cst: CstNode, errors: readonly IRecognitionException[], textEnd: number): { kind: string; to: number }[] {
  const out: { kind: string; to: number }[] = [];
  const decls = (cst.children.declaration ?? []) as CstNode[];
  // Where the errors raised in a block's own frame are, sorted, so that each block asks with one
  // binary search (asking every error for every block was quadratic: `rule rule rule …`).
  const blockErrorsAt: number[] = [];
  for (const e of errors) {
    const frame = e.context.ruleStack[e.context.ruleStack.length - 1];
    if (frame === 'ruleDecl' || frame === 'ladderDecl' || frame === 'quotaDecl') {
      blockErrorsAt.push(Number.isNaN(e.token.startOffset) ? textEnd : e.token.startOffset);
    }
  }
  blockErrorsAt.sort((a, b) => a - b);
  decls.forEach((decl, i) => {
    const kind = decl.children.ruleDecl ? 'rule' : decl.children.ladderDecl ? 'ladder' : decl.children.quotaDecl ? 'quota' : undefined;
    const block = kind && ((decl.children.ruleDecl ?? decl.children.ladderDecl ?? decl.children.quotaDecl)[0] as CstNode);
    if (!kind || !block || block.children.RCurly || !block.location) return;
    const from = block.location.startOffset;
    const next = decls[i + 1]?.location?.startOffset;
    const to = next === undefined || Number.isNaN(next) ? textEnd : next;
    // The first error at or after `from`: the block reported its own error when that is before `to`.
    let lo = 0;
    let hi = blockErrorsAt.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (blockErrorsAt[mid] < from) lo = mid + 1;
      else hi = mid;
    }
    const reported = lo < blockErrorsAt.length && blockErrorsAt[lo] <= to;
    if (!reported) out.push({ kind, to });
  });
  return out;
}
