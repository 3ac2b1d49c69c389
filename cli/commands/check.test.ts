// Runs the real `hush check` (node bin/hush.js) as a child process on policy sets written to a
// temporary folder: exit statuses, the four formats, the flags, and no stack trace on garbage.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCatalogue } from '../diagnostics-catalogue.ts';

const HUSH = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/hush.js');

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `hush check …` in `cwd`; never rejects, whatever the exit status. */
function check(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [HUSH, 'check', ...args],
      { cwd, env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        done({ status, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

const CLEAN = `enterprise "acme"
limits "wecom-4.1.36"

rule "ads" {
  owner member "li.lei"
  groups "g-1", "g-2"
  keywords "加微信", "代购"
  when keyword then recall, warn "请勿发送广告"
}
`;

let root: string;
const at = (...p: string[]) => join(root, ...p);

function write(path: string, text: string | Buffer) {
  mkdirSync(dirname(at(path)), { recursive: true });
  writeFileSync(at(path), text);
}

/** Bytes from a fixed seed, so a failure can be reproduced. */
function garbage(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

/** What a Node stack trace or an unhandled failure looks like. */
const STACK = /\n\s+at .+[:(]\d+|node:internal|Error \[ERR_|internal error|triggerUncaughtException/;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'hush-check-'));
  write('clean/shop.policy', CLEAN);
  write('warn/shop.policy', CLEAN.replace('keywords "加微信", "代购"', 'keywords from "lists/kw.txt"').replace('"ads"', '"ads-2"'));
  write('warn/lists/kw.txt', '加微信\n代购\n加微信\n');
  write('bad/shop.policy', CLEAN.replace('then recall', 'then explode'));
  write('mixed/a.policy', CLEAN);
  write('mixed/b.policy.yaml', 'this: [is not, a policy\n');
  write('garbage/x.policy', garbage(20_000, 7));
  write('garbage/y.policy.yaml', garbage(20_000, 11));
  mkdirSync(at('empty'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

// Each run starts a Node process (about two seconds of CPU), so the tests run side by side.
describe.concurrent('hush check: exit statuses', { timeout: 180_000 }, () => {
  it('exits 0 on a clean policy set and says so', async () => {
    const r = await check(['clean'], root);
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(r.stdout).toBe('no problems in 1 file\n');
  });

  it('checks the current folder when no path is given', async () => {
    const r = await check([], at('clean'));
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('no problems in 1 file\n');
  });

  it('exits 0 with warnings only', async () => {
    const r = await check(['warn'], root);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('warning[hush/lint/duplicate-keyword]');
  });

  it('exits 1 on errors, pointing at the file, line and column', async () => {
    const r = await check(['bad'], root);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`${join('bad', 'shop.policy')}:8:21: error[`);
    expect(r.stdout.trimEnd().split('\n').pop()).toBe('1 error in 1 file');
  });

  it('exits 2 with a clear message when a path does not exist', async () => {
    const r = await check(['clean', 'no-such-folder'], root);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('hush: no such file or folder: no-such-folder\n');
  });

  it('exits 2 when there is no policy file at all', async () => {
    const r = await check(['empty'], root);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^hush: no policy files/);
  });

  it('exits 2 on an unknown format or a bad --max-warnings', async () => {
    const f = await check(['--format', 'xml', 'clean'], root);
    expect(f.status).toBe(2);
    expect(f.stderr).toContain('xml');
    expect(f.stdout).toBe('');
    const bad = await Promise.all(['-1', 'many'].map((n) => check(['--max-warnings', n, 'clean'], root)));
    expect(bad.map((m) => m.status)).toEqual([2, 2]);
  });

  it('exits 1 when there are more warnings than --max-warnings allows', async () => {
    const over = await check(['--max-warnings', '0', 'warn'], root);
    expect(over.status).toBe(1);
    expect(over.stderr).toContain('too many warnings: 1');
    expect((await check(['--max-warnings', '1', 'warn'], root)).status).toBe(0);
  });

  it('exits 1 without a stack trace on random bytes in both forms', async () => {
    const runs = await Promise.all(['human', 'json'].map((format) => check(['-f', format, 'garbage'], root)));
    for (const r of runs) {
      expect(r.status).toBe(1);
      expect(r.stdout + r.stderr).not.toMatch(STACK);
    }
    expect(JSON.parse(runs[1].stdout).summary.files).toBe(2);
  });
});

describe.concurrent('hush check: formats and flags', { timeout: 180_000 }, () => {
  it('prints json that parses, with the summary', async () => {
    const r = await check(['--format', 'json', 'bad', 'warn'], root);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.version).toBe(1);
    expect(report.summary).toEqual({ errors: 1, warnings: 1, infos: 0, hints: 0, files: 2 });
    expect(report.diagnostics.map((d: { severity: string }) => d.severity).sort()).toEqual(['error', 'warning']);
  });

  it('points list-file diagnostics into the list file, with its line in the human format', async () => {
    const json = JSON.parse((await check(['-f', 'json', 'warn'], root)).stdout);
    const d = json.diagnostics.find((x: { code: string }) => x.code === 'hush/lint/duplicate-keyword');
    expect(d.file).toBe(join('warn', 'lists', 'kw.txt'));
    expect(d.range.start).toEqual({ line: 3, column: 1 });
    const human = (await check(['warn'], root)).stdout;
    expect(human).toContain('3 | 加微信\n  | ^^^^^^\n');
  });

  it('prints SARIF 2.1.0', async () => {
    const r = await check(['-f', 'sarif', 'bad'], root);
    expect(r.status).toBe(1);
    const log = JSON.parse(r.stdout);
    expect(log.version).toBe('2.1.0');
    const [result] = log.runs[0].results;
    expect(result.level).toBe('error');
    expect(result.locations[0].physicalLocation).toMatchObject({
      artifactLocation: { uri: 'bad/shop.policy' },
      region: { startLine: 8, startColumn: 21 },
    });
    const rules = log.runs[0].tool.driver.rules;
    expect(rules.map((x: { id: string }) => x.id)).toEqual([result.ruleId]);
    // The rule's description is its meaning in spec/diagnostics.md.
    expect(rules[0].shortDescription.text).toBe(readCatalogue().get(result.ruleId));
  });

  it('prints GitHub workflow commands', async () => {
    const r = await check(['--format=github', 'bad', 'warn'], root);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^::error file=bad\/shop\.policy,line=8,col=21,endLine=8,endColumn=28,title=hush\/[^:]+::/);
    expect(lines[1]).toMatch(/^::warning file=warn\/lists\/kw\.txt,line=3,/);
    expect(lines[2]).toBe('1 error, 1 warning in 2 files');
  });

  it('checks files and folders, both forms, given together', async () => {
    const r = await check(['-f', 'json', join('mixed', 'a.policy'), 'mixed'], root);
    const report = JSON.parse(r.stdout);
    expect(report.summary.files).toBe(2);
    expect(report.diagnostics.some((d: { file: string }) => d.file.endsWith('b.policy.yaml'))).toBe(true);
  });

  it('shows errors only with --quiet, but still counts warnings for --max-warnings', async () => {
    const quiet = await check(['--quiet', 'warn'], root);
    expect(quiet.status).toBe(0);
    expect(quiet.stdout).toBe('no problems in 1 file\n');
    expect((await check(['-q', '--max-warnings', '0', 'warn'], root)).status).toBe(1);
    const both = JSON.parse((await check(['-q', '-f', 'json', 'bad', 'warn'], root)).stdout);
    expect(both.diagnostics.map((d: { severity: string }) => d.severity)).toEqual(['error']);
  });

  it('colours only when asked to (stdout is a pipe here), and never with --no-color', async () => {
    const [auto, forced, never] = await Promise.all([[], ['--color'], ['--no-color']].map((flags) => check([...flags, 'bad'], root)));
    expect(auto.stdout).not.toContain('\u001b[');
    expect(forced.stdout).toContain('\u001b[1;31merror[');
    expect(never.stdout).not.toContain('\u001b[');
  });
});
