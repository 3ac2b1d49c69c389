// The HTTP service (spec/service.md) against a real server on 127.0.0.1, port 0, with Node's
// fetch: every endpoint, the auth scopes, bad bodies, batches with a bad event, reloads (a broken
// set refused while the old one serves; twenty reloads under a stream of decisions, none failing,
// each naming a live revision), store failures (503 with the store's code, /readyz 503), and a
// graceful close that lets an in-flight request finish. Policies come from the real checker
// through spec/testing (runtime code never imports the compiler).
import { request } from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { irFromText } from '../../spec/testing/ir-from-text.ts';
import { interpretIr, MemoryStore, SqliteStore, StoreError, type AsyncStore, type OpenedStore, type Store } from '../index.ts';
import { RedisStore } from '../store/redis-store.ts';
import { silentServer } from '../store/testing/redis-server.ts';
import { parseTokens } from './auth.ts';
import { splitBatch } from './batch-body.ts';
import { decisionId } from './decision-id.ts';
import type { DecisionLogEntry, DecisionLogSink } from './decision-log.ts';
import type { PolicyLoader, PolicyLoadResult } from './policy-holder.ts';
import { createService, ServiceConfigError, type Service, type ServiceOptions } from './service.ts';
import { failingStore } from './testing/failing-store.ts';

const policyText = (keyword: string) => `enterprise "acme"
limits "wecom-4.1.36"

rule "ads" {
  owner super-admin "zhang.wei"
  groups "g-1", "g-2"
  keywords "${keyword}"
  when keyword then remove, warn "no ads", record harassment
}

ladder "abuse" {
  counts harassment
  step 1: suspend interop for 1h, appealable
  step 2: suspend interop for 24h
}
`;
const BROKEN = 'rule "ads" {\n  groups "g-1"\n  keywords "x"\n  when keyword then explode\n}\n';

/** A loader over a policy text the test changes; a text with an error is refused with its message. */
function textLoader(initial: string): PolicyLoader & { text: string } {
  const loader = (async (): Promise<PolicyLoadResult> => {
    try {
      const ir = irFromText(loader.text);
      const policy = interpretIr(ir);
      return { ok: true, loaded: { ir, policy, interpreter: policy, engine: 'interpreter' } };
    } catch (e) {
      return { ok: false, message: 'the policy set has errors', diagnostics: [{ code: 'hush/test/error', severity: 'error', message: (e as Error).message }] };
    }
  }) as unknown as PolicyLoader & { text: string };
  loader.text = initial;
  return loader;
}

const msg = (text: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'message', group: 'g-1', sender: { id: 'c-9', kind: 'customer' }, text, at: '2026-11-23T10:00:00Z', ...extra });

const running: Service[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function start(opts: Partial<ServiceOptions> = {}): Promise<{ service: Service; url: string; loader: PolicyLoader & { text: string } }> {
  const loader = (opts.loader as PolicyLoader & { text: string }) ?? textLoader(policyText('加微信'));
  const service = await createService({ store: { kind: 'sync', store: new MemoryStore(), where: 'memory' }, defaultMetrics: false, ...opts, loader });
  running.push(service);
  const url = await service.listen('127.0.0.1', 0);
  return { service, url, loader };
}

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const r = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: r.status, body: (await r.json()) as any, headers: r.headers };
}
async function get(url: string, headers: Record<string, string> = {}) {
  const r = await fetch(url, { headers });
  const text = await r.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: r.status, body, headers: r.headers };
}

