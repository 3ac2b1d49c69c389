// The file decision log (decision-log-file.ts) in a real service on loopback: durable lines
// written before the answer (group commit: a batch shares its sync), a buffered log with a tiny
// queue and a stalled reader dropping and counting without slowing decisions, masking of the
// message text, write failures (a 503 with hush/service/log-failed when durable, counted when
// buffered), and the refusals at open (a symlink, a folder).
import { spawnSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { irFromText } from '../../spec/testing/ir-from-text.ts';
import { interpretIr, MemoryStore } from '../index.ts';
import { DecisionLogOpenError, FileDecisionLog, maskedText, openDecisionLog, type FileDecisionLogOptions } from './decision-log-file.ts';
import type { PolicyLoader } from './policy-holder.ts';
import { createService, type Service } from './service.ts';

const POLICY = `enterprise "acme"
limits "wecom-4.1.36"

rule "ads" {
  owner super-admin "zhang.wei"
  groups "g-1"
  keywords "加微信"
  when keyword then remove, warn "no ads"
}
`;
const loader: PolicyLoader = async () => {
  const ir = irFromText(POLICY);
  const policy = interpretIr(ir);
  return { ok: true, loaded: { ir, policy, interpreter: policy, engine: 'interpreter' } };
};
const msg = (text: string, id = 'c-9') => JSON.stringify({ type: 'message', group: 'g-1', sender: { id, kind: 'customer' }, text, at: '2026-11-23T10:00:00Z' });

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'hush-dlog-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const running: Service[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function start(options: FileDecisionLogOptions): Promise<{ url: string; service: Service; log: FileDecisionLog }> {
  const log = await openDecisionLog(options);
  const service = await createService({ loader, store: { kind: 'sync', store: new MemoryStore(), where: 'memory' }, decisionLog: log, defaultMetrics: false });
  running.push(service);
  return { url: await service.listen('127.0.0.1', 0), service, log };
}
const post = async (url: string, body: string) => {
  const r = await fetch(url, { method: 'POST', body });
  return { status: r.status, body: (await r.json()) as any };
};
const metric = async (url: string, name: string) => {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
};
const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, any>);

