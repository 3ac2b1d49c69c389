// `hush compile`: writes the module into `.hush/`, prints the IR, checks staleness, refuses a set
// with errors; and `hush run` then decides with it (the acceptance check's hostile keywords).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadWrittenModule } from '../../compiler/codegen/load-module.ts';
import { policySetToIr } from '../../compiler/lower/policy-set-to-ir.ts';
import type { CliIO } from '../io.ts';
import { runCompile } from './compile.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const HUSH = join(ROOT, 'bin/hush.js');

const POLICY = `rule "r1" {
  owner super-admin "z"
  groups "g-1"
  keywords "\${process.exit(7)}", "\`*/process.exit(8)/*\`", "__proto__"
  when keyword then recall
}
`;

let dir: string;
let out: string[];
let err: string[];
const io = (): CliIO => ({ stdout: (s) => out.push(s), stderr: (s) => err.push(s), isTTY: false, cwd: dir });

// Trust records go to a cache of this test's own (trusted-modules.ts), never the user's.
let cache: string;
beforeAll(() => {
  cache = mkdtempSync(join(tmpdir(), 'hush-cache-'));
  process.env.HUSH_CACHE_DIR = cache;
});
afterAll(() => {
  delete process.env.HUSH_CACHE_DIR;
  rmSync(cache, { recursive: true, force: true });
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hush-compile-'));
  writeFileSync(join(dir, 'p.policy'), POLICY);
  out = [];
  err = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], input: string): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(process.execPath, [HUSH, ...args], { cwd: dir }, (error, stdout, stderr) => {
      done({ status: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
    child.stdin!.end(input);
  });
}

describe('hush compile', () => {
  it('writes the module and its types into .hush/ beside the policy set', async () => {
    expect(await runCompile(['p.policy'], {}, io())).toBe(0);
    expect(existsSync(join(dir, '.hush/policy.mjs'))).toBe(true);
    expect(existsSync(join(dir, '.hush/policy.d.ts'))).toBe(true);
    expect(existsSync(join(dir, '.hush/policy.data.bin'))).toBe(false);
    expect(out.join('')).toMatch(/compiled 1 rule into \.hush/);
  });

  it('writes elsewhere with -o', async () => {
    expect(await runCompile(['p.policy'], { outDir: 'build/out' }, io())).toBe(0);
    expect(existsSync(join(dir, 'build/out/policy.mjs'))).toBe(true);
  });

  it('prints the IR as canonical JSON that the schema accepts', async () => {
    expect(await runCompile([], { emit: 'ir' }, io())).toBe(0);
    const text = out.join('');
    const ir = JSON.parse(text);
    const schema = JSON.parse(readFileSync(join(ROOT, 'spec/ir.schema.json'), 'utf8'));
    expect(new Ajv({ strict: true, allowUnionTypes: true }).validate(schema, ir)).toBe(true);
    expect(Object.keys(ir)).toEqual([...Object.keys(ir)].sort());
    expect(ir.rules[0].keywords.map((k: { text: string }) => k.text)).toContain('__proto__');
    expect(existsSync(join(dir, '.hush'))).toBe(false);
  });

  it('--check: 1 when missing or stale, 0 when up to date', async () => {
    expect(await runCompile(['p.policy'], { check: true }, io())).toBe(1);
    await runCompile(['p.policy'], {}, io());
    expect(await runCompile(['p.policy'], { check: true }, io())).toBe(0);
    writeFileSync(join(dir, 'p.policy'), POLICY.replace('"g-1"', '"g-2"'));
    err = [];
    expect(await runCompile(['p.policy'], { check: true }, io())).toBe(1);
    expect(err.join('')).toMatch(/stale: policy\.mjs/);
  });

  it('refuses a set with errors: diagnostics on stderr, exit 1, nothing written', async () => {
    writeFileSync(join(dir, 'p.policy'), 'rule "r1" {\n  groups "g-1"\n  when keyword then explode\n}\n');
    expect(await runCompile(['p.policy'], {}, io())).toBe(1);
    expect(err.join('')).toMatch(/error/);
    expect(existsSync(join(dir, '.hush'))).toBe(false);
  });

  it('rejects --check with --emit ir, and a missing path, as bad usage', async () => {
    await expect(runCompile(['p.policy'], { check: true, emit: 'ir' }, io())).rejects.toThrow(/--check/);
    await expect(runCompile(['nope.policy'], {}, io())).rejects.toThrow(/no such file/);
  });

  it('the written module is used while fresh, and not once the policy changes', async () => {
    await runCompile(['p.policy'], {}, io());
    const fresh = policySetToIr(['p.policy'], { cwd: dir }).ir!;
    const loaded = await loadWrittenModule(fresh, dir);
    expect(loaded?.rulesForGroup('g-1')).toEqual(['r1']);
    writeFileSync(join(dir, 'p.policy'), POLICY.replace('"g-1"', '"g-2"'));
    const changed = policySetToIr(['p.policy'], { cwd: dir }).ir!;
    expect(await loadWrittenModule(changed, dir)).toBeNull();
  });

  it('never imports a module this machine did not generate: a committed or hand-edited one is compiled afresh', async () => {
    await runCompile(['p.policy'], {}, io());
    const ir = policySetToIr(['p.policy'], { cwd: dir }).ir!;
    const file = join(dir, '.hush/policy.mjs');
    const marker = join(dir, 'pwned');
    // The right `hash` export, plus top-level code: what a pull request could commit.
    writeFileSync(file, `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\n${readFileSync(file, 'utf8')}`);
    expect(await loadWrittenModule(ir, dir)).toBeNull();
    const ev = JSON.stringify({ type: 'message', group: 'g-1', sender: { id: 'c-1', kind: 'customer' }, text: 'a __proto__ b', at: '2026-11-23T10:00:00Z' });
    for (const cmd of [['run', 'p.policy'], ['explain', 'p.policy', '--group', 'g-1', '--sender', 'c-1', '--text', 'x']]) {
      const r = await run(cmd, ev + '\n');
      expect(r.status, r.stderr).toBe(0);
    }
    expect(existsSync(marker)).toBe(false);
    // A fresh clone (no trust record for these bytes) compiles in memory too.
    await runCompile(['p.policy'], {}, io());
    rmSync(cache, { recursive: true, force: true });
    expect(await loadWrittenModule(ir, dir)).toBeNull();
  });

  it('refuses to write through a symbolic link: a linked output file or a linked .hush', async () => {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    mkdirSync(join(dir, '.hush'));
    symlinkSync(victim, join(dir, '.hush/policy.d.ts'));
    await expect(runCompile(['p.policy'], {}, io())).rejects.toThrow(/symbolic link/);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    rmSync(join(dir, '.hush'), { recursive: true });
    const elsewhere = mkdtempSync(join(tmpdir(), 'hush-elsewhere-'));
    writeFileSync(join(elsewhere, 'policy.data.bin'), 'keep me');
    symlinkSync(elsewhere, join(dir, '.hush'));
    await expect(runCompile(['p.policy'], {}, io())).rejects.toThrow(/symbolic link/);
    expect(readFileSync(join(elsewhere, 'policy.data.bin'), 'utf8')).toBe('keep me');
    rmSync(elsewhere, { recursive: true, force: true });
  });

  it('then `hush run` decides the hostile keywords as data (the acceptance check)', async () => {
    const ev = (text: string, at: string) =>
      JSON.stringify({ type: 'message', group: 'g-1', sender: { id: 'c-1', kind: 'customer' }, text, links: [], miniprograms: [], at });
    expect((await run(['compile', 'p.policy'], '')).status).toBe(0);
    const r = await run(['run', 'p.policy'], [ev('x${process.exit(7)}y', '2026-11-23T10:00:00Z'), ev('a __proto__ b', '2026-11-23T10:00:01Z')].join('\n') + '\n');
    expect(r.status).toBe(0);
    expect(r.stdout.match(/"allowed":false/g)?.length).toBe(2);
  }, 60_000);
});