describe('POST /v1/decide', () => {
  it('answers the decision with a decision id and the revision', async () => {
    const { url } = await start();
    const a = await post(`${url}/v1/decide`, msg('你好，加微信'));
    expect(a.status).toBe(200);
    expect(a.body.allowed).toBe(false);
    expect(a.body.actions.map((x: { type: string }) => x.type)).toEqual(['remove', 'warn', 'record']);
    expect(a.body.matches[0]).toMatchObject({ rule: 'ads', trigger: 'keyword', evidence: { text: '加微信', start: 3, end: 6 } });
    expect(a.body.revision).toMatch(/^[0-9a-f]{16}$/);
    expect(a.body.decision_id).toMatch(/^[0-9A-Z]{26}$/);
    const b = await post(`${url}/v1/decide`, msg('hello'));
    expect(b.body).toMatchObject({ allowed: true, actions: [], matches: [], revision: a.body.revision });
    expect(b.body.decision_id).not.toBe(a.body.decision_id);
  });

  it('refuses a bad event with 400, its hush/event code and field, and no stack trace', async () => {
    const { url } = await start();
    const cases: [string, string, string][] = [
      ['{"type":"message"', 'hush/event/bad-json', ''],
      ['', 'hush/event/bad-json', ''],
      ['[1]', 'hush/event/not-an-object', ''],
      [JSON.stringify({ type: 'message', sender: { id: 'c', kind: 'customer' }, text: '' }), 'hush/event/missing-field', 'group'],
      [msg('x', { sender: { id: 'c', kind: 'robot' } }), 'hush/event/bad-value', 'sender.kind'],
      [msg('x', { link: ['a'] }), 'hush/event/unknown-field', 'link'],
      ['{"type":"message","type":"join"}', 'hush/event/duplicate-key', ''],
      [msg('x', { at: '2026-11-23T10:00:00' }), 'hush/event/bad-time', 'at'],
    ];
    for (const [body, code, field] of cases) {
      const r = await post(`${url}/v1/decide`, body);
      expect(r.status, body).toBe(400);
      expect(r.body.error).toMatchObject({ code, field });
      expect(JSON.stringify(r.body)).not.toMatch(/\s+at .+:\d+:\d+/);
    }
  });

  it('answers 413 with a code for a body over the cap, whatever the content type', async () => {
    const { url } = await start({ limits: { bodyBytes: 4096 } });
    const r = await post(`${url}/v1/decide`, msg('x'.repeat(5000)));
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('hush/http/body-too-large');
    const t = await post(`${url}/v1/decide`, msg('加微信'), { 'content-type': 'text/plain' });
    expect(t.status).toBe(200);
  });
});

