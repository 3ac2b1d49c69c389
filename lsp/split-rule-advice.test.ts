// The keywords-per-rule error says how to get within the limit (split the rule, into how many),
// and the language server's quick fix for it does exactly that split (lsp/code-actions.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPolicySet } from '../compiler/check.ts';
import { quickFixes } from './code-actions.ts';
import type { SetFile } from './policy-sets.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('keywords per rule', () => {
  it('advises a split into rules within the limit, and the quick fix makes it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hush-split-'));
    dirs.push(dir);
    const kws = Array.from({ length: 250 }, (_, i) => `"k${i}"`).join(', ');
    const text = `rule "ads" {\n  owner member "m"\n  groups "g"\n  keywords ${kws}\n  when keyword then recall\n}\n`;
    writeFileSync(join(dir, 'p.policy'), text);
    const r = checkPolicySet(['.'], { cwd: dir });
    const d = r.diagnostics.find((x) => x.code === 'hush/limit/keywords-per-rule')!;
    expect(d.help).toMatch(/^split the rule into 3 rules/);
    const path = join(dir, 'p.policy');
    const files = new Map<string, SetFile>([[path, { path, shown: 'p.policy', uri: `file://${path}`, text, ast: r.model.files[0] }]]);
    const set = { root: dir, model: r.model, diagnostics: r.diagnostics, files, loose: false, absolute: (f: string) => join(dir, f) };
    const [fix] = quickFixes({ set, file: files.get(path), path, text, textOf: () => text, canCreateFiles: false }, { code: d.code, start: d.range.start.offset, end: d.range.end.offset });
    expect(fix.safe).toBeFalsy();
    const e = fix.edits[0];
    const split = text.slice(0, e.start) + e.newText + text.slice(e.end);
    writeFileSync(path, split);
    const after = checkPolicySet(['.'], { cwd: dir });
    expect(after.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
    expect(after.model.rules.map((x) => x.name)).toEqual(['ads', 'ads-2', 'ads-3']);
  });
});
