// `hush diff --format markdown`: the pull-request comment. A headline with the verdict, one table
// per rule, ladder or set (effect, change, place), the limits as a table, and the impact on the
// corpus as a table of causes with examples folded in a <details> block. Every string from a
// policy, a path or the corpus goes through escape.ts: names and message texts in code spans
// that nothing can close, the rest with HTML and inline markup escaped, all on one line, `|`
// escaped in cells; so nothing in a policy or a message can become a heading, a table row,
// markup or HTML.
import type { PolicyDiff } from '../../compiler/diff/types.ts';
import { countText as n } from '../../compiler/wording.ts';
import type { DiffRenderOptions } from './diff-human.ts';
import { markdownCell, markdownCode, markdownText } from './escape.ts';
import { changePlace, countsText, decisionText, entriesText, impactSubjectTitle, locText, subjectTitle } from './diff-text.ts';

/** A table cell: on one line, `|` escaped, no HTML or inline markup outside code spans (escape.ts). */
export const mdCell = markdownCell;

/** A code span holding any text, on one line (escape.ts). */
export const mdCode = markdownCode;

const EFFECT_LABEL = { stricter: 'stricter', looser: '**looser**', both: '**both**', equivalent: 'equivalent' } as const;

export function renderDiffMarkdown(d: PolicyDiff, options: DiffRenderOptions = {}): string {
  const out: string[] = [];
  out.push(`## Hush policy diff: ${d.verdict === 'none' ? 'no changes' : d.verdict}`);
  out.push('');
  const status = options.status !== undefined ? ` · exit status ${options.status}` : '';
  out.push(`base ${mdCode(d.base.source)} → head ${mdCode(d.head.source)} · ${countsText(d)}${status}`);
  out.push('');
  if (d.subjects.length === 0) {
    out.push(`Base and head decide alike (${d.head.rules} rule${d.head.rules === 1 ? '' : 's'}, ${d.head.ladders} ladder${d.head.ladders === 1 ? '' : 's'}).`);
    out.push('');
  }
  for (const s of d.subjects) {
    out.push(`### ${markdownText(subjectTitle(s).replace(/^./, (c) => c.toUpperCase()))}: ${s.status}, ${s.effect}`);
    out.push('');
    out.push('| effect | change | where |');
    out.push('| --- | --- | --- |');
    for (const c of s.changes) {
      const p = changePlace(c, true);
      const extra = [c.note, entriesText(c) ? `entries: ${entriesText(c)}` : undefined].filter(Boolean).map((x) => `<br><sub>${mdCell(x!)}</sub>`).join('');
      const where = p ? `${mdCode(locText(p.loc))}${p.side === 'base' ? ' (base)' : ''}` : '';
      out.push(`| ${EFFECT_LABEL[c.effect]} | ${mdCell(c.message)}${extra} | ${where} |`);
    }
    out.push('');
  }
  if (d.limits.length > 0) {
    out.push('### Limits');
    out.push('');
    out.push('| what | limit | base | head | max | headroom |');
    out.push('| --- | --- | ---: | ---: | ---: | ---: |');
    for (const l of d.limits) {
      out.push(`| ${mdCell(l.subject)} | ${l.limit} | ${n(l.base)} | ${n(l.head)} | ${n(l.max)} | ${n(l.max - l.base)} → ${n(l.max - l.head)}${l.head > l.max ? ' (over)' : ''} |`);
    }
    out.push('');
  }
  const i = d.impact;
  if (i) {
    out.push(`### Impact on ${mdCode(i.corpus)}`);
    out.push('');
    const bad = i.badLines > 0 ? ` (${i.badLines} bad line${i.badLines === 1 ? '' : 's'} skipped)` : '';
    out.push(`${i.messages} message${i.messages === 1 ? '' : 's'} in ${i.events} event${i.events === 1 ? '' : 's'} replayed through both sides${bad}: **${i.changed} decision${i.changed === 1 ? '' : 's'} changed**, ${i.newlyStopped} newly stopped, ${i.newlyAllowed} newly allowed, ${i.otherwiseChanged} otherwise changed.`);
    out.push('');
    if (i.subjects.length > 0) {
      out.push('| cause | in this diff | newly stopped | newly allowed | otherwise changed |');
      out.push('| --- | --- | ---: | ---: | ---: |');
      for (const s of i.subjects) out.push(`| ${mdCell(impactSubjectTitle(s.kind, s.name))} | ${s.effect ?? ''} | ${s.newlyStopped} | ${s.newlyAllowed} | ${s.changed} |`);
      out.push('');
      out.push('<details><summary>Examples</summary>');
      out.push('');
      for (const s of i.subjects) {
        out.push(`**${mdCell(impactSubjectTitle(s.kind, s.name))}**`);
        out.push('');
        for (const x of s.examples) {
          out.push(`- line ${x.line}, ${x.type} from ${mdCode(x.who)}: ${mdCode(x.text)}`);
          out.push(`  - before: ${mdCode(decisionText(x.before))}`);
          out.push(`  - after: ${mdCode(decisionText(x.after))}`);
        }
        out.push('');
      }
      out.push('</details>');
      out.push('');
    }
  }
  return `${out.join('\n')}`;
}
