// `hush diff` for people at a terminal: one block per rule, ladder or set, one line per change
// (`file:line:column: effect: message`, at the change's place in head, or in base marked
// `(base)`), notes and entry samples under it, then the limits, the impact and the verdict.
// Each line is written as terminal text (escape.ts): no control, bidirectional or invisible
// character and no workflow command from a name, a path or a message reaches the terminal.
import type { PolicyDiff } from '../../compiler/diff/types.ts';
import { countText as n } from '../../compiler/wording.ts';
import { terminalText } from './escape.ts';
import { changePlace, countsText, decisionText, entriesText, impactSubjectTitle, locText, subjectTitle } from './diff-text.ts';

export interface DiffRenderOptions {
  /** The exit status the command will return, for the verdict line. */
  status?: number;
}

function files(n: number): string {
  return `${n} file${n === 1 ? '' : 's'}`;
}

export function renderDiffHuman(d: PolicyDiff, options: DiffRenderOptions = {}): string {
  const out: string[] = [];
  out.push(`hush diff: ${d.base.source} (${files(d.base.files.length)}) -> ${d.head.source} (${files(d.head.files.length)})`);
  out.push('');
  if (d.subjects.length === 0) {
    out.push(`no changes: base and head decide alike (${d.head.rules} rule${d.head.rules === 1 ? '' : 's'}, ${d.head.ladders} ladder${d.head.ladders === 1 ? '' : 's'})`);
    out.push('');
  }
  for (const s of d.subjects) {
    out.push(`${subjectTitle(s)}: ${s.status}, ${s.effect}`);
    for (const c of s.changes) {
      const p = changePlace(c, true);
      const where = p ? `${locText(p.loc)}${p.side === 'base' ? ' (base)' : ''}: ` : '';
      out.push(`  ${where}${c.effect}: ${c.message}`);
      if (c.note) out.push(`    = note: ${c.note}`);
      const e = entriesText(c);
      if (e) out.push(`    = entries: ${e}`);
    }
    out.push('');
  }
  if (d.limits.length > 0) {
    out.push('limits:');
    for (const l of d.limits) {
      const over = l.head > l.max ? ' (over the limit)' : '';
      out.push(`  ${l.anchor ? `${locText(l.anchor)}: ` : ''}${l.subject}: ${n(l.base)} -> ${n(l.head)} of ${n(l.max)} (headroom ${n(l.max - l.base)} -> ${n(l.max - l.head)})${over}`);
    }
    out.push('');
  }
  const i = d.impact;
  if (i) {
    out.push(`impact on ${i.corpus}: ${i.messages} message${i.messages === 1 ? '' : 's'} in ${i.events} event${i.events === 1 ? '' : 's'} replayed${i.badLines > 0 ? ` (${i.badLines} bad line${i.badLines === 1 ? '' : 's'} skipped)` : ''}`);
    out.push(`  ${i.changed} decision${i.changed === 1 ? '' : 's'} changed: ${i.newlyStopped} newly stopped, ${i.newlyAllowed} newly allowed, ${i.otherwiseChanged} otherwise changed`);
    for (const s of i.subjects) {
      const counts = [
        s.newlyStopped > 0 ? `${s.newlyStopped} newly stopped` : '',
        s.newlyAllowed > 0 ? `${s.newlyAllowed} newly allowed` : '',
        s.changed > 0 ? `${s.changed} otherwise changed` : '',
      ].filter(Boolean);
      out.push(`  ${impactSubjectTitle(s.kind, s.name)}${s.effect ? ` (${s.effect} in this diff)` : ''}: ${counts.join(', ')}`);
      for (const x of s.examples) {
        out.push(`    line ${x.line}: ${x.type} from ${x.who}: ${JSON.stringify(x.text)}`);
        out.push(`      before: ${decisionText(x.before)}`);
        out.push(`      after:  ${decisionText(x.after)}`);
      }
    }
    for (const b of i.badExamples) out.push(`  line ${b.line} skipped: ${b.error}`);
    out.push('');
  }
  const status = options.status !== undefined ? `; exit status ${options.status}` : '';
  out.push(`verdict: ${d.verdict} (${countsText(d)})${status}`);
  // Every line holds names, paths, entries or message texts: each is one line of terminal text.
  return `${out.map(terminalText).join('\n')}\n`;
}
