// Lowering the penalty extensions to the IR: a ladder's `members` (sorted, distinct, from a list
// file or inline; null without), its `while linked blocked` line, and the contact-add quota
// (adjustments in source order, signed deltas, rates as exact fractions, booleans, defaults).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IrPolicySet } from '../../runtime/ir.ts';
import { percentToFraction } from './model-to-ir.ts';
import { policySetToIr } from './policy-set-to-ir.ts';

function lower(files: Record<string, string>): IrPolicySet {
  const dir = mkdtempSync(join(tmpdir(), 'hush-ir-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const r = policySetToIr([dir]);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.ir!;
}

const loc = (line: number, column: number, endLine: number, endColumn: number) => expect.objectContaining({ line, column, endLine, endColumn });

describe('ladders in the IR', () => {
  const ir = lower({
    'lists/team.txt': '# the team\nm-3\nm-1\nm-2\nm-1\n',
    'p.policy': [
      'ladder "team" {',
      '  counts harassment',
      '  members from "lists/team.txt"',
      '  step 1: suspend interop for 1h',
      '}',
      'ladder "inline" {',
      '  counts fraud',
      '  members "b", "a"',
      '  step 1: ban member',
      '}',
      'ladder "linked" {',
      '  counts linked-account',
      '  while linked blocked: suspend interop, ban admin, restore within 12h',
      '  severe: ban member forever',
      '}',
      '',
    ].join('\n'),
  });
  const ladder = (name: string) => ir.ladders.find((l) => l.name === name)!;

  it('gives members sorted and distinct, and null when the ladder names none', () => {
    expect(ladder('team').members).toEqual(['m-1', 'm-2', 'm-3']);
    expect(ladder('inline').members).toEqual(['a', 'b']);
    expect(ladder('linked').members).toBeNull();
  });

  it('gives the linked line its sanctions without durations and its restore delay', () => {
    expect(ladder('linked').linked).toEqual({
      sanctions: [
        { sanction: 'suspend-interop', ms: null },
        { sanction: 'ban-admin', ms: null },
      ],
      restoreWithinMs: 12 * 3_600_000,
      loc: loc(13, 3, 13, 71),
    });
    expect(ladder('linked').steps).toEqual([]);
    expect(ladder('team').linked).toBeNull();
  });
});

describe('the contact-add quota in the IR', () => {
  it('is null without a quota declaration', () => {
    expect(lower({ 'p.policy': 'enterprise "a"\n' }).contactQuota).toBeNull();
  });

  it('lowers every kind of condition, in source order', () => {
    const q = lower({
      'p.policy': [
        'quota contact-add {',
        '  timezone "-05:30"',
        '  raise 100 when complete',
        '  lower 50 when not complete',
        '  raise 5 when compliant',
        '  lower 100 when not compliant',
        '  raise 50 when usage over 80%',
        '  lower 30 when blocks under 2.3%',
        '  lower 30 when deletions over 0.5%',
        '  lower 50 when complaints over 100%',
        '  daily 120',
        '  maximum 500',
        '}',
        '',
      ].join('\n'),
    }).contactQuota!;
    expect(q.base).toBe(120);
    expect(q.minimum).toBe(0);
    expect(q.maximum).toBe(500);
    expect(q.utcOffsetMinutes).toBe(-330);
    expect(q.loc).toEqual(loc(1, 1, 13, 2));
    expect(q.adjustments.map(({ delta, factor, op, value }) => [delta, factor, op, value])).toEqual([
      [100, 'complete', 'is', true],
      [-50, 'complete', 'is', false],
      [5, 'compliant', 'is', true],
      [-100, 'compliant', 'is', false],
      [50, 'usage', 'over', 0.8],
      [-30, 'blocks', 'under', 0.023],
      [-30, 'deletions', 'over', 0.005],
      [-50, 'complaints', 'over', 1],
    ]);
    expect(q.adjustments[4].loc).toEqual(loc(7, 3, 7, 31));
  });

  it('defaults the minimum to 0, the maximum to none and the day to UTC+08:00', () => {
    const q = lower({ 'p.policy': 'quota contact-add {\n  daily 100\n}\n' }).contactQuota!;
    expect([q.base, q.adjustments, q.minimum, q.maximum, q.utcOffsetMinutes]).toEqual([100, [], 0, null, 480]);
  });
});

describe('percentToFraction', () => {
  it('gives the double nearest to the decimal fraction', () => {
    expect(percentToFraction('2.3%')).toBe(0.023);
    expect(percentToFraction('0.5%')).toBe(0.005);
    expect(percentToFraction('80%')).toBe(0.8);
    expect(percentToFraction('007%')).toBe(0.07);
    expect(percentToFraction('100%')).toBe(1);
    expect(percentToFraction('0%')).toBe(0);
    expect(percentToFraction('33.333%')).toBe(0.33333);
  });
});
