// The diff of pattern keywords (a pattern added is stricter, one removed looser, inert without a
// `when keyword` line) and of the set's own variant lines (a spelling added is stricter through
// keywords holding the word, looser through exception phrases holding it, equivalent when no rule
// with `variants` reads the word).
import { describe, expect, it } from 'vitest';
import { irFromText } from '../../spec/testing/ir-from-text.ts';
import { diffPolicySets } from './policy-diff.ts';
import { irSide } from './side.ts';
import type { Change, PolicyDiff } from './types.ts';

function diffTexts(base: string, head: string): PolicyDiff {
  return diffPolicySets(irSide(irFromText(base), 'base'), irSide(irFromText(head), 'head'));
}

const changes = (d: PolicyDiff): Change[] => d.subjects.flatMap((s) => s.changes);
const byCode = (d: PolicyDiff, code: string) => changes(d).filter((c) => c.code === code);
const rule = (body: string, name = 'r') => `rule "${name}" {\n  owner member "m"\n  groups "g-1"\n${body}\n}\n`;

describe('patterns', () => {
  it('a pattern added is stricter and one removed looser, at its own place', () => {
    const d = diffTexts(rule('  pattern "1[3-9]\\\\d{9}"\n  when keyword then recall'), rule('  pattern "加.{0,2}微"\n  when keyword then recall'));
    const [added] = byCode(d, 'hush/diff/pattern-added');
    const [removed] = byCode(d, 'hush/diff/pattern-removed');
    expect(added).toMatchObject({ effect: 'stricter', head: { line: 4, column: 11 } });
    expect(added.message).toContain('加.{0,2}微');
    expect(removed).toMatchObject({ effect: 'looser', head: null, base: { line: 4, column: 11 } });
    expect(byCode(d, 'hush/diff/field-changed')).toEqual([]);
    expect(d.verdict).toBe('both');
  });

  it('a pattern only added is stricter; without a `when keyword` line it is inert', () => {
    const d = diffTexts(rule('  keywords "代购"\n  when keyword then recall'), rule('  keywords "代购"\n  pattern "\\\\d{11}"\n  when keyword then recall'));
    expect(d.verdict).toBe('stricter');
    const inert = diffTexts(rule('  pattern "\\\\d{11}"\n  when length over 5 then recall'), rule('  pattern "\\\\d{12}"\n  when length over 5 then recall'));
    expect(changes(inert).map((c) => c.effect)).toEqual(['equivalent', 'equivalent']);
    expect(inert.verdict).toBe('equivalent');
  });
});

describe('variant lines', () => {
  const set = (lines: string, body: string) => `normalize case, width, symbols, variants\n${lines}\n${rule(body)}`;

  it('a spelling added to a word some keyword holds is stricter; removed, looser', () => {
    const body = '  keywords "加微信"\n  when keyword then recall';
    const d = diffTexts(set('variants of "微信" "威芯"', body), set('variants of "微信" "威芯", "vei xin"', body));
    const [added] = byCode(d, 'hush/diff/variant-added');
    expect(added).toMatchObject({ effect: 'stricter', head: { line: 2, column: 1 } });
    expect(added.message).toContain('vei xin');
    expect(d.verdict).toBe('stricter');
    const back = diffTexts(set('variants of "微信" "威芯", "vei xin"', body), set('variants of "微信" "威芯"', body));
    expect(byCode(back, 'hush/diff/variant-removed')[0]).toMatchObject({ effect: 'looser' });
    expect(byCode(back, 'hush/diff/field-changed')).toEqual([]);
  });

  it('through an exception phrase a spelling added is looser; through both, both', () => {
    const exc = '  keywords "代购"\n  except "微信代购"\n  when keyword then recall';
    expect(diffTexts(set('', exc), set('variants of "微信" "威芯"', exc)).verdict).toBe('looser');
    const both = '  keywords "加微信"\n  except "微信客服"\n  when keyword then recall';
    expect(byCode(diffTexts(set('', both), set('variants of "微信" "威芯"', both)), 'hush/diff/variant-added')[0].effect).toBe('both');
  });

  it('a spelling of a word no rule with `variants` reads is equivalent', () => {
    const body = '  keywords "代购"\n  when keyword then recall';
    const d = diffTexts(set('', body), set('variants of "微信" "威芯"', body));
    expect(byCode(d, 'hush/diff/variant-added')[0]).toMatchObject({ effect: 'equivalent' });
    expect(d.verdict).toBe('equivalent');
    const plain = `variants of "微信" "威芯"\n${rule('  keywords "加微信"\n  when keyword then recall')}`;
    expect(diffTexts(rule('  keywords "加微信"\n  when keyword then recall'), plain).verdict).toBe('equivalent');
  });
});
