// The benchmark generator, at 1% scale: the same seed gives the same bytes, another seed gives
// other bytes, and the sets have the promised shape (counts of rules, keywords, list entries and
// creator quotas) and parse without a diagnostic.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../language/text-to-ast.ts';
import type { RuleDecl } from '../language/ast.ts';
import { generatePolicySet, parseArgs, type Manifest, type SetKind } from './gen-policy-set.ts';

const SCALE = 0.01;
const base = mkdtempSync(join(tmpdir(), 'hush-gen-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** Every file under `dir` with its bytes, by relative path. */
function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

function gen(kind: SetKind, seed: number, name: string): { dir: string; manifest: Manifest } {
  const dir = join(base, name);
  return { dir, manifest: generatePolicySet({ kind, out: dir, seed, scale: SCALE }) };
}

function entries(dir: string, rel: string): string[] {
  return readFileSync(join(dir, rel), 'utf8').split('\n').filter((l) => l !== '');
}

function rulesOf(dir: string, manifest: Manifest): RuleDecl[] {
  const rules: RuleDecl[] = [];
  for (const f of manifest.policyFiles) {
    const { ast, diagnostics } = parsePolicy(readFileSync(join(dir, f), 'utf8'), f);
    expect(diagnostics, f).toEqual([]);
    for (const d of ast.declarations) if (d.kind === 'rule') rules.push(d);
  }
  return rules;
}

function keywordCount(r: RuleDecl): number {
  let n = 0;
  for (const s of r.body) if (s.kind === 'keywords' && s.list.kind === 'inline') n += s.list.items.length;
  return n;
}

describe.each(['legal', 'over'] as const)('the %s set', (kind) => {
  it('is the same bytes for the same seed, and differs for another seed', () => {
    const a = snapshot(gen(kind, 42, `${kind}-a`).dir);
    const b = snapshot(gen(kind, 42, `${kind}-b`).dir);
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [k, v] of a) expect(v.equals(b.get(k)!), k).toBe(true);
    const c = snapshot(gen(kind, 43, `${kind}-c`).dir);
    expect(c.get('lists/enterprise-blacklist.txt')!.equals(a.get('lists/enterprise-blacklist.txt')!)).toBe(false);
  });

  it('writes the lists its manifest describes, with distinct customers across lists', () => {
    const { dir, manifest } = gen(kind, 5, `${kind}-shape`);
    for (const [rel, count] of Object.entries(manifest.listFiles)) expect(entries(dir, rel).length, rel).toBe(count);
    const customers = [
      'lists/enterprise-blacklist.txt',
      'lists/exempt.txt',
      ...Object.keys(manifest.personalBlacklists).map((o) => `lists/personal-${o.replace('.', '-')}.txt`),
    ].flatMap((rel) => entries(dir, rel));
    expect(new Set(customers).size).toBe(customers.length);
    expect(manifest.enterpriseBlacklist).toBe(20_000 + (kind === 'over' ? 1 : 0));
  });
});

describe('shapes', () => {
  it('legal: 1% of 1,000 super-admin rules, each at the per-rule limits scaled', () => {
    const { dir, manifest } = gen('legal', 9, 'legal-rules');
    const rules = rulesOf(dir, manifest);
    expect(rules.length).toBe(10);
    expect(manifest.quotas).toEqual({ superAdmins: 10, managementRule: 0, member: 0 });
    for (const r of rules) {
      expect(keywordCount(r)).toBe(1);
      expect(r.body.find((s) => s.kind === 'owner')).toMatchObject({ role: 'super-admin' });
    }
    expect(entries(dir, 'lists/groups-0.txt').length).toBe(200);
    expect(entries(dir, 'lists/links-0.txt').length).toBe(10);
    expect(Object.values(manifest.personalBlacklists)).toEqual([500, 500, 500]);
    expect(manifest.expectLimitErrors).toEqual([]);
  });

  it('over: each creator quota and each per-rule list one past the scaled limit', () => {
    const { dir, manifest } = gen('over', 9, 'over-rules');
    const rules = rulesOf(dir, manifest);
    expect(rules.length).toBe(33);
    expect(manifest.quotas).toEqual({ superAdmins: 11, managementRule: 11, member: 11 });
    const byName = new Map(rules.map((r) => [r.name.value, r]));
    expect(keywordCount(byName.get('over-keywords')!)).toBe(2);
    expect(manifest.listFiles['lists/groups-over.txt']).toBe(201);
    expect(manifest.listFiles['lists/links-over.txt']).toBe(11);
    expect(manifest.listFiles['lists/miniprograms-over.txt']).toBe(11);
    expect(manifest.personalBlacklists['li.lei']).toBe(501);
    const owners = rules.map((r) => r.body.find((s) => s.kind === 'owner'));
    expect(owners.filter((o) => o?.kind === 'owner' && o.role === 'rule-manager' && o.managementRule?.value === 'east-region').length).toBe(11);
    expect(owners.filter((o) => o?.kind === 'owner' && o.role === 'member' && o.id?.value === 'li.lei').length).toBe(11);
  });

  it('the small legal set checks without errors or warnings', async () => {
    const { dir } = gen('legal', 3, 'legal-check');
    const { checkPolicySet } = await import('../compiler/check.ts');
    const { diagnostics } = checkPolicySet([dir]);
    expect(diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning')).toEqual([]);
  });
});

describe('the command line', () => {
  it('parses options and rejects bad ones', () => {
    expect(parseArgs(['--kind', 'over', '--seed', '3', '--scale', '0.5', '--out', '/x'])).toMatchObject({ kind: 'over', seed: 3, scale: 0.5, out: '/x' });
    expect(parseArgs(['--kind', 'huge'])).toBeTypeOf('string');
    expect(parseArgs(['--kind', 'legal', '--scale', '2'])).toBeTypeOf('string');
    expect(parseArgs(['--kind', 'legal', '--bogus'])).toBeTypeOf('string');
  });

  it('refuses to overwrite a folder it did not write', () => {
    const dir = join(base, 'foreign');
    generatePolicySet({ kind: 'legal', out: dir, seed: 1, scale: SCALE });
    rmSync(join(dir, '.generated-by-gen-policy-set'));
    expect(() => generatePolicySet({ kind: 'legal', out: dir, seed: 1, scale: SCALE })).toThrow(/refusing/);
  });
});
