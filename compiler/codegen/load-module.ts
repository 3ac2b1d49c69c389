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
  let hash = '';
  const bytes = trustedWrittenModule(root, () => (hash = irHash(ir)));
  if (bytes === null) return null;
  try {
    const mod = await importModuleText(bytes.js.toString('utf8'));
    if (!generatedFor(mod, hash, ir.version)) return null;
    return bytes.data ? mod.createPolicy(compiledRuntime, bytes.data) : mod.createPolicy(compiledRuntime);
  } catch {
    return null;
  }
}

/**
 * The bytes of the module `hush compile` wrote into `<root>/.hush/` (and of its data sidecar when
 * it names one) when this machine's Hush recorded them as generated for the IR whose hash `hash`
 * gives (asked only when there is a module); null otherwise. Import these bytes, never the path.
 */
export function trustedWrittenModule(root: string, hash: () => string): { js: Buffer; data: Buffer | null } | null {
  const dir = join(root, DEFAULT_OUT_DIR);
  const js = readRegularFile(join(dir, `${DEFAULT_BASE_NAME}.mjs`));
  if (js === null) return null;
  // The module names its sidecar only when it has one; the digest covers both alike.
  const data = js.includes(`${DEFAULT_BASE_NAME}.data.bin`) ? readRegularFile(join(dir, `${DEFAULT_BASE_NAME}.data.bin`)) : null;
  return isTrusted(moduleDigest(js, data), hash()) ? { js, data } : null;
}

/**
 * Whether an imported module was generated for the IR of this hash and version by this
 * generator: one written by another version (another runtime support, another matcher data
 * format) is compiled afresh rather than loaded.
 */
export function generatedFor(mod: LoadedModule, hash: string, irVersion: number): boolean {
  return mod.hash === hash && mod.irVersion === irVersion && mod.supportVersion === SUPPORT_VERSION;
}

/** The policy of a module's text and its data sidecar (null when the data is inline). */
export async function policyFromModuleText(js: string, data: Uint8Array | null): Promise<CompiledModulePolicy> {
  const mod = await importModuleText(js);
  return data ? mod.createPolicy(compiledRuntime, data) : mod.createPolicy(compiledRuntime);
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
