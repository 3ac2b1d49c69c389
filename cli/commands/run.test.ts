// The event commands as a user runs them (node bin/hush.js as a child process): `hush run`,
// `hush explain` and `hush test` on small policy sets in a temporary folder.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HUSH = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/hush.js');

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

function hush(args: string[], cwd: string, input = ''): Promise<Run> {
  return new Promise((done) => {
    const child = execFile(process.execPath, [HUSH, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      done({ status, stdout: String(stdout), stderr: String(stderr) });
    });
    child.stdin!.end(input);
  });
}

const POLICY = `blacklist enterprise "c-bad"
rule "ads" {
  owner member "li.lei"
  groups "g-1"
  keywords "加微信", "代购"
  except "代购物"
  when keyword then warn "请勿发送广告", remove
  when flood 2 in 10s then mute 30m
}
`;

const ev = (text: string, at: string, sender = 'c-9') => JSON.stringify({ type: 'message', group: 'g-1', sender: { id: sender, kind: 'customer' }, text, at });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hush-run-'));
  writeFileSync(join(dir, 'p.policy'), POLICY);
  writeFileSync(join(dir, 'broken.policy.yaml'), 'rules: [');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hush run', () => {
  it('writes one decision per line and an error record for a bad line, and goes on', async () => {
    const input = [ev('你好，加微信领优惠', '2026-11-23T10:00:00Z'), '{"type":"message"', '', ev('hi', '2026-11-23T10:00:01Z', 'c-bad'), ev('ok', '2026-11-23T10:00:02Z', 'c-1')].join('\n') + '\n';
    const r = await hush(['run', 'p.policy'], dir, input);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    expect(lines[0]).toEqual({
      allowed: false,
      actions: [{ type: 'remove' }, { type: 'warn', text: '请勿发送广告' }],
      matches: [{ rule: 'ads', trigger: 'keyword', evidence: { text: '加微信', start: 3, end: 6, keyword: '加微信' } }],
    });
    expect(lines[1]).toEqual({ error: { line: 2, field: '', code: 'hush/event/bad-json', message: 'the line is not valid JSON' } });
    expect(lines[2].error).toMatchObject({ line: 3, code: 'hush/event/bad-json' });
    expect(lines[3]).toMatchObject({ allowed: false, blocked: { list: 'enterprise' } });
    expect(lines[4]).toEqual({ allowed: true, actions: [], matches: [] });
    expect(r.stderr).toContain('2 of 5 lines');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('answers a line over 4 MiB with an error record without parsing it, and goes on', async () => {
    const huge = ev('x'.repeat(5 << 20), '2026-11-23T10:00:00Z');
    const input = [ev('hi', '2026-11-23T10:00:00Z', 'c-1'), huge, ev('加微信', '2026-11-23T10:00:01Z', 'c-1')].join('\n') + '\n';
    const r = await hush(['run', 'p.policy', '--engine', 'interpreter'], dir, input);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[1].error).toMatchObject({ line: 2, code: 'hush/event/line-too-long' });
    expect(lines[2].allowed).toBe(false);
  });

  it('stops quietly when its reader leaves (`| head -1`), without a stack trace', async () => {
    const events = join(dir, 'many.jsonl');
    writeFileSync(events, Array.from({ length: 200_000 }, (_, i) => ev(`m ${i}`, '2026-11-23T10:00:00Z', `c-${i}`)).join('\n') + '\n');
    const r = await new Promise<{ status: number; stdout: string; stderr: string }>((done) => {
      execFile('sh', ['-c', `"${process.execPath}" "${HUSH}" run p.policy --engine interpreter < many.jsonl | head -1; echo "status \${PIPESTATUS:-}"`], { cwd: dir }, (error, stdout, stderr) =>
        done({ status: error ? 1 : 0, stdout: String(stdout), stderr: String(stderr) }),
      );
    });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^\{"allowed":true/);
    expect(r.stderr).not.toMatch(/EPIPE|\n\s+at |internal error/);
  });

  it('refuses a policy set with errors, with its diagnostics, and exits 1', async () => {
    const r = await hush(['run', 'broken.policy.yaml', '--engine', 'interpreter'], dir, ev('x', '2026-11-23T10:00:00Z'));
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/error\[hush\//);
  });

  it('exits 2 for a path that does not exist', async () => {
    const r = await hush(['run', 'nope.policy'], dir, '');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no such file');
  });

  it('decides alike with both engines', async () => {
    const input = [ev('代购物 代购', '2026-11-23T10:00:00Z'), ev('a', '2026-11-23T10:00:01Z'), ev('b', '2026-11-23T10:00:02Z')].join('\n');
    const a = await hush(['run', 'p.policy', '--engine', 'interpreter'], dir, input);
    const b = await hush(['run', 'p.policy'], dir, input);
    expect(a.status).toBe(0);
    expect(b.stdout).toBe(a.stdout);
  });
});

