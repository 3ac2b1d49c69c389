// The machine-readable format (`--format json`), version 1, documented in spec/cli.md:
//
//   { "version": 1,
//     "diagnostics": [ { "code", "severity", "message", "file",
//                        "range": { "start": { "line", "column", "offset"? }, "end": { … } },
//                        "help"?, "related"?: [ { "file", "range", "message" } ],
//                        "fixes"?: [ { "title", "safe", "edits": [ { "range", "newText" } ] } ] } ],
//     "summary": { "errors", "warnings", "infos", "hints", "files" } }
//
// Keys always come in this order. Lines and columns are 1-based (columns in UTF-16 code units),
// offsets 0-based UTF-16; an offset is left out where it is not known (entries of list files).
// A new field may be added within version 1; a field is never renamed or removed without
// raising `version`.
import type { Diagnostic, Position, Range } from '../../language/diagnostic.ts';
import { summarize, type Summary } from './summary.ts';

export const JSON_FORMAT_VERSION = 1;

export interface JsonPosition {
  line: number;
  column: number;
  offset?: number;
}

export interface JsonDiagnostic {
  code: string;
  severity: Diagnostic['severity'];
  message: string;
  file: string;
  range: { start: JsonPosition; end: JsonPosition };
  help?: string;
  related?: { file: string; range: { start: JsonPosition; end: JsonPosition }; message: string }[];
  /** The quick fixes (language/diagnostic.ts `DiagnosticFix`): edits in the diagnostic's file. */
  fixes?: { title: string; safe: boolean; edits: { range: { start: JsonPosition; end: JsonPosition }; newText: string }[] }[];
}

export interface JsonReport {
  version: typeof JSON_FORMAT_VERSION;
  diagnostics: JsonDiagnostic[];
  summary: Summary;
}

export interface JsonOptions {
  /** The number of policy files checked. */
  files?: number;
}

const position = (p: Position): JsonPosition =>
  p.offset >= 0 ? { line: p.line, column: p.column, offset: p.offset } : { line: p.line, column: p.column };
const range = (r: Range) => ({ start: position(r.start), end: position(r.end) });

export function toJsonReport(diags: readonly Diagnostic[], options: JsonOptions = {}): JsonReport {
  return {
    version: JSON_FORMAT_VERSION,
    diagnostics: diags.map((d) => {
      const j: JsonDiagnostic = { code: d.code, severity: d.severity, message: d.message, file: d.file, range: range(d.range) };
      if (d.help !== undefined) j.help = d.help;
      if (d.related && d.related.length > 0) {
        j.related = d.related.map((r) => ({ file: r.file, range: range(r.range), message: r.message }));
      }
      if (d.fixes && d.fixes.length > 0) {
        j.fixes = d.fixes.map((f) => ({ title: f.title, safe: f.safe, edits: f.edits.map((e) => ({ range: range(e.range), newText: e.newText })) }));
      }
      return j;
    }),
    summary: summarize(diags, options.files),
  };
}

export function renderJson(diags: readonly Diagnostic[], options: JsonOptions = {}): string {
  return `${JSON.stringify(toJsonReport(diags, options), null, 2)}\n`;
}
