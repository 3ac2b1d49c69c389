// `hush check [paths…]`: checks a policy set (files and folders, both forms mixed; default: the
// current folder) and prints its diagnostics in one of four formats (cli/render/). Exit status:
// 0 when there is no error (and no more warnings than `--max-warnings`), 1 otherwise, 2 for bad
// usage: an unknown format, a path that does not exist, no policy file at all. `--fix` first
// applies the safe quick fixes (check-fix.ts) and reports what is left. spec/cli.md documents it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import type { Diagnostic } from '../../language/diagnostic.ts';
import { readCatalogue } from '../diagnostics-catalogue.ts';
import { EXIT, UsageError, type CliIO } from '../io.ts';
import { FORMATS, renderDiagnostics, type Format } from '../render/index.ts';
import { terminalText } from '../render/escape.ts';
import type { RegisterCommand } from './index.ts';

export interface CheckCommandOptions {
  format?: Format;
  maxWarnings?: number;
  quiet?: boolean;
  /** true: `--color`, false: `--no-color`, undefined: colour when stdout is a terminal. */
  color?: boolean;
  /** Apply the safe quick fixes first (check-fix.ts), then report what is left. */
  fix?: boolean;
}

function toolVersion(): string | undefined {
  try {
    return JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** Files larger than this are not read just to show a line (a 2,000,000-line list is ~40 MB). */
const MAX_SNIPPET_FILE = 256 * 1024 * 1024;

/**
 * Reads the files diagnostics point into: policy files from the checker's own copy (the text it
 * checked), list files from disk on first use. A file that cannot be read has no snippet.
 */
function sourceLookup(sources: Map<string, string>, cwd: string): (file: string) => string | undefined {
  const read = new Map<string, string | undefined>();
  return (file) => {
    const known = sources.get(file);
    if (known !== undefined) return known;
    if (!read.has(file)) {
      let text: string | undefined;
      try {
        const abs = resolve(cwd, file);
        const st = statSync(abs);
        text = st.isFile() && st.size <= MAX_SNIPPET_FILE ? readFileSync(abs, 'utf8') : undefined;
      } catch {
        text = undefined;
      }
      read.set(file, text);
    }
    return read.get(file);
  };
}

/** Runs the command; returns the exit status. */
export async function runCheck(paths: string[], opts: CheckCommandOptions, io: CliIO): Promise<number> {
  const given = paths.length > 0 ? paths : ['.'];
  const missing = given.filter((p) => !existsSync(resolve(io.cwd, p)));
  if (missing.length > 0) {
    throw new UsageError(`no such file or folder: ${missing.join(', ')}`);
  }
  // Loaded here, not at the top, so that the other commands start without the whole checker.
  const { checkPolicySet } = await import('../../compiler/check.ts');
  let result = checkPolicySet(given, { cwd: io.cwd });
  if (result.files.length === 0 && result.diagnostics.length === 0) {
    throw new UsageError(`no policy files (.policy, .policy.yaml) in ${given.join(', ')}`);
  }
  if (opts.fix) {
    const { fixPolicySet } = await import('./check-fix.ts');
    const fixed = fixPolicySet(result, io.cwd, () => checkPolicySet(given, { cwd: io.cwd }));
    result = fixed.result;
    // What changed goes where the report does not: stdout for the human format, else stderr.
    const say = (opts.format ?? 'human') === 'human' ? io.stdout : io.stderr;
    for (const a of fixed.applied) say(`fixed ${terminalText(a.file)}:${a.line}:${a.column}: ${terminalText(a.title)} [${a.code}]\n`);
    for (const f of fixed.failed) io.stderr(`hush: cannot write ${terminalText(f.file)}: ${f.reason}\n`);
    if (fixed.applied.length > 0) say(`${fixed.applied.length} ${fixed.applied.length === 1 ? 'fix' : 'fixes'} applied\n\n`);
  }

  const all: Diagnostic[] = result.diagnostics;
  const shown = opts.quiet ? all.filter((d) => d.severity === 'error') : all;
  const format = opts.format ?? 'human';
  let catalogue: Map<string, string> | undefined;
  io.stdout(
    renderDiagnostics(format, shown, {
      getSource: sourceLookup(result.sources, io.cwd),
      color: opts.color ?? io.isTTY,
      files: result.files.length,
      toolVersion: toolVersion(),
      describe: format === 'sarif' ? (code) => (catalogue ??= readCatalogue()).get(code) : undefined,
    }),
  );

  if (all.some((d) => d.severity === 'error')) return EXIT.failed;
  const warnings = all.filter((d) => d.severity === 'warning').length;
  if (opts.maxWarnings !== undefined && warnings > opts.maxWarnings) {
    io.stderr(`hush: too many warnings: ${warnings} (--max-warnings allows ${opts.maxWarnings})\n`);
    return EXIT.failed;
  }
  return EXIT.ok;
}

function nonNegativeInteger(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a whole number, 0 or more');
  return Number(value.trim());
}

export const registerCheck: RegisterCommand = (program, io, setStatus) => {
  program
    .command('check')
    .description('check a policy set against the language and the platform limits')
    .argument('[paths...]', 'policy files and folders (folders are walked; default: the current folder)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('human'))
    .option('--max-warnings <n>', 'exit 1 when there are more than n warnings', nonNegativeInteger)
    .option('-q, --quiet', 'report errors only')
    .option('--color', 'colour the human format even when stdout is not a terminal')
    .option('--no-color', 'never colour the output')
    .option('--fix', 'apply the safe quick fixes (full-width punctuation, `60 minutes`, repeated keywords), then report what is left')
    .action(async (paths: string[], opts: CheckCommandOptions) => {
      setStatus(await runCheck(paths, opts, io));
    });
};
