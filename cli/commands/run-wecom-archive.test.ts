// `hush run --input wecom-archive` as a user runs it (node bin/hush.js as a child process): the
// sample archive of examples/wecom/archive/ (one record per msgtype, the skips, a replay and a bad
// record) decided by the retail example must give exactly expected.jsonl, one line per record;
// bad list files give diagnostics, hostile lines give error records, never a stack trace.
// Regenerate the expected output with HUSH_UPDATE_EXAMPLES=1 and review the diff.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServe } from './serve.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const HUSH = join(ROOT, 'bin/hush.js');
const ARCHIVE = join(ROOT, 'examples/wecom/archive');

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

const EXAMPLE_ARGS = ['run', '--input', 'wecom-archive', '--wecom-senders', 'examples/wecom/archive/senders.txt', '--wecom-owners', 'examples/wecom/archive/owners.txt', 'examples/retail'];

const POLICY = `rule "ads" {
  groups "wr-1"
  keywords "加微信"
  allow links "https://shop.acme.cn/*"
  allow miniprograms "wx3f2a9c8b7d6e5f40"
  when keyword then remove
  when link then recall
  when miniprogram then recall
}

rule "f" {
  groups "wr-2"
  when flood 2 in 1m then mute 10m
}
`;
const C = 'wmGAgeDQAAy2Dtr0F8aK4dTuatfm-5Rg';
const record = (msgid: string, msgtype: string, body: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ msgid, action: 'send', from: C, tolist: ['zhang.wei'], roomid: 'wr-1', msgtime: 1763892000000, msgtype, ...body, ...extra });

