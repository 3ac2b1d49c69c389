// The export to WeCom intercept rules: what is pushed down, each refusal with its code and place,
// the limits of spec/limits/export/wecom-intercept.json, rule names, and the soundness claim of
// spec/wecom.md §3 (a pushed-down word is one Hush itself matches wherever it occurs as written).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { IrPolicySet, IrRule } from '../../runtime/ir.ts';
import { normalizeKeyword } from '../../runtime/text/normalize-reference.ts';
import { NORMALIZE_STEP_ORDER, type NormalizeStep } from '../../runtime/text/normalize-steps.ts';
import { policySetToIr } from '../lower/policy-set-to-ir.ts';
import { exportWecomIntercept } from './wecom-intercept-export.ts';
import { INTERCEPT_LIMITS_PATH, readInterceptLimits } from './wecom-intercept-limits.ts';
import { charLength, interceptRuleNames } from './wecom-intercept-names.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The IR of one policy text (which must check without errors). */
function irOf(text: string): IrPolicySet {
  const dir = mkdtempSync(join(tmpdir(), 'hush-intercept-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'p.policy'), text);
  const r = policySetToIr([join(dir, 'p.policy')]);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.ir!;
}

const rule = (name: string, body: string, owner = 'owner member "li.lei"') => `rule "${name}" {\n  ${owner}\n  groups "g-1"\n${body}\n}\n`;
/** Each diagnostic as `line:column code`, in line order. */
const codes = (x: ReturnType<typeof exportWecomIntercept>) =>
  x.diagnostics
    .map((d) => ({ at: d.range.start, s: `${d.range.start.line}:${d.range.start.column} ${d.code}` }))
    .sort((a, b) => a.at.line - b.at.line || a.at.column - b.at.column)
    .map((d) => d.s);

describe('the limits file', () => {
  it('holds every number with the sentence of document 95130 it comes from', () => {
    const limits = readInterceptLimits(INTERCEPT_LIMITS_PATH);
    expect(Object.fromEntries([...limits].map(([id, l]) => [id, l.max]))).toEqual({
      'rule-name-length': 20, 'word-length': 32, 'words-per-rule': 300, 'users-per-range': 1000, 'departments-per-range': 1000, 'rules-per-corp': 100,
    });
    for (const l of limits.values()) {
      expect(l.cite).toContain(String(l.max));
      expect(l.source).toMatch(/95130/);
    }
  });

  it('refuses a limits file of another shape', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hush-intercept-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'x.json'), JSON.stringify({ profile: 'wecom-intercept', platform: 'p', source: 's', limits: [{ id: 'word-length', min: 1, max: 32, unit: 'c', summary: 's', cite: 'c', source: 's' }] }));
    expect(() => readInterceptLimits(join(dir, 'x.json'))).toThrow(/lacks rule-name-length/);
    writeFileSync(join(dir, 'y.json'), JSON.stringify({ profile: 'wecom-intercept', platform: 'p', source: 's', limits: [{ id: 'word-length', max: '32' }] }));
    expect(() => readInterceptLimits(join(dir, 'y.json'))).toThrow(/limits\/0/);
  });
});

