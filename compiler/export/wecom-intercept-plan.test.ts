// The plan against WeCom's current rules: the example's golden plan, the reading of a
// current-state file, and the property that matters: carrying out a plan on WeCom (the fake's
// model of each call, testing/fake-wecom.ts) leaves exactly the exported rules, touches no rule
// Hush does not manage, and a second plan is empty.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AddInterceptRuleBody } from './wecom-intercept-export.ts';
import { parseCurrentRules, type CurrentRule } from './wecom-intercept-current.ts';
import { planInterceptRules } from './wecom-intercept-plan.ts';
import { renderPlanText } from './wecom-intercept-plan-text.ts';
import { FakeWecomState, type FakeRule } from './testing/fake-wecom.ts';

const EXAMPLE = fileURLToPath(new URL('../../examples/wecom/intercept/', import.meta.url));
const read = (f: string) => readFileSync(join(EXAMPLE, f), 'utf8');

/** What WeCom's list and detail replies say about the fake's rules, read back as the plan reads them. */
function currentOf(state: FakeWecomState): CurrentRule[] {
  const list = state.handle('get_intercept_rule_list', undefined);
  const rules = (list.rule_list as { rule_id: string }[]).map((r) => state.handle('get_intercept_rule', { rule_id: r.rule_id }));
  const parsed = parseCurrentRules(JSON.stringify({ rule_list: list.rule_list, rules }), 'fake');
  expect(parsed.diagnostics).toEqual([]);
  return parsed.rules!;
}

