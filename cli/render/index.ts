// The diagnostic renderers, by format name. Each is a pure function from diagnostics (and, for
// the human format, a way to read source lines) to the text written on stdout.
import type { Diagnostic } from '../../language/diagnostic.ts';
import { renderGithub } from './github.ts';
import { renderHuman } from './human.ts';
import { renderJson } from './json.ts';
import { renderSarif } from './sarif.ts';

export const FORMATS = ['human', 'json', 'sarif', 'github'] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(s: string): s is Format {
  return (FORMATS as readonly string[]).includes(s);
}

export interface RenderOptions {
  /** The text of a file a diagnostic points into (human format only). */
  getSource?: (file: string) => string | undefined;
  /** ANSI colours (human format only). */
  color?: boolean;
  /** The number of policy files checked, for the summaries. */
  files?: number;
  /** The address of the diagnostics catalogue that SARIF rules link to. */
  docs?: string;
  /** The one-line meaning of a code (SARIF rule descriptions). */
  describe?: (code: string) => string | undefined;
  toolVersion?: string;
}

export function renderDiagnostics(format: Format, diags: readonly Diagnostic[], options: RenderOptions = {}): string {
  switch (format) {
    case 'human':
      return renderHuman(diags, { getSource: options.getSource ?? (() => undefined), color: options.color ?? false, files: options.files });
    case 'json':
      return renderJson(diags, { files: options.files });
    case 'sarif':
      return renderSarif(diags, { docs: options.docs, describe: options.describe, toolVersion: options.toolVersion });
    case 'github':
      return renderGithub(diags, { files: options.files });
  }
}
