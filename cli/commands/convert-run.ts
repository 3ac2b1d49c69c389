// `hush convert FILE [--to policy|yaml] [-o OUT]`: turns a `.policy` file into the YAML form or
// back (language/ast-to-yaml.ts, language/ast-to-text.ts). The input's form comes from its name
// (`.policy`; `.policy.yaml`, `.yaml`, `.yml`); the output is the other form unless `--to` says
// otherwise (the same form gives the file's canonical layout). It is printed on stdout, or
// written to OUT with `-o`. A file with errors is never converted: its diagnostics go to stderr
// and the command exits 1; so does a `.policy` file that says something twice that the YAML form
// can say only once (`hush/yaml/not-expressible`). Comments are kept.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Option } from 'commander';
import { formatPolicy } from '../../language/ast-to-text.ts';
import { astToYaml, yamlConversionProblems } from '../../language/ast-to-yaml.ts';
import { diagnostic, hasErrors, sortDiagnostics, START_RANGE, type Diagnostic } from '../../language/diagnostic.ts';
import { parsePolicy } from '../../language/text-to-ast.ts';
import { parseYamlPolicy } from '../../language/yaml-to-ast.ts';
import { EXIT, UsageError, type CliIO } from '../io.ts';
import { renderDiagnostics } from '../render/index.ts';

export type Form = 'policy' | 'yaml';

export interface ConvertOptions {
  to?: Form;
  output?: string;
}

/** The form of a file by its name, or undefined when the name does not tell. */
export function formOfName(path: string): Form | undefined {
  if (/\.policy$/i.test(path)) return 'policy';
  if (/\.ya?ml$/i.test(path)) return 'yaml';
  return undefined;
}

/** Runs the command; returns the exit status. */
export function runConvert(file: string, opts: ConvertOptions, io: CliIO): number {
  const from = formOfName(file);
  if (!from) throw new UsageError(`cannot tell the form of ${file} from its name: use .policy, .policy.yaml or .yaml`);
  const abs = resolve(io.cwd, file);
  if (!existsSync(abs)) throw new UsageError(`no such file: ${file}`);
  const to: Form = opts.to ?? (from === 'policy' ? 'yaml' : 'policy');

  const report = (ds: readonly Diagnostic[], sources: Map<string, string>) => {
    if (ds.length === 0) return;
    io.stderr(renderDiagnostics('human', sortDiagnostics(ds), { getSource: (f) => sources.get(f), color: io.isTTY, files: 1 }));
  };

  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    report([diagnostic('hush/io/unreadable', 'error', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, file, START_RANGE)], new Map());
    return EXIT.failed;
  }
  const sources = new Map([[file, text]]);
  const parsed = from === 'policy' ? parsePolicy(text, file) : parseYamlPolicy(text, file);
  const problems = [...parsed.diagnostics];
  if (!hasErrors(problems) && to === 'yaml') problems.push(...yamlConversionProblems(parsed.ast));
  report(problems, sources);
  if (hasErrors(problems)) return EXIT.failed;

  const out = to === 'yaml' ? astToYaml(parsed.ast) : formatPolicy(parsed.ast);
  if (!opts.output) {
    io.stdout(out);
    return EXIT.ok;
  }
  // Write beside the target, then rename over it, so a failure never leaves half a file.
  const target = resolve(io.cwd, opts.output);
  const tmp = join(dirname(target), `.${basename(target)}.hush-convert-${process.pid}`);
  try {
    writeFileSync(tmp, out);
    renameSync(tmp, target);
  } catch (e) {
    report([diagnostic('hush/io/unwritable', 'error', `cannot write ${opts.output}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, opts.output, START_RANGE)], new Map());
    return EXIT.failed;
  }
  return EXIT.ok;
}