describe('hush explain', () => {
  it('shows the normalised text, the keyword span, the rule and the merge', async () => {
    const r = await hush(['explain', 'p.policy', '--group', 'g-1', '--sender', 'c-9', '--text', '你好，加@微@信 代购物', '--at', '2026-11-23T10:00:00Z', '--engine', 'interpreter'], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('decision: not allowed');
    expect(r.stdout).toContain('"你好加微信代购物"');
    expect(r.stdout).toContain('keyword "加微信" at 3..8 "加@微@信": fires');
    expect(r.stdout).toContain('keyword "代购" at 9..11 "代购": dropped: inside exception "代购物"');
    expect(r.stdout).toMatch(/rule ads, when keyword \(p\.policy:\d+\)/);
    expect(r.stdout).toContain('remove from ads/keyword: kept');
  });

  it('prints JSON with --format json and replays --history', async () => {
    const h = join(dir, 'history.jsonl');
    writeFileSync(h, [ev('1', '2026-11-23T10:00:00Z'), ev('2', '2026-11-23T10:00:01Z')].join('\n'));
    const r = await hush(['explain', 'p.policy', '--group', 'g-1', '--sender', 'c-9', '--text', '3', '--at', '2026-11-23T10:00:02Z', '--history', 'history.jsonl', '--format', 'json'], dir);
    expect(r.status).toBe(0);
    const x = JSON.parse(r.stdout);
    expect(x.decision.actions).toEqual([{ type: 'mute', ms: 1_800_000, until: '2026-11-23T10:30:02.000Z' }]);
    expect(x.trace.firings[0].evidence).toEqual([{ count: 3, limit: 2, windowMs: 10_000 }]);
  });

  it('words actions as the language and `hush diff` do, and names the merge order', async () => {
    writeFileSync(join(dir, 'history.jsonl'), [ev('1', '2026-11-23T10:00:00Z'), ev('2', '2026-11-23T10:00:01Z')].join('\n'));
    const r = await hush(['explain', 'p.policy', '--group', 'g-1', '--sender', 'c-9', '--text', '3', '--at', '2026-11-23T10:00:02Z', '--history', 'history.jsonl', '--engine', 'interpreter'], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('  actions: mute 30m\n');
    expect(r.stdout).toMatch(/rule ads, when flood \(p\.policy:\d+\) then mute 30m\n/);
    expect(r.stdout).toContain('merge (recall, remove, mute, blacklist, warn, notify, record):\n  mute 30m from ads/flood: kept\n');
    expect(r.stdout).toContain('3 messages in 10s, more than 2');
    expect(r.stdout).not.toMatch(/\d ms\b/);
  });

  it('exits 2 without a required option', async () => {
    const r = await hush(['explain', 'p.policy', '--group', 'g-1', '--text', 'x'], dir);
    expect(r.status).toBe(2);
  });
});

describe('hush test', () => {
  it('passes, fails and reports per case', async () => {
    writeFileSync(
      join(dir, 'ads.test.yaml'),
      `policy: p.policy
cases:
  - name: keyword
    events:
      - {type: message, group: g-1, sender: {id: c-1, kind: customer}, text: 加微信, at: "2026-11-23T10:00:00Z"}
    expect:
      - {allowed: false, actions: [remove, warn], matches: ["ads/keyword"]}
  - name: wrong on purpose
    events:
      - {type: message, group: g-1, sender: {id: c-1, kind: customer}, text: hi, at: "2026-11-23T10:00:00Z"}
      - {type: message, group: g-1, sender: {id: c-1, kind: customer}, text: hi, at: "2026-11-23T10:00:01Z"}
      - {type: message, group: g-1, sender: {id: c-1, kind: customer}, text: hi, at: "2026-11-23T10:00:02Z"}
    expect:
      - event: 3
        actions: [{type: mute, ms: 60000}]
`,
    );
    const r = await hush(['test', 'ads.test.yaml'], dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('  ok      keyword\n');
    expect(r.stdout).toContain('  FAIL    wrong on purpose (ads.test.yaml:8:5)\n');
    expect(r.stdout).toContain('ads.test.yaml:14:9: event 3: actions[0].ms: want 60000, got 1800000\n            decision: not allowed; fired: ads/flood; actions: mute 30m\n');
    expect(r.stdout).toContain('1 passed, 1 failed');
  });

  it('reports a malformed fixture and exits 2 when there is none', async () => {
    writeFileSync(join(dir, 'bad.test.json'), '{"cases": [{"name": "x", "events": [{}], "expect": [{"allowd": true}]}]}');
    const r = await hush(['test', 'bad.test.json', '--format', 'json'], dir);
    expect(r.status).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.version).toBe(2);
    // Its policy (the folder, which holds a broken file) cannot run, and its malformed case is still named.
    expect(json.files[0].error.message).toContain('has errors');
    expect(json.files[0].cases[0]).toMatchObject({ status: 'broken', problems: [{ line: 1, message: expect.stringContaining('unknown field `allowd`') }] });
    const none = await hush(['test', 'p.policy'.replace('p.policy', '.'), '--engine', 'interpreter'], mkdtempSync(join(tmpdir(), 'hush-empty-')));
    expect(none.status).toBe(2);
  });

  it('runs the examples’ fixtures', async () => {
    const r = await hush(['test', 'examples'], resolve(dirname(HUSH), '..'));
    expect(r.stdout).toMatch(/\d+ passed, 0 failed/);
    expect(r.status).toBe(0);
  });
});
