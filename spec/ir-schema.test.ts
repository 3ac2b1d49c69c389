// The IR of every example and of every conformance case that checks without errors (and of
// every decisions case, when there are some) validates against spec/ir.schema.json, and is
// canonical: lowering twice gives the same JSON text, and the sorted fields are sorted.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { irToJson, policySetToIr } from '../compiler/lower/policy-set-to-ir.ts';
import type { IrPolicySet } from '../runtime/ir.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const schema = JSON.parse(readFileSync(join(ROOT, 'spec/ir.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);

function folders(dir: string): string[] {
  const abs = join(ROOT, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs)
    .filter((f) => statSync(join(abs, f)).isDirectory())
    // Policy sets only (examples/ci holds a workflow and a corpus).
    .filter((f) => readdirSync(join(abs, f)).some((x) => /\.policy(\.ya?ml)?$/.test(x)))
    .sort()
    .map((f) => join(dir, f));
}

const sets = [...folders('examples'), ...folders('spec/conformance'), ...folders('spec/decisions'), ...folders('spec/differential')];
const lowered = sets
  .map((dir) => ({ dir, ir: policySetToIr(['.'], { cwd: join(ROOT, dir) }).ir }))
  .filter((s): s is { dir: string; ir: IrPolicySet } => s.ir !== null);

const isSorted = (xs: string[]) => xs.every((x, i) => i === 0 || xs[i - 1] < x);

describe('IR schema', () => {
  it('covers every example and some conformance cases', () => {
    expect(lowered.filter((s) => s.dir.startsWith('examples')).length).toBe(folders('examples').length);
    expect(lowered.length).toBeGreaterThan(folders('examples').length);
  });

  it.each(lowered.map((s) => [s.dir, s.ir] as const))('%s validates and is canonical', (dir, ir) => {
    const ok = validate(JSON.parse(irToJson(ir)));
    expect(validate.errors ?? [], dir).toEqual([]);
    expect(ok).toBe(true);
    expect(irToJson(policySetToIr(['.'], { cwd: join(ROOT, dir) }).ir!)).toBe(irToJson(ir));
    expect(isSorted(ir.rules.map((r) => r.name))).toBe(true);
    expect(isSorted(ir.enterpriseBlacklist)).toBe(true);
    for (const r of ir.rules) {
      expect(isSorted(r.groups)).toBe(true);
      expect(isSorted(r.keywords.map((k) => k.text))).toBe(true);
    }
  });

  it('rejects an IR with an unknown field or a bad action', () => {
    const ir = JSON.parse(irToJson(lowered[0].ir));
    expect(validate({ ...ir, extra: 1 })).toBe(false);
    const bad = JSON.parse(irToJson(lowered.find((s) => s.ir.rules.length > 0)!.ir));
    bad.rules[0].triggers[0].actions = [{ type: 'explode' }];
    expect(validate(bad)).toBe(false);
  });
});
