// `hush convert FILE [--to policy|yaml] [-o OUT]`: turns a `.policy` file into the YAML form or
// back (language/ast-to-yaml.ts, language/ast-to-text.ts). The input's form comes from its name
// (`.policy`; `.policy.yaml`, `.yaml`, `.yml`); the output is the other form unless `--to` says
// otherwise (the same form gives the file's canonical layout). It is printed on stdout, or
// written to OUT with `-o`. A file with errors is never converted: its diagnostics go to stderr
// and the command exits 1; so does a `.policy` file that says something twice that the YAML form
// can say only once (`hush/yaml/not-expressible`). Comments are kept, both ways, on their
// statements (language/ast-to-yaml.ts).
//
// A policy set is a folder: a second form of a policy beside the first would be the same policy
// twice in it. So `-o OUT` refuses (`hush/convert/would-duplicate`, exit 2) when OUT's folder holds
// another form of the policy already: the input itself, or a file of OUT's name in another form
// (`retail.policy` beside `retail.policy.yaml`). With `--replace` it writes OUT (to a temporary
// file, renamed over OUT) and then removes the other forms, so the set holds the policy once.
import { existsSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
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
  /** Remove the other forms of the policy beside the output (else their presence is refused). */
  replace?: boolean;
}

const WOULD_DUPLICATE = 'hush/convert/would-duplicate';

/** A file name without the extension of its form: `retail` for `retail.policy` and `retail.policy.yaml`. */
function stem(name: string): string {
  return name.replace(/(\.policy)?\.(ya?ml)$/i, '').replace(/\.policy$/i, '');
}

/**
 * The files beside `target` that hold the policy in another form (or another copy): the input
 * when it is in the same folder, and files of the target's stem with a policy extension.
 */
export function otherForms(input: string, target: string): string[] {
  const dir = dirname(target);
  const out = new Set<string>();
  if (dirname(input) === dir && input !== target) out.add(input);
  const s = stem(basename(target));
  for (const ext of ['.policy', '.policy.yaml', '.policy.yml']) {
    const p = join(dir, s + ext);
    if (p !== target && existsSync(p) && statSync(p).isFile()) out.add(p);
  }
  return [...out].sort();
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
  const target = resolve(io.cwd, opts.output);
  const others = otherForms(abs, target);
  if (others.length > 0 && !opts.replace) {
    const names = others.map((o) => relative(io.cwd, o) || o).join(', ');
    throw new UsageError(
      `${WOULD_DUPLICATE}: ${opts.output} would sit beside ${names}, the same policy in another form: the policy set would hold it twice; give --replace to write ${opts.output} and remove ${names}, or write it to another folder`,
    );
  }
  // Write beside the target, then rename over it, so a failure never leaves half a file; only
  // then remove the other forms.
  const tmp = join(dirname(target), `.${basename(target)}.hush-convert-${process.pid}`);
  try {
    writeFileSync(tmp, out);
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    report([diagnostic('hush/io/unwritable', 'error', `cannot write ${opts.output}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, opts.output, START_RANGE)], new Map());
    return EXIT.failed;
  }
  for (const o of others) {
    try {
      unlinkSync(o);
    } catch (e) {
      report([diagnostic('hush/io/unwritable', 'error', `wrote ${opts.output} but cannot remove ${relative(io.cwd, o)}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, relative(io.cwd, o), START_RANGE)], new Map());
      return EXIT.failed;
    }
  }
  return EXIT.ok;
}
