// Turns a policy path into something the engine can run: check the set (refusing one with an
// error, whose diagnostics go to stderr), lower it to the IR, then build the policy with the
// chosen engine: the generated module (`compiled`, the default when code generation is
// available) or the reference interpreter. The commands that decide events (run, explain, test)
// all load their policy here.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { interpretIr, type CompiledPolicy, type InterpretedPolicy, type IrPolicySet } from '../runtime/index.ts';
import { UsageError, type CliIO } from './io.ts';
import { renderDiagnostics } from './render/index.ts';

export const ENGINES = ['compiled', 'interpreter'] as const;
export type EngineChoice = (typeof ENGINES)[number];

export interface LoadedPolicy {
  ir: IrPolicySet;
  policy: CompiledPolicy;
  /** The interpreter of the same IR: `explain` takes its keyword trace from it. */
  interpreter: InterpretedPolicy;
  engine: EngineChoice;
}

/**
 * Loads a policy set. Returns null after writing its diagnostics to stderr when the set has an
 * error; throws a UsageError for a path that does not exist.
 */
export async function loadPolicy(paths: string[], io: CliIO, engine?: EngineChoice): Promise<LoadedPolicy | null> {
  const missing = paths.filter((p) => !existsSync(resolve(io.cwd, p)));
  if (missing.length > 0) throw new UsageError(`no such file or folder: ${missing.join(', ')}`);
  const { policySetToIr } = await import('../compiler/lower/policy-set-to-ir.ts');
  const r = policySetToIr(paths, { cwd: io.cwd });
  if (r.check.files.length === 0 && r.diagnostics.length === 0) {
    throw new UsageError(`no policy files (.policy, .policy.yaml) in ${paths.join(', ')}`);
  }
  if (!r.ir) {
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    io.stderr(
      renderDiagnostics('human', errors, {
        getSource: (f) => r.check.sources.get(f) ?? readSmall(resolve(io.cwd, f)),
        color: false,
        files: r.check.files.length,
      }),
    );
    io.stderr('hush: the policy set has errors; fix them first (`hush check` shows them all)\n');
    return null;
  }
  const interpreter = interpretIr(r.ir);
  if (engine === 'interpreter') return { ir: r.ir, policy: interpreter, interpreter, engine: 'interpreter' };
  // Loaded on demand (commands that decide no event never pay for ts-morph); a failure to load
  // it is Hush's bug and surfaces as one, never as a silent switch to the interpreter.
  const { loadCompiledPolicy } = await import('../compiler/codegen/load-module.ts');
  try {
    return { ir: r.ir, policy: await loadCompiledPolicy(r.ir, { root: r.check.model.root }), interpreter, engine: 'compiled' };
  } catch (e) {
    // The interpreter decides alike; a code generation failure is Hush's bug, not the user's.
    if (engine === 'compiled') throw e;
    io.stderr(`hush: warning: code generation failed (${e instanceof Error ? e.message : String(e)}); using the interpreter\n`);
    return { ir: r.ir, policy: interpreter, interpreter, engine: 'interpreter' };
  }
}

function readSmall(path: string): string | undefined {
  try {
    return statSync(path).size < 64 * 1024 * 1024 ? readFileSync(path, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}