describe('durable decision log', () => {
  it('writes each decision once, as one JSON line, before the answer; the file is created 0600 and appended to', async () => {
    const d = tmp();
    const path = join(d, 'decisions.log');
    writeFileSync(path, '', { mode: 0o600 });
    const { url, service, log } = await start({ path });
    expect(log.mode).toBe('durable');
    // Concurrent decides and a batch: every answer is already in the file when it arrives.
    const answers = await Promise.all(
      Array.from({ length: 40 }, async (_, k) => {
        const a = await post(`${url}/v1/decide`, msg(k % 2 ? '加微信' : 'hello', `c-${k}`));
        expect(lines(path).some((l) => l.decision_id === a.body.decision_id)).toBe(true);
        return a;
      }),
    );
    // A pretty-printed event (line breaks between tokens) is still one line.
    const pretty = await post(`${url}/v1/decide`, JSON.stringify(JSON.parse(msg('加微信')), null, 2));
    const batch = await post(`${url}/v1/decide/batch`, `[${msg('a')},{"type":"x"},${msg('加微信')}]`);
    expect(batch.status).toBe(200);
    const ids = [...answers.map((a) => a.body.decision_id), pretty.body.decision_id, batch.body[0].decision_id, batch.body[2].decision_id];
    const logged = lines(path);
    expect(logged.map((l) => l.decision_id).sort()).toEqual([...ids].sort());
    const first = logged.find((l) => l.decision_id === pretty.body.decision_id)!;
    expect(Object.keys(first)).toEqual(['decision_id', 'revision', 'at', 'latency_ms', 'event', 'decision']);
    expect(first).toMatchObject({ revision: pretty.body.revision, event: JSON.parse(msg('加微信')), decision: { allowed: false } });
    expect(first.latency_ms).toBeGreaterThanOrEqual(0);
    expect(Date.parse(first.at)).toBeGreaterThan(Date.parse('2026-01-01'));
    expect(await metric(url, 'hush_decision_log_write_seconds_count')).toBe(ids.length);
    expect(await metric(url, 'hush_decision_log_queue_depth')).toBe(0);
    await service.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('creates a missing file 0600, masks the message text when asked', async () => {
    const path = join(tmp(), 'masked.log');
    const { url, service } = await start({ path, mask: 'text' });
    const a = await post(`${url}/v1/decide`, msg('你好，加微信 https://evil.example/x'));
    await service.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const text = readFileSync(path, 'utf8');
    // The keyword is the policy's (in the match's evidence); the message's own text is gone.
    expect(text).not.toContain('你好');
    expect(text).not.toContain('evil.example');
    const [l] = lines(path);
    expect(l.decision_id).toBe(a.body.decision_id);
    expect(l.event.text).toBe(maskedText('你好，加微信 https://evil.example/x'));
    expect(l.event.text).toMatch(/^masked:len=29:sha256=[0-9a-f]{16}$/);
    expect(l.decision.matches[0].evidence).toMatchObject({ text: maskedText('加微信'), keyword: '加微信', start: 3, end: 6 });
  });

  it('answers 503 hush/service/log-failed when the line cannot be written, and keeps serving', async () => {
    const { url, service } = await start({ path: '/dev/full' });
    const a = await post(`${url}/v1/decide`, msg('加微信'));
    expect(a.status).toBe(503);
    expect(a.body.error.code).toBe('hush/service/log-failed');
    const b = await post(`${url}/v1/decide/batch`, `[${msg('a')},{"type":"x"}]`);
    expect(b.status).toBe(503);
    expect(b.body[0].error).toMatchObject({ index: 0, code: 'hush/service/log-failed' });
    expect(b.body[1].error.code).toBe('hush/event/unknown-type');
    expect(await metric(url, 'hush_decision_log_write_errors_total')).toBe(2);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    await service.close();
  });
});

describe('the writer', () => {
  it('never strands an entry: a write made as the previous one resolves starts a new run (durable), and groups concurrent ones', async () => {
    const path = join(tmp(), 'chain.log');
    const log = await openDecisionLog({ path });
    const entry = (k: number) => ({ decision_id: `id-${k}`, revision: 'r', tenant: '', decided_at: 0, event: msg('x'), decision: { allowed: true, actions: [], matches: [] } });
    // Each write is made in the microtask that follows the previous one's resolution.
    for (let k = 0; k < 30; k++) expect(await log.write(entry(k))).toBe(true);
    // 100 at once: one group (or a few), every promise resolves.
    expect(await Promise.all(Array.from({ length: 100 }, (_, k) => log.write(entry(100 + k))))).toEqual(Array(100).fill(true));
    await log.close();
    expect(lines(path).map((l) => l.decision_id)).toEqual([...Array.from({ length: 30 }, (_, k) => `id-${k}`), ...Array.from({ length: 100 }, (_, k) => `id-${100 + k}`)]);
    // Closed: a durable write fails (counted), never hangs.
    expect(await log.write(entry(999))).toBe(false);
    expect(log.writeErrors).toBe(1);
  });
});

describe('buffered decision log', () => {
  it('never waits: with a stalled reader and a queue of 5, decisions are answered and the overflow is dropped and counted', async () => {
    const d = tmp();
    const fifo = join(d, 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // A reader that never reads: the pipe fills (64 KiB) and the writer blocks.
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const { url, service, log } = await start({ path: fifo, mode: 'buffered', queue: 5 });
    const big = 'x'.repeat(2000);
    const n = 200;
    const t0 = performance.now();
    for (let k = 0; k < n; k++) expect((await post(`${url}/v1/decide`, msg(big, `c-${k}`))).status).toBe(200);
    const perDecision = (performance.now() - t0) / n;
    expect(perDecision).toBeLessThan(50);
    expect(log.depth).toBeLessThanOrEqual(5);
    const dropped = await metric(url, 'hush_decision_log_dropped_total');
    expect(dropped).toBeGreaterThan(0);
    expect(await metric(url, 'hush_decision_log_queue_depth')).toBeLessThanOrEqual(5);
    // The reader wakes up: what was accepted is written, then the service closes.
    const buf = Buffer.alloc(1 << 16);
    let got = '';
    const closing = service.close();
    let done = false;
    void closing.then(() => (done = true));
    // Nothing to read yet (EAGAIN) or the writer gone (0 bytes): wait a little, so that the
    // close can finish; a loop that did not yield on 0 spun for ever when the writer closed first.
    while (!done) {
      try {
        const r = readSync(reader, buf);
        if (r > 0) {
          got += buf.toString('utf8', 0, r);
          continue;
        }
      } catch {
        // EAGAIN: the pipe is empty for now.
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    for (;;) {
      try {
        const r = readSync(reader, buf);
        if (r === 0) break;
        got += buf.toString('utf8', 0, r);
      } catch {
        break;
      }
    }
    closeSync(reader);
    const written = got.split('\n').filter((l) => l !== '');
    expect(written.length + dropped).toBe(n);
    for (const l of written) expect(JSON.parse(l).decision.allowed).toBe(true);
  });

  it('counts a failed write and answers the decision', async () => {
    const { url, service, log } = await start({ path: '/dev/full', mode: 'buffered' });
    expect((await post(`${url}/v1/decide`, msg('加微信'))).status).toBe(200);
    await log.flush();
    expect(await metric(url, 'hush_decision_log_write_errors_total')).toBe(1);
    await service.close();
  });
});

describe('opening the decision log', () => {
  it('refuses a symlink and a folder with hush/service/log-unusable', async () => {
    const d = tmp();
    writeFileSync(join(d, 'real.log'), '');
    symlinkSync(join(d, 'real.log'), join(d, 'link.log'));
    mkdirSync(join(d, 'folder'));
    for (const p of [join(d, 'link.log'), join(d, 'folder'), join(d, 'no', 'such', 'dir.log')]) {
      const e = await openDecisionLog({ path: p }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(DecisionLogOpenError);
      expect((e as DecisionLogOpenError).code).toBe('hush/service/log-unusable');
    }
  });
});