describe('POST /v1/decide/batch', () => {
  it('decides an array in order, a bad event getting its error record in place', async () => {
    const { url } = await start();
    const r = await post(`${url}/v1/decide/batch`, `[${msg('加微信')}, {"type":"bogus"} ,${msg('hi')},{"type":"message","type":"join"},{"a":}]`);
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(5);
    expect(r.body[0].allowed).toBe(false);
    expect(r.body[1].error).toMatchObject({ index: 1, code: 'hush/event/unknown-type', field: 'type' });
    expect(r.body[2]).toMatchObject({ allowed: true });
    expect(r.body[3].error).toMatchObject({ index: 3, code: 'hush/event/duplicate-key' });
    expect(r.body[4].error).toMatchObject({ index: 4, code: 'hush/event/bad-json' });
    expect(new Set([r.body[0].revision, r.body[2].revision]).size).toBe(1);
  });

  it('decides JSON lines, naming the line of a bad one', async () => {
    const { url } = await start();
    const r = await post(`${url}/v1/decide/batch`, `${msg('加微信')}\r\nnot json\n${msg('hi')}\n`, { 'content-type': 'application/x-ndjson' });
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(3);
    expect(r.body[1].error).toMatchObject({ index: 1, line: 2, code: 'hush/event/bad-json' });
    expect(r.body[2].allowed).toBe(true);
  });

  it('refuses a broken array (400), too many events and a body over the cap (413)', async () => {
    const { url } = await start({ limits: { batchEvents: 3, batchBodyBytes: 8192 } });
    expect((await post(`${url}/v1/decide/batch`, `[${msg('a')}`)).body.error.code).toBe('hush/event/bad-json');
    expect((await post(`${url}/v1/decide/batch`, `[${msg('a')},]`)).status).toBe(400);
    const many = await post(`${url}/v1/decide/batch`, `[${[1, 2, 3, 4].map(() => msg('a')).join(',')}]`);
    expect(many.status).toBe(413);
    expect(many.body.error.code).toBe('hush/http/too-many-events');
    const big = await post(`${url}/v1/decide/batch`, `[${msg('a'.repeat(9000))}]`);
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('hush/http/body-too-large');
    expect((await post(`${url}/v1/decide/batch`, '[]')).body).toEqual([]);
  });

  it('answers each decision of a batch byte for byte as POST /v1/decide answers it', async () => {
    // Two services on fresh stores and one clock: the same events, one by one and as a batch.
    const clock = () => Date.parse('2026-11-23T10:00:00Z');
    const one = await start({ clock });
    const many = await start({ clock });
    const events = [msg('加微信'), msg('hi'), '{"type":"bogus"}', msg('加微信 "引号" \\ 加微信'), msg('再加微信', { sender: { id: 'c-2', kind: 'customer' } }), msg('\u2028 加微信 😀')];
    const singles: string[] = [];
    for (const e of events) singles.push(await (await fetch(`${one.url}/v1/decide`, { method: 'POST', body: e, headers: { 'content-type': 'application/json' } })).text());
    const batch = await (await fetch(`${many.url}/v1/decide/batch`, { method: 'POST', body: `[${events.join(',')}]`, headers: { 'content-type': 'application/json' } })).text();
    const records = JSON.parse(batch) as Record<string, unknown>[];
    expect(records).toHaveLength(events.length);
    // The batch's text is its records' compact JSON, in order; a decision's record is the single answer but for its id.
    expect(batch).toBe(`[${records.map((r) => JSON.stringify(r)).join(',')}]`);
    const noId = (t: string) => t.replace(/^\{"decision_id":"[0-9A-Z]{26}",/, '{');
    for (let k = 0; k < events.length; k++) {
      if (k === 2) {
        expect(records[k]).toMatchObject({ error: { index: 2, code: 'hush/event/unknown-type' } });
        continue;
      }
      expect(singles[k].startsWith('{"decision_id":"')).toBe(true);
      expect(noId(JSON.stringify(records[k]))).toBe(noId(singles[k]));
    }
    expect(JSON.parse(singles[0])).toMatchObject({ allowed: false, matches: [{ rule: 'ads', evidence: { text: '加微信' } }] });
  });

  it('reads a body of any content type alike', async () => {
    const { url } = await start({ clock: () => Date.parse('2026-11-23T10:00:00Z') });
    const types = ['application/json', 'application/json; charset=utf-8', 'application/x-ndjson', 'text/plain', 'application/octet-stream', 'APPLICATION/JSON'];
    for (const type of types) {
      const r = await fetch(`${url}/v1/decide`, { method: 'POST', body: msg('加微信'), headers: { 'content-type': type } });
      expect(r.status, type).toBe(200);
      expect((await r.json()) as unknown, type).toMatchObject({ allowed: false, matches: [{ rule: 'ads', evidence: { text: '加微信' } }] });
      const b = await fetch(`${url}/v1/decide/batch`, { method: 'POST', body: `${msg('hi')}\n{"type":"message","type":"join"}\n`, headers: { 'content-type': type } });
      expect(b.status, type).toBe(200);
      expect((await b.json()) as unknown, type).toMatchObject([{ allowed: true }, { error: { index: 1, line: 2, code: 'hush/event/duplicate-key' } }]);
    }
  });

  it('gives every decision a distinct id that sorts by time', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => decisionId(1_700_000_000_000 + Math.floor(i / 100)));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id))).toBe(true);
    expect(decisionId(1_700_000_000_001) > decisionId(1_700_000_000_000)).toBe(true);
  });

  it('splits arrays without parsing: strings with brackets and escapes stay whole', () => {
    const s = splitBatch(' [ {"t":"a,]\\"}"} , [1,{"x":[2]}] ] \n');
    expect(s).toMatchObject({ ok: true, format: 'array', items: [' {"t":"a,]\\"}"} ', ' [1,{"x":[2]}] '] });
    expect(splitBatch('[{"a":1}] x').ok).toBe(false);
    expect(splitBatch('[{"a":"1}]').ok).toBe(false);
  });
});