describe('exportWecomIntercept', () => {
  it('pushes down plain keywords as add_intercept_rule bodies, applied to the rule owner', () => {
    const ir = irOf(rule('ads', '  keywords "加微信", "代购"\n  when keyword then warn "不要发广告", remove, record harassment', 'owner super-admin "zhang.wei"'));
    const x = exportWecomIntercept(ir);
    expect(x.bodies).toEqual([{ rule_name: 'hush-ads', word_list: ['代购', '加微信'], intercept_type: 1, applicable_range: { user_list: ['zhang.wei'] } }]);
    expect(codes(x)).toEqual(['1:1 hush/wecom-intercept/pushed-down']);
  });

  it('maps a keyword line that stops the message to warn and block, any other to warn only', () => {
    const ir = irOf(
      rule('a-recall', '  keywords "一"\n  when keyword then recall') +
        rule('b-mute', '  keywords "二"\n  when keyword then mute 10m') +
        rule('c-blacklist', '  keywords "三"\n  when keyword then blacklist personal') +
        rule('d-warn', '  keywords "四"\n  when keyword then warn "注意"') +
        rule('e-record', '  keywords "五"\n  when keyword then record harassment, notify owner') +
        rule('f-two-lines', '  keywords "六"\n  when keyword then warn "注意"\n  when keyword then remove'),
    );
    expect(exportWecomIntercept(ir).bodies.map((b) => [b.rule_name, b.intercept_type])).toEqual([
      ['hush-a-recall', 1], ['hush-b-mute', 1], ['hush-c-blacklist', 1], ['hush-d-warn', 2], ['hush-e-record', 2], ['hush-f-two-lines', 1],
    ]);
  });

  it('refuses, per keyword and at the keyword, what WeCom would match differently', () => {
    const long = '长'.repeat(33);
    const ir = irOf(
      rule(
        'mixed',
        [
          '  keywords "加微信", "vip", "VIP", "ＱＱ群", "加 微信"',
          '  keywords whole-word "sex"',
          '  keywords "成人", "' + long + '", "' + '短'.repeat(32) + '"',
          '  except "成人教育"',
          '  when keyword then recall',
        ].join('\n'),
      ),
    );
    const x = exportWecomIntercept(ir);
    expect(x.bodies).toHaveLength(1);
    expect(x.bodies[0].word_list).toEqual(['vip', '加微信', '短'.repeat(32)].sort());
    expect(codes(x)).toEqual([
      '1:1 hush/wecom-intercept/pushed-down',
      '4:26 hush/wecom-intercept/normalised-keyword', // "VIP": case
      '4:33 hush/wecom-intercept/normalised-keyword', // "ＱＱ群": width and case
      '4:40 hush/wecom-intercept/normalised-keyword', // "加 微信": symbols
      '5:23 hush/wecom-intercept/whole-word',
      '6:12 hush/wecom-intercept/excepted-keyword',
      '6:18 hush/wecom-intercept/word-too-long',
    ]);
    const normalised = x.diagnostics.find((d) => d.range.start.column === 33)!;
    expect(normalised.message).toContain('"qq群"');
    expect(normalised.help).toBe('write it as "qq群", the form Hush matches');
  });

  it('pushes down what a rule without normalisation writes, and refuses traditional characters the rule folds', () => {
    const none = exportWecomIntercept(irOf(rule('plain', '  normalize none\n  keywords "VIP", "優惠"\n  when keyword then recall')));
    expect(none.bodies[0].word_list).toEqual(['VIP', '優惠']);
    const trad = exportWecomIntercept(irOf(rule('trad', '  normalize traditional\n  keywords "VIP", "優惠", "优惠"\n  when keyword then recall')));
    expect(trad.bodies[0].word_list).toEqual(['VIP', '优惠']);
    expect(codes(trad)).toContain('5:19 hush/wecom-intercept/normalised-keyword');
  });

  it('says why a rule is not pushed down at all', () => {
    const ir = irOf(
      rule('flood-only', '  when flood 5 in 10s then mute 10m') +
        rule('no-id', '  keywords "加微信"\n  when keyword then recall', 'owner rule-manager of "east"') +
        rule('nothing-left', '  keywords whole-word "spam"\n  when keyword then recall'),
    );
    const x = exportWecomIntercept(ir);
    expect(x.bodies).toEqual([]);
    expect(codes(x)).toEqual([
      '1:1 hush/wecom-intercept/no-keyword-trigger',
      '6:1 hush/wecom-intercept/no-range',
      '12:1 hush/wecom-intercept/no-pushable-keyword',
      '15:23 hush/wecom-intercept/whole-word',
    ]);
    expect(x.diagnostics.find((d) => d.code === 'hush/wecom-intercept/no-range')!.severity).toBe('warning');
  });

  it('does not push down a rule with its own windows or exempt customers', () => {
    const x = exportWecomIntercept(irOf(rule('night', '  keywords "加微信"\n  during 22:00-07:00\n  when keyword then recall') + rule('vip', '  keywords "代购"\n  exempt customers "c-1"\n  when keyword then recall')));
    expect(x.bodies).toEqual([]);
    expect(x.diagnostics.map((d) => d.code)).toEqual(['hush/wecom-intercept/gated-rule', 'hush/wecom-intercept/gated-rule']);
    expect(x.diagnostics[0].message).toContain('`during` windows');
  });

  it('applies every rule to the members and departments given instead of the owner', () => {
    const ir = irOf(rule('a', '  keywords "加微信"\n  when keyword then recall', 'owner rule-manager of "east"') + rule('b', '  keywords "代购"\n  when keyword then recall'));
    expect(exportWecomIntercept(ir, { departments: [7, 2, 7] }).bodies.map((b) => b.applicable_range)).toEqual([{ department_list: [2, 7] }, { department_list: [2, 7] }]);
    expect(exportWecomIntercept(ir, { users: ['u2', 'u1'], departments: [3] }).bodies[0].applicable_range).toEqual({ user_list: ['u1', 'u2'], department_list: [3] });
    const big = exportWecomIntercept(ir, { users: Array.from({ length: 1001 }, (_, i) => `u${i}`) });
    expect(big.bodies).toEqual([]);
    expect(big.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['hush/wecom-intercept/range-too-large', 'hush/wecom-intercept/range-too-large']);
    expect(exportWecomIntercept(ir, { users: Array.from({ length: 1000 }, (_, i) => `u${i}`) }).bodies).toHaveLength(2);
  });

  it('splits a rule over 300 words into intercept rules named -2, -3', () => {
    const ir = irOf(rule('big', '  keywords "x"\n  when keyword then recall'));
    const words = Array.from({ length: 650 }, (_, i) => `词${String(i).padStart(3, '0')}`);
    const r: IrRule = { ...ir.rules[0], keywords: words.map((text) => ({ text, wholeWord: false, loc: ir.rules[0].keywords[0].loc })) };
    const x = exportWecomIntercept({ ...ir, rules: [r] });
    expect(x.bodies.map((b) => [b.rule_name, b.word_list.length])).toEqual([['hush-big', 300], ['hush-big-2', 300], ['hush-big-3', 50]]);
    expect(x.bodies.flatMap((b) => b.word_list)).toEqual(words);
    expect(x.diagnostics.map((d) => d.code)).toContain('hush/wecom-intercept/split-rule');
  });

  it('refuses more than 100 intercept rules, the enterprise limit', () => {
    const ir = irOf(rule('one', '  keywords "x"\n  when keyword then recall'));
    const many = (n: number) => ({ ...ir, rules: Array.from({ length: n }, (_, i) => ({ ...ir.rules[0], name: `r${String(i).padStart(3, '0')}` })) });
    expect(exportWecomIntercept(many(100)).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const over = exportWecomIntercept(many(101));
    expect(over.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.message])).toEqual([
      ['hush/wecom-intercept/rules-per-corp', 'the export makes 101 intercept rules; an enterprise has at most 100'],
    ]);
  });
});

