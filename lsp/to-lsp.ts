// The edge between Hush's positions and the protocol's. Hush counts lines and columns from 1
// (columns in UTF-16 code units) and keeps a 0-based UTF-16 offset; LSP counts both from 0, in
// UTF-16 code units (the encoding this server announces). `toLspRange` is the one function that
// converts a Hush range; everything in lsp/ that sends a range goes through it, and nothing
// outside lsp/ ever sees a 0-based position.
import type { Diagnostic as LspDiagnostic, DiagnosticRelatedInformation, Range as LspRange } from 'vscode-languageserver';
import { DiagnosticSeverity } from 'vscode-languageserver';
import type { Diagnostic, Range, Severity } from '../language/diagnostic.ts';

/** Anything that turns a 0-based UTF-16 offset into an LSP position: a TextDocument does. */
export interface PositionSource {
  positionAt(offset: number): { line: number; character: number };
}

/**
 * A Hush range as an LSP range. When the text the range points into is at hand, the offsets
 * decide (so a lone `\r`, which LSP counts as a line break and Hush does not, still lands on the
 * client's line); ranges without offsets (list-file entries carry -1) use line and column.
 */
export function toLspRange(range: Range, text?: PositionSource): LspRange {
  if (text && range.start.offset >= 0 && range.end.offset >= range.start.offset) {
    return { start: text.positionAt(range.start.offset), end: text.positionAt(range.end.offset) };
  }
  return {
    start: { line: Math.max(0, range.start.line - 1), character: Math.max(0, range.start.column - 1) },
    end: { line: Math.max(0, range.end.line - 1), character: Math.max(0, range.end.column - 1) },
  };
}

const severities: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** What a published diagnostic carries for the code actions (`data` comes back unchanged). */
export interface DiagnosticData {
  help?: string;
}

/**
 * A Hush diagnostic as an LSP one. The help line is appended to the message (LSP has no field
 * for it) and kept in `data` for the quick fixes. `locate` turns a file of a related location
 * into its URI and text.
 */
export function toLspDiagnostic(
  d: Diagnostic,
  text: PositionSource | undefined,
  locate: (file: string) => { uri: string; text?: PositionSource },
): LspDiagnostic {
  const out: LspDiagnostic = {
    range: toLspRange(d.range, text),
    severity: severities[d.severity],
    code: d.code,
    source: 'hush',
    message: d.help ? `${d.message}\nhelp: ${d.help}` : d.message,
  };
  if (d.help) out.data = { help: d.help } satisfies DiagnosticData;
  if (d.related?.length) {
    out.relatedInformation = d.related.map((r): DiagnosticRelatedInformation => {
      const at = locate(r.file);
      return { location: { uri: at.uri, range: toLspRange(r.range, at.text) }, message: r.message };
    });
  }
  return out;
}

/** The LSP range of a span of offsets in an open text (completion edits, quick fixes). */
export function spanToLsp(start: number, end: number, text: PositionSource): LspRange {
  return { start: text.positionAt(start), end: text.positionAt(Math.max(start, end)) };
}

/** Anything that turns an LSP position into a 0-based UTF-16 offset: a TextDocument does. */
export interface OffsetSource {
  offsetAt(position: { line: number; character: number }): number;
}
