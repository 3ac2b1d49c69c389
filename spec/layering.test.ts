// The layering written in ARCHITECTURE.md, checked: one rule per boundary, each naming the files
// it governs and the imports they may not make. Imports are read from the source text (static
// `import`/`export … from` and `import('…')` with a literal), resolved to paths from the root.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

interface Source {
  file: string;
  test: boolean;
  /** Relative imports resolved to root-relative paths; package imports as written. */
  imports: { spec: string; target: string | null }[];
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(join(root, dir))) {
    if (e === 'node_modules' || e.startsWith('.') || e === 'vscode' || e === 'data') continue;
    const p = join(dir, e);
    if (statSync(join(root, p)).isDirectory()) walk(p, out);
    else if (/\.ts$/.test(e)) out.push(p);
  }
  return out;
}

const sources: Source[] = ['language', 'compiler', 'runtime', 'lsp', 'cli', 'spec', 'scripts', 'bench'].flatMap((d) =>
  walk(d).map((file) => {
    const text = readFileSync(join(root, file), 'utf8');
    const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;'"]*?(?:from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]);
    return {
      file,
      test: /\.test\.ts$/.test(file),
      imports: specs.map((spec) => ({ spec, target: spec.startsWith('.') ? relative(root, join(root, dirname(file), spec)) : null })),
    };
  }),
);

const under = (path: string, dir: string) => path === dir || path.startsWith(dir.endsWith('/') || dir.endsWith('.ts') ? dir : `${dir}/`);
const isTestingHelper = (path: string) => path.split('/').includes('testing');

interface Rule {
  /** What the rule says, as ARCHITECTURE.md says it. */
  name: string;
  /** The files it governs. */
  files: (s: Source) => boolean;
  /** True when an import breaks the rule. */
  forbidden: (target: string | null, spec: string, s: Source) => boolean;
}

const production = (dir: string) => (s: Source) => under(s.file, dir) && !s.test && !isTestingHelper(s.file);
const ours = (target: string | null, ...dirs: string[]) => target !== null && dirs.some((d) => under(target, d));

