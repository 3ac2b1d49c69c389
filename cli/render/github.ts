// GitHub Actions workflow commands (`--format github`): one `::error …::message` line per
// diagnostic, which the runner turns into an annotation on the pull request's diff.
//
//   ::error file=shop.policy,line=12,col=12,endLine=12,endColumn=17,title=hush/limit/x::message
//
// Escaping follows @actions/core: in the message `%`, CR and LF become %25, %0D and %0A; in a
// property `:` and `,` are escaped as well (%3A, %2C). Columns are given only when the range
// stays on one line, as GitHub ignores them otherwise. Info and hint diagnostics become notices.
// Other control, bidirectional and invisible characters are written as visible escapes
// (`\u001b`), so a message cannot colour or clear the log (escape.ts).
// A plain summary line ends the output.
import type { Diagnostic, Severity } from '../../language/diagnostic.ts';
import { githubData as escapeData, githubProperty as escapeProperty } from './escape.ts';
import { summarize, summaryText } from './summary.ts';

export interface GithubOptions {
  /** The number of policy files checked, for the summary line. */
  files?: number;
}

const command: Record<Severity, 'error' | 'warning' | 'notice'> = {
  error: 'error',
  warning: 'warning',
  info: 'notice',
  hint: 'notice',
};

export { githubData as escapeData, githubProperty as escapeProperty } from './escape.ts';

function annotation(d: Diagnostic): string {
  const { start, end } = d.range;
  const props: [string, string | number][] = [
    ['file', d.file.replace(/\\/g, '/')],
    ['line', start.line],
  ];
  if (end.line === start.line) props.push(['col', start.column]);
  props.push(['endLine', Math.max(end.line, start.line)]);
  if (end.line === start.line) props.push(['endColumn', Math.max(end.column, start.column)]);
  props.push(['title', d.code]);
  const lines = [d.message];
  if (d.help !== undefined) lines.push(`help: ${d.help}`);
  for (const r of d.related ?? []) lines.push(`note: ${r.file}:${r.range.start.line}:${r.range.start.column}: ${r.message}`);
  const properties = props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',');
  return `::${command[d.severity]} ${properties}::${escapeData(lines.join('\n'))}`;
}

export function renderGithub(diags: readonly Diagnostic[], options: GithubOptions = {}): string {
  const out = diags.map(annotation);
  out.push(summaryText(summarize(diags, options.files)));
  return `${out.join('\n')}\n`;
}
