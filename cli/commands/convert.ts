// `hush convert`: the command's options; the work is in convert-run.ts, loaded only when the command
// runs so that other commands start without loading the parser.
import { Option } from 'commander';
import type { ConvertOptions } from './convert-run.ts';
import type { RegisterCommand } from './index.ts';

export const registerConvert: RegisterCommand = (program, io, setStatus) => {
  program
    .command('convert')
    .description('convert a policy file between the .policy form and the YAML form')
    .argument('<file>', 'a .policy file, or a .policy.yaml / .yaml file')
    .addOption(new Option('--to <form>', 'the form to write (default: the other form)').choices(['policy', 'yaml']))
    .option('-o, --output <out>', 'write to this file instead of stdout')
    .option('--replace', 'with -o: remove the other form of the policy beside the output (refused without it)')
    .action(async (file: string, opts: ConvertOptions) => {
      const { runConvert } = await import('./convert-run.ts');
      setStatus(runConvert(file, opts, io));
    });
};
