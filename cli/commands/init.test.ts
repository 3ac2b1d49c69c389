// `hush init`: the scaffold through the real binary, then `hush check` (no diagnostic at all),
// `hush test` (every case passes) and `hush fmt --check` (already in the layout) on it; the CI
// workflow is the example's, pointed at the scaffold; a folder with files is refused unless --force.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { templateFiles } from './init.ts';

const root = join(import.meta.dirname, '../..');

function hush(args: string[], cwd: string): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [join(root, 'bin/hush.js'), ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      done({ status: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hush-init-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hush init', () => {
  it('scaffolds a set that check, test and fmt --check pass', async () => {
    const made = await hush(['init', 'new'], dir);
    expect(made.status, made.stderr).toBe(0);
    const set = join(dir, 'new');
    for (const f of ['moderation.policy', 'moderation.test.yaml', 'lists/groups.txt', 'lists/vip.txt', '.github/workflows/hush.yml', 'README.md', 'corpus.jsonl']) {
      expect(existsSync(join(set, f)), f).toBe(true);
      expect(made.stdout).toContain(f);
    }
    expect(templateFiles().length).toBe(7);
    const check = await hush(['check', '--format', 'json', '.'], set);
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(JSON.parse(check.stdout).diagnostics).toEqual([]);
    const test = await hush(['test', '.'], set);
    expect(test.status, test.stdout + test.stderr).toBe(0);
    expect(test.stdout).toMatch(/[1-9]\d* passed, 0 failed/);
    const fmt = await hush(['fmt', '--check', '.'], set);
    expect(fmt.status, fmt.stdout + fmt.stderr).toBe(0);
    // The example is commented, and the comments survive the YAML form.
    const policy = readFileSync(join(set, 'moderation.policy'), 'utf8');
    expect(policy.match(/^\s*#/gm)!.length).toBeGreaterThan(5);
    const yaml = await hush(['convert', 'moderation.policy'], set);
    expect(yaml.stdout.match(/#/g)!.length).toBe(policy.match(/#/g)!.length);
  }, 120_000);

  it('writes the CI workflow of examples/ci, pointed at the scaffold', () => {
    const ours = parseYaml(readFileSync(join(root, 'cli/init-template/.github/workflows/hush.yml'), 'utf8'));
    const example = parseYaml(readFileSync(join(root, 'examples/ci/hush.yml'), 'utf8'));
    expect(ours.jobs).toEqual(example.jobs);
    expect(ours.env).toEqual({ POLICIES: '.', CORPUS: 'corpus.jsonl' });
    expect(ours.on.pull_request.paths).toContain('**.policy');
  });

  it('refuses a folder that holds files, unless --force, and leaves the other files alone', async () => {
    const busy = join(dir, 'busy');
    mkdirSync(busy);
    writeFileSync(join(busy, 'notes.txt'), 'mine');
    const refused = await hush(['init', 'busy'], dir);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('hush/init/not-empty');
    expect(existsSync(join(busy, 'moderation.policy'))).toBe(false);
    const forced = await hush(['init', 'busy', '--force'], dir);
    expect(forced.status, forced.stderr).toBe(0);
    expect(readFileSync(join(busy, 'notes.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(busy, 'moderation.policy'))).toBe(true);
    writeFileSync(join(dir, 'a-file'), 'x');
    expect((await hush(['init', 'a-file'], dir)).stderr).toContain('hush/init/not-a-folder');
  }, 120_000);
});