describe('explain, policy, sanctions, health, metrics', () => {
  it('explains a message from query parameters (no state) or a posted event', async () => {
    const { url } = await start();
    const g = await get(`${url}/v1/explain?group=g-1&sender=c-1&text=${encodeURIComponent('加微信')}&at=2026-11-23T10:00:00Z`);
    expect(g.status).toBe(200);
    expect(g.body).toMatchObject({ state: 'empty', decision: { allowed: false }, trace: { path: 'rules', rules: ['ads'] } });
    expect(g.body.trace.keywords[0].hits.length).toBeGreaterThan(0);
    expect((await get(`${url}/v1/explain?sender=c-1&text=x`)).body.error).toMatchObject({ code: 'hush/event/missing-field', field: 'group' });
    const p = await post(`${url}/v1/explain?state=live`, msg('加微信'));
    expect(p.body).toMatchObject({ state: 'live', decision: { allowed: false } });
    expect(p.body.trace.firings).toHaveLength(1);
  });

  it('lists the policy: revision, rules, ladders, limits usage', async () => {
    const { url } = await start({
      loader: Object.assign(async () => {
        const ir = irFromText(policyText('加微信'));
        return { ok: true as const, loaded: { ir, policy: interpretIr(ir), limits: [{ limit: 'keywords-per-rule', max: 100, used: 1, subject: 'keywords in rule "ads"' }] } };
      }, { text: '' }),
    });
    const r = await get(`${url}/v1/policy`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ enterprise: 'acme', profile: 'wecom-4.1.36', rules: [{ name: 'ads', groups: 2, keywords: 1, triggers: ['keyword'] }], ladders: [{ name: 'abuse', steps: 2 }] });
    expect(r.body.limits[0]).toMatchObject({ limit: 'keywords-per-rule', used: 1, max: 100 });
    expect(r.body.revision).toMatch(/^[0-9a-f]{16}$/);
  });

  it('lists the sanctions in force with their end times', async () => {
    const { url } = await start();
    await post(`${url}/v1/decide`, JSON.stringify({ type: 'violation', subject: 'm-1', category: 'harassment', at: '2026-11-23T10:00:00Z' }));
    const r = await get(`${url}/v1/sanctions/m-1?at=2026-11-23T10:30:00Z`);
    expect(r.status).toBe(200);
    expect(r.body.sanctions).toHaveLength(1);
    expect(r.body.sanctions[0]).toMatchObject({ ladder: 'abuse', step: 1, sanction: 'suspend-interop', until: '2026-11-23T11:00:00.000Z', appealable: true });
    expect((await get(`${url}/v1/sanctions/m-1?at=2026-11-23T11:00:00Z`)).body.sanctions).toEqual([]);
    expect((await get(`${url}/v1/sanctions/m-1?at=yesterday`)).body.error).toMatchObject({ code: 'hush/event/bad-time', field: 'at' });
  });

  it('answers health, readiness and metrics', async () => {
    const { url } = await start();
    expect(await get(`${url}/healthz`)).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await get(`${url}/readyz`)).toMatchObject({ status: 200, body: { status: 'ready' } });
    await post(`${url}/v1/decide`, msg('加微信'));
    await post(`${url}/v1/decide`, 'nope');
    const m = await get(`${url}/metrics`);
    expect(m.status).toBe(200);
    for (const name of [
      'hush_decisions_total{outcome="denied",type="message"} 1',
      'hush_decisions_total{outcome="invalid",type="unknown"} 1',
      'hush_rule_fired_total{rule="ads",trigger="keyword"} 1',
      'hush_decision_duration_seconds_bucket',
      'hush_store_operation_duration_seconds_bucket{le="0.001",operation="',
      'hush_reloads_total{trigger="start",result="ok"} 1',
      'hush_decision_log_queue_depth 0',
      'hush_decision_log_write_errors_total 0',
      'hush_policy_revision_info{revision="',
    ]) {
      expect(m.body).toContain(name);
    }
    expect((await get(`${url}/v2/nothing`)).body.error.code).toBe('hush/http/not-found');
    const raw = await new Promise<string>((done) => {
      const u = new URL(url);
      const sock = connect(Number(u.port), u.hostname, () => sock.write('GET /v1/explain?text=\u52a0 HTTP/1.1\r\nHost: x\r\n\r\n'));
      let t = '';
      sock.on('data', (c) => (t += c));
      sock.on('end', () => done(t));
      sock.on('error', () => done(t));
    });
    expect(raw).toMatch(/^HTTP\/1.1 400/);
    expect(raw).toContain('{"error":{"code":"hush/http/bad-request"');
    expect(await get(`${url}/v1/sanctions/%ZZ`)).toMatchObject({ status: 400, body: { error: { code: 'hush/http/bad-request' } } });
    expect(await get(`${url}/v1/sanctions/`)).toMatchObject({ status: 400, body: { error: { code: 'hush/event/missing-field', field: 'subject' } } });
  });
});

