// Test helper: a policy text (and list files) in, its IR and interpreter out, through the real
// checker. Only tests import it (runtime code may not reach into compiler/).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { policySetToIr } from '../../compiler/lower/policy-set-to-ir.ts';
import type { IrPolicySet } from '../../runtime/ir.ts';

export function irFromText(policy: string, files: Record<string, string> = {}): IrPolicySet {
  const dir = mkdtempSync(join(tmpdir(), 'hush-rt-'));
  try {
    writeFileSync(join(dir, 'p.policy'), policy);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    const r = policySetToIr(['.'], { cwd: dir });
    if (!r.ir) throw new Error(`policy has errors: ${r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`).join('; ')}`);
    return r.ir;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
