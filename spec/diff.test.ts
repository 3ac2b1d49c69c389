// Golden diffs: each folder of spec/diff/ holds a pair of policy sets (`base/` and `head/`, or
// other paths named in `case.json`, e.g. the examples) and the expected `hush diff` output in
// three formats: `expected.txt` (human), `expected.json` and `expected.md` (the pull-request
// comment). `case.json` may also name a `corpus` for the impact section. Regenerate with
// `HUSH_UPDATE_DIFF=1 npx vitest run spec/diff.test.ts` and review the change.
//
// And: every example diffed with itself (loaded twice) has no change at all, and replaying the
// CI corpus through both sides changes no decision.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDiff } from '../cli/commands/diff.ts';
import type { CliIO } from '../cli/io.ts';
import type { DiffFormat } from '../cli/render/diff.ts';
import { causeEffects, replayCorpus } from '../compiler/diff/corpus-impact.ts';
import { loadSide } from '../compiler/diff/load-side.ts';
import { diffPolicySets } from '../compiler/diff/policy-diff.ts';

const ROOT = join(import.meta.dirname, '..');
const CASES = join(ROOT, 'spec', 'diff');
const UPDATE = !!process.env.HUSH_UPDATE_DIFF;

interface CaseFile {
  base?: string;
  head?: string;
  corpus?: string;
}

const OUTPUTS: [DiffFormat, string][] = [
  ['human', 'expected.txt'],
  ['json', 'expected.json'],
  ['markdown', 'expected.md'],
];

async function run(cwd: string, args: string[], format: DiffFormat, corpus?: string): Promise<{ status: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { stdout: (s) => out.push(s), stderr: (s) => err.push(s), isTTY: false, cwd };
  const status = await runDiff(args, { format, ...(corpus ? { corpus } : {}) }, io);
  return { status, stdout: out.join(''), stderr: err.join('') };
}

describe('golden diffs (spec/diff/)', () => {
  const cases = readdirSync(CASES).filter((d) => statSync(join(CASES, d)).isDirectory()).sort();
  it('there are cases', () => expect(cases.length).toBeGreaterThanOrEqual(8));
  for (const name of cases) {
    const dir = join(CASES, name);
    const spec: CaseFile = existsSync(join(dir, 'case.json')) ? JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) : {};
    const args = [spec.base ?? 'base', spec.head ?? 'head'];
    for (const [format, file] of OUTPUTS) {
      it(`${name}: ${format}`, async () => {
        const r = await run(dir, args, format, spec.corpus);
        expect(r.stderr).toBe('');
        const path = join(dir, file);
        if (UPDATE || !existsSync(path)) writeFileSync(path, r.stdout);
        expect(r.stdout).toBe(readFileSync(path, 'utf8'));
        if (format === 'json') {
          const d = JSON.parse(r.stdout);
          expect(r.status).toBe(d.verdict === 'looser' || d.verdict === 'both' ? 1 : 0);
        }
      });
    }
  }
});

describe('diff(a, a) is empty', () => {
  const examples = readdirSync(join(ROOT, 'examples'))
    .filter((d) => statSync(join(ROOT, 'examples', d)).isDirectory())
    .filter((d) => readdirSync(join(ROOT, 'examples', d)).some((f) => /\.policy(\.ya?ml)?$/.test(f)));
  it('for the examples we know of', () => expect(examples).toEqual(expect.arrayContaining(['education', 'penalties', 'restaurant', 'retail'])));
  const corpus = readFileSync(join(ROOT, 'examples', 'ci', 'corpus.jsonl'), 'utf8');
  for (const ex of examples) {
    it(`examples/${ex}`, () => {
      // Loaded twice: the diff must not rely on the two sides being one object.
      const a = loadSide({ kind: 'path', path: `examples/${ex}`, source: 'a' }, ROOT);
      const b = loadSide({ kind: 'path', path: `examples/${ex}`, source: 'b' }, ROOT);
      expect(a.side && b.side).toBeTruthy();
      const d = diffPolicySets(a.side!, b.side!);
      expect(d.subjects).toEqual([]);
      expect(d.limits).toEqual([]);
      expect(d.verdict).toBe('none');
      const impact = replayCorpus(a.side!.ir, b.side!.ir, corpus, { corpus: 'corpus.jsonl', effects: causeEffects(d) });
      expect(impact.messages).toBeGreaterThan(0);
      expect(impact.changed).toBe(0);
    });
  }
});
