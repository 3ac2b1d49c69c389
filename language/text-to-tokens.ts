// The lexer: policy text to tokens, comments and lexical diagnostics. It never throws; an
// unexpected character is reported once per run of such characters and skipped.
import { Lexer, type IToken } from 'chevrotain';
import { allTokens } from './tokens.ts';
import { diagnostic, type Diagnostic } from './diagnostic.ts';
import type { LineIndex } from './line-index.ts';

const lexer = new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: false });

export interface LexResult {
  tokens: IToken[];
  comments: IToken[];
  diagnostics: Diagnostic[];
}

export function textToTokens(text: string, file: string, lines: LineIndex): LexResult {
  const result = lexer.tokenize(text);
  const diagnostics: Diagnostic[] = [];
  for (const e of result.errors) {
    const bad = text.slice(e.offset, e.offset + Math.min(e.length, 20));
    diagnostics.push(
      diagnostic(
        'hush/syntax/unexpected-character',
        'error',
        `unexpected ${e.length > 1 ? 'characters' : 'character'} ${JSON.stringify(bad)}${e.length > 20 ? '…' : ''}`,
        file,
        lines.range(e.offset, e.offset + e.length),
        { help: 'names are letters, digits and `-`; text goes between double quotes' },
      ),
    );
  }
  return { tokens: result.tokens, comments: result.groups.comments ?? [], diagnostics };
}
