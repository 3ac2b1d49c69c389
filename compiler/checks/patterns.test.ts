// The pattern checks through the checker: each refused construct has its code and the range of
// the construct inside the string literal (escapes counted), and Hush's limits apply.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPolicySet } from '../check.ts';

function check(patterns: string): { code: string; col: number; end: number }[] {
  const dir = mkdtempSync(join(tmpdir(), 'hush-patterns-'));
  writeFileSync(join(dir, 'p.policy'), `rule "r" {\n  owner super-admin "a"\n  groups "g"\n  pattern ${patterns}\n  when keyword then recall\n}\n`);
  return checkPolicySet([dir]).diagnostics.filter((d) => /pattern/.test(d.code)).map((d) => ({ code: d.code, col: d.range.start.column, end: d.range.end.column }));
}

describe('pattern checks', () => {
  it('accepts RE2 patterns', () => expect(check('"1[3-9]\\\\d{9}", "加.{0,2}微"')).toEqual([]));
  // `  pattern "` is 11 columns: the literal's first character is column 12.
  it.each([
    ['"(a)\\\\1"', 'hush/pattern/backreference', 15, 18],
    ['"x(?=a)"', 'hush/pattern/lookaround', 13, 16],
    ['"a++"', 'hush/pattern/possessive', 13, 15],
    ['"a{1001}"', 'hush/pattern/too-large', 13, 19],
    ['"x?"', 'hush/pattern/matches-empty', 12, 14],
    ['"(a{1,100}){1,10}"', 'hush/limit/pattern-program-size', 11, 29],
  ])('%s: %s', (p, code, col, end) => {
    expect(check(p)).toEqual([{ code, col, end }]);
  });
  it('limits the patterns of a rule', () => {
    const many = Array.from({ length: 21 }, (_, i) => `"p${i}"`).join(', ');
    expect(check(many).map((d) => d.code)).toEqual(['hush/limit/patterns-per-rule']);
  });
});
