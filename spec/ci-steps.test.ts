// The project's own CI runs the steps of the example workflow (examples/ci/hush.yml) on every
// example policy set: each example is copied into a scratch repository as `policies/`, with its
// compiled module committed and the CI corpus beside it, and every `run` step of the workflow
// that calls hush is run as written (bash, `npx hush` standing for this checkout's bin/hush.js,
// the base branch being the commit). Then a looser edit to the retail example must make the diff
// step report status 1 with the change named in the Markdown comment.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';

const ROOT = resolve(import.meta.dirname, '..');
const HUSH = `node ${JSON.stringify(join(ROOT, 'bin/hush.js'))}`;
const WORKFLOW = YAML.parse(readFileSync(join(ROOT, 'examples/ci/hush.yml'), 'utf8')) as {
  env: Record<string, string>;
  jobs: { policy: { steps: { name?: string; run?: string; env?: Record<string, string> }[] } };
};
const STEPS = WORKFLOW.jobs.policy.steps.filter((s) => /\bnpx hush\b/.test(s.run ?? ''));

const EXAMPLES = readdirSync(join(ROOT, 'examples')).filter(
  (d) => statSync(join(ROOT, 'examples', d)).isDirectory() && readdirSync(join(ROOT, 'examples', d)).some((f) => /\.policy$/.test(f)),
);

const scratch: string[] = [];
afterAll(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

function sh(cwd: string, script: string, env: Record<string, string> = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => done({ status: code ?? -1, stdout, stderr }));
  });
}

/** A repository holding the example as `policies/`, with its compiled module committed when asked. */
async function repository(example: string, compiled: boolean): Promise<string> {
  const ws = mkdtempSync(join(tmpdir(), `hush-ci-${example}-`));
  scratch.push(ws);
  cpSync(join(ROOT, 'examples', example), join(ws, 'policies'), { recursive: true, filter: (src) => !src.split(/[\\/]/).includes('.hush') });
  cpSync(join(ROOT, 'examples/ci/corpus.jsonl'), join(ws, 'corpus.jsonl'));
  const compile = compiled ? `${HUSH} compile policies >/dev/null && ` : '';
  const setup = await sh(ws, `git init -q && ${compile}git add -A && git -c user.email=ci@example.invalid -c user.name=CI commit -q -m base`);
  expect(setup.status, setup.stderr).toBe(0);
  return ws;
}

/** Runs one workflow step as the runner would, with the workflow's variables set for the scratch repository. */
async function runStep(ws: string, step: (typeof STEPS)[number]) {
  const output = join(ws, 'github-output');
  writeFileSync(output, '');
  const script = step.run!.replace(/\bnpx hush\b/g, HUSH);
  const r = await sh(ws, script, { POLICIES: 'policies', CORPUS: 'corpus.jsonl', BASE_REF: 'HEAD', GITHUB_OUTPUT: output });
  return { ...r, output: readFileSync(output, 'utf8') };
}

describe('the example workflow', () => {
  it('has the steps the issue asks for', () => {
    const runs = STEPS.map((s) => s.run!).join('\n');
    for (const cmd of ['hush check', 'hush fmt --check', 'hush test', 'hush compile --check', 'hush diff --base-ref', '--corpus', '--format markdown', '--format sarif', '--format github']) {
      expect(runs).toContain(cmd);
    }
    expect(WORKFLOW.jobs.policy.steps.some((s) => JSON.stringify(s).includes('upload-sarif'))).toBe(true);
  });
});

// Each example takes a few processes of a second or two; the compiled-module step runs on the
// retail example only (the others commit no module, so the step skips itself, as it is written to).
// The examples run at once (each in a repository of its own): one after the other, this file was
// the suite's longest; the timeout allows for all of them sharing two cores with the suite.
describe.concurrent.each(EXAMPLES)('CI steps on examples/%s', (example) => {
  const hasFixtures = readdirSync(join(ROOT, 'examples', example)).some((f) => /\.test\.(ya?ml|json)$/.test(f));
  it('every step passes (the fixtures step needs fixtures)', { timeout: 400_000 }, async () => {
    const ws = await repository(example, example === 'retail');
    for (const step of STEPS) {
      const r = await runStep(ws, step);
      // `hush test` with no fixture to run is bad usage (2).
      const expected = step.run!.includes('hush test') && !hasFixtures ? 2 : 0;
      expect(r.status, `${step.name}\n${r.stdout}\n${r.stderr}`).toBe(expected);
      if (step.run!.includes('hush diff')) {
        expect(r.output).toBe('status=0\n');
        expect(readFileSync(join(ws, 'hush-diff.md'), 'utf8')).toMatch(/^## Hush policy diff: no changes$/m);
        expect(readFileSync(join(ws, 'hush-diff.md'), 'utf8')).toMatch(/^### Impact on `corpus\.jsonl`$/m);
        expect(JSON.parse(readFileSync(join(ws, 'hush-diff.sarif'), 'utf8')).version).toBe('2.1.0');
      }
    }
  });
});

describe('a looser change in a pull request', () => {
  it('makes the diff step report status 1, name the change and show its impact', { timeout: 120_000 }, async () => {
    const ws = await repository('retail', false);
    const file = join(ws, 'policies/retail.policy');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"代购", ', ''));
    const step = STEPS.find((s) => s.run!.includes('hush diff'))!;
    const r = await runStep(ws, step);
    expect(r.status, r.stderr).toBe(0);
    expect(r.output).toBe('status=1\n');
    const md = readFileSync(join(ws, 'hush-diff.md'), 'utf8');
    expect(md).toMatch(/^## Hush policy diff: looser$/m);
    expect(md).toContain('keyword `代购` removed from rule `retail-ads`');
    expect(md).toMatch(/^\| rule `retail-ads` \| looser \| 0 \| 1 \| 0 \|$/m);
    expect(r.stdout).toMatch(/^::warning file=policies\/retail\.policy,line=\d+/m);
    expect(existsSync(join(ws, 'hush-diff.sarif'))).toBe(true);
  });
});