describe('the decision log', () => {
  it('hands every decision to the sink with its id and revision, waits for a sink that returns a promise, and flushes it on close', async () => {
    const entries: DecisionLogEntry[] = [];
    let pending = 0;
    let flushed = false;
    const sink: DecisionLogSink = {
      write(e) {
        pending++;
        return new Promise<void>((done) =>
          setTimeout(() => {
            entries.push(e);
            pending--;
            done();
          }, 5),
        );
      },
      get depth() {
        return pending;
      },
      writeErrors: 2,
      flush: async () => {
        flushed = true;
      },
      close: async () => {},
    };
    const { url, service } = await start({ decisionLog: sink });
    const d = await post(`${url}/v1/decide`, msg('加微信'));
    // The answer waited for the write.
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ decision_id: d.body.decision_id, revision: d.body.revision, tenant: '', event: msg('加微信'), decision: { allowed: false } });
    const b = await post(`${url}/v1/decide/batch`, `[${msg('a')},{"type":"x"},${msg('b')}]`);
    expect(entries.map((e) => e.decision_id)).toEqual([d.body.decision_id, b.body[0].decision_id, b.body[2].decision_id]);
    expect((await get(`${url}/metrics`)).body).toContain('hush_decision_log_write_errors_total 2');
    await service.close();
    expect(flushed).toBe(true);
  });
});

describe('auth', () => {
  const DECIDE = 'd'.repeat(24);
  const ADMIN = 'a'.repeat(24);
  const tokens = parseTokens(`# tokens\ndecide:${DECIDE}\nadmin:${ADMIN}\n`, 'test');

  it('refuses without a token (401), a decide token on an admin route (403), and lets the right one in', async () => {
    const { url } = await start({ tokens });
    const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
    const none = await post(`${url}/v1/decide`, msg('x'));
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: { code: 'hush/auth/unauthorized', message: 'a valid bearer token is required' } });
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await post(`${url}/v1/decide`, msg('x'), bearer('x'.repeat(24)));
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(none.body);
    expect((await post(`${url}/v1/decide`, msg('x'), { authorization: DECIDE })).status).toBe(401);
    expect((await post(`${url}/v1/decide`, msg('x'), bearer(DECIDE))).status).toBe(200);
    expect((await post(`${url}/v1/decide`, msg('x'), bearer(ADMIN))).status).toBe(200);
    const forbidden = await post(`${url}/v1/admin/reload`, '', bearer(DECIDE));
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toEqual({ error: { code: 'hush/auth/forbidden', message: 'the token does not allow this' } });
    expect((await get(`${url}/v1/sanctions/m-1`, bearer(DECIDE))).status).toBe(403);
    expect((await get(`${url}/v1/sanctions/m-1`, bearer(ADMIN))).status).toBe(200);
    expect((await post(`${url}/v1/admin/reload`, '', bearer(ADMIN))).status).toBe(200);
    expect((await get(`${url}/metrics`)).status).toBe(401);
    expect((await get(`${url}/metrics`, bearer(DECIDE))).status).toBe(200);
    expect((await get(`${url}/healthz`)).status).toBe(200);
    expect((await get(`${url}/readyz`)).status).toBe(200);
  });

  it('refuses an unauthenticated request before reading its body', async () => {
    const { url } = await start({ tokens, limits: { batchBodyBytes: 1024 } });
    const r = await post(`${url}/v1/decide/batch`, 'x'.repeat(100_000));
    expect(r.status).toBe(401);
  });

  it('reads token lists strictly', () => {
    expect(() => parseTokens('decide:short', 't')).toThrow(/shorter than 16/);
    expect(() => parseTokens(`root:${DECIDE}`, 't')).toThrow(/entry 1/);
    expect(() => parseTokens('# nothing\n', 't')).toThrow(/no token/);
    expect(parseTokens(`decide:${DECIDE}, admin:${ADMIN}`, 't').map((t) => t.scope)).toEqual(['decide', 'admin']);
    // No token content in any message.
    try {
      parseTokens(`decide:${DECIDE.slice(0, 10)}`, 't');
    } catch (e) {
      expect((e as Error).message).not.toContain(DECIDE.slice(0, 10));
    }
  });

  it('listens only on a loopback address without tokens, unless insecure', async () => {
    const service = await createService({ loader: textLoader(policyText('x')), store: { kind: 'sync', store: new MemoryStore(), where: 'memory' }, defaultMetrics: false });
    running.push(service);
    await expect(service.listen('0.0.0.0', 0)).rejects.toBeInstanceOf(ServiceConfigError);
  });
});

