// The diff's parts, case by case: list diffs, coverage (keywords, links), actions, `when` lines,
// ladders in words, the contact quota, fields the diff does not know, renames and batch plans.
// The classes' soundness over random policies is classification.property.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { irFromText } from '../../spec/testing/ir-from-text.ts';
import type { IrContactQuota, IrLadder, IrLoc, IrPolicySet, IrRule } from '../../runtime/ir.ts';
import { diffActions } from './action-diff.ts';
import { sanctionsEffect } from './ladder-diff.ts';
import { diffLists } from './list-diff.ts';
import { diffPolicySets } from './policy-diff.ts';
import { irSide } from './side.ts';
import { conditionEffect } from './trigger-diff.ts';
import type { Change, PolicyDiff } from './types.ts';

const LOC: IrLoc = { file: 'p.policy', line: 3, column: 1, endLine: 3, endColumn: 9 };

function diffTexts(base: string, head: string, files: Record<string, string> = {}): PolicyDiff {
  return diffPolicySets(irSide(irFromText(base, files), 'base'), irSide(irFromText(head, files), 'head'));
}

const changes = (d: PolicyDiff): Change[] => d.subjects.flatMap((s) => s.changes);
const byCode = (d: PolicyDiff, code: string) => changes(d).filter((c) => c.code === code);

const rule = (body: string, name = 'r') => `rule "${name}" {\n  owner member "m"\n  groups "g-1"\n${body}\n}\n`;

describe('list diff', () => {
  it('finds exactly the added and removed entries, sorted or not', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ maxLength: 3 })), fc.uniqueArray(fc.string({ maxLength: 3 })), fc.boolean(), (a, b, sort) => {
        const x = sort ? [...a].sort() : a;
        const y = sort ? [...b].sort() : b;
        const d = diffLists(x, y);
        expect(new Set(d.added)).toEqual(new Set(b.filter((v) => !a.includes(v))));
        expect(new Set(d.removed)).toEqual(new Set(a.filter((v) => !b.includes(v))));
      }),
    );
  });
});

describe('keywords', () => {
  it('an added keyword is stricter and one removed looser, each at its own place', () => {
    const d = diffTexts(rule('  keywords "加微信", "代购"\n  when keyword then recall'), rule('  keywords "加微信", "刷单"\n  when keyword then recall'));
    const [added] = byCode(d, 'hush/diff/keyword-added');
    const [removed] = byCode(d, 'hush/diff/keyword-removed');
    expect(added).toMatchObject({ effect: 'stricter', head: { line: 4, column: 19 } });
    expect(removed).toMatchObject({ effect: 'looser', base: { line: 4, column: 19 }, head: null });
    expect(removed.message).toContain('代购');
    expect(d.verdict).toBe('both');
  });

  it('a keyword covered by one that stays changes nothing, but not when an exception could swallow the shorter one', () => {
    const plain = diffTexts(rule('  keywords "微信", "加微信号"\n  when keyword then recall'), rule('  keywords "微信"\n  when keyword then recall'));
    expect(byCode(plain, 'hush/diff/keyword-removed')[0]).toMatchObject({ effect: 'equivalent' });
    expect(plain.verdict).toBe('equivalent');
    // With `except "微信"`, "加微信号" fires on 加微信号 while "微信" there is an exception.
    const withException = diffTexts(
      rule('  keywords "微信", "加微信号"\n  except "微信"\n  when keyword then recall'),
      rule('  keywords "微信"\n  except "微信"\n  when keyword then recall'),
    );
    expect(withException.verdict).toBe('looser');
  });

  it('keywords no `when keyword` line reads are inert', () => {
    const d = diffTexts(rule('  keywords "a1"\n  when length over 5 then recall'), rule('  keywords "a2"\n  when length over 5 then recall'));
    expect(changes(d).map((c) => c.effect)).toEqual(['equivalent', 'equivalent']);
    expect(changes(d)[0].note).toMatch(/no `when keyword` line/);
  });

  it('a changed normalisation is both; whole-word off is stricter; an exception added is looser', () => {
    const d = diffTexts(
      rule('  normalize case\n  keywords whole-word "sex"\n  keywords "代购"\n  when keyword then recall'),
      rule('  normalize case, width\n  keywords "sex"\n  keywords "代购"\n  except "代购物"\n  when keyword then recall'),
    );
    expect(byCode(d, 'hush/diff/normalize-changed')[0].effect).toBe('both');
    expect(byCode(d, 'hush/diff/keyword-changed')[0]).toMatchObject({ effect: 'stricter' });
    expect(byCode(d, 'hush/diff/exception-added')[0]).toMatchObject({ effect: 'looser' });
  });
});

