// The safety net for an IR that grows: a field of a rule, a ladder or the set that this diff
// does not know by name is still compared, and a change to it is reported as `both` (it may
// decide anything), so a new construct can never change decisions without the diff saying so.
import { DIFF_CODES } from './codes.ts';
import { q } from './describe.ts';
import type { Change, DiffLoc } from './types.ts';

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? 'nothing';
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

export function genericFieldChanges(subject: string, base: object, head: object, known: readonly string[], anchor: DiffLoc | null): Change[] {
  const out: Change[] = [];
  const b = base as Record<string, unknown>;
  const h = head as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(h)])].filter((k) => !known.includes(k)).sort();
  for (const k of keys) {
    if (JSON.stringify(b[k]) === JSON.stringify(h[k])) continue;
    out.push({
      code: DIFF_CODES['field-changed'],
      effect: 'both',
      message: `${q(k)} of ${subject}: ${show(b[k])} -> ${show(h[k])}`,
      note: 'this version of hush diff does not know the field; it is classed `both` to be safe',
      base: null,
      head: null,
      anchor,
    });
  }
  return out;
}
