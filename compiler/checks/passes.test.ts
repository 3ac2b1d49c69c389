// The pass table's `after` constraints (passes.ts), checked: every named predecessor exists and
// runs earlier, names are unique, and the checker runs the passes in the table's order.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { passes } from './passes.ts';

describe('the pass table', () => {
  it('names each pass once', () => {
    const names = passes.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('runs every pass after the passes it names', () => {
    const index = new Map(passes.map((p, i) => [p.name, i]));
    for (const [i, p] of passes.entries()) {
      for (const before of p.after) {
        expect(index.has(before), `${p.name} follows an unknown pass ${before}`).toBe(true);
        expect(index.get(before)!, `${p.name} must run after ${before}`).toBeLessThan(i);
      }
    }
  });

  it('is the order the checker runs them in', async () => {
    const order: string[] = [];
    const spies = passes.map((p) => vi.spyOn(p, 'run').mockImplementation(() => void order.push(p.name)));
    try {
      const { checkPolicySet } = await import('../check.ts');
      const dir = mkdtempSync(join(tmpdir(), 'hush-passes-'));
      writeFileSync(join(dir, 'p.policy'), 'enterprise "e"\nlimits "wecom-4.1.36"\n');
      checkPolicySet([dir]);
    } finally {
      for (const s of spies) s.mockRestore();
    }
    expect(order).toEqual(passes.map((p) => p.name));
  });
});
