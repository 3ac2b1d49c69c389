// The lexer: policy text to tokens, comments and lexical diagnostics. It never throws; an
// unexpected character is reported once per run of such characters and skipped. Punctuation
// typed by a Chinese input method (`，` for `,`, `“…”` for `"…"`) is explained once, with its
// fix, and read as what was meant (ime-punctuation.ts), so the parser reports nothing after it.
import { Lexer, type IToken } from 'chevrotain';
import { allTokens } from './tokens.ts';
import { diagnostic, type Diagnostic } from './diagnostic.ts';
import { readImePunctuation } from './ime-punctuation.ts';
import type { LineIndex } from './line-index.ts';

const lexer = new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: false });

export interface LexResult {
  tokens: IToken[];
  comments: IToken[];
  diagnostics: Diagnostic[];
}

export function textToTokens(text: string, file: string, lines: LineIndex): LexResult {
  const ime = readImePunctuation(text);
  const diagnostics: Diagnostic[] = ime.problems.map((p) =>
    diagnostic(p.code, 'error', p.message, file, lines.range(p.start, p.end), {
      help: p.help,
      fixes: p.fix && [
        { title: p.fix.title, safe: p.fix.safe, edits: p.fix.edits.map((e) => ({ range: lines.range(e.start, e.end), newText: e.newText })) },
      ],
    }),
  );
  const result = lexer.tokenize(ime.text);
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
