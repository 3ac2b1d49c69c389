// `hush fmt [paths…]`: the canonical layout of `.policy` files (language/ast-to-text.ts).
// - no flag: prints the formatted text on stdout (with several files, each after a
//   `==> path <==` line, as `head` does);
// - `--write` (`-w`): rewrites the files that are not formatted, in place, and lists them;
// - `--check`: lists the files that are not formatted and exits 1 when there is any.
// Folders are walked for `.policy` files (YAML files are left alone: `hush convert` writes
// those). A file with syntax errors is never formatted: its diagnostics go to stderr (human
// format) and the command exits 1. With no path, the current folder is formatted. A path that
// does not exist, or no .policy file at all, is bad usage (exit 2), as for `hush check`.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, basename, resolve } from 'node:path';
import { discoverFiles } from '../../compiler/load/discover-files.ts';
import { terminalText } from '../render/escape.ts';
import { formatPolicyText } from '../../language/ast-to-text.ts';
import { diagnostic, START_RANGE, type Diagnostic } from '../../language/diagnostic.ts';
import { EXIT, UsageError, type CliIO } from '../io.ts';
import { renderHuman } from '../render/human.ts';

export interface FmtOptions {
  write?: boolean;
  check?: boolean;
}

/** Runs the command; returns the exit status. */
export function runFmt(paths: string[], opts: FmtOptions, io: CliIO): number {
  if (opts.write && opts.check) throw new UsageError('`--write` and `--check` cannot be used together');
  const given = paths.length ? paths : ['.'];
  const missing = given.filter((p) => !existsSync(resolve(io.cwd, p)));
  if (missing.length > 0) throw new UsageError(`no such file or folder: ${missing.join(', ')}`);
  const found = discoverFiles(given, io.cwd);
  const sources = new Map<string, string>();
  const problems: Diagnostic[] = [...found.diagnostics];
  const files = found.files.filter((f) => {
    if (f.form === 'policy') return true;
    // A YAML file named explicitly is a mistake worth telling; one found in a folder is skipped.
    if (given.some((g) => resolve(io.cwd, g) === resolve(io.cwd, f.path))) {
      problems.push(
        diagnostic('hush/io/not-a-policy', 'error', `\`hush fmt\` formats .policy files only: ${f.path}`, f.path, START_RANGE, {
          help: 'use `hush convert` to turn a YAML policy into a .policy file',
        }),
      );
    }
    return false;
  });
  let status: number = EXIT.ok;
  const several = files.length > 1;
  for (const f of files) {
    const abs = resolve(io.cwd, f.path);
    let text: string;
    try {
      text = readFileSync(abs, 'utf8');
    } catch (e) {
      problems.push(diagnostic('hush/io/unreadable', 'error', `cannot read ${f.path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, f.path, START_RANGE));
      continue;
    }
    sources.set(f.path, text);
    const result = formatPolicyText(text, f.path);
    if (result.text === undefined) {
      problems.push(...result.diagnostics);
      continue;
    }
    const changed = result.text !== text;
    if (opts.check) {
      if (changed) {
        io.stdout(`${terminalText(f.path)}\n`);
        status = EXIT.failed;
      }
    } else if (opts.write) {
      if (changed) {
        // Write beside the file, then rename over it, so a failure never leaves half a file.
        const tmp = join(dirname(abs), `.${basename(abs)}.hush-fmt-${process.pid}`);
        try {
          writeFileSync(tmp, result.text);
          renameSync(tmp, abs);
          io.stdout(`${terminalText(f.path)}\n`);
        } catch (e) {
          problems.push(diagnostic('hush/io/unwritable', 'error', `cannot write ${f.path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, f.path, START_RANGE));
        }
      }
    } else {
      if (several) io.stdout(`==> ${terminalText(f.path)} <==\n`);
      io.stdout(result.text);
    }
  }
  if (files.length === 0 && problems.length === 0) throw new UsageError(`no .policy files in ${given.join(', ')}`);
  if (problems.some((d) => d.severity === 'error')) status = EXIT.failed;
  if (problems.length) io.stderr(renderHuman(problems, { getSource: (file) => sources.get(file), color: false }));
  return status;
}
