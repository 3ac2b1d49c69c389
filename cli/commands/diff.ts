// `hush diff BASE HEAD`: the semantic diff of two versions of a policy set (compiler/diff/):
// rules, keywords, lists, groups, `when` lines, ladder steps and limit headroom, each change
// anchored to its line and classed stricter, looser, both or equivalent; with `--corpus`, the
// decisions a sample of real events would get from each side. BASE and HEAD are paths or
// `REV:path`; `--base-ref REV` reads the base from git at HEAD's path. Exit status: 0 when
// nothing got looser (no change, stricter or equivalent only), 1 when something did (or a side
// has errors), 2 for bad usage. spec/cli.md documents it all.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option } from 'commander';
import type { Diagnostic } from '../../language/diagnostic.ts';
import { readCatalogue } from '../diagnostics-catalogue.ts';
import { EXIT, UsageError, type CliIO } from '../io.ts';
import { renderDiagnostics } from '../render/index.ts';
import { DIFF_FORMATS, renderDiff, type DiffFormat } from '../render/diff.ts';
import type { RegisterCommand } from './index.ts';

export const FAIL_ON = ['looser', 'change', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export interface DiffCommandOptions {
  format?: DiffFormat;
  baseRef?: string;
  corpus?: string;
  failOn?: FailOn;
}

function toolVersion(): string | undefined {
  try {
    return JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
  } catch {
    return undefined;
  }
}

function describer(): (code: string) => string | undefined {
  const catalogue = readCatalogue();
  return (code) => catalogue.get(code);
}

function statusOf(verdict: string, failOn: FailOn): number {
  if (failOn === 'never') return EXIT.ok;
  if (failOn === 'change') return verdict === 'none' ? EXIT.ok : EXIT.failed;
  return verdict === 'looser' || verdict === 'both' ? EXIT.failed : EXIT.ok;
}

/** Runs the command; returns the exit status. */
export async function runDiff(args: string[], opts: DiffCommandOptions, io: CliIO): Promise<number> {
  let baseArg: string;
  let headArg: string;
  if (opts.baseRef !== undefined) {
    if (args.length > 1) throw new UsageError('with `--base-ref`, give one path (the head; the base is the same path at the revision)');
    headArg = args[0] ?? '.';
    baseArg = headArg;
  } else {
    if (args.length !== 2) throw new UsageError('give two policy sets, BASE and HEAD (a path, or REV:path), or `--base-ref REV` and one path');
    [baseArg, headArg] = args;
  }
  if (opts.corpus !== undefined) {
    const p = resolve(io.cwd, opts.corpus);
    if (!existsSync(p) || !statSync(p).isFile()) throw new UsageError(`no such corpus file: ${opts.corpus}`);
  }
  const { loadSide, parseSideSpec, SideError } = await import('../../compiler/diff/load-side.ts');
  const { diffPolicySets } = await import('../../compiler/diff/policy-diff.ts');
  const disposers: (() => void)[] = [];
  try {
    const load = (arg: string, ref?: string) => {
      try {
        const l = loadSide(parseSideSpec(arg, io.cwd, ref), io.cwd);
        disposers.push(l.dispose);
        return l;
      } catch (e) {
        if (e instanceof SideError) throw new UsageError(e.message);
        throw e;
      }
    };
    const base = load(baseArg, opts.baseRef);
    // The same argument twice: one load serves both sides.
    const head = opts.baseRef === undefined && baseArg === headArg ? base : load(headArg);
    for (const [name, side] of [
      ['base', base],
      ['head', head],
    ] as const) {
      if (side.side) continue;
      const errors: Diagnostic[] = side.diagnostics.filter((d) => d.severity === 'error');
      io.stderr(renderDiagnostics('human', errors, { getSource: (f) => side.sources.get(f), color: false }));
      io.stderr(`hush: the ${name} policy set (${name === 'base' ? (opts.baseRef !== undefined ? `${opts.baseRef}:${baseArg}` : baseArg) : headArg}) has errors; there is nothing to diff\n`);
      return EXIT.failed;
    }
    const diff = diffPolicySets(base.side!, head.side!);
    if (opts.corpus !== undefined) {
      const { causeEffects, replayCorpus } = await import('../../compiler/diff/corpus-impact.ts');
      const corpus = readFileSync(resolve(io.cwd, opts.corpus), 'utf8');
      diff.impact = replayCorpus(base.side!.ir, head.side!.ir, corpus, { corpus: opts.corpus, effects: causeEffects(diff) });
    }
    const status = statusOf(diff.verdict, opts.failOn ?? 'looser');
    const format = opts.format ?? 'human';
    io.stdout(
      renderDiff(format, diff, {
        status,
        toolVersion: toolVersion(),
        describe: format === 'sarif' ? describer() : undefined,
      }),
    );
    return status;
  } finally {
    for (const d of disposers) d();
  }
}

export const registerDiff: RegisterCommand = (program, io, setStatus) => {
  program
    .command('diff')
    .description('show what a policy change does: rules, keywords, lists, steps, limits, and its impact on real messages')
    .argument('[sets...]', 'BASE and HEAD: policy files or folders, or REV:path for a git revision of one')
    .addOption(new Option('-f, --format <format>', 'output format').choices(DIFF_FORMATS).default('human'))
    .option('--base-ref <rev>', 'read the base from git: the head path as it is at this revision')
    .option('--corpus <file>', 'replay these events (JSON Lines) through both sides and report the decisions that changed')
    .addOption(new Option('--fail-on <when>', 'when to exit 1: a looser change, any change, or never').choices(FAIL_ON).default('looser'))
    .action(async (sets: string[], opts: DiffCommandOptions) => {
      setStatus(await runDiff(sets, opts, io));
    });
};