describe('reload', () => {
  it('refuses a set with an error: the old one keeps serving, the errors are answered', async () => {
    const { url, loader } = await start();
    const before = (await post(`${url}/v1/decide`, msg('加微信'))).body.revision;
    loader.text = BROKEN;
    const r = await post(`${url}/v1/admin/reload`, '');
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ error: { code: 'hush/service/policy-refused' }, revision: before });
    expect(r.body.diagnostics[0].severity).toBe('error');
    const still = await post(`${url}/v1/decide`, msg('加微信'));
    expect(still.body).toMatchObject({ allowed: false, revision: before });
    loader.text = policyText('代购');
    const ok = await post(`${url}/v1/admin/reload`, '');
    expect(ok.body).toMatchObject({ previous: before, changed: true });
    const after = await post(`${url}/v1/decide`, msg('加微信'));
    expect(after.body).toMatchObject({ allowed: true, revision: ok.body.revision });
    expect((await get(`${url}/metrics`)).body).toContain('hush_reloads_total{trigger="http",result="refused"} 1');
  });

  it('lets a request in flight during a reload finish on the revision it started with', async () => {
    // An asynchronous store whose every operation takes 30 ms: a decision is in flight for a while.
    // The reload starts once the decision has asked the store its first question (not after a
    // fixed delay, which a loaded machine can outrun).
    const inner = new MemoryStore();
    let asked = false;
    let firstQuestion: () => void = () => undefined;
    const questioned = new Promise<void>((done) => (firstQuestion = done));
    const slow = new Proxy(inner, {
      get(target, prop, recv) {
        const v = Reflect.get(target, prop, recv);
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          if (asked) firstQuestion();
          return new Promise((done) => setTimeout(() => done((v as (...a: unknown[]) => unknown).apply(target, args)), 30));
        };
      },
    }) as unknown as AsyncStore;
    const { url, service, loader } = await start({ store: { kind: 'async', store: slow, where: 'slow' } });
    const old = service.holder.current!.revision;
    asked = true;
    const inFlight = post(`${url}/v1/decide`, msg('加微信'));
    await questioned;
    loader.text = policyText('代购');
    const r = await service.reload('http');
    expect(r).toMatchObject({ ok: true, changed: true });
    const d = await inFlight;
    expect(d.body).toMatchObject({ revision: old, allowed: false });
    const after = await post(`${url}/v1/decide`, msg('加微信'));
    expect(after.body).toMatchObject({ allowed: true });
    expect(after.body.revision).not.toBe(old);
  });

  it('reloads a hundred times under a stream of decisions, broken sets among them: none fails, each names a live revision', async () => {
    const { url, service, loader } = await start();
    const live = new Set<string>([service.holder.current!.revision]);
    let stop = false;
    const seen: string[] = [];
    let failures = 0;
    const client = async (n: number) => {
      let i = 0;
      while (!stop) {
        const r = await fetch(`${url}/v1/decide`, { method: 'POST', body: msg(`msg ${n} ${i++} 加微信 代购`) });
        if (r.status !== 200) failures++;
        seen.push(((await r.json()) as { revision: string }).revision);
      }
    };
    const clients = [1, 2, 3, 4].map(client);
    for (let k = 0; k < 100; k++) {
      // Every tenth set is broken: refused, and the one serving stays.
      const broken = k % 10 === 9;
      loader.text = broken ? 'rule "x" {' : policyText(k % 2 === 0 ? '代购' : '加微信');
      const before = service.holder.current!.revision;
      const r = await service.reload('http');
      expect(r.ok).toBe(!broken);
      if (r.ok) live.add(r.revision);
      else expect(service.holder.current!.revision).toBe(before);
      await new Promise((done) => setTimeout(done, 3));
    }
    stop = true;
    await Promise.all(clients);
    expect(failures).toBe(0);
    expect(seen.length).toBeGreaterThan(20);
    expect(seen.filter((r) => !live.has(r))).toEqual([]);
    expect(new Set(seen).size).toBeGreaterThan(1);
  });
});


