// `hush init [DIR] [--force]`: scaffolds a policy set in DIR (default: the current folder): a
// commented example policy that `hush check` passes without a diagnostic, the list files it
// loads, decision fixtures that `hush test` passes, a sample corpus for `hush diff`, the CI
// workflow (`.github/workflows/hush.yml`, adapted from examples/ci) and a short README. The files
// are copied from cli/init-template/. A folder that holds anything already is refused (exit 2)
// unless `--force`, which writes the scaffold's files over any of the same name and leaves every
// other file alone.
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { EXIT, UsageError, type CliIO } from '../io.ts';
import { terminalText } from '../render/escape.ts';
import type { RegisterCommand } from './index.ts';

export const TEMPLATE = join(import.meta.dirname, '../init-template');

const NOT_EMPTY = 'hush/init/not-empty';
const NOT_A_FOLDER = 'hush/init/not-a-folder';

export interface InitOptions {
  force?: boolean;
}

/** The template's files, relative to the template folder, in a stable order. */
export function templateFiles(dir = TEMPLATE): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

export function runInit(dir: string | undefined, opts: InitOptions, io: CliIO): number {
  const target = resolve(io.cwd, dir ?? '.');
  const shown = terminalText(dir ?? '.');
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new UsageError(`${NOT_A_FOLDER}: ${shown} is a file, not a folder`);
    if (readdirSync(target).length > 0 && !opts.force) {
      throw new UsageError(`${NOT_EMPTY}: ${shown} is not empty; name a new or empty folder, or give --force to write the scaffold's files into it (files of the same name are replaced)`);
    }
  }
  const files = templateFiles();
  try {
    for (const f of files) {
      const to = join(target, f);
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(join(TEMPLATE, f), to);
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    io.stderr(`error[hush/io/unwritable]: cannot write the scaffold into ${shown}: ${err.code ?? err.message}\n`);
    return EXIT.failed;
  }
  io.stdout(`made a policy set in ${shown}:\n${files.map((f) => `  ${f}\n`).join('')}`);
  const cd = dir && dir !== '.' ? `cd ${shown} && ` : '';
  io.stdout(`next: ${cd}hush check . && hush test .\n`);
  return EXIT.ok;
}

export const registerInit: RegisterCommand = (program, io, setStatus) => {
  program
    .command('init')
    .description('scaffold a policy set: a commented example policy, its lists, decision fixtures, the CI workflow and a README')
    .argument('[dir]', 'the folder to make it in (default: the current folder)')
    .option('--force', 'write into a folder that is not empty (files of the same name are replaced)')
    .action((dir: string | undefined, opts: InitOptions) => {
      setStatus(runInit(dir, opts, io));
    });
};
