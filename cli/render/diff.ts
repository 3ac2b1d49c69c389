// The `hush diff` renderers by format name: human text, JSON (the diff as data, spec/cli.md),
// Markdown for a pull-request comment, SARIF 2.1.0 and GitHub annotations. Each is a pure
// function of the diff.
import type { PolicyDiff } from '../../compiler/diff/types.ts';
import { renderDiffGithub } from './diff-github.ts';
import { renderDiffHuman, type DiffRenderOptions } from './diff-human.ts';
import { renderDiffMarkdown } from './diff-markdown.ts';
import { renderDiffSarif } from './diff-sarif.ts';

export const DIFF_FORMATS = ['human', 'json', 'markdown', 'sarif', 'github'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

export interface DiffRenderAllOptions extends DiffRenderOptions {
  toolVersion?: string;
  describe?: (code: string) => string | undefined;
}

export function renderDiff(format: DiffFormat, d: PolicyDiff, options: DiffRenderAllOptions = {}): string {
  switch (format) {
    case 'human':
      return renderDiffHuman(d, options);
    case 'json':
      return `${JSON.stringify(d, null, 2)}\n`;
    case 'markdown':
      return renderDiffMarkdown(d, options);
    case 'sarif':
      return renderDiffSarif(d, { toolVersion: options.toolVersion, describe: options.describe });
    case 'github':
      return renderDiffGithub(d, options);
  }
}