describe('when the store fails', () => {
  it('answers 503 with the store code when the store is away, and decides again once it is back', async () => {
    const f = failingStore();
    const { url } = await start({ store: f.opened });
    f.fail(new StoreError('hush/store/unreachable', 'cannot reach Redis at 10.0.0.5:6379', '10.0.0.5:6379'));
    const r = await post(`${url}/v1/decide`, msg('加微信'));
    expect(r.status).toBe(503);
    expect(r.body.error).toMatchObject({ code: 'hush/store/unreachable', field: '' });
    expect(JSON.stringify(r.body)).not.toContain('10.0.0.5');
    expect((await get(`${url}/readyz`)).body.error.code).toBe('hush/store/unreachable');
    const b = await post(`${url}/v1/decide/batch`, `[${msg('a')},{"type":"x"}]`);
    expect(b.status).toBe(503);
    expect(b.body[0].error.code).toBe('hush/store/unreachable');
    expect(b.body[1].error.code).toBe('hush/event/unknown-type');
    f.fail(null);
    expect((await post(`${url}/v1/decide`, msg('加微信'))).status).toBe(200);
    expect((await get(`${url}/readyz`)).status).toBe(200);
    expect((await get(`${url}/metrics`)).body).toContain('hush_store_errors_total{code="hush/store/unreachable"}');
  });

  it('stops deciding for good when the state is lost or corrupt: 503, and /readyz 503', async () => {
    const f = failingStore();
    const { url } = await start({ store: f.opened });
    f.fail(new StoreError('hush/store/lost', 'the keyspace was flushed', 'redis'));
    const b = await post(`${url}/v1/decide/batch`, `[${msg('a')},${msg('b')}]`);
    expect(b.status).toBe(503);
    expect(b.body[0].error.code).toBe('hush/store/lost');
    expect(b.body[1].error.code).toBe('hush/service/not-decided');
    f.fail(null);
    expect((await post(`${url}/v1/decide`, msg('a'))).body.error.code).toBe('hush/store/lost');
    const ready = await get(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body.error.code).toBe('hush/store/lost');
  });

  it('is not ready when Redis accepts connections and never answers', async () => {
    const silent = await silentServer();
    try {
      const store = new RedisStore(silent.url, { commandTimeoutMs: 300, connectTimeoutMs: 300 });
      const { url } = await start({ store: { kind: 'async', store, where: 'silent' }, readinessTimeoutMs: 2000 });
      const t = Date.now();
      const r = await get(`${url}/readyz`);
      expect(r.status).toBe(503);
      expect(r.body).toMatchObject({ status: 'not-ready', error: { code: 'hush/store/unreachable' } });
      expect(Date.now() - t).toBeLessThan(2500);
      const d = await post(`${url}/v1/decide`, msg('加微信'));
      expect(d.status).toBe(503);
      expect(d.body.error.code).toBe('hush/store/unreachable');
    } finally {
      await silent.close();
    }
  });

  it('is not ready on a closed SQLite store, and decides nothing on it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hush-svc-'));
    try {
      const store = new SqliteStore(join(dir, 'state.db'));
      const { url } = await start({ store: { kind: 'sync', store, where: 'state.db' } });
      expect((await get(`${url}/readyz`)).status).toBe(200);
      store.close();
      expect((await get(`${url}/readyz`)).status).toBe(503);
      const d = await post(`${url}/v1/decide`, msg('加微信'));
      expect(d.status).toBe(503);
      expect(d.body.error.code).toMatch(/^hush\/store\//);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('graceful close', () => {
  it('lets an in-flight request finish, refuses new connections, closes the store', async () => {
    let closedStore = false;
    const store = new MemoryStore();
    store.close = () => {
      closedStore = true;
    };
    const { service, url } = await start({ store: { kind: 'sync', store, where: 'memory' } });
    const u = new URL(`${url}/v1/decide/batch`);
    const body = `[${msg('加微信')},${msg('hi')}]`;
    const answer = new Promise<{ status: number; body: string }>((done, fail) => {
      const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => done({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', fail);
      req.write(body.slice(0, 10));
      setTimeout(() => req.end(body.slice(10)), 300);
    });
    await new Promise((done) => setTimeout(done, 100));
    const closing = service.close();
    const r = await answer;
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toHaveLength(2);
    await closing;
    expect(closedStore).toBe(true);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});

afterAll(() => undefined);
