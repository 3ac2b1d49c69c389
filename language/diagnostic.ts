// The one diagnostic type of Hush. Every phase (lexer, parser, YAML front end, list loading,
// checks, limits, compiler, runtime validation) reports problems as these values; the CLI, the
// language server and CI render them. Nothing here knows about LSP.

/** A point in a file: 1-based line, 1-based column in UTF-16 code units, 0-based UTF-16 offset. */
export interface Position {
  line: number;
  column: number;
  offset: number;
}

/** A half-open span: `start` is the first character, `end` is just past the last one. */
export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface RelatedInformation {
  file: string;
  range: Range;
  message: string;
}

/** A replacement of `range` (in the diagnostic's own file) by `newText`. */
export interface TextEdit {
  range: Range;
  newText: string;
}

/**
 * A repair a diagnostic carries: the language server offers it as a quick fix, and
 * `hush check --fix` applies it when it is `safe` (it keeps what the author evidently meant:
 * `，` to `,`, `60 minutes` to `60m`; a guess such as `recal` to `recall` is not safe).
 */
export interface DiagnosticFix {
  title: string;
  edits: TextEdit[];
  safe: boolean;
}

export interface Diagnostic {
  /** A stable code such as `hush/limit/keywords-per-rule`, catalogued in spec/diagnostics.md. */
  code: string;
  severity: Severity;
  /** Lower case, no trailing period. */
  message: string;
  /** The file the range points into, as given to the phase (usually relative to the cwd). */
  file: string;
  range: Range;
  /** A separate line of advice ("try `from \"file\"` for long lists"). */
  help?: string;
  related?: RelatedInformation[];
  /** Repairs, when there is an obvious one (see `DiagnosticFix`). */
  fixes?: DiagnosticFix[];
}

/** The range of a whole file that has no better anchor (a missing file, an empty file). */
export const START_RANGE: Range = {
  start: { line: 1, column: 1, offset: 0 },
  end: { line: 1, column: 1, offset: 0 },
};

export function diagnostic(
  code: string,
  severity: Severity,
  message: string,
  file: string,
  range: Range,
  extra: { help?: string; related?: RelatedInformation[]; fixes?: DiagnosticFix[] } = {},
): Diagnostic {
  const d: Diagnostic = { code, severity, message, file, range };
  if (extra.help !== undefined) d.help = extra.help;
  if (extra.related !== undefined && extra.related.length > 0) d.related = extra.related;
  if (extra.fixes !== undefined && extra.fixes.length > 0) d.fixes = extra.fixes;
  return d;
}

const severityRank: Record<Severity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

/** Sorts by file, then start offset, then severity, then code: the order users see. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.range.start.offset - b.range.start.offset ||
      severityRank[a.severity] - severityRank[b.severity] ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}

export function countBySeverity(ds: readonly Diagnostic[]): Record<Severity, number> {
  const c: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const d of ds) c[d.severity]++;
  return c;
}
