// `hush check --fix`, run as the real command on policy sets in a temporary folder: it applies
// the safe fixes (the ones the language server offers), prints what it changed, leaves guesses
// alone, writes only when something changes and reports what is left after a fresh check.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../language/text-to-ast.ts';
import { stripRanges } from '../../language/testing/strip-ranges.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const HUSH = join(ROOT, 'bin', 'hush.js');
const dirs: string[] = [];

function run(args: string[], cwd: string): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [HUSH, 'check', ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      done({ status: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

function setOf(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hush-fix-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const MEANT = `rule "ads" {
  owner member "li.lei"
  groups "g-1", "g-2"
  keywords "加微信", "代购", "优惠券"
  when keyword then recall
  when flood 5 in 10s then mute 60m
}

ladder "l" {
  counts harassment
  step 1: suspend interop for 1h
  step 2: ban member forever
}
`;

describe('hush check --fix', () => {
  it('applies the safe fixes, says which, and reports a clean set', async () => {
    const typed = MEANT.replace('"加微信", "代购"', '“加微信”，"代购"').replace('"优惠券"', '"优惠券", "代购"').replace('mute 60m', 'mute 60 minutes').replace('step 2:', 'step 2');
    const dir = setOf({ 'p.policy': typed });
    const r = await run(['--fix', 'p.policy'], dir);
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('fixed '));
    expect(lines).toEqual([
      'fixed p.policy:4:12: use straight double quotes `"` [hush/syntax/wrong-quotes]',
      'fixed p.policy:4:17: use `,` [hush/syntax/full-width-punctuation]',
      'fixed p.policy:4:31: remove the repeated keyword [hush/lint/duplicate-keyword]',
      'fixed p.policy:6:33: write `60m` [hush/syntax/bad-duration]',
      'fixed p.policy:12:3: write `step 2:` [hush/syntax/bad-step]',
    ]);
    expect(r.stdout).toContain('5 fixes applied');
    expect(r.stdout).toContain('no problems');
    const fixed = readFileSync(join(dir, 'p.policy'), 'utf8');
    expect(fixed).toBe(MEANT);
    // Written by rename: no temporary file is left behind.
    expect(readdirSync(dir)).toEqual(['p.policy']);
  });

  it('leaves guesses and errors without a safe fix to the author', async () => {
    const typed = MEANT.replace('then recall', 'then recal').replace('mute 60m', 'mute 60 minutes');
    const dir = setOf({ 'p.policy': typed });
    const r = await run(['--fix', '--format', 'json', 'p.policy'], dir);
    expect(r.status).toBe(1);
    // The report stays JSON on stdout; what was fixed goes to stderr.
    const report = JSON.parse(r.stdout);
    expect(report.diagnostics.map((d: { code: string; help?: string }) => [d.code, d.help])).toEqual([['hush/syntax/expected-token', 'did you mean `recall`?']]);
    expect(r.stderr).toContain('fixed p.policy:6:33: write `60m` [hush/syntax/bad-duration]');
    const fixed = readFileSync(join(dir, 'p.policy'), 'utf8');
    expect(fixed).toBe(MEANT.replace('then recall', 'then recal'));
  });

  it('touches nothing when there is nothing safe to fix', async () => {
    const dir = setOf({ 'p.policy': MEANT.replace('then recall', 'then recal') });
    const before = readFileSync(join(dir, 'p.policy'), 'utf8');
    const r = await run(['--fix', 'p.policy'], dir);
    expect(r.status).toBe(1);
    expect(r.stdout).not.toContain('fixed ');
    expect(readFileSync(join(dir, 'p.policy'), 'utf8')).toBe(before);
  });

  it('fixes the sketch with a full-width comma back to the sketch', async () => {
    const original = readFileSync(join(ROOT, 'spec/format/retail-sketch.policy'), 'utf8');
    const typed = original.replace('"加微信", "代购"', '"加微信"，"代购"');
    expect(typed).not.toBe(original);
    // Its list files are missing: those errors stay, the comma is fixed all the same.
    const dir = setOf({ 'retail.policy': typed });
    const r = await run(['--fix', 'retail.policy'], dir);
    expect(r.stdout).toContain('fixed retail.policy:');
    const fixed = readFileSync(join(dir, 'retail.policy'), 'utf8');
    expect(stripRanges(parsePolicy(fixed, 'p').ast)).toEqual(stripRanges(parsePolicy(original, 'p').ast));
    expect(fixed).toBe(original);
  });
});
