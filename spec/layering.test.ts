// The layering written in ARCHITECTURE.md, checked: `language/` imports nothing else of ours,
// `runtime/` nothing of `language/` or `compiler/`, and only `lsp/` imports the LSP libraries.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      if (e === 'node_modules' || e.startsWith('.')) continue;
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ts$/.test(e) && !/\.test\.ts$/.test(e)) out.push(p);
    }
  };
  walk(join(root, dir));
  return out;
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]);
}

const top = (file: string, spec: string) => relative(root, join(file, '..', spec)).split(/[\\/]/)[0];

describe('layering', () => {
  it('language/ imports nothing of ours', () => {
    for (const f of sources('language')) {
      for (const s of imports(f)) if (s.startsWith('.')) expect(top(f, s), `${relative(root, f)} imports ${s}`).toBe('language');
    }
  });
  it('runtime/ imports nothing of language/ or compiler/', () => {
    for (const f of sources('runtime')) {
      for (const s of imports(f)) if (s.startsWith('.')) expect(['language', 'compiler', 'cli', 'lsp']).not.toContain(top(f, s));
    }
  });
  it('only lsp/ imports vscode-languageserver', () => {
    for (const dir of ['language', 'compiler', 'runtime', 'cli']) {
      for (const f of sources(dir)) {
        for (const s of imports(f)) expect(s.startsWith('vscode-languageserver'), `${relative(root, f)} imports ${s}`).toBe(false);
      }
    }
  });
});