describe('whitelists and groups', () => {
  it('link patterns: a covered one changes nothing, another added is looser, one removed stricter', () => {
    const d = diffTexts(
      rule('  allow links "*.acme.cn", "https://old.example/*"\n  when link then recall'),
      rule('  allow links "*.acme.cn", "https://shop.acme.cn/deals/*", "*.new.example"\n  when link then recall'),
    );
    const added = byCode(d, 'hush/diff/allow-link-added');
    expect(added.find((c) => c.message.includes('deals'))).toMatchObject({ effect: 'equivalent' });
    expect(added.find((c) => c.message.includes('new.example'))).toMatchObject({ effect: 'looser' });
    expect(byCode(d, 'hush/diff/allow-link-removed')[0]).toMatchObject({ effect: 'stricter' });
  });

  it('many groups added: one change with a count, a sample and the batch plan', () => {
    const groups = Array.from({ length: 4_500 }, (_, i) => `g-${String(i).padStart(5, '0')}`);
    const d = diffTexts(
      'rule "r" {\n  owner member "m"\n  groups "g-00000"\n  when image then recall\n}\n',
      'rule "r" {\n  owner member "m"\n  groups from "lists/groups.txt"\n  when image then recall\n}\n',
      { 'lists/groups.txt': groups.join('\n') },
    );
    const [c] = byCode(d, 'hush/diff/group-added');
    expect(c.entries).toEqual({ count: 4_499, sample: ['g-00001', 'g-00002', 'g-00003', 'g-00004', 'g-00005'] });
    expect(c.effect).toBe('stricter');
    expect(c.note).toMatch(/batch plan: 3 configuration operations of at most 2,000 groups/);
    expect(d.limits).toEqual([expect.objectContaining({ limit: 'groups-per-rule', base: 1, head: 4_500, max: 20_000 })]);
  });
});

describe('actions and `when` lines', () => {
  it('compares actions component by component', () => {
    expect(diffActions([{ type: 'mute', ms: 60_000 }], [{ type: 'mute', ms: 3_600_000 }])).toEqual({ effect: 'stricter', parts: ['mute 1m -> mute 1h'] });
    expect(diffActions([{ type: 'recall' }], [{ type: 'mute', ms: 60_000 }]).effect).toBe('both');
    expect(diffActions([{ type: 'blacklist', scope: 'enterprise' }], [{ type: 'blacklist', scope: 'group' }]).effect).toBe('looser');
    expect(diffActions([{ type: 'warn', text: 'a' }], [{ type: 'warn', text: 'b' }])).toEqual({ effect: 'equivalent', parts: ['warn "a" dropped', 'warn "b" added'] });
    expect(diffActions([{ type: 'recall' }], [{ type: 'recall' }, { type: 'record', category: 'fraud' }]).effect).toBe('stricter');
  });

  it('compares firing conditions', () => {
    const flood = (count: number, windowMs: number) => ({ type: 'flood' as const, count, windowMs, loc: LOC, actions: [] });
    expect(conditionEffect(flood(5, 10_000), flood(3, 10_000)).effect).toBe('stricter');
    expect(conditionEffect(flood(5, 10_000), flood(5, 60_000)).effect).toBe('stricter');
    expect(conditionEffect(flood(5, 10_000), flood(3, 5_000)).effect).toBe('both');
    expect(conditionEffect(flood(3, 10_000), flood(5, 10_000)).effect).toBe('looser');
    const length = (max: number) => ({ type: 'length' as const, max, loc: LOC, actions: [] });
    expect(conditionEffect(length(500), length(200)).effect).toBe('stricter');
  });

  it('pairs `when` lines by type and reports added, removed and changed ones', () => {
    const d = diffTexts(
      rule('  when flood 5 in 10s then mute 30m\n  when image then recall'),
      rule('  when flood 3 in 10s then mute 1h\n  when length over 100 then recall'),
    );
    expect(changes(d).map((c) => [c.code, c.effect])).toEqual([
      ['hush/diff/trigger-changed', 'stricter'],
      ['hush/diff/actions-changed', 'stricter'],
      ['hush/diff/trigger-added', 'stricter'],
      ['hush/diff/trigger-removed', 'looser'],
    ]);
  });

  it('a rule with the same content under a new name is a rename; rules added and removed otherwise', () => {
    const body = '  keywords "x1"\n  when keyword then recall';
    const d = diffTexts(rule(body, 'old') + rule('  when image then recall', 'gone'), rule(body, 'new') + rule('  when card then recall\n  allow cards "c"', 'fresh'));
    expect(d.subjects.map((s) => [s.name, s.status, s.effect])).toEqual([
      ['fresh', 'added', 'stricter'],
      ['gone', 'removed', 'looser'],
      ['new', 'renamed', 'equivalent'],
    ]);
  });
});

