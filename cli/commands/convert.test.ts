// `hush convert`: the sketch through the real binary to YAML and back, in-process runs for the
// options, files with errors, and bad usage.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../language/text-to-ast.ts';
import { stripRanges } from '../../language/testing/strip-ranges.ts';
import { main } from '../main.ts';
import type { CliIO } from '../io.ts';

const root = join(import.meta.dirname, '../..');
const sketch = join(root, 'spec/fixtures/retail.policy');

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hush-convert-'));
  copyFileSync(sketch, join(dir, 'retail.policy'));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function bin(...args: string[]) {
  return spawnSync(process.execPath, [join(root, 'bin/hush.js'), 'convert', ...args], { cwd: dir, encoding: 'utf8' });
}

async function hush(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), isTTY: false, cwd: dir };
  const status = await main(['node', 'hush', 'convert', ...args], io);
  return { status, stdout, stderr };
}

const declarations = (text: string) => (stripRanges(parsePolicy(text, 'x.policy').ast) as { declarations: unknown }).declarations;

describe('hush convert', () => {
  it('turns the sketch into YAML that converts back to an equivalent .policy file', () => {
    const toYaml = bin('retail.policy');
    expect(toYaml.status, toYaml.stderr).toBe(0);
    expect(toYaml.stdout).toBe(readFileSync(join(root, 'spec/fixtures/retail.policy.yaml'), 'utf8'));
    writeFileSync(join(dir, 'retail.policy.yaml'), toYaml.stdout);
    const back = bin('retail.policy.yaml');
    expect(back.status, back.stderr).toBe(0);
    expect(back.stderr).toBe('');
    expect(declarations(back.stdout)).toEqual(declarations(readFileSync(sketch, 'utf8')));
    expect(back.stdout).toContain('# retail.policy\n');
  });

  it('writes to a file with -o, and converts to the same form with --to', async () => {
    mkdirSync(join(dir, 'out'));
    expect((await hush('retail.policy', '-o', 'out/retail.policy.yaml')).status).toBe(0);
    const yaml = readFileSync(join(dir, 'out/retail.policy.yaml'), 'utf8');
    const again = await hush('out/retail.policy.yaml', '--to', 'yaml');
    expect(again).toEqual({ status: 0, stdout: yaml, stderr: '' });
    // The same form in place: the canonical layout, nothing duplicated.
    expect((await hush('out/retail.policy.yaml', '--to', 'yaml', '-o', 'out/retail.policy.yaml')).status).toBe(0);
  });

  it('refuses to write a second form of a policy beside the first, unless --replace', async () => {
    const source = readFileSync(join(dir, 'retail.policy'), 'utf8');
    const refused = await hush('retail.policy', '-o', 'retail.policy.yaml');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('hush/convert/would-duplicate');
    expect(refused.stderr).toContain('--replace');
    expect(readdirSync(dir).sort()).toEqual(['retail.policy']);
    // Another name in the same folder is the same policy twice too.
    expect((await hush('retail.policy', '-o', 'copy.policy.yaml')).status).toBe(2);
    expect(readdirSync(dir).sort()).toEqual(['retail.policy']);

    const replaced = await hush('retail.policy', '-o', 'retail.policy.yaml', '--replace');
    expect(replaced, replaced.stderr).toMatchObject({ status: 0, stderr: '' });
    expect(readdirSync(dir).sort()).toEqual(['retail.policy.yaml']);
    expect(declarations((await hush('retail.policy.yaml')).stdout)).toEqual(declarations(source));

    // A file of the output's name in another form, beside an input from elsewhere.
    mkdirSync(join(dir, 'in'));
    writeFileSync(join(dir, 'in/retail.policy'), source);
    expect((await hush('in/retail.policy', '-o', 'retail.policy.yaml', '--to', 'yaml')).status).toBe(0);
    writeFileSync(join(dir, 'retail.policy'), source);
    expect((await hush('in/retail.policy', '-o', 'retail.policy.yaml')).status).toBe(2);
    expect((await hush('retail.policy.yaml', '--to', 'yaml', '-o', 'in/retail.policy.yaml')).status).toBe(2);
    expect(readFileSync(join(dir, 'in/retail.policy'), 'utf8')).toBe(source);
  });

  it('keeps an end-of-line comment on its statement, to YAML and back', async () => {
    writeFileSync(join(dir, 'c.policy'), 'rule "r" {\n  keywords "加微信", "代购" # ads seen in 2026\n  when keyword then recall\n}\n');
    const yaml = await hush('c.policy');
    expect(yaml.stdout).toContain('keywords: [加微信, 代购] # ads seen in 2026\n');
    writeFileSync(join(dir, 'c.policy.yaml'), yaml.stdout);
    const back = await hush('c.policy.yaml');
    expect(back.stdout).toBe(readFileSync(join(dir, 'c.policy'), 'utf8'));
  });

  it('prints the diagnostics of a file with errors and exits 1', async () => {
    writeFileSync(join(dir, 'bad.policy.yaml'), 'enterprise: acme\nrules:\n  - rule: r\n    grups: [g-1]\n');
    const r = await hush('bad.policy.yaml');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('bad.policy.yaml:4:5: error[hush/yaml/unknown-property]: unknown property `grups`');
  });

  it('refuses what the YAML form cannot hold', async () => {
    writeFileSync(join(dir, 'dup.policy'), 'limits "a"\nlimits "b"\n');
    const r = await hush('dup.policy');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('dup.policy:2:1: error[hush/yaml/not-expressible]');
  });

  it('is bad usage for a name of no known form, a missing file, or an unknown --to', async () => {
    writeFileSync(join(dir, 'notes.txt'), 'x');
    expect((await hush('notes.txt')).status).toBe(2);
    expect((await hush('missing.policy')).status).toBe(2);
    expect((await hush('retail.policy', '--to', 'json')).status).toBe(2);
  });
});
