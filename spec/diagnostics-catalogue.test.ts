// Every diagnostic code the sources can produce is catalogued in spec/diagnostics.md, and the
// catalogue lists no code that nothing produces.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../compiler/load/limits-profile.ts';

const root = join(import.meta.dirname, '..');

function codesInSources(): Set<string> {
  const codes = new Set<string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      if (e === 'node_modules' || e.startsWith('.') || e === 'vscode') continue;
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ts$/.test(e) && !/\.test\.ts$/.test(e) && !p.includes('/testing/') && !/fixture/.test(e)) {
        for (const m of readFileSync(p, 'utf8').matchAll(/['"`](hush\/[a-z-]+\/[a-z0-9-]+)['"`]/g)) codes.add(m[1]);
      }
    }
  };
  for (const dir of ['language', 'compiler', 'runtime', 'lsp', 'cli']) walk(join(root, dir));
  // Limit codes are built from the profile's ids.
  for (const l of loadProfile('wecom-4.1.36')!.limits) if (l.max !== null) codes.add(`hush/limit/${l.id}`);
  codes.add('hush/limit/groups-per-rule-legacy');
  return codes;
}

describe('diagnostics catalogue', () => {
  const doc = readFileSync(join(root, 'spec', 'diagnostics.md'), 'utf8');
  const listed = new Set([...doc.matchAll(/^\| `(hush\/[a-z-]+\/[a-z0-9-]+)`/gm)].map((m) => m[1]));
  const used = codesInSources();
  it('lists every code the sources produce', () => {
    expect([...used].filter((c) => !listed.has(c)).sort()).toEqual([]);
  });
  it('lists no code that nothing produces', () => {
    expect([...listed].filter((c) => !used.has(c)).sort()).toEqual([]);
  });
});
