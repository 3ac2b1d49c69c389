// `hush fmt`: the command's options; the work is in fmt-run.ts, loaded only when the command
// runs so that other commands start without loading the parser.
import type { FmtOptions } from './fmt-run.ts';
import type { RegisterCommand } from './index.ts';

export const registerFmt: RegisterCommand = (program, io, setStatus) => {
  program
    .command('fmt')
    .description('print .policy files in their canonical layout')
    .argument('[paths...]', 'files and folders (folders are walked for .policy files; default: the current folder)')
    .option('-w, --write', 'rewrite the files that are not formatted, in place, and list them')
    .option('--check', 'list the files that are not formatted; exit 1 when there is any')
    .action(async (paths: string[], opts: FmtOptions) => {
      const { runFmt } = await import('./fmt-run.ts');
      setStatus(runFmt(paths, opts, io));
    });
};
