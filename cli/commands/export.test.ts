// Runs `hush export wecom-intercept` end to end through the CLI: the real binary (node
// bin/hush.js) once for the example, and the command line in-process (cli/main.ts, the same
// program without a process start per case) for the rest: the example's plan
// (examples/wecom/intercept), `--apply` against a local fake of WeCom's API that checks every
// request's shape, the failures, and no stack trace on bad input.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeWecomState, startFakeWecom } from '../../compiler/export/testing/fake-wecom.ts';
import { main } from '../main.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const HUSH = join(ROOT, 'bin/hush.js');
const EXAMPLE = 'examples/wecom/intercept';
const read = (f: string) => readFileSync(join(ROOT, EXAMPLE, f), 'utf8');

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/** The real binary, in a process of its own. */
function hushProcess(args: string[], cwd = ROOT): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [HUSH, 'export', ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      done({ status: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** The same command line, in this process. */
async function hush(args: string[], cwd = ROOT): Promise<Run> {
  const run = { status: 0, stdout: '', stderr: '' };
  run.status = await main(['node', 'hush', 'export', ...args], { stdout: (t) => void (run.stdout += t), stderr: (t) => void (run.stderr += t), isTTY: false, cwd });
  return run;
}

const tmp = mkdtempSync(join(tmpdir(), 'hush-export-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const TOKEN = 'tok-secret-42';
writeFileSync(join(tmp, 'token'), `${TOKEN}\n`);

const noStack = (r: Run) => expect(`${r.stdout}${r.stderr}`).not.toMatch(/\n\s+at |internal error/);

describe('hush export wecom-intercept', () => {
  it('prints the example\'s request bodies and says per keyword what is not pushed down (the binary)', { timeout: 60_000 }, async () => {
    const r = await hushProcess(['wecom-intercept', EXAMPLE]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(read('bodies.json'));
    const codes = [...r.stderr.matchAll(/^\S+:(\d+):\d+: \w+\[(hush\/wecom-intercept\/[a-z-]+)\]/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(codes).toEqual([
      '7 hush/wecom-intercept/pushed-down',
      '14 hush/wecom-intercept/normalised-keyword',
      '16 hush/wecom-intercept/whole-word',
      '18 hush/wecom-intercept/excepted-keyword',
      '24 hush/wecom-intercept/pushed-down',
      '34 hush/wecom-intercept/no-keyword-trigger',
    ]);
  });

  it('prints the example\'s plan as text and as JSON', async () => {
    const [text, json] = await Promise.all([
      hush(['wecom-intercept', EXAMPLE, '--plan', `${EXAMPLE}/current.json`]),
      hush(['wecom-intercept', EXAMPLE, '--plan', `${EXAMPLE}/current.json`, '--format', 'json']),
    ]);
    expect([text.status, json.status]).toEqual([0, 0]);
    expect(text.stdout).toBe(read('plan.txt'));
    expect(json.stdout).toBe(read('plan.json'));
  });

  it('exports the sketch of the acceptance check (a retail rule with its lists)', async () => {
    const dir = mkdtempSync(join(tmp, 'sketch-'));
    writeFileSync(join(dir, 'groups.txt'), 'wrA\nwrB\n');
    writeFileSync(
      join(dir, 'retail.policy'),
      'enterprise "acme-retail"\nlimits "wecom-4.1.36"\n\nrule "retail-ads" {\n  owner super-admin "zhang.wei"\n  groups from "groups.txt"\n  keywords "加微信", "代购", "优惠券"\n  allow links "*.acme.cn"\n  when keyword then warn "请勿发送广告", remove, record harassment\n  when link then recall\n}\n',
    );
    const r = await hush(['wecom-intercept', 'retail.policy', '--range-department', '5', '--range-user', 'li.lei'], dir);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ rule_name: 'hush-retail-ads', word_list: ['代购', '优惠券', '加微信'], intercept_type: 1, applicable_range: { user_list: ['li.lei'], department_list: [5] } }]);
  });

  it('applies the plan through the API, reading the current rules from it', async () => {
    const fake = await startFakeWecom(
      TOKEN,
      new FakeWecomState([
        { rule_id: 'ir-1', rule_name: 'hush-intercept-ads', word_list: ['加微信', '代购', '返现'], semantics_list: [1], intercept_type: 2, user_list: ['zhang.wei', 'wang.fang'], department_list: [3] },
        { rule_id: 'ir-2', rule_name: 'hush-old-promo', word_list: ['刷单'], semantics_list: [], intercept_type: 1, user_list: ['zhang.wei'], department_list: [] },
        { rule_id: 'ir-3', rule_name: '客服手动规则', word_list: ['x'], semantics_list: [], intercept_type: 1, user_list: ['a'], department_list: [] },
      ]),
    );
    try {
      const r = await hush(['wecom-intercept', EXAMPLE, '--apply', '--token-file', join(tmp, 'token'), '--api-base', fake.url]);
      expect(fake.violations).toEqual([]);
      expect(r.status).toBe(0);
      expect(r.stdout.startsWith(read('plan.txt').replace('rule_id ir-0002', 'rule_id ir-2').replace('rule_id ir-0001', 'rule_id ir-1').replace('rule_id ir-0003', 'rule_id ir-3'))).toBe(true);
      expect(r.stdout).toMatch(/applied: delete hush-old-promo \(rule_id ir-2\)\napplied: update hush-intercept-ads \(rule_id ir-1\)\napplied: create hush-intercep~27906f \(rule_id rule-\d+\)\ndone: 3 operations applied\n$/);
      expect(`${r.stdout}${r.stderr}`).not.toContain(TOKEN);
      const bodies = JSON.parse(read('bodies.json')) as { rule_name: string; word_list: string[] }[];
      expect([...fake.state.rules.values()].map((x) => [x.rule_name, [...x.word_list].sort()]).sort()).toEqual(
        [...bodies.map((b) => [b.rule_name, [...b.word_list].sort()]), ['客服手动规则', ['x']]].sort(),
      );
      const again = await hush(['wecom-intercept', EXAMPLE, '--apply', '--token-file', join(tmp, 'token'), '--api-base', fake.url]);
      expect(again.stdout).toMatch(/^WeCom intercept rules: 0 to create, 0 to update, 0 to delete, 2 unchanged;[^]*done: 0 operations applied\n$/);
    } finally {
      await fake.close();
    }
  });

  it('stops at the first error of the API and says what was and was not applied', async () => {
    const fake = await startFakeWecom(TOKEN);
    try {
      const r = await hush(['wecom-intercept', EXAMPLE, '--apply', '--token-file', join(tmp, 'token'), '--api-base', fake.url, '--plan', `${EXAMPLE}/current.json`]);
      expect(r.status).toBe(1);
      noStack(r);
      // current.json's rules are not on this WeCom: the deletion and the update fail on the first call.
      expect(r.stderr).toContain('hush/wecom-intercept/api-error: delete hush-old-promo failed: del_intercept_rule: errcode 40003 (invalid rule_id)');
      expect(r.stderr).toContain('hush: applied before it: nothing\n');
      expect(r.stderr).toContain('hush: not applied: delete hush-old-promo, update hush-intercept-ads, create hush-intercep~27906f\n');

      fake.failAt = { call: fake.calls.length + 3, errcode: 45009, errmsg: 'api freq out of limit' };
      const fresh = await hush(['wecom-intercept', EXAMPLE, '--apply', '--token-file', join(tmp, 'token'), '--api-base', fake.url]);
      // Call 1 lists the rules (none), calls 2 and 3 create the two rules (by name: `t` sorts before `~`): the third call fails.
      expect(fresh.status).toBe(1);
      expect(fresh.stderr).toContain('hush/wecom-intercept/api-error: create hush-intercep~27906f failed: add_intercept_rule: errcode 45009 (api freq out of limit)');
      expect(fresh.stderr).toContain('hush: applied before it: create hush-intercept-ads\n');
      expect(fake.state.rules.size).toBe(1);
    } finally {
      await fake.close();
    }
  });

  it('refuses bad usage and bad input with a message, never a stack trace', async () => {
    writeFileSync(join(tmp, 'bad.json'), '{"rule_list": 5, "rules": []}');
    const runs = await Promise.all([
      hush(['nope', EXAMPLE]),
      hush(['wecom-intercept', EXAMPLE, '--apply']),
      hush(['wecom-intercept', EXAMPLE, '--range-department', 'x1']),
      hush(['wecom-intercept', EXAMPLE, '--plan', join(tmp, 'bad.json')]),
      hush(['wecom-intercept', EXAMPLE, '--plan', join(tmp, 'missing.json')]),
      hush(['wecom-intercept', EXAMPLE, '--apply', '--token-file', join(tmp, 'token'), '--api-base', 'ftp://x']),
    ]);
    expect(runs.map((r) => r.status)).toEqual([2, 2, 2, 1, 2, 2]);
    for (const r of runs) noStack(r);
    expect(runs[0].stderr).toContain('unknown export target "nope"; known: wecom-intercept');
    expect(runs[1].stderr).toContain('`--apply` needs `--token-file FILE`');
    expect(runs[3].stderr).toContain('error[hush/wecom-intercept/bad-current]: the current rules are not WeCom\'s shape: /rule_list must be array');
    expect(runs[4].stderr).toContain('no such current-state file');
    expect(runs[5].stderr).toContain('--api-base must be an http or https URL');
  });

  it('escapes what it shows of a policy in the text plan', async () => {
    const dir = mkdtempSync(join(tmp, 'inject-'));
    writeFileSync(join(dir, 'p.policy'), 'rule "r" {\n  owner member "m"\n  groups "g"\n  normalize none\n  keywords "加\u202e微信", "\u001b[31m红"\n  when keyword then recall\n}\n');
    writeFileSync(join(dir, 'empty.json'), '{"rule_list": [], "rules": []}');
    const r = await hush(['wecom-intercept', 'p.policy', '--plan', 'empty.json'], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('\\u001b[31m红');
    expect(r.stdout).not.toMatch(/[\u001b\u202e]/);
  });
});