// Each test starts Hush as a process, which takes seconds on a loaded machine.
vi.setConfig({ testTimeout: 120_000 });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hush-archive-'));
  writeFileSync(join(dir, 'p.policy'), POLICY);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hush run --input wecom-archive', () => {
  it('decides the sample archive exactly as examples/wecom/archive/expected.jsonl says', async () => {
    const input = readFileSync(join(ARCHIVE, 'records.jsonl'), 'utf8');
    const r = await hush(EXAMPLE_ARGS, ROOT, input);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(0);
    if (process.env.HUSH_UPDATE_EXAMPLES) writeFileSync(join(ARCHIVE, 'expected.jsonl'), r.stdout);
    const got = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const want = readFileSync(join(ARCHIVE, 'expected.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    // One output line per record, in order, each naming its record's msgid.
    const ids = input.trim().split('\n').map((l) => JSON.parse(l).msgid);
    expect(got.map((o) => o.msgid ?? o.skipped?.msgid ?? o.error?.msgid)).toEqual(ids);
    expect(got).toEqual(want);
    expect(r.stderr).toBe('hush: 4 of 24 archive records skipped: 1 one-to-one, 1 recall, 1 switch, 1 unknown-msgtype (1 "vote")\nhush: 1 of 24 archive records refused (see the error records): 1 hush/wecom/bad-type\n');
  });

  it('covers every msgtype the mapping knows in the sample archive', async () => {
    const { ARCHIVE_MSGTYPES } = await import('../../runtime/index.ts');
    const types = new Set(readFileSync(join(ARCHIVE, 'records.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).msgtype));
    expect(ARCHIVE_MSGTYPES.filter((t) => !types.has(t))).toEqual([]);
  });

  // One stream, three kinds of line: the acceptance records, hostile lines, and replays.
  const stream = {
    acceptance: [
      record('m-1', 'text', { text: { content: '你好，加微信领优惠' } }),
      record('m-2', 'link', { link: { title: '看看', description: '', link_url: 'https://evil.example.org/x', image_url: '' } }),
      record('m-3', 'weapp', { weapp: { title: 't', description: 'd', username: 'gh_bad@app', displayname: 'x' } }),
      record('m-4', 'text', { text: { content: '1:1 chat' } }, { from: 'zhang.wei', roomid: '' }),
      record('m-5', 'vote', { vote: { votetitle: '?' } }),
      record('m-6', 'text', { text: { content: 'ok' } }),
    ],
    hostile: [
      'not json',
      '[1,2]',
      record('m-n', 'text', { text: { content: 'x' } }, { msgid: 7 }),
      record('m-huge', 'text', { text: { content: 'x'.repeat(5 << 20) } }),
      // JSON.stringify recurses, so the deep record is written as text.
      record('m-deep', 'text', { text: { content: 0 } }).replace('"content":0', `"content":${'['.repeat(50_000)}${']'.repeat(50_000)}`),
      '{"msgid":"d","msgid":"e"}',
      // An unknown msgtype that would set the terminal's title: counted, and escaped on stderr.
      record('m-esc', '\u001b]0;owned\u0007', {}),
      record('m-ok', 'text', { text: { content: '加微信' } }),
    ],
    // Group wr-2 floods at the third message in a minute; f-1 and f-2 come twice.
    replays: ['f-1', 'f-2', 'f-1', 'f-2', 'f-3'].map((id) => record(id, 'text', { text: { content: id } }, { roomid: 'wr-2', msgtime: 1763892000000 + Number(id.slice(2)) * 1000 })),
  };
  let out: { status: number; stderr: string; lines: any[] };
  beforeAll(async () => {
    const input = [...stream.acceptance, ...stream.hostile, ...stream.replays].join('\n') + '\n';
    const r = await hush(['run', '--input', 'wecom-archive', '--engine', 'interpreter', 'p.policy'], dir, input);
    out = { status: r.status, stderr: r.stderr, lines: r.stdout.trim().split('\n').map((l) => JSON.parse(l)) };
  }, 120_000);
  const slice = (part: 'acceptance' | 'hostile' | 'replays') => {
    const from = part === 'acceptance' ? 0 : part === 'hostile' ? stream.acceptance.length : stream.acceptance.length + stream.hostile.length;
    return out.lines.slice(from, from + stream[part].length);
  };

  it('writes one line per input line, ends with the counts, and never a stack trace', () => {
    expect(out.status).toBe(0);
    expect(out.lines).toHaveLength(stream.acceptance.length + stream.hostile.length + stream.replays.length);
    expect(out.stderr).not.toMatch(/\n\s+at /);
    expect(out.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    const [skips, refusals] = out.stderr.split('\n');
    expect(skips).toMatch(/^hush: 3 of 19 archive records skipped: 2 unknown-msgtype, 1 one-to-one \(1 "\\u001b\]0;owned\\u0007", 1 "vote"\)$/);
    expect(refusals).toBe('hush: 6 of 19 archive records refused (see the error records): 2 hush/wecom/bad-type, 1 hush/event/line-too-long, 1 hush/wecom/bad-json, 1 hush/wecom/duplicate-key, 1 hush/wecom/not-an-object');
  });

  it('stops a keyword, a link and a mini-program off the whitelist, names their msgids, and skips the rest', () => {
    const lines = slice('acceptance');
    expect(lines.map((l) => [l.msgid ?? l.skipped?.msgid, l.allowed ?? l.skipped?.reason])).toEqual([
      ['m-1', false],
      ['m-2', false],
      ['m-3', false],
      ['m-4', 'one-to-one'],
      ['m-5', 'unknown-msgtype'],
      ['m-6', true],
    ]);
    expect(lines[2].matches).toEqual([{ rule: 'ads', trigger: 'miniprogram', evidence: { miniprogram: 'gh_bad@app', index: 0 } }]);
  });

  it('gives hostile lines error records with their codes and lines, and goes on', () => {
    const lines = slice('hostile');
    expect(lines.map((l) => l.error?.code ?? l.allowed)).toEqual([
      'hush/wecom/bad-json',
      'hush/wecom/not-an-object',
      'hush/wecom/bad-type',
      'hush/event/line-too-long',
      'hush/wecom/bad-type',
      'hush/wecom/duplicate-key',
      undefined,
      false,
    ]);
    expect(lines[6].skipped).toMatchObject({ line: 13, msgid: 'm-esc', reason: 'unknown-msgtype' });
    expect(lines.map((l) => l.error?.line)).toEqual([7, 8, 9, 10, 11, 12, undefined, undefined]);
  });

  it('replays a record by its msgid without applying its state twice', () => {
    const lines = slice('replays');
    // Two messages, however often they are replayed: the window counts the third one as the third.
    expect(lines.map((l) => [l.msgid, l.allowed])).toEqual([
      ['f-1', true],
      ['f-2', true],
      ['f-1', true],
      ['f-2', true],
      ['f-3', false],
    ]);
    expect(lines[4].matches[0].evidence).toEqual({ count: 3, limit: 2, windowMs: 60000 });
  });

  it('reports a bad senders or owners line as a diagnostic at its place, and decides nothing', async () => {
    writeFileSync(join(dir, 'senders.txt'), 'wm1 customer\nwm2 staff\n');
    writeFileSync(join(dir, 'owners.txt'), 'wr-1\n');
    const r = await hush(['run', '--input', 'wecom-archive', '--wecom-senders', 'senders.txt', '--wecom-owners', 'owners.txt', 'p.policy'], dir, record('m-1', 'text', { text: { content: 'x' } }));
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('senders.txt:2:5');
    expect(r.stderr).toContain('hush/wecom/bad-list-file');
    expect(r.stderr).toContain('owners.txt:1:1');
  });

  it('refuses the WeCom lists without archive input, and an unknown input format', async () => {
    const a = await hush(['run', '--wecom-owners', 'owners.txt', 'p.policy'], dir, '');
    expect(a.status).toBe(2);
    expect(a.stderr).toContain('--input wecom-archive');
    const b = await hush(['run', '--input', 'csv', 'p.policy'], dir, '');
    expect(b.status).toBe(2);
  });
});

describe('hush serve --wecom-senders --wecom-owners', () => {
  it('serves POST /v1/wecom/archive with the lists, as `hush run` decides the sample archive', async () => {
    let err = '';
    const io = { stdout: () => {}, stderr: (t: string) => void (err += t), isTTY: false, cwd: ROOT };
    const h = await startServe('examples/retail', { listen: '127.0.0.1:0', store: 'memory', logLevel: 'error', engine: 'interpreter', wecomSenders: 'examples/wecom/archive/senders.txt', wecomOwners: 'examples/wecom/archive/owners.txt' }, io, false);
    if (!h) throw new Error(`did not start: ${err}`);
    try {
      const r = await fetch(`${h.url}/v1/wecom/archive`, { method: 'POST', body: readFileSync(join(ARCHIVE, 'records.jsonl'), 'utf8') });
      expect(r.status).toBe(200);
      const got = (await r.json()) as any[];
      const want = readFileSync(join(ARCHIVE, 'expected.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      // The owners list made the personal blacklist apply; the senders list made a member of staff.
      const byId = (list: any[], id: string) => list.find((o) => o.msgid === id);
      for (const id of ['personal-blacklist', 'staff-override', 'text-ad', 'weapp-off']) {
        const { decision_id: _d, revision: _r, ...decision } = byId(got, id);
        expect(decision).toEqual(byId(want, id));
      }
      expect(got).toHaveLength(want.length);
    } finally {
      await h.stop();
    }
  });

  it('refuses to start on a bad list line', async () => {
    writeFileSync(join(dir, 'owners-bad.txt'), 'wr-1\n');
    let err = '';
    const io = { stdout: () => {}, stderr: (t: string) => void (err += t), isTTY: false, cwd: dir };
    const h = await startServe('p.policy', { listen: '127.0.0.1:0', store: 'memory', logLevel: 'error', engine: 'interpreter', wecomOwners: 'owners-bad.txt' }, io, false);
    expect(h).toBeNull();
    expect(err).toContain('hush/wecom/bad-list-file');
  });
});
