// The quota checks that conformance cases cannot show: a second quota points at the first one in
// another file, an unknown kind suggests `contact-add`, and UTC offsets are read exactly.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPolicySet } from '../check.ts';
import { parseUtcOffset } from '../model/utc-offset.ts';

function check(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'hush-quota-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return checkPolicySet(['.'], { cwd: dir }).diagnostics;
}

describe('quota checks', () => {
  it('reports a second quota in another file at its name, pointing at the first', () => {
    const ds = check({ 'a.policy': 'quota contact-add {\n  daily 10\n}\n', 'b.policy': '\nquota contact-add {\n  daily 20\n}\n' });
    expect(ds.map((d) => [d.code, d.file, d.range.start.line, d.range.start.column])).toEqual([['hush/semantic/duplicate-statement', 'b.policy', 2, 7]]);
    expect(ds[0].related?.map((r) => [r.file, r.range.start.line, r.range.end.line])).toEqual([['a.policy', 1, 3]]);
  });

  it('suggests `contact-add` for a misspelt kind', () => {
    const [d] = check({ 'p.policy': 'quota contact-ad {\n  daily 10\n}\n' });
    expect(d.code).toBe('hush/semantic/unknown-quota');
    expect(d.help).toContain('`contact-add`');
  });

  it('takes every threshold from 0% to 100%, and nothing above', () => {
    const quota = (p: string) => check({ 'p.policy': `quota contact-add {\n  daily 10\n  lower 1 when blocks over ${p}\n}\n` }).map((d) => d.code);
    for (const ok of ['0%', '0.0%', '100%', '100.0%', '99.999%']) expect(quota(ok), ok).toEqual([]);
    for (const bad of ['100.01%', '101%', '1000000%']) expect(quota(bad), bad).toEqual(['hush/semantic/bad-percentage']);
  });
});

describe('parseUtcOffset', () => {
  it('reads ±HH:MM from -12:00 to +14:00', () => {
    expect(parseUtcOffset('+08:00')).toBe(480);
    expect(parseUtcOffset('-05:30')).toBe(-330);
    expect(parseUtcOffset('+05:45')).toBe(345);
    expect(parseUtcOffset('-00:00')).toBe(0);
    expect(parseUtcOffset('-12:00')).toBe(-720);
    expect(parseUtcOffset('+14:00')).toBe(840);
  });

  it('refuses anything else', () => {
    for (const bad of ['+8:00', '08:00', '+08:60', '+14:01', '-12:01', '+08', 'UTC+8', '+08:00 ', 'Asia/Shanghai', '']) expect(parseUtcOffset(bad), bad).toBeUndefined();
  });
});
