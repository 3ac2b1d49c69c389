// Where SARIF rules link to (render/docs-url.ts): the published catalogue by default, the address
// in HUSH_DOCS_URL when it is an http(s) URL, and `hush/cli/bad-docs-url` (exit 2) otherwise; and
// `hush check -f sarif` as a user runs it honours the variable.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../io.ts';
import { BAD_DOCS_URL, defaultDocsUrl, docsUrl } from './docs-url.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const HUSH = join(ROOT, 'bin/hush.js');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

function hush(args: string[], cwd: string, env: Record<string, string>): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [HUSH, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env } }, (error, stdout, stderr) => {
      done({ status: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

describe('docsUrl', () => {
  it('is the catalogue published with this version, unless HUSH_DOCS_URL says otherwise', () => {
    expect(defaultDocsUrl()).toBe(`https://unpkg.com/${pkg.name}@${pkg.version}/spec/diagnostics.md`);
    expect(docsUrl({})).toBe(defaultDocsUrl());
    expect(docsUrl({ HUSH_DOCS_URL: '' })).toBe(defaultDocsUrl());
    expect(docsUrl({ HUSH_DOCS_URL: 'https://docs.example.cn/hush/diagnostics.md' })).toBe('https://docs.example.cn/hush/diagnostics.md');
  });

  it('refuses an address that is not an absolute http(s) URL', () => {
    for (const bad of ['docs/diagnostics.md', 'file:///work/spec/diagnostics.md', 'javascript:alert(1)']) {
      expect(() => docsUrl({ HUSH_DOCS_URL: bad }), bad).toThrow(UsageError);
      expect(() => docsUrl({ HUSH_DOCS_URL: bad }), bad).toThrow(BAD_DOCS_URL);
    }
  });
});

describe('hush check -f sarif', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hush-docs-'));
    writeFileSync(join(dir, 'p.policy'), 'rule "ads" {\n  groups "g-1"\n  keywords "加微信", "加微信"\n  when keyword then remove\n}\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('links every rule to HUSH_DOCS_URL, and to the published catalogue without it', async () => {
    const own = await hush(['check', '-f', 'sarif', '.'], dir, { HUSH_DOCS_URL: 'https://docs.example.cn/hush/diagnostics.md' });
    const rules = JSON.parse(own.stdout).runs[0].tool.driver.rules as { helpUri: string }[];
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) expect(r.helpUri).toBe('https://docs.example.cn/hush/diagnostics.md');
    const published = await hush(['check', '-f', 'sarif', '.'], dir, { HUSH_DOCS_URL: '' });
    for (const r of JSON.parse(published.stdout).runs[0].tool.driver.rules) expect(r.helpUri).toBe(defaultDocsUrl());
  });

  it('exits 2 with hush/cli/bad-docs-url and nothing on stdout for a bad HUSH_DOCS_URL', async () => {
    const r = await hush(['check', '-f', 'sarif', '.'], dir, { HUSH_DOCS_URL: 'file:///tmp/diagnostics.md' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(BAD_DOCS_URL);
  });
});
