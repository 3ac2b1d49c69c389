// Shared wording of the diff renderers: a place as `file:line:column`, a change's place (head,
// else base), entry samples, the verdict line and the impact's decision summaries. Names are
// quoted as code spans that no name can close (escape.ts's `markdownCode`), so the titles are
// safe in a terminal and in Markdown alike.
import type { Change, DecisionSummary, DiffLoc, PolicyDiff, SubjectDiff } from '../../compiler/diff/types.ts';
import { countText } from '../../compiler/wording.ts';
import { markdownCode, terminalText } from './escape.ts';

export function locText(l: DiffLoc): string {
  return `${terminalText(l.file)}:${l.line}:${l.column}`;
}

/**
 * The place a change is shown at: where it stands in head, else where it stood in base, else
 * (with `anchor`) the enclosing place in head it is annotated at.
 */
export function changePlace(c: Change, anchor = false): { loc: DiffLoc; side: 'head' | 'base' } | null {
  if (c.head) return { loc: c.head, side: 'head' };
  if (c.base) return { loc: c.base, side: 'base' };
  if (anchor && c.anchor) return { loc: c.anchor, side: 'head' };
  return null;
}

export function entriesText(c: Change): string | undefined {
  if (!c.entries) return undefined;
  const more = c.entries.count - c.entries.sample.length;
  return `${c.entries.sample.map(terminalText).join(', ')}${more > 0 ? `, … and ${countText(more)} more` : ''}`;
}

export function subjectTitle(s: SubjectDiff): string {
  if (s.kind === 'set') return 'policy set';
  if (s.kind === 'quota') return `quota ${markdownCode(String(s.name))}`;
  return `${s.kind} ${markdownCode(String(s.name))}`;
}

export function countsText(d: PolicyDiff): string {
  const total = d.counts.stricter + d.counts.looser + d.counts.both + d.counts.equivalent;
  if (total === 0) return 'no changes';
  const parts = (['looser', 'both', 'stricter', 'equivalent'] as const).filter((e) => d.counts[e] > 0).map((e) => `${d.counts[e]} ${e}`);
  return `${total} change${total === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

export function decisionText(s: DecisionSummary): string {
  const head = `${s.allowed ? 'allowed' : 'stopped'}${s.by ? ` (${s.by})` : ''}`;
  const parts: string[] = [];
  if (s.actions.length > 0) parts.push(s.actions.join(', '));
  if (s.sanctions && s.sanctions.length > 0) parts.push(s.sanctions.join('; '));
  const rules = s.matches.length > 0 ? ` [${s.matches.join(', ')}]` : '';
  return `${head}${parts.length > 0 ? `: ${parts.join('; ')}` : ''}${rules}`;
}

export function impactSubjectTitle(kind: string, name: string | null): string {
  switch (kind) {
    case 'rule':
    case 'ladder':
      return `${kind} ${markdownCode(String(name))}`;
    case 'quota':
      return `quota ${markdownCode(String(name))}`;
    case 'enterprise-blacklist':
      return 'the enterprise blacklist';
    case 'personal-blacklist':
      return `the personal blacklist of ${markdownCode(String(name))}`;
    case 'exempt':
      return 'the exempt customers';
    default:
      return 'state left by earlier events';
  }
}
