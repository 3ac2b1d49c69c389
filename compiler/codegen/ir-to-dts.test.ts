// The `.d.ts` of a generated module must describe what the module and the runtime really do: a
// host that types its code against it passes Hush's real `compiledRuntime` and gets a policy
// with every member of the runtime's CompiledPolicy. Generates a module and its types for a real
// policy set and type-checks, with the TypeScript compiler, a small file that uses them with the
// runtime's real object and types: any drift is a type error here.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policySetToIr } from '../lower/policy-set-to-ir.ts';
import { compileToModule } from './ir-to-ts.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** The host's file: imports the module's types and uses them with the runtime's real ones. */
const HOST = `
import { createPolicy, type CompiledPolicy as ModulePolicy, type MessageInput as ModuleMessage, type StateQueries as ModuleState, type PolicyRuntime } from './policy.js';
import { compiledRuntime } from ${JSON.stringify(join(ROOT, 'runtime/policy/generated/compiled-support.ts'))};
import type { CompiledPolicy, MessageInput, StateQueries } from ${JSON.stringify(join(ROOT, 'runtime/policy/compiled-policy.ts'))};

// The real runtime object is the one the module's types ask for, with and without data.
export const policy: ModulePolicy = createPolicy(compiledRuntime);
export const withData: ModulePolicy = createPolicy(compiledRuntime, new Uint8Array(0));
export const runtime: PolicyRuntime = compiledRuntime;

// The module's policy has every member of the runtime's CompiledPolicy.
type Missing = Exclude<keyof CompiledPolicy, keyof ModulePolicy>;
export const noneMissing: [Missing] extends [never] ? true : Missing = true;

// Messages and state typed by the module are what the runtime takes, and back.
declare const moduleMessage: ModuleMessage;
declare const realMessage: MessageInput;
declare const moduleState: ModuleState;
declare const realState: StateQueries;
export const m1: MessageInput = moduleMessage;
export const m2: ModuleMessage = realMessage;
export const s1: StateQueries = moduleState;
export const s2: ModuleState = realState;
`;

/** Type errors of the host file and the module's `.d.ts` (as text, one per line). */
function typeErrors(dir: string, dts: string): string[] {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(join(dir, 'policy.d.ts'), dts);
  writeFileSync(join(dir, 'host.ts'), HOST);
  const program = ts.createProgram([join(dir, 'host.ts')], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    skipLibCheck: false,
    types: ['node'],
    typeRoots: [join(ROOT, 'node_modules', '@types')],
  });
  const files = [join(dir, 'host.ts'), join(dir, 'policy.d.ts')].map((f) => program.getSourceFile(f));
  expect(files.every((f) => f !== undefined)).toBe(true);
  return files.flatMap((f) =>
    [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)].map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`),
  );
}

describe('the .d.ts of a generated module', () => {
  let dir: string;
  let dts: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hush-dts-'));
    const ir = policySetToIr(['.'], { cwd: join(ROOT, 'spec', 'differential', 'all-triggers') }).ir!;
    const m = compileToModule(ir);
    writeFileSync(join(dir, 'policy.js'), m.js);
    dts = m.dts;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("agrees with the runtime's real compiledRuntime and CompiledPolicy", () => {
    expect(typeErrors(dir, dts)).toEqual([]);
  }, 60_000);

  it('notices a drift: the runtime call of an older arity, a missing member', () => {
    const oldArity = dts.replace(/createCompiledPolicy\([^)]*params: readonly \(readonly number\[\]\)\[\]\)/s, 'createCompiledPolicy(spec: unknown, rules: readonly unknown[])');
    expect(oldArity).not.toBe(dts);
    expect(typeErrors(dir, oldArity).join('\n')).toMatch(/compiledRuntime|PolicyRuntime|createCompiledPolicy/);
    const noFlood = dts.replace(/\n\s*floodWindows\(group: string\): readonly number\[\];/, '');
    expect(noFlood).not.toBe(dts);
    expect(typeErrors(dir, noFlood).join('\n')).toMatch(/floodWindows/);
  }, 60_000);
});
