// The counts every format ends with, and the one-line English summary of them
// ("2 errors, 1 warning in 3 files").
import { countBySeverity, type Diagnostic } from '../../language/diagnostic.ts';

export interface Summary {
  errors: number;
  warnings: number;
  infos: number;
  hints: number;
  /** The policy files checked (not only those with diagnostics). */
  files: number;
}

/** Counts by severity; `files` defaults to the number of distinct files the diagnostics name. */
export function summarize(diags: readonly Diagnostic[], files?: number): Summary {
  const c = countBySeverity(diags);
  return {
    errors: c.error,
    warnings: c.warning,
    infos: c.info,
    hints: c.hint,
    files: files ?? new Set(diags.map((d) => d.file)).size,
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "2 errors, 1 warning in 3 files", or "no problems in 3 files"; zero counts are left out. */
export function summaryText(s: Summary): string {
  const parts: string[] = [];
  if (s.errors > 0) parts.push(plural(s.errors, 'error'));
  if (s.warnings > 0) parts.push(plural(s.warnings, 'warning'));
  if (s.infos > 0) parts.push(plural(s.infos, 'info'));
  if (s.hints > 0) parts.push(plural(s.hints, 'hint'));
  return `${parts.length > 0 ? parts.join(', ') : 'no problems'} in ${plural(s.files, 'file')}`;
}
