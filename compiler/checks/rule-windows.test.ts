// The checks of a rule's windows and exemptions (rule-windows.ts, list-lints.ts): an empty window,
// dates that are not dates (inline and in a list file, at their own line), windows and dates
// given twice, and what the IR then holds: the set's time zone, windows sorted and distinct.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPolicySet } from '../check.ts';
import { policySetToIr } from '../lower/policy-set-to-ir.ts';

function setOf(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hush-rule-windows-'));
  mkdirSync(join(dir, 'lists'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
const rule = (body: string) => `rule "r" {\n  owner member "m"\n  groups "g"\n  keywords "a"\n${body}  when keyword then recall\n}\n`;
const check = (files: Record<string, string>) =>
  checkPolicySet(['.'], { cwd: setOf(files) }).diagnostics.map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.code}`);

describe('rule windows', () => {
  it('takes good windows, days and exemptions without a word', () => {
    const files = {
      'p.policy': rule('  during 22:00-07:00\n  during days from "lists/days.txt"\n  during days "2028-02-29"\n  exempt customers "c-1"\n'),
      'lists/days.txt': '# exam days\n2026-06-07\n\n2026-06-08  # second day\n',
    };
    expect(check(files)).toEqual([]);
  });

  it('reports an empty window, and a window given twice', () => {
    expect(check({ 'p.policy': rule('  during 10:00-10:00\n  during 22:00-07:00\n  during 22:00 - 07:00\n') })).toEqual([
      'p.policy:5:10 hush/semantic/empty-window',
      'p.policy:7:10 hush/lint/duplicate-window',
    ]);
  });

  it('reports dates that are not dates, inline and in a list file, and a date given twice', () => {
    const files = {
      'p.policy': rule('  during days "2026-02-30", "2026-6-7", "2026-06-07", "2026-06-07"\n  during days from "lists/days.txt"\n'),
      'lists/days.txt': '2026-06-07\n2026-13-01\n',
    };
    expect(check(files)).toEqual([
      'lists/days.txt:2:1 hush/semantic/bad-date',
      'lists/days.txt:1:1 hush/lint/duplicate-window',
      'p.policy:5:15 hush/semantic/bad-date',
      'p.policy:5:29 hush/semantic/bad-date',
      'p.policy:5:55 hush/lint/duplicate-entry',
    ]);
  });
});

describe('rule windows in the IR', () => {
  it('lowers windows sorted and distinct at the quota\'s offset, and leaves a rule without them as before', () => {
    const dir = setOf({
      'p.policy': rule('  during 22:00-07:00\n  during 09:00-10:00\n  during days "2026-06-08", "2026-06-07"\n  exempt customers "c-2", "c-1"\n') +
        'rule "plain" {\n  owner member "m"\n  groups "g"\n  keywords "b"\n  when keyword then recall\n}\nquota contact-add {\n  daily 10\n  timezone "-05:30"\n}\n',
    });
    const ir = policySetToIr(['.'], { cwd: dir }).ir!;
    const [plain, r] = ir.rules;
    expect(r.window).toEqual({ times: [{ start: 540, end: 600 }, { start: 1320, end: 420 }], days: ['2026-06-07', '2026-06-08'], utcOffsetMinutes: -330 });
    expect(r.exempt).toEqual(['c-1', 'c-2']);
    expect('window' in plain || 'exempt' in plain).toBe(false);
  });

  it('reads windows at +08:00 when the set has no quota', () => {
    const ir = policySetToIr(['.'], { cwd: setOf({ 'p.policy': rule('  during 22:00-07:00\n') }) }).ir!;
    expect(ir.rules[0].window?.utcOffsetMinutes).toBe(480);
  });
});
