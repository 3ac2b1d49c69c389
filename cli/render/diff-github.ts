// `hush diff --format github`: GitHub Actions workflow commands, one annotation per change on
// the head's files (`::warning` for looser and mixed changes, `::notice` for the others, titled
// with the code and the effect), a notice for the impact, and the verdict line. Escaping is the
// check command's (github.ts).
import type { PolicyDiff } from '../../compiler/diff/types.ts';
import type { DiffRenderOptions } from './diff-human.ts';
import { diffDiagnostics } from './diff-sarif.ts';
import { countsText } from './diff-text.ts';
import { escapeData, escapeProperty } from './github.ts';

export function renderDiffGithub(d: PolicyDiff, options: DiffRenderOptions = {}): string {
  const out: string[] = [];
  for (const g of diffDiagnostics(d)) {
    const { start, end } = g.range;
    const props: [string, string | number][] = [['file', g.file.replace(/\\/g, '/')], ['line', start.line]];
    if (end.line === start.line) props.push(['col', start.column]);
    props.push(['endLine', Math.max(end.line, start.line)]);
    if (end.line === start.line) props.push(['endColumn', Math.max(end.column, start.column)]);
    props.push(['title', `${g.code} (${g.message.slice(0, g.message.indexOf(':'))})`]);
    const lines = [g.message];
    if (g.help) lines.push(...g.help.split('\n').map((h) => `note: ${h}`));
    for (const r of g.related ?? []) lines.push(`${r.message}: ${r.file}:${r.range.start.line}:${r.range.start.column}`);
    const cmd = g.severity === 'warning' ? 'warning' : 'notice';
    out.push(`::${cmd} ${props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',')}::${escapeData(lines.join('\n'))}`);
  }
  const i = d.impact;
  if (i) {
    out.push(
      `::notice title=${escapeProperty('hush diff impact')}::${escapeData(`${i.changed} of ${i.events} events in ${i.corpus} decided differently: ${i.newlyStopped} newly stopped, ${i.newlyAllowed} newly allowed, ${i.otherwiseChanged} otherwise changed`)}`,
    );
  }
  const status = options.status !== undefined ? `; exit status ${options.status}` : '';
  out.push(`hush diff: ${d.verdict} (${countsText(d)})${status}`);
  return `${out.join('\n')}\n`;
}
