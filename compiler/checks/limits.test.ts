// Every documented limit holds exactly at its boundary: N passes, N+1 fails with the limit's own
// code. The numbers are read from the profile, so the test follows the data.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPolicySet } from '../check.ts';
import { loadProfile, type LimitId } from '../load/limits-profile.ts';

const profile = loadProfile('wecom-4.1.36')!;
const max = (id: LimitId) => profile.byId.get(id)!.max!;

function policySet(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hush-limits-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const seq = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i + 1));
const quoted = (xs: string[]) => xs.map((x) => JSON.stringify(x)).join(', ');

function rule(body: string, name = 'r1', owner = 'owner super-admin "zhang.wei"'): string {
  return `rule "${name}" {\n  ${owner}\n  groups "g-1"\n${body}\n}\n`;
}

function codes(dir: string): string[] {
  return checkPolicySet([dir]).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
}

describe('limits at their boundaries', () => {
  const cases: { id: LimitId; make: (n: number) => Record<string, string> }[] = [
    {
      id: 'keywords-per-rule',
      make: (n) => ({ 'p.policy': rule(`  keywords ${quoted(seq(n, (i) => `kw-${i}-x`))}\n  when keyword then recall`) }),
    },
    {
      id: 'links-per-rule',
      make: (n) => ({ 'p.policy': rule(`  allow links ${quoted(seq(n, (i) => `https://s${i}.example.cn/*`))}\n  when link then recall`) }),
    },
    {
      id: 'miniprograms-per-rule',
      make: (n) => ({ 'p.policy': rule(`  allow miniprograms ${quoted(seq(n, (i) => `wx${i.toString(16).padStart(16, '0')}`))}\n  when miniprogram then recall`) }),
    },
    {
      id: 'groups-per-rule',
      make: (n) => ({
        'lists/groups.txt': seq(n, (i) => `g-${i}`).join('\n'),
        'p.policy': 'rule "r1" {\n  owner super-admin "z"\n  groups from "lists/groups.txt"\n  keywords "x"\n  when keyword then recall\n}\n',
      }),
    },
    {
      id: 'personal-blacklist',
      make: (n) => ({ 'lists/bl.txt': seq(n, (i) => `c-${i}`).join('\n'), 'p.policy': 'blacklist personal of "li.lei" from "lists/bl.txt"\n' }),
    },
    {
      id: 'enterprise-blacklist',
      make: (n) => ({ 'lists/bl.txt': seq(n, (i) => `c-${i}`).join('\n') + '\n', 'p.policy': 'blacklist enterprise from "lists/bl.txt"\n' }),
    },
    {
      id: 'rules-per-super-admins',
      // Three super admins share one quota, across two files.
      make: (n) => ({
        'a.policy': seq(Math.floor(n / 2), (i) => rule('  keywords "k"\n  when keyword then recall', `a${i}`, `owner super-admin "admin-${i % 3}"`)).join(''),
        'b.policy': seq(n - Math.floor(n / 2), (i) => rule('  keywords "k"\n  when keyword then recall', `b${i}`, `owner super-admin "admin-${i % 3}"`)).join(''),
      }),
    },
    {
      id: 'rules-per-management-rule',
      make: (n) => ({
        'p.policy': seq(n, (i) => rule('  keywords "k"\n  when keyword then recall', `r${i}`, `owner rule-manager of "east" "person-${i % 4}"`)).join(''),
      }),
    },
    {
      id: 'rules-per-member',
      make: (n) => ({ 'p.policy': seq(n, (i) => rule('  keywords "k"\n  when keyword then recall', `r${i}`, 'owner member "li.lei"')).join('') }),
    },
  ];

  for (const c of cases) {
    it(`${c.id}: ${max(c.id)} passes, ${max(c.id) + 1} fails`, () => {
      expect(codes(policySet(c.make(max(c.id))))).toEqual([]);
      expect(codes(policySet(c.make(max(c.id) + 1)))).toEqual([`hush/limit/${c.id}`]);
    });
  }

  it('linked-restore: `restore within` of exactly 24 hours passes, one second more fails', () => {
    const l = profile.byId.get('linked-restore')!;
    expect([l.max, l.unit]).toEqual([24, 'hours']);
    const ladder = (d: string) => ({
      'p.policy': `ladder "linked" {\n  counts linked-account\n  while linked blocked: suspend interop, restore within ${d}\n}\n`,
    });
    for (const ok of ['24h', '1d', '1440m', '86400s', '1s']) expect(codes(policySet(ladder(ok))), ok).toEqual([]);
    for (const over of ['86401s', '1441m', '25h', '2d', '1w']) expect(codes(policySet(ladder(over))), over).toEqual(['hush/limit/linked-restore']);
    const [d] = checkPolicySet([policySet(ladder('86401s'))]).diagnostics;
    expect([d.range.start.line, d.range.start.column, d.range.end.column]).toEqual([3, 57, 63]);
  });

  it('counts distinct entries: a repeated keyword does not count twice', () => {
    const kws = seq(max('keywords-per-rule'), (i) => `kw-${i}-x`);
    const dir = policySet({ 'p.policy': rule(`  keywords ${quoted([...kws, kws[0]])}\n  when keyword then recall`) });
    const ds = checkPolicySet([dir]).diagnostics;
    expect(ds.map((d) => d.code)).toEqual(['hush/lint/duplicate-keyword']);
  });

  it('quotas are separate per bucket: 1,000 super-admin rules and 1,000 member rules are fine', () => {
    const n = max('rules-per-super-admins');
    const dir = policySet({
      'a.policy': seq(n, (i) => rule('  keywords "k"\n  when keyword then recall', `a${i}`)).join(''),
      'b.policy': seq(n, (i) => rule('  keywords "k"\n  when keyword then recall', `b${i}`, 'owner member "li.lei"')).join(''),
    });
    expect(codes(dir)).toEqual([]);
  });

  it('a rule configured before v4.1.36 keeps more than 20,000 groups, with a note', () => {
    const n = max('groups-per-rule') + 500;
    const dir = policySet({
      'lists/groups.txt': seq(n, (i) => `g-${i}`).join('\n'),
      'p.policy': 'rule "r1" {\n  owner super-admin "z"\n  configured on "4.1.20"\n  groups from "lists/groups.txt"\n  keywords "x"\n  when keyword then recall\n}\n',
    });
    const ds = checkPolicySet([dir]).diagnostics;
    expect(ds.filter((d) => d.severity === 'error')).toEqual([]);
    expect(ds.map((d) => d.code)).toContain('hush/limit/groups-per-rule-legacy');
    const after = policySet({
      'lists/groups.txt': seq(n, (i) => `g-${i}`).join('\n'),
      'p.policy': 'rule "r1" {\n  owner super-admin "z"\n  configured on "4.1.36"\n  groups from "lists/groups.txt"\n  keywords "x"\n  when keyword then recall\n}\n',
    });
    expect(codes(after)).toEqual(['hush/limit/groups-per-rule']);
  });

  it('more than 2,000 groups gets the batch plan as information', () => {
    const at = (n: number) =>
      checkPolicySet([
        policySet({
          'lists/groups.txt': seq(n, (i) => `g-${i}`).join('\n'),
          'p.policy': 'rule "r1" {\n  owner super-admin "z"\n  groups from "lists/groups.txt"\n  keywords "x"\n  when keyword then recall\n}\n',
        }),
      ]).diagnostics;
    expect(at(2000)).toEqual([]);
    const d = at(5001);
    expect(d.map((x) => [x.code, x.severity])).toEqual([['hush/limit/groups-per-operation', 'info']]);
    expect(d[0].message).toContain('3 batches');
    expect(d[0].range.start.line).toBe(3);
  });
});
