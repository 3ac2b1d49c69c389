// SARIF 2.1.0 (`--format sarif`), the format GitHub code scanning and most CI dashboards read.
// One run; the driver lists one rule per diagnostic code that occurs, each with its one-line
// meaning from the catalogue (spec/diagnostics.md) and a link to it at a stable public address
// (docs-url.ts; never a file path on the machine that ran Hush). Our positions map directly: SARIF lines and columns are 1-based,
// columns count UTF-16 code units (`columnKind: utf16CodeUnits`, stated explicitly), and the
// end column is exclusive, as ours is. File paths become relative URIs with forward slashes.
// Messages are plain `message.text` (never `markdown`, which viewers render), with control,
// bidirectional and invisible characters written as visible escapes (escape.ts).
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, Range, Severity } from '../../language/diagnostic.ts';
import { docsUrl } from './docs-url.ts';
import { sarifText } from './escape.ts';

export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

export interface SarifOptions {
  /** The address of the diagnostics catalogue, which every rule links to (default: docs-url.ts). */
  docs?: string;
  /** The one-line meaning of a code, when known; otherwise one is made from the code's name. */
  describe?: (code: string) => string | undefined;
  toolVersion?: string;
}

const level: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** Makes a description of a code from its name: hush/limit/keywords-per-rule gives "limit: keywords per rule". */
function describeCode(code: string): string {
  const parts = code.split('/').filter((p) => p !== 'hush');
  const name = (parts.pop() ?? code).replace(/-/g, ' ');
  return parts.length > 0 ? `${parts.join(' ')}: ${name}` : name;
}

/** A file path as a URI reference: relative ones with forward slashes, absolute ones as file: URLs. */
export function fileUri(file: string): string {
  if (isAbsolute(file) || /^[A-Za-z]:[\\/]/.test(file)) return pathToFileURL(file).href;
  return file.split(/[\\/]/).map((seg) => (seg === '.' || seg === '..' ? seg : encodeURIComponent(seg))).join('/');
}

const region = (r: Range) => ({
  startLine: r.start.line,
  startColumn: r.start.column,
  endLine: r.end.line,
  endColumn: r.end.column,
});

const physicalLocation = (file: string, r: Range) => ({ artifactLocation: { uri: fileUri(file) }, region: region(r) });

export function toSarif(diags: readonly Diagnostic[], options: SarifOptions = {}) {
  const docs = options.docs ?? docsUrl();
  const codes = [...new Set(diags.map((d) => d.code))].sort();
  const ruleIndex = new Map(codes.map((c, i) => [c, i]));
  const rules = codes.map((code) => ({
    id: code,
    shortDescription: { text: sarifText(options.describe?.(code) ?? describeCode(code)) },
    helpUri: docs,
  }));
  const results = diags.map((d) => {
    const result: Record<string, unknown> = {
      ruleId: d.code,
      ruleIndex: ruleIndex.get(d.code),
      level: level[d.severity],
      message: { text: d.help !== undefined ? `${sarifText(d.message)}\nhelp: ${sarifText(d.help)}` : sarifText(d.message) },
      locations: [{ physicalLocation: physicalLocation(d.file, d.range) }],
    };
    if (d.related && d.related.length > 0) {
      result.relatedLocations = d.related.map((r, i) => ({
        id: i,
        physicalLocation: physicalLocation(r.file, r.range),
        message: { text: sarifText(r.message) },
      }));
    }
    return result;
  });
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0' as const,
    runs: [
      {
        tool: {
          driver: {
            name: 'hush',
            ...(options.toolVersion !== undefined ? { version: options.toolVersion } : {}),
            informationUri: docs,
            rules,
          },
        },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

export function renderSarif(diags: readonly Diagnostic[], options: SarifOptions = {}): string {
  return `${JSON.stringify(toSarif(diags, options), null, 2)}\n`;
}
