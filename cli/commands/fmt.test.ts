// `hush fmt` in-process on files in a temporary folder: printing, `--check`, `--write`, files
// with syntax errors (never rewritten), and bad usage.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../main.ts';
import type { CliIO } from '../io.ts';

const MESSY = 'enterprise   "acme"\nrule "r" { keywords "a","b" when keyword then recall }\n';
const CLEAN = 'enterprise "acme"\n\nrule "r" {\n  keywords "a", "b"\n  when keyword then recall\n}\n';
const BROKEN = 'rule "r" {\n  keywords "a\n}\n';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hush-fmt-'));
  mkdirSync(join(dir, 'set'));
  writeFileSync(join(dir, 'set/messy.policy'), MESSY);
  writeFileSync(join(dir, 'set/clean.policy'), CLEAN);
  writeFileSync(join(dir, 'set/other.policy.yaml'), 'enterprise: acme\n');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function hush(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), isTTY: false, cwd: dir };
  const status = await main(['node', 'hush', 'fmt', ...args], io);
  return { status, stdout, stderr };
}

describe('hush fmt', () => {
  it('prints one file in its canonical layout', async () => {
    const r = await hush('set/messy.policy');
    expect(r).toEqual({ status: 0, stdout: CLEAN, stderr: '' });
  });

  it('prints several files each after a header, and leaves YAML files alone', async () => {
    const r = await hush('set');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`==> set/clean.policy <==\n${CLEAN}==> set/messy.policy <==\n${CLEAN}`);
  });

  it('--check lists the files that are not formatted and exits 1', async () => {
    expect(await hush('--check', 'set')).toEqual({ status: 1, stdout: 'set/messy.policy\n', stderr: '' });
    expect(await hush('--check', 'set/clean.policy')).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  it('--write rewrites the files that are not formatted, and then --check passes', async () => {
    const r = await hush('-w', 'set');
    expect(r).toEqual({ status: 0, stdout: 'set/messy.policy\n', stderr: '' });
    expect(readFileSync(join(dir, 'set/messy.policy'), 'utf8')).toBe(CLEAN);
    expect((await hush('--check', 'set')).status).toBe(0);
  });

  it('never formats a file with syntax errors: diagnostics on stderr, exit 1', async () => {
    writeFileSync(join(dir, 'set/broken.policy'), BROKEN);
    const r = await hush('--write', 'set');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('set/broken.policy:2:12: error[hush/syntax/unterminated-string]');
    expect(readFileSync(join(dir, 'set/broken.policy'), 'utf8')).toBe(BROKEN);
    expect(readFileSync(join(dir, 'set/messy.policy'), 'utf8')).toBe(CLEAN);
  });

  it('refuses a YAML file named explicitly', async () => {
    const r = await hush('set/other.policy.yaml');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('hush/io/not-a-policy');
  });

  it('exits 2 for bad usage', async () => {
    expect((await hush('--check', '--write', 'set')).status).toBe(2);
    expect((await hush('missing.policy')).status).toBe(2);
  });
});
