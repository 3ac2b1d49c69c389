// The terminal format, in the manner of rustc and ESLint:
//
//   shop.policy:12:12: error[hush/limit/keywords-per-rule]: rule "ads" has 101 keywords
//      |
//   12 |   keywords "加微信", "代购"
//      |            ^^^^^^^^
//      = help: split the rule in two, or move keywords to a shared category
//      = note: other.policy:3:6: "ads" is also declared here
//
//   1 error in 3 files
//
// The first line of each diagnostic is `file:line:col: severity[code]: message`, which editors and
// terminals turn into a link. Positions are printed as they are (1-based line, 1-based UTF-16
// column). Colours are ANSI escapes, used only when asked for.
import type { Diagnostic, Severity } from '../../language/diagnostic.ts';
import { LineIndex } from '../../language/line-index.ts';
import { terminalText } from './escape.ts';
import { renderSnippet, type LineSource, type SnippetPaint } from './source-snippet.ts';
import { summarize, summaryText } from './summary.ts';

export interface HumanOptions {
  /** The text of a file a diagnostic points into, or undefined when it cannot be read. */
  getSource(file: string): string | undefined;
  color: boolean;
  /** The number of policy files checked, for the summary line. */
  files?: number;
}

const ESC = '\u001b[';
const sgr = (codes: string) => (s: string) => `${ESC}${codes}m${s}${ESC}0m`;
const bold = sgr('1');
const severityColor: Record<Severity, string> = { error: '1;31', warning: '1;33', info: '1;36', hint: '1;32' };

/** Control and bidirectional characters in a message or a path are shown escaped (`\u001b`), never sent to the terminal. */
const sanitize = terminalText;

export function renderHuman(diags: readonly Diagnostic[], options: HumanOptions): string {
  const paintIf = (codes: string) => (options.color ? sgr(codes) : (s: string) => s);
  const strong = options.color ? bold : (s: string) => s;
  const sources = new Map<string, LineSource | undefined>();
  const lineSource = (file: string): LineSource | undefined => {
    if (!sources.has(file)) {
      let text: string | undefined;
      try {
        text = options.getSource(file);
      } catch {
        text = undefined;
      }
      sources.set(file, text === undefined ? undefined : new LineIndex(text));
    }
    return sources.get(file);
  };

  const out: string[] = [];
  for (const d of diags) {
    const sev = paintIf(severityColor[d.severity]);
    const where = `${sanitize(d.file)}:${d.range.start.line}:${d.range.start.column}`;
    out.push(`${strong(where)}: ${sev(`${d.severity}[${sanitize(d.code)}]`)}: ${strong(sanitize(d.message))}`);

    const source = lineSource(d.file);
    const paint: SnippetPaint = { gutter: paintIf('1;34'), marker: sev };
    const snippet = source ? renderSnippet(source, d.range, paint) : { lines: [], gutterWidth: 0 };
    out.push(...snippet.lines);
    const indent = ' '.repeat(Math.max(1, snippet.gutterWidth) + 1);
    if (d.help !== undefined) out.push(`${indent}${paintIf('1;34')('=')} ${strong('help')}: ${sanitize(d.help)}`);
    for (const r of d.related ?? []) {
      const at = `${sanitize(r.file)}:${r.range.start.line}:${r.range.start.column}`;
      out.push(`${indent}${paintIf('1;34')('=')} ${strong('note')}: ${at}: ${sanitize(r.message)}`);
    }
    out.push('');
  }

  const summary = summarize(diags, options.files);
  const tone = summary.errors > 0 ? '1;31' : summary.warnings > 0 ? '1;33' : '1;32';
  out.push(paintIf(tone)(summaryText(summary)));
  return `${out.join('\n')}\n`;
}
