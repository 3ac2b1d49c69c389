// Conformance cases as data: each folder of spec/conformance/ is a policy set (policy files and
// their lists) with `expected.json`: a note and the exact diagnostics (code, severity, file and
// range) the checker must report, no more and no fewer. Regenerate after a deliberate change with
// `HUSH_UPDATE_CONFORMANCE=1 npx vitest run spec/conformance.test.ts`, then review the diff.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPolicySet } from '../compiler/check.ts';
import type { Diagnostic } from '../language/diagnostic.ts';

const dir = join(import.meta.dirname, 'conformance');
const cases = readdirSync(dir).filter((d) => /^\d{4}-/.test(d)).sort();

interface Expected {
  note: string;
  diagnostics: { code: string; severity: string; file: string; range: string }[];
}

const KNOWN_FIELDS = new Set(['note', 'diagnostics']);
const KNOWN_DIAG_FIELDS = new Set(['code', 'severity', 'file', 'range']);

function show(d: Diagnostic) {
  const r = d.range;
  return { code: d.code, severity: d.severity, file: d.file, range: `${r.start.line}:${r.start.column}-${r.end.line}:${r.end.column}` };
}

describe('conformance', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThan(5));
  for (const c of cases) {
    it(c, () => {
      const root = join(dir, c);
      const got = checkPolicySet(['.'], { cwd: root }).diagnostics.map(show);
      const file = join(root, 'expected.json');
      if (process.env.HUSH_UPDATE_CONFORMANCE || !existsSync(file)) {
        const prev: Partial<Expected> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
        writeFileSync(file, JSON.stringify({ note: prev.note ?? c.slice(5).replace(/-/g, ' '), diagnostics: got }, null, 2) + '\n');
      }
      const want = JSON.parse(readFileSync(file, 'utf8')) as Expected;
      for (const k of Object.keys(want)) expect(KNOWN_FIELDS.has(k), `unknown field ${k} in ${c}/expected.json`).toBe(true);
      for (const d of want.diagnostics) for (const k of Object.keys(d)) expect(KNOWN_DIAG_FIELDS.has(k), `unknown field ${k}`).toBe(true);
      expect(got).toEqual(want.diagnostics);
    });
  }
});
