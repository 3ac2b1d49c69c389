// The decision conformance runner, shared by spec/decisions.test.ts and any other test that
// wants to run the cases (a differential test, a store's conformance suite). Each folder of
// spec/decisions/ is a policy set with `events.jsonl`, `expected.jsonl` and `note.md`; see
// spec/decisions.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCompiledPolicy } from '../compiler/codegen/load-module.ts';
import { policySetToIr } from '../compiler/lower/policy-set-to-ir.ts';
import { createEngine, decideLine, interpretIr, type CompiledPolicy, type IrPolicySet, type Store } from '../runtime/index.ts';

/** A policy implementation under test: the IR in, a CompiledPolicy out. */
export interface Implementation {
  name: string;
  load(ir: IrPolicySet): CompiledPolicy | Promise<CompiledPolicy>;
}

/** Every implementation must decide every case alike; the first is the reference. Add generated code here. */
export const implementations: Implementation[] = [
  { name: 'interpreter', load: interpretIr },
  { name: 'generated code', load: (ir) => loadCompiledPolicy(ir) },
];

export const decisionsDir = join(import.meta.dirname, 'decisions');
export const decisionCases = readdirSync(decisionsDir).filter((d) => /^\d{4}-/.test(d)).sort();

/** The clock for events without `at`: fixed, so that cases stay deterministic. */
export const CLOCK = () => Date.parse('2026-11-23T00:00:00Z');

/** Decides a case's events with one implementation (and a fresh store); one JSON line per event line. */
export async function runDecisionCase(name: string, impl: Implementation, store?: Store): Promise<{ got: string[]; lines: string[] }> {
  const root = join(decisionsDir, name);
  const r = policySetToIr(['.'], { cwd: root });
  if (!r.ir) throw new Error(`${name}: the policy has errors: ${r.diagnostics.map((d) => d.code).join(', ')}`);
  const engine = createEngine(await impl.load(r.ir), { clock: CLOCK, store });
  const lines = readFileSync(join(root, 'events.jsonl'), 'utf8').replace(/\n$/, '').split('\n');
  return { got: lines.map((l, i) => decideLine(engine, l, i + 1, CLOCK)), lines };
}