describe('intercept rule names', () => {
  it('are hush-NAME when that fits, else a prefix and a digest', () => {
    expect(interceptRuleNames([{ rule: 'ads', part: 1 }, { rule: 'ads', part: 2 }, { rule: 'a-very-long-rule-name', part: 1 }])).toEqual([
      'hush-ads', 'hush-ads-2', expect.stringMatching(/^hush-a-very-l~[0-9a-f]{6}$/),
    ]);
    // "a-2" and part 2 of "a" would both be hush-a-2: both take the digest form.
    const [x, y] = interceptRuleNames([{ rule: 'a-2', part: 1 }, { rule: 'a', part: 2 }]);
    expect([x, y].every((n) => /^hush-a.*~[0-9a-f]{6}$/.test(n!))).toBe(true);
    expect(x).not.toBe(y);
  });

  it('are unique, within the length limit, managed, and the same whatever the order (property)', () => {
    const part = fc.record({ rule: fc.string({ unit: fc.constantFrom('a', 'b', '-', '2', '广', '告', '😀', '~'), minLength: 1, maxLength: 24 }), part: fc.integer({ min: 1, max: 3 }) });
    fc.assert(
      fc.property(fc.uniqueArray(part, { selector: (p) => `${p.rule}\u0000${p.part}`, maxLength: 30 }), (parts) => {
        const names = interceptRuleNames(parts);
        expect(names.every((n) => n !== undefined && n.startsWith('hush-') && charLength(n) <= 20)).toBe(true);
        expect(new Set(names).size).toBe(names.length);
        const reversed = interceptRuleNames([...parts].reverse()).reverse();
        expect(reversed).toEqual(names);
      }),
      { numRuns: 300 },
    );
  });
});

describe('soundness (spec/wecom.md §3)', () => {
  // Keywords and the text around them from characters every normalisation step touches.
  const alphabet = ['加', '微', '信', '優', '惠', '优', 'a', 'A', 'Ａ', 'q', 'Q', '1', '１', ' ', '@', '_', '-', 'а', 'о', 'o', '\u200b', '！', '!'];
  const text = (min: number) => fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: 6 });
  const steps = fc.subarray([...NORMALIZE_STEP_ORDER]).map((s): NormalizeStep[] => (s.length === 0 ? ['none'] : s));

  it('a pushed-down word found as written in a message is found by Hush too', () => {
    const ir = irOf(rule('r', '  keywords "x"\n  when keyword then recall'));
    fc.assert(
      fc.property(text(1), text(0), text(0), steps, (k, before, after, normalize) => {
        const r: IrRule = { ...ir.rules[0], normalize, keywords: [{ text: k, wholeWord: false, loc: ir.rules[0].keywords[0].loc }] };
        const pushed = exportWecomIntercept({ ...ir, rules: [r] }).bodies.flatMap((b) => b.word_list);
        if (pushed.length === 0) return;
        expect(pushed).toEqual([k]);
        expect(normalizeKeyword(before + k + after, normalize)).toContain(normalizeKeyword(k, normalize));
      }),
      { numRuns: 1000 },
    );
  });
});