function ladder(over: Partial<IrLadder>): IrLadder {
  return {
    name: 'l',
    loc: LOC,
    counts: ['harassment'],
    steps: [
      { number: 1, sanctions: [{ sanction: 'suspend-interop', ms: 3_600_000 }], appealable: true, loc: LOC },
      { number: 2, sanctions: [{ sanction: 'suspend-interop', ms: null }], appealable: false, loc: LOC },
    ],
    severe: null,
    expireAfterMs: null,
    members: null,
    linked: null,
    ...over,
  };
}

function set(over: Partial<IrPolicySet>): IrPolicySet {
  return { version: 1, enterprise: 'e', profile: 'wecom-4.1.36', enterpriseBlacklist: [], personalBlacklists: [], exempt: [], categories: [], rules: [], ladders: [], contactQuota: null, ...over };
}

const diffIr = (a: IrPolicySet, b: IrPolicySet) => diffPolicySets(irSide(a), irSide(b));

describe('ladders', () => {
  it('describes offences in words and classes them', () => {
    const head = ladder({
      steps: [
        { number: 1, sanctions: [{ sanction: 'suspend-interop', ms: 3_600_000 }], appealable: true, loc: LOC },
        { number: 2, sanctions: [{ sanction: 'suspend-interop', ms: null }], appealable: false, loc: LOC },
        { number: 3, sanctions: [{ sanction: 'ban-member', ms: null }], appealable: false, loc: LOC },
      ],
    });
    const d = diffIr(set({ ladders: [ladder({})] }), set({ ladders: [head] }));
    expect(changes(d).map((c) => [c.message, c.effect])).toEqual([['3rd offence and later on ladder `l`: suspend interop forever -> ban member forever', 'stricter']]);
  });

  it('sanctions: a member ban covers a suspension; appealable is milder', () => {
    expect(sanctionsEffect([{ sanction: 'suspend-interop', ms: null }], false, [{ sanction: 'ban-member', ms: null }], false)).toBe('stricter');
    expect(sanctionsEffect([{ sanction: 'suspend-interop', ms: 60_000 }], false, [{ sanction: 'suspend-interop', ms: 60_000 }], true)).toBe('looser');
    expect(sanctionsEffect([{ sanction: 'ban-admin', ms: null }], false, [{ sanction: 'ban-member', ms: null }], false)).toBe('both');
    expect(sanctionsEffect([], true, [], true)).toBe('equivalent');
  });

  it('counts, members, expiry and the linked-account line', () => {
    const base = ladder({ members: null, expireAfterMs: 86_400_000, linked: { sanctions: [{ sanction: 'suspend-interop', ms: null }], restoreWithinMs: 3_600_000, loc: LOC } });
    const head = ladder({ counts: ['harassment', 'fraud'], members: ['m-1'], expireAfterMs: null, linked: { sanctions: [{ sanction: 'suspend-interop', ms: null }], restoreWithinMs: 86_400_000, loc: LOC } });
    const d = diffIr(set({ ladders: [base] }), set({ ladders: [head] }));
    expect(changes(d).map((c) => [c.code, c.effect])).toEqual([
      ['hush/diff/ladder-counts-changed', 'stricter'],
      ['hush/diff/ladder-members-changed', 'looser'],
      ['hush/diff/ladder-expiry-changed', 'stricter'],
      ['hush/diff/ladder-linked-changed', 'stricter'],
    ]);
    expect(byCode(d, 'hush/diff/ladder-linked-changed')[0].message).toBe('while the linked account is blocked (ladder `l`): suspend interop, restore within 1h -> suspend interop, restore within 1d');
  });
});

