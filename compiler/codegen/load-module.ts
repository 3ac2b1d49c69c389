// Loading generated policy modules (ir-to-ts.ts): from text in memory, from the `.hush/` folder
// `hush compile` writes, or compiled afresh from the IR.
import { lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compiledRuntime, SUPPORT_VERSION, type CompiledModulePolicy } from '../../runtime/policy/generated/compiled-support.ts';
import type { IrPolicySet } from '../../runtime/ir.ts';
import { irHash } from '../lower/policy-set-to-ir.ts';
import { compileToModule } from './ir-to-ts.ts';
import { isTrusted, moduleDigest } from './trusted-modules.ts';

export interface LoadedModule {
  createPolicy(runtime: typeof compiledRuntime, data?: Uint8Array): CompiledModulePolicy;
  hash: string;
  irVersion: number;
  supportVersion: number;
}

/** Imports a module's text: from a temporary file (a data: URL cannot be imported everywhere). */
export async function importModuleText(js: string): Promise<LoadedModule> {
  const dir = mkdtempSync(join(tmpdir(), 'hush-policy-'));
  const file = join(dir, 'policy.mjs');
  try {
    writeFileSync(file, js);
    return (await import(pathToFileURL(file).href)) as LoadedModule;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Where `hush compile` writes a policy set's module by default: `.hush/` in the set's root. */
export const DEFAULT_OUT_DIR = '.hush';
export const DEFAULT_BASE_NAME = 'policy';

/**
 * The module `hush compile` wrote into `<root>/.hush/`, when this machine's Hush recorded its
 * exact bytes as generated for this IR (trusted-modules.ts); null otherwise: none, stale,
 * hand-edited, committed by someone else, or not a regular file. Nothing of the folder is
 * imported before its bytes are verified, and what is imported is the verified bytes.
 */
export async function loadWrittenModule(ir: IrPolicySet, root: string): Promise<CompiledModulePolicy | null> {
  const dir = join(root, DEFAULT_OUT_DIR);
  const js = readRegularFile(join(dir, `${DEFAULT_BASE_NAME}.mjs`));
  if (js === null) return null;
  const data = readRegularFile(join(dir, `${DEFAULT_BASE_NAME}.data.bin`));
  const hash = irHash(ir);
  // The module names its sidecar only when it has one; the digest covers both alike.
  const usesSidecar = js.includes(`${DEFAULT_BASE_NAME}.data.bin`);
  if (!isTrusted(moduleDigest(js, usesSidecar ? data : null), hash)) return null;
  try {
    const mod = await importModuleText(js.toString('utf8'));
    // Written by another version of the generator (another runtime support, another matcher data
    // format): compile afresh rather than load it.
    if (mod.hash !== hash || mod.irVersion !== ir.version || mod.supportVersion !== SUPPORT_VERSION) return null;
    return usesSidecar && data ? mod.createPolicy(compiledRuntime, data) : mod.createPolicy(compiledRuntime);
  } catch {
    return null;
  }
}

/** A file's bytes when it is a regular file (never through a symbolic link), else null. */
function readRegularFile(path: string): Buffer | null {
  try {
    if (!lstatSync(path).isFile()) return null;
    return readFileSync(path);
  } catch {
    return null;
  }
}

/**
 * The compiled policy of an IR: the fresh module in `<root>/.hush/` when `root` is given and
 * there is one, else the IR compiled in memory and loaded.
 */
export async function loadCompiledPolicy(ir: IrPolicySet, options: { root?: string } = {}): Promise<CompiledModulePolicy> {
  if (options.root !== undefined) {
    const written = await loadWrittenModule(ir, options.root);
    if (written) return written;
  }
  const m = compileToModule(ir, { data: 'external' });
  const mod = await importModuleText(m.js);
  return mod.createPolicy(compiledRuntime, m.data);
}
