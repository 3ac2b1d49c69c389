// `hush diff --format sarif`: every change as a SARIF 2.1.0 result, through the same writer as
// `hush check` (sarif.ts). The rule id is the change's code (`hush/diff/keyword-removed`); looser
// and mixed changes are warnings, stricter and equivalent ones notes; the location is the
// change's anchor in head (code scanning shows results on the head's files) and the place in
// base, when there is one, is a related location.
import type { Diagnostic, Range } from '../../language/diagnostic.ts';
import type { Change, DiffLoc, PolicyDiff } from '../../compiler/diff/types.ts';
import { terminalText } from './escape.ts';
import { renderSarif, type SarifOptions } from './sarif.ts';

function range(l: DiffLoc): Range {
  return { start: { line: l.line, column: l.column, offset: -1 }, end: { line: l.endLine, column: l.endColumn, offset: -1 } };
}

/** The changes of a diff as diagnostics (for SARIF and annotations): one per change with an anchor. */
export function diffDiagnostics(d: PolicyDiff): Diagnostic[] {
  const out: Diagnostic[] = [];
  const all: Change[] = d.subjects.flatMap((s) => s.changes);
  for (const c of all) {
    if (!c.anchor) continue;
    const help = [c.note, c.entries ? `entries: ${c.entries.sample.map(terminalText).join(', ')}${c.entries.count > c.entries.sample.length ? `, … (${c.entries.count} in all)` : ''}` : undefined].filter(Boolean).join('\n');
    const diag: Diagnostic = {
      code: c.code,
      severity: c.effect === 'looser' || c.effect === 'both' ? 'warning' : 'info',
      message: `${c.effect}: ${c.message}`,
      file: c.anchor.file,
      range: range(c.anchor),
    };
    if (help) diag.help = help;
    if (c.base && (c.base.file !== c.anchor.file || c.base.line !== c.anchor.line)) diag.related = [{ file: c.base.file, range: range(c.base), message: 'in base' }];
    out.push(diag);
  }
  return out;
}

export function renderDiffSarif(d: PolicyDiff, options: SarifOptions = {}): string {
  return renderSarif(diffDiagnostics(d), options);
}