const rules: Rule[] = [
  {
    name: 'language/ imports nothing else of ours',
    files: production('language'),
    forbidden: (t) => t !== null && !under(t, 'language'),
  },
  {
    name: 'runtime/ imports nothing of language/, compiler/, cli/, lsp/ (tests included, but for spec/testing helpers)',
    files: (s) => under(s.file, 'runtime'),
    forbidden: (t) => ours(t, 'language', 'compiler', 'cli', 'lsp') || (t !== null && under(t, 'spec') && !under(t, 'spec/testing')),
  },
  {
    name: 'runtime/store/ is the bottom: it imports nothing else of the runtime',
    files: production('runtime/store'),
    forbidden: (t) => t !== null && under(t, 'runtime') && !under(t, 'runtime/store'),
  },
  {
    name: 'runtime/text/ imports only the IR',
    files: production('runtime/text'),
    forbidden: (t) => t !== null && !under(t, 'runtime/text') && t !== 'runtime/ir.ts',
  },
  {
    name: 'runtime/matcher/ imports only the IR and runtime/text/',
    files: production('runtime/matcher'),
    forbidden: (t) => t !== null && !ours(t, 'runtime/matcher', 'runtime/text') && t !== 'runtime/ir.ts',
  },
  {
    name: 'runtime/policy/ imports nothing of the engine or the stores',
    files: production('runtime/policy'),
    forbidden: (t) => ours(t, 'runtime/engine', 'runtime/store', 'runtime/index.ts'),
  },
  {
    name: 'runtime/engine/ does not import the public API it is part of',
    files: production('runtime/engine'),
    forbidden: (t) => ours(t, 'runtime/index.ts'),
  },
  {
    name: 'no production file imports a testing helper',
    files: (s) => !s.test && !isTestingHelper(s.file) && ['language', 'compiler', 'runtime', 'lsp', 'cli'].some((d) => under(s.file, d)),
    forbidden: (t) => t !== null && isTestingHelper(t),
  },
  {
    name: 'compiler/ imports nothing of cli/ or lsp/',
    files: (s) => under(s.file, 'compiler'),
    forbidden: (t) => ours(t, 'cli', 'lsp'),
  },
  {
    name: 'the checker (compiler/load, model, checks) does not reach into lowering, code generation or the diff',
    files: (s) => ['compiler/load', 'compiler/model', 'compiler/checks', 'compiler/check.ts'].some((d) => under(s.file, d)) && !s.test,
    forbidden: (t) => ours(t, 'compiler/lower', 'compiler/codegen', 'compiler/diff'),
  },
  {
    name: 'lowering does not depend on code generation or the diff',
    files: production('compiler/lower'),
    forbidden: (t) => ours(t, 'compiler/codegen', 'compiler/diff'),
  },
  {
    name: 'compiler/diff/ is a unit: only itself and cli/ use it',
    files: (s) => !under(s.file, 'compiler/diff') && !under(s.file, 'cli') && !s.test,
    forbidden: (t) => ours(t, 'compiler/diff'),
  },
  {
    name: 'lsp/ imports nothing of cli/ or runtime/',
    files: (s) => under(s.file, 'lsp'),
    forbidden: (t) => ours(t, 'cli', 'runtime'),
  },
  {
    name: 'cli/ reaches the runtime only through runtime/index.ts (and the HTTP service through runtime/service/index.ts)',
    files: production('cli'),
    forbidden: (t) => t !== null && under(t, 'runtime') && t !== 'runtime/index.ts' && t !== 'runtime/service/index.ts',
  },
  {
    name: 'runtime/service/ is a thin layer: it reaches the rest of the runtime only through runtime/index.ts',
    files: production('runtime/service'),
    forbidden: (t) => t !== null && under(t, 'runtime') && !under(t, 'runtime/service') && t !== 'runtime/index.ts',
  },
  {
    name: 'only runtime/service/ (and the `hush serve` command that starts it) imports the HTTP libraries',
    files: (s) => !under(s.file, 'runtime/service') && s.file !== 'cli/commands/serve.ts' && !under(s.file, 'bench'),
    forbidden: (_t, spec) => /^(fastify|pino|prom-client)(\/|$)/.test(spec),
  },
  {
    name: 'nothing of the runtime but runtime/service/ imports runtime/service/',
    files: (s) => under(s.file, 'runtime') && !under(s.file, 'runtime/service'),
    forbidden: (t) => ours(t, 'runtime/service'),
  },
  {
    name: 'spec/ test helpers import no CLI command',
    files: (s) => under(s.file, 'spec') && !s.test,
    forbidden: (t) => ours(t, 'cli/commands'),
  },
  {
    name: 'only lsp/ imports the LSP libraries',
    files: (s) => !under(s.file, 'lsp') && !(s.file === 'cli/commands/lsp.ts'),
    forbidden: (_t, spec) => /^vscode-(languageserver|jsonrpc|languageclient)/.test(spec),
  },
];

describe('layering', () => {
  it('reads the imports of the tree', () => {
    // Guards the reader itself: a regex that found nothing would make every rule pass.
    const cli = sources.find((s) => s.file === 'cli/commands/run.ts')!;
    expect(cli.imports.map((i) => i.target)).toContain('runtime/index.ts');
    expect(sources.length).toBeGreaterThan(200);
  });

  for (const rule of rules) {
    it(rule.name, () => {
      const governed = sources.filter(rule.files);
      expect(governed.length, 'the rule governs no file').toBeGreaterThan(0);
      const broken = governed.flatMap((s) => s.imports.filter((i) => rule.forbidden(i.target, i.spec, s)).map((i) => `${s.file} imports ${i.spec}`));
      expect(broken).toEqual([]);
    });
  }
});
