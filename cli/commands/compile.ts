// `hush compile [paths…]`: checks a policy set and compiles it. By default it writes the
// generated module into `.hush/` in the set's root (`policy.mjs`, `policy.d.ts` and, for a set
// with large lists, `policy.data.bin`); `-o DIR` writes elsewhere. `--emit ir` prints the IR as
// canonical JSON instead. `--check` writes nothing and exits 1 when the files in the output
// folder are missing or differ from what compiling now would write (for CI). A set with errors
// gets its diagnostics on stderr and exit status 1. spec/cli.md documents it.
import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Option } from 'commander';
import { EXIT, UsageError, type CliIO } from '../io.ts';
import { renderDiagnostics } from '../render/index.ts';
import type { RegisterCommand } from './index.ts';

export interface CompileCommandOptions {
  outDir?: string;
  emit?: 'module' | 'ir';
  check?: boolean;
}

const EMITS = ['module', 'ir'] as const;

function size(n: number): string {
  return n < 1024 ? `${n} B` : n < 1 << 20 ? `${(n / 1024).toFixed(1)} KB` : `${(n / (1 << 20)).toFixed(1)} MB`;
}

/** A usage error when `path` is a symbolic link: outputs are never written through one. */
function refuseLink(path: string, shown: string): void {
  let link = false;
  try {
    link = lstatSync(path).isSymbolicLink();
  } catch {
    return; // not there yet
  }
  if (link) throw new UsageError(`hush/io/symlink: ${shown} is a symbolic link; hush compile does not write through links (remove it first)`);
}

function isRegularFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
}

/** Runs the command; returns the exit status. */
export async function runCompile(paths: string[], opts: CompileCommandOptions, io: CliIO): Promise<number> {
  const given = paths.length > 0 ? paths : ['.'];
  const missing = given.filter((p) => !existsSync(resolve(io.cwd, p)));
  if (missing.length > 0) throw new UsageError(`no such file or folder: ${missing.join(', ')}`);
  if (opts.check && opts.emit === 'ir') throw new UsageError('`--check` compares the written module; it cannot be used with `--emit ir`');
  const { policySetToIr, irToJson } = await import('../../compiler/lower/policy-set-to-ir.ts');
  const r = policySetToIr(given, { cwd: io.cwd });
  if (r.check.files.length === 0 && r.diagnostics.length === 0) {
    throw new UsageError(`no policy files (.policy, .policy.yaml) in ${given.join(', ')}`);
  }
  const shown = r.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning');
  if (shown.length > 0) {
    io.stderr(
      renderDiagnostics('human', shown, {
        getSource: (f) => r.check.sources.get(f),
        color: false,
        files: r.check.files.length,
      }),
    );
  }
  if (!r.ir) {
    io.stderr('hush: the policy set has errors; nothing was compiled\n');
    return EXIT.failed;
  }
  if (opts.emit === 'ir') {
    io.stdout(irToJson(r.ir));
    return EXIT.ok;
  }
  const { compileToModule } = await import('../../compiler/codegen/ir-to-ts.ts');
  const { DEFAULT_BASE_NAME, DEFAULT_OUT_DIR } = await import('../../compiler/codegen/load-module.ts');
  const outDir = opts.outDir !== undefined ? resolve(io.cwd, opts.outDir) : join(r.check.model.root, DEFAULT_OUT_DIR);
  const m = compileToModule(r.ir, { baseName: DEFAULT_BASE_NAME });
  const files: [string, Uint8Array | string][] = [
    [`${DEFAULT_BASE_NAME}.mjs`, m.js],
    [`${DEFAULT_BASE_NAME}.d.ts`, m.dts],
  ];
  if (m.dataFile) files.push([m.dataFile, m.data]);
  const sidecar = join(outDir, `${DEFAULT_BASE_NAME}.data.bin`);
  const shownDir = relative(io.cwd, outDir) || '.';

  if (opts.check) {
    const stale: string[] = [];
    for (const [name, content] of files) {
      const file = join(outDir, name);
      const want = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
      if (!isRegularFile(file) || !readFileSync(file).equals(want)) stale.push(name);
    }
    if (!m.dataFile && existsSync(sidecar)) stale.push(`${DEFAULT_BASE_NAME}.data.bin (no longer used)`);
    if (stale.length > 0) {
      io.stderr(`hush: the compiled module in ${shownDir} is stale: ${stale.join(', ')}\n`);
      io.stderr('hush: run `hush compile` and commit the result\n');
      return EXIT.failed;
    }
    io.stdout(`${shownDir}: up to date (${r.ir.rules.length} rule${r.ir.rules.length === 1 ? '' : 's'}, hash ${m.hash})\n`);
    return EXIT.ok;
  }

  // The output folder and files may be links planted in the repository (`policy.d.ts ->
  // ~/victim`, a linked `.hush`): refuse them, and write each file to a temporary name beside it
  // and rename it into place, so a reader never sees half a module and nothing is written
  // through a link.
  refuseLink(outDir, shownDir);
  mkdirSync(outDir, { recursive: true });
  refuseLink(outDir, shownDir);
  for (const [name] of files) refuseLink(join(outDir, name), join(shownDir, name));
  refuseLink(sidecar, join(shownDir, `${DEFAULT_BASE_NAME}.data.bin`));
  for (const [name, content] of files) {
    const tmp = join(outDir, `.${name}.${process.pid}.tmp`);
    writeFileSync(tmp, content, { flag: 'wx' });
    renameSync(tmp, join(outDir, name));
  }
  if (!m.dataFile && existsSync(sidecar)) rmSync(sidecar);
  // This machine's Hush generated these bytes for this IR: commands may import them (the trust
  // model of spec/cli.md; compiler/codegen/trusted-modules.ts).
  const { moduleDigest, recordTrusted } = await import('../../compiler/codegen/trusted-modules.ts');
  recordTrusted(moduleDigest(m.js, m.dataFile ? m.data : null), m.hash);
  const parts = files.map(([name, content]) => `${name} (${size(typeof content === 'string' ? Buffer.byteLength(content) : content.length)})`);
  io.stdout(`compiled ${r.ir.rules.length} rule${r.ir.rules.length === 1 ? '' : 's'} into ${shownDir}: ${parts.join(', ')}\n`);
  return EXIT.ok;
}

export const registerCompile: RegisterCommand = (program, io, setStatus) => {
  program
    .command('compile')
    .description('check a policy set and compile it to a JavaScript module (or print its IR)')
    .argument('[paths...]', 'policy files and folders (default: the current folder)')
    .option('-o, --out-dir <dir>', 'where to write the module (default: .hush/ in the policy set\'s root)')
    .addOption(new Option('--emit <what>', 'what to produce: the module, or the IR as JSON on stdout').choices(EMITS).default('module'))
    .option('--check', 'write nothing; exit 1 when the written module is missing or stale')
    .action(async (paths: string[], opts: CompileCommandOptions) => {
      setStatus(await runCompile(paths, opts, io));
    });
};