describe('the contact quota', () => {
  const quota = (over: Partial<IrContactQuota>): IrContactQuota => ({ loc: LOC, base: 100, adjustments: [], minimum: 10, maximum: 200, utcOffsetMinutes: 480, ...over });
  it('added is stricter, removed looser, a lower base or adjustment stricter', () => {
    expect(diffIr(set({}), set({ contactQuota: quota({}) })).verdict).toBe('stricter');
    expect(diffIr(set({ contactQuota: quota({}) }), set({})).verdict).toBe('looser');
    expect(diffIr(set({ contactQuota: quota({}) }), set({ contactQuota: quota({ base: 80 }) })).verdict).toBe('stricter');
    const adj = (delta: number) => [{ delta, factor: 'complaints' as const, op: 'over' as const, value: 0.02, loc: LOC }];
    const d = diffIr(set({ contactQuota: quota({ adjustments: adj(-10) }) }), set({ contactQuota: quota({ adjustments: adj(-30), maximum: null }) }));
    expect(changes(d).map((c) => [c.message, c.effect])).toEqual([
      ['contact-add quota maximum: 200 -> none', 'looser'],
      ['contact-add quota when `complaints over 2%`: lower 10 -> lower 30', 'stricter'],
    ]);
  });
});

describe('fields the diff does not know', () => {
  it('are compared anyway and classed both', () => {
    const r = irFromText(rule('  when image then recall'));
    const grown = structuredClone(r);
    (grown.rules[0] as IrRule & { quietHours?: string }).quietHours = '22:00-07:00';
    const d = diffIr(r, grown);
    expect(changes(d)).toEqual([expect.objectContaining({ code: 'hush/diff/field-changed', effect: 'both' })]);
    expect(diffIr(r, structuredClone(r)).verdict).toBe('none');
  });
});

describe('customer ladders', () => {
  const ladder = (body: string) => `${rule('  keywords "加微信"\n  when keyword then recall, record harassment')}ladder "l" {\n${body}\n}\n`;

  it('a ladder that changes from members to customers is both, at the ladder', () => {
    const d = diffTexts(ladder('  counts harassment\n  step 1: suspend interop for 1h'), ladder('  for customers\n  counts harassment\n  step 1: mute for 1h'));
    const [c] = byCode(d, 'hush/diff/ladder-members-changed');
    expect(c).toMatchObject({ effect: 'both' });
    expect(c.message).toBe("ladder `l` now counts customers' violations (rules' `record`), not members' violations");
    expect(byCode(d, 'hush/diff/field-changed')).toEqual([]);
  });

  it('a longer mute is stricter, a shorter one looser; an added customer ladder says whom it counts', () => {
    const longer = diffTexts(ladder('  for customers\n  counts harassment\n  step 1: mute for 1h'), ladder('  for customers\n  counts harassment\n  step 1: mute for 24h'));
    expect(byCode(longer, 'hush/diff/ladder-step-changed')[0]).toMatchObject({ effect: 'stricter' });
    const shorter = diffTexts(ladder('  for customers\n  counts harassment\n  step 1: mute for 24h'), ladder('  for customers\n  counts harassment\n  step 1: mute for 1h'));
    expect(byCode(shorter, 'hush/diff/ladder-step-changed')[0]).toMatchObject({ effect: 'looser' });
    const added = diffTexts(rule('  keywords "加微信"\n  when keyword then recall, record harassment'), ladder('  for customers\n  counts harassment\n  step 1: remove, blacklist personal'));
    expect(byCode(added, 'hush/diff/ladder-added')[0].message).toBe('ladder `l` added: counts harassment (customers), 1 step');
  });
});