describe('planInterceptRules', () => {
  it('gives the example its plan (examples/wecom/intercept)', () => {
    const bodies = JSON.parse(read('bodies.json')) as AddInterceptRuleBody[];
    const current = parseCurrentRules(read('current.json'), 'current.json');
    expect(current.diagnostics).toEqual([]);
    const plan = planInterceptRules(bodies, current.rules!);
    expect(`${JSON.stringify(plan, null, 2)}\n`).toBe(read('plan.json'));
    expect(renderPlanText(plan)).toBe(read('plan.txt'));
    // Deletions first, then updates, then creations; the rule Hush did not make is left alone.
    expect(plan.operations.map((o) => `${o.op} ${o.rule_name}`)).toEqual(['delete hush-old-promo', 'update hush-intercept-ads', `create ${bodies[1].rule_name}`]);
    expect(plan.unmanaged).toEqual([{ rule_id: 'ir-0003', rule_name: '客服手动规则' }]);
  });

  it('updates only what changed, with the range as deltas', () => {
    const want: AddInterceptRuleBody = { rule_name: 'hush-a', word_list: ['一', '二'], intercept_type: 1, applicable_range: { user_list: ['u1', 'u3'], department_list: [2] } };
    const now: CurrentRule = { rule_id: '9', rule_name: 'hush-a', detail: { word_list: ['二', '一'], semantics_list: [], intercept_type: 1, user_list: ['u2', 'u1'], department_list: [2] } };
    expect(planInterceptRules([want], [now]).operations.map((o) => o.body)).toEqual([
      { rule_id: '9', add_applicable_range: { user_list: ['u3'] }, remove_applicable_range: { user_list: ['u2'] } },
    ]);
    expect(planInterceptRules([want], [{ ...now, detail: { ...now.detail!, user_list: ['u3', 'u1'] } }])).toEqual({ operations: [], unchanged: ['hush-a'], unmanaged: [] });
  });

  it('deletes a second rule of one name and keeps the first by rule_id', () => {
    const d = { word_list: ['一'], semantics_list: [], intercept_type: 1, user_list: ['u'], department_list: [] };
    const plan = planInterceptRules([{ rule_name: 'hush-a', word_list: ['一'], intercept_type: 1, applicable_range: { user_list: ['u'] } }], [
      { rule_id: '1', rule_name: 'hush-a', detail: d },
      { rule_id: '2', rule_name: 'hush-a', detail: d },
    ]);
    expect(plan.operations.map((o) => [o.op, 'rule_id' in o ? o.rule_id : null])).toEqual([['delete', '2']]);
  });

  const name = fc.constantFrom('hush-a', 'hush-b', 'hush-c', 'hush-d', 'other', '手动');
  const words = fc.uniqueArray(fc.constantFrom('一', '二', '三', '四', '五'), { minLength: 1, maxLength: 5 });
  const range = fc
    .record({ user_list: fc.uniqueArray(fc.constantFrom('u1', 'u2', 'u3'), { maxLength: 3 }), department_list: fc.uniqueArray(fc.constantFrom(1, 2, 3), { maxLength: 3 }) })
    .filter((r) => r.user_list.length + r.department_list.length > 0);
  const current = fc.array(
    fc.record({ rule_name: name, word_list: words, semantics_list: fc.uniqueArray(fc.constantFrom(1, 2, 3), { maxLength: 3 }), intercept_type: fc.constantFrom(1, 2), range }),
    { maxLength: 8 },
  );
  const desired = fc.uniqueArray(
    fc.record({ rule_name: fc.constantFrom('hush-a', 'hush-b', 'hush-c', 'hush-e'), word_list: words, intercept_type: fc.constantFrom(1 as const, 2 as const), applicable_range: range }),
    { selector: (b) => b.rule_name, maxLength: 4 },
  );

  it('carried out on WeCom, leaves exactly the exported rules and nothing else changed (property)', () => {
    fc.assert(
      fc.property(current, desired, (now, want) => {
        const state = new FakeWecomState(
          now.map((r, i): Omit<FakeRule, 'create_time'> => ({
            rule_id: `r${i}`, rule_name: r.rule_name, word_list: r.word_list, semantics_list: r.semantics_list, intercept_type: r.intercept_type,
            user_list: r.range.user_list, department_list: r.range.department_list,
          })),
        );
        const before = new Map([...state.rules].map(([id, r]) => [id, structuredClone(r)]));
        const bodies: AddInterceptRuleBody[] = want.map((w) => ({
          ...w,
          applicable_range: {
            ...(w.applicable_range.user_list.length > 0 ? { user_list: [...w.applicable_range.user_list].sort() } : {}),
            ...(w.applicable_range.department_list.length > 0 ? { department_list: [...w.applicable_range.department_list].sort() } : {}),
          },
        }));
        const plan = planInterceptRules(bodies, currentOf(state));
        for (const o of plan.operations) expect(state.handle(o.endpoint, o.body as unknown as Record<string, unknown>)).toMatchObject({ errcode: 0 });

        const after = [...state.rules.values()];
        const managed = after.filter((r) => r.rule_name.startsWith('hush-'));
        const shape = (r: { rule_name: string; word_list: string[]; intercept_type: number; user_list: string[]; department_list: number[] }) =>
          JSON.stringify([r.rule_name, [...r.word_list].sort(), r.intercept_type, [...r.user_list].sort(), [...r.department_list].sort()]);
        expect(managed.map(shape).sort()).toEqual(bodies.map((b) => shape({ ...b, user_list: b.applicable_range.user_list ?? [], department_list: b.applicable_range.department_list ?? [] })).sort());
        expect(managed.every((r) => r.semantics_list.length === 0)).toBe(true);
        for (const r of after.filter((x) => !x.rule_name.startsWith('hush-'))) expect(r).toEqual(before.get(r.rule_id));
        expect(planInterceptRules(bodies, currentOf(state)).operations).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseCurrentRules', () => {
  const detail = { rule_id: 'a', rule_name: 'hush-a', word_list: ['一'], intercept_type: 1, applicable_range: { user_list: ['u'] } };
  const problem = (text: string) => {
    const r = parseCurrentRules(text, 'c.json');
    expect(r.rules).toBeNull();
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.file])).toEqual([['hush/wecom-intercept/bad-current', 'error', 'c.json']]);
    return r.diagnostics[0].message;
  };

  it('reads replies or bare rules, numeric ids, and unmanaged rules without detail', () => {
    const r = parseCurrentRules(JSON.stringify({ rule_list: [{ rule_id: 7, rule_name: 'hush-a' }, { rule_id: 'm', rule_name: '手动' }], rules: [{ ...detail, rule_id: 7 }] }), 'c.json');
    expect(r.rules).toEqual([
      { rule_id: '7', rule_name: 'hush-a', detail: { word_list: ['一'], semantics_list: [], intercept_type: 1, user_list: ['u'], department_list: [] } },
      { rule_id: 'm', rule_name: '手动' },
    ]);
  });

  it('says what is wrong with a file that is not WeCom\'s', () => {
    expect(problem('{')).toMatch(/not JSON/);
    expect(problem('[]')).toMatch(/not WeCom's shape/);
    expect(problem(JSON.stringify({ rule_list: [{ rule_id: 'a' }], rules: [] }))).toMatch(/\/rule_list\/0/);
    expect(problem(JSON.stringify({ rule_list: [{ rule_id: 'a', rule_name: 'hush-a' }], rules: [] }))).toMatch(/no detail/);
    expect(problem(JSON.stringify({ rule_list: [], rules: [{ rule: detail }] }))).toMatch(/does not list/);
    expect(problem(JSON.stringify({ rule_list: [{ rule_id: 'a', rule_name: 'hush-a' }, { rule_id: 'a', rule_name: 'hush-a' }], rules: [detail] }))).toMatch(/twice/);
    expect(problem(JSON.stringify({ rule_list: [{ rule_id: 'a', rule_name: 'hush-a' }], rules: [detail, { rule: detail }] }))).toMatch(/twice/);
    expect(problem(JSON.stringify({ rule_list: [{ rule_id: 'a', rule_name: 'hush-a' }], rules: [{ ...detail, word_list: 'x' }] }))).toMatch(/not WeCom's shape/);
  });
});
