// The API client against a local fake of WeCom (testing/fake-wecom.ts), which checks every
// request as document 95130 describes it: reading the current rules, applying a plan, stopping
// at the first failure, and the failures that are not WeCom's answers.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AddInterceptRuleBody } from './wecom-intercept-export.ts';
import { applyPlan, fetchCurrentRules, WecomApiError } from './wecom-intercept-api.ts';
import { planInterceptRules } from './wecom-intercept-plan.ts';
import { FakeWecomState, startFakeWecom, type FakeWecom } from './testing/fake-wecom.ts';

const TOKEN = 'tok-123';
let fake: FakeWecom | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const seeded = () =>
  new FakeWecomState([
    { rule_id: 'r1', rule_name: 'hush-ads', word_list: ['加微信', '返现'], semantics_list: [1], intercept_type: 2, user_list: ['zhang.wei', 'wang.fang'], department_list: [] },
    { rule_id: 'r2', rule_name: 'hush-gone', word_list: ['刷单'], semantics_list: [], intercept_type: 1, user_list: ['zhang.wei'], department_list: [] },
    { rule_id: 'r3', rule_name: '手动规则', word_list: ['x'], semantics_list: [], intercept_type: 1, user_list: ['a'], department_list: [] },
  ]);

const desired: AddInterceptRuleBody[] = [
  { rule_name: 'hush-ads', word_list: ['代购', '加微信'], intercept_type: 1, applicable_range: { user_list: ['zhang.wei'] } },
  { rule_name: 'hush-new', word_list: ['转账'], intercept_type: 2, applicable_range: { department_list: [3] } },
];

describe('the WeCom intercept API', () => {
  it('reads the list and the detail of Hush\'s rules only', async () => {
    fake = await startFakeWecom(TOKEN, seeded());
    const current = await fetchCurrentRules({ base: fake.url, token: TOKEN });
    expect(current.diagnostics).toEqual([]);
    expect(current.rules!.map((r) => [r.rule_id, r.rule_name, r.detail?.word_list ?? null])).toEqual([
      ['r1', 'hush-ads', ['加微信', '返现']], ['r2', 'hush-gone', ['刷单']], ['r3', '手动规则', null],
    ]);
    expect(fake.calls.map((c) => `${c.method} ${c.endpoint} ${JSON.stringify(c.body ?? null)}`)).toEqual([
      'GET get_intercept_rule_list null', 'POST get_intercept_rule {"rule_id":"r1"}', 'POST get_intercept_rule {"rule_id":"r2"}',
    ]);
    expect(fake.violations).toEqual([]);
  });

  it('applies a plan with requests WeCom accepts, and WeCom then has the exported rules', async () => {
    fake = await startFakeWecom(TOKEN, seeded());
    const api = { base: fake.url, token: TOKEN };
    const plan = planInterceptRules(desired, (await fetchCurrentRules(api)).rules!);
    const result = await applyPlan(plan, api);
    expect(fake.violations).toEqual([]);
    expect(result.failed).toBeUndefined();
    expect(result.applied).toEqual([
      { op: 'delete', rule_name: 'hush-gone', rule_id: 'r2' },
      { op: 'update', rule_name: 'hush-ads', rule_id: 'r1' },
      { op: 'create', rule_name: 'hush-new', rule_id: expect.stringMatching(/^rule-/) },
    ]);
    expect(fake.calls.slice(3).map((c) => [c.endpoint, c.body])).toEqual([
      ['del_intercept_rule', { rule_id: 'r2' }],
      ['update_intercept_rule', { rule_id: 'r1', word_list: ['代购', '加微信'], extra_rule: { semantics_list: [] }, intercept_type: 1, remove_applicable_range: { user_list: ['wang.fang'] } }],
      ['add_intercept_rule', desired[1]],
    ]);
    const after = planInterceptRules(desired, (await fetchCurrentRules(api)).rules!);
    expect(after.operations).toEqual([]);
    expect(after.unmanaged).toEqual([{ rule_id: 'r3', rule_name: '手动规则' }]);
  });

  it('stops at the first error and says what was applied', async () => {
    fake = await startFakeWecom(TOKEN, seeded());
    const api = { base: fake.url, token: TOKEN };
    const plan = planInterceptRules(desired, (await fetchCurrentRules(api)).rules!);
    fake.failAt = { call: fake.calls.length + 2, errcode: 60011, errmsg: 'no privilege to access/modify contact/party/agent' };
    const result = await applyPlan(plan, api);
    expect(result.applied.map((a) => `${a.op} ${a.rule_name}`)).toEqual(['delete hush-gone']);
    expect(result.failed?.operation.rule_name).toBe('hush-ads');
    expect(result.failed?.error).toBeInstanceOf(WecomApiError);
    expect(result.failed?.error.errcode).toBe(60011);
    expect(result.failed?.error.message).toBe('update_intercept_rule: errcode 60011 (no privilege to access/modify contact/party/agent)');
    expect(result.notTried.map((o) => o.rule_name)).toEqual(['hush-new']);
    expect([...fake.state.rules.keys()]).toEqual(['r1', 'r3']);
    expect(fake.state.rules.get('r1')!.word_list).toEqual(['加微信', '返现']);
  });

  it('reports a wrong token, a server that is not WeCom, a reply too large and no server, never the token', async () => {
    fake = await startFakeWecom(TOKEN);
    const wrong = await fetchCurrentRules({ base: fake.url, token: 'nope' }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(WecomApiError);
    expect((wrong as Error).message).toBe('get_intercept_rule_list: errcode 40014 (invalid access_token)');

    const html = createServer((_req, res) => res.end('<html>hello</html>'));
    await new Promise<void>((done) => html.listen(0, '127.0.0.1', done));
    const base = `http://127.0.0.1:${(html.address() as AddressInfo).port}`;
    const notJson = await fetchCurrentRules({ base, token: TOKEN }).catch((e: unknown) => e);
    expect((notJson as Error).message).toBe('get_intercept_rule_list: HTTP 200, and the reply is not JSON');
    await new Promise((done) => html.close(done));

    const huge = createServer((_req, res) => {
      res.write('{"errcode":0,"rule_list":["');
      res.end('x'.repeat(17 << 20));
    });
    await new Promise<void>((done) => huge.listen(0, '127.0.0.1', done));
    const big = await fetchCurrentRules({ base: `http://127.0.0.1:${(huge.address() as AddressInfo).port}`, token: TOKEN }).catch((e: unknown) => e);
    expect((big as Error).message).toBe('get_intercept_rule_list: HTTP 200, and the reply is larger than 16 MB or broken off');
    huge.closeAllConnections();
    await new Promise((done) => huge.close(done));

    const gone = await fetchCurrentRules({ base, token: TOKEN, timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(WecomApiError);
    expect((gone as Error).message).toMatch(/^get_intercept_rule_list: no reply from http:\/\/127\.0\.0\.1:\d+ \(/);
    for (const e of [wrong, notJson, gone]) expect((e as Error).message).not.toContain(TOKEN);
  });
});
