// GET|POST /v1/wecom/callback against a real server on 127.0.0.1 with Node's fetch. Requests are
// built by runtime/wecom/testing/callback-sender.ts (an independent implementation of WeCom's side) and by hand
// from Tencent's published sample vectors; the capability is checked through its effects: a join
// received by callback starts the `new-member` quiet period that /v1/decide then applies, a
// retry is decided once (one decision log line), a store failure is answered 503 and the retry
// decided once the store is back, a slow store is answered `success` within the time limit and
// decided after. Every refusal is checked with its status, code and WeCom error number.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { irFromText } from '../../spec/testing/ir-from-text.ts';
import { interpretIr, MemoryStore, StoreError, type OpenedStore } from '../index.ts';
import { parseWecomCallbackConfig } from '../wecom/callback-config.ts';
import { callbackPost, encryptRaw, pad32, plaintextOf, sign, urlCheck, type SenderKeys } from '../wecom/testing/callback-sender.ts';
import type { DecisionLogEntry, DecisionLogSink } from './decision-log.ts';
import type { PolicyLoader } from './policy-holder.ts';
import { createService, type Service, type ServiceOptions } from './service.ts';
import { failingStore } from './testing/failing-store.ts';

const KEYS: SenderKeys = { token: 'hushTestToken2026', encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C', corpId: 'wwhushtest0000001' };
const NOW = Date.parse('2026-12-06T06:00:00Z');
const NOW_S = NOW / 1000;
const GROUP = 'wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA';

const POLICY = `enterprise "acme"
limits "wecom-4.1.36"

rule "quiet-newcomers" {
  owner super-admin "zhang.wei"
  groups "${GROUP}"
  when new-member within 30m then recall
}
`;

const loader: PolicyLoader = async () => {
  const ir = irFromText(POLICY);
  const policy = interpretIr(ir);
  return { ok: true, loaded: { ir, policy, interpreter: policy, engine: 'interpreter' } };
};

function memorySink(): DecisionLogSink & { entries: DecisionLogEntry[] } {
  const entries: DecisionLogEntry[] = [];
  return { entries, write: (e) => void entries.push(e), depth: 0, writeErrors: 0, flush: async () => {}, close: async () => {} };
}

const running: Service[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function start(opts: Partial<ServiceOptions> & { configured?: boolean } = {}) {
  const sink = memorySink();
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void logs.push(JSON.parse(s)) });
  const { configured = true, ...rest } = opts;
  const config = parseWecomCallbackConfig(JSON.stringify({ token: KEYS.token, encoding_aes_key: KEYS.encodingAesKey, corp_id: KEYS.corpId }), 'test');
  const service = await createService({
    loader,
    store: { kind: 'sync', store: new MemoryStore(), where: 'memory' },
    defaultMetrics: false,
    decisionLog: sink,
    clock: () => NOW,
    logger: logger as unknown as ServiceOptions['logger'],
    ...(configured ? { wecomCallback: { config } } : {}),
    ...rest,
  });
  running.push(service);
  const url = await service.listen('127.0.0.1', 0);
  return { service, url, sink, logs };
}

const callback = (url: string) => `${url}/v1/wecom/callback`;

async function send(url: string, req: { query: string; body: string }) {
  const r = await fetch(`${callback(url)}${req.query}`, { method: 'POST', body: req.body, headers: { 'content-type': 'text/xml' } });
  const text = await r.text();
  return { status: r.status, text, json: r.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null };
}

const addMember = (members: string[], createTime = NOW_S - 60, joinScene = '3') =>
  `<xml><ToUserName><![CDATA[${KEYS.corpId}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>${createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[${GROUP}]]></ChatId><ChangeType><![CDATA[update]]></ChangeType><UpdateDetail><![CDATA[add_member]]></UpdateDetail><JoinScene>${joinScene}</JoinScene><MemChangeCnt>${members.length}</MemChangeCnt><MemChangeList>${members.map((m) => `<Item><![CDATA[${m}]]></Item>`).join('')}</MemChangeList></xml>`;

const message = (sender: string, at: number) =>
  JSON.stringify({ type: 'message', group: GROUP, sender: { id: sender, kind: 'customer' }, text: '大家好', at: new Date(at).toISOString() });

async function decide(url: string, body: string) {
  const r = await fetch(`${url}/v1/decide`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  return (await r.json()) as { allowed: boolean; actions: { type: string }[]; matches: { trigger: string }[] };
}

async function metrics(url: string) {
  return (await fetch(`${url}/metrics`)).text();
}

describe('the URL check (GET)', () => {
  it('answers the decrypted echostr in plaintext', async () => {
    const { url } = await start();
    const r = await fetch(`${callback(url)}${urlCheck(KEYS, '6504193217462531', NOW_S).query}`);
    expect([r.status, await r.text()]).toEqual([200, '6504193217462531']);
  });

  it("answers Tencent's published sample (sbzhu/weworkapi_python callback/Sample.py)", async () => {
    const sample = { token: 'hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo', encoding_aes_key: '6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt', corp_id: 'ww1436e0e65a779aee' };
    const { url } = await start({ wecomCallback: { config: parseWecomCallbackConfig(JSON.stringify(sample), 'sample') }, clock: () => 1476416373_000 });
    const q = '?msg_signature=012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb&timestamp=1476416373&nonce=47744683&echostr=fsi1xnbH4yQh0%2BPJxcOdhhK6TDXkjMyhEPA7xB2TGz6b%2Bg7xyAbEkRxN%2F3cNXW9qdqjnoVzEtpbhnFyq6SVHyA%3D%3D';
    const r = await fetch(`${callback(url)}${q}`);
    expect([r.status, await r.text()]).toEqual([200, '1288432023552776189']);
    // The same with the `+` left unencoded (read as spaces by the query parser).
    const raw = await fetch(`${callback(url)}${q.replace(/%2B/g, '+')}`);
    expect(raw.status).toBe(200);
    // And the published POST: a text message, accepted and not mapped.
    const post = await send(url, {
      query: '?msg_signature=0c3914025cb4b4d68103f6bfc8db550f79dcf48e&timestamp=1476422779&nonce=1597212914',
      body: '<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName>\n<Encrypt><![CDATA[Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+]]></Encrypt>\n<AgentID><![CDATA[1000002]]></AgentID>\n</xml>',
    });
    // 1476422779 is 6,406 s after the clock: outside the window.
    expect(post.json.error.code).toBe('hush/wecom/stale-timestamp');
  });

  it('is 404 hush/wecom/not-configured without settings', async () => {
    const { url } = await start({ configured: false });
    const r = await fetch(`${callback(url)}${urlCheck(KEYS, 'x', NOW_S).query}`);
    expect(r.status).toBe(404);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('hush/wecom/not-configured');
  });
});

describe('callback messages (POST)', () => {
  it('a join starts the quiet period that /v1/decide applies', async () => {
    const { url, sink } = await start();
    const before = await decide(url, message('wmNewcomer', NOW));
    expect(before.allowed).toBe(true);
    const r = await send(url, callbackPost(KEYS, addMember(['wmNewcomer', 'lisi']), NOW_S));
    expect([r.status, r.text]).toEqual([200, 'success']);
    const after = await decide(url, message('wmNewcomer', NOW));
    expect(after.allowed).toBe(false);
    expect(after.actions.map((a) => a.type)).toEqual(['recall']);
    expect(after.matches.map((m) => m.trigger)).toEqual(['new-member']);
    // 30 minutes after the join (CreateTime), the newcomer may speak.
    expect((await decide(url, message('wmNewcomer', (NOW_S - 60) * 1000 + 30 * 60_000))).allowed).toBe(true);
    const joins = sink.entries.filter((e) => JSON.parse(e.event).type === 'join').map((e) => JSON.parse(e.event));
    expect(joins).toEqual([
      { type: 'join', group: GROUP, member: 'wmNewcomer', at: (NOW_S - 60) * 1000, meta: { source: 'wecom', event: 'change_external_chat', update_detail: 'add_member', join_scene: '3' } },
      { type: 'join', group: GROUP, member: 'lisi', at: (NOW_S - 60) * 1000, meta: { source: 'wecom', event: 'change_external_chat', update_detail: 'add_member', join_scene: '3' } },
    ]);
  });

  it("decides WeCom's retries once (the same message under another timestamp and nonce)", async () => {
    const { url, sink } = await start();
    const xml = addMember(['wmRetry']);
    for (const ts of [NOW_S, NOW_S + 5, NOW_S + 10]) expect((await send(url, callbackPost(KEYS, xml, ts))).text).toBe('success');
    expect(sink.entries.filter((e) => e.event.includes('wmRetry'))).toHaveLength(1);
    expect(await metrics(url)).toContain('hush_wecom_callbacks_total{result="duplicate"} 2');
    // Another event of the same second from `sys` is not a retry.
    await send(url, callbackPost(KEYS, addMember(['wmOther']), NOW_S));
    expect(sink.entries.filter((e) => e.event.includes('wmOther'))).toHaveLength(1);
  });

  it('a leave is logged and counted, and decides nothing', async () => {
    const { url, sink, logs } = await start();
    const xml = `<xml><ToUserName>${KEYS.corpId}</ToUserName><FromUserName>sys</FromUserName><CreateTime>${NOW_S}</CreateTime><MsgType>event</MsgType><Event>change_external_chat</Event><ChatId>${GROUP}</ChatId><ChangeType>update</ChangeType><UpdateDetail>del_member</UpdateDetail><QuitScene>1</QuitScene><MemChangeCnt>2</MemChangeCnt><MemChangeList><Item>wmA</Item><Item>wmB</Item></MemChangeList></xml>`;
    expect((await send(url, callbackPost(KEYS, xml, NOW_S))).text).toBe('success');
    expect(sink.entries).toHaveLength(0);
    expect(logs.find((l) => l.event === 'wecom-leave')).toMatchObject({ group: GROUP, members: ['wmA', 'wmB'], count: 2, quit_scene: '1' });
    const m = await metrics(url);
    expect(m).toContain('hush_wecom_members_left_total 2');
    expect(m).toContain('hush_wecom_callbacks_total{result="leave"} 1');
  });

  it('an external contact added is a contact.add decision', async () => {
    const { url, sink } = await start();
    const xml = `<xml><ToUserName><![CDATA[${KEYS.corpId}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>${NOW_S}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[add_external_contact]]></ChangeType><UserID><![CDATA[zhangsan]]></UserID><ExternalUserID><![CDATA[woAJ2GCAAAXtWyujaWJHDDGi0mACH71w]]></ExternalUserID><State><![CDATA[teststate]]></State><WelcomeCode><![CDATA[WELCOMECODE]]></WelcomeCode></xml>`;
    expect((await send(url, callbackPost(KEYS, xml, NOW_S))).text).toBe('success');
    expect(sink.entries.map((e) => JSON.parse(e.event))).toMatchObject([{ type: 'contact.add', subject: 'zhangsan', contact: 'woAJ2GCAAAXtWyujaWJHDDGi0mACH71w', at: NOW }]);
  });

  it('an event Hush does not map is acknowledged, counted by reason', async () => {
    const { url, sink } = await start();
    const xml = `<xml><ToUserName>${KEYS.corpId}</ToUserName><FromUserName>sys</FromUserName><CreateTime>${NOW_S}</CreateTime><MsgType>event</MsgType><Event>change_external_chat</Event><ChatId>${GROUP}</ChatId><ChangeType>update</ChangeType><UpdateDetail>change_name</UpdateDetail></xml>`;
    expect((await send(url, callbackPost(KEYS, xml, NOW_S))).text).toBe('success');
    expect(sink.entries).toHaveLength(0);
    expect(await metrics(url)).toContain('hush_wecom_callbacks_total{result="not-mapped"} 1');
  });

  it('a store failure is 503 and not remembered: the retry is decided once the store is back', async () => {
    const f = failingStore();
    const { url, sink } = await start({ store: f.opened });
    f.fail(new StoreError('hush/store/unreachable', 'cannot reach Redis at 10.0.0.5:6379', '10.0.0.5:6379'));
    const xml = addMember(['wmDuringOutage']);
    const r = await send(url, callbackPost(KEYS, xml, NOW_S));
    expect(r.status).toBe(503);
    expect(r.json.error.code).toBe('hush/store/unreachable');
    expect(r.text).not.toContain('10.0.0.5');
    f.fail(null);
    expect((await send(url, callbackPost(KEYS, xml, NOW_S + 5))).text).toBe('success');
    expect(sink.entries.filter((e) => e.event.includes('wmDuringOutage'))).toHaveLength(1);
    expect((await decide(url, message('wmDuringOutage', NOW))).allowed).toBe(false);
  });

  it('answers success within the time limit when the store is slow, and decides after', async () => {
    const inner = new MemoryStore();
    const slow = new Proxy(inner, {
      get(target, prop, recv) {
        const v = Reflect.get(target, prop, recv);
        if (typeof v !== 'function' || prop === 'close') return v;
        return (...args: unknown[]) => new Promise((resolve) => setTimeout(() => resolve((v as (...a: unknown[]) => unknown).apply(target, args)), 150));
      },
    });
    const { url, sink, logs } = await start({ store: { kind: 'async', store: slow, where: 'slow' } as unknown as OpenedStore, wecomCallback: { config: parseWecomCallbackConfig(JSON.stringify({ token: KEYS.token, encoding_aes_key: KEYS.encodingAesKey, corp_id: KEYS.corpId }), 't'), answerWithinMs: 50 } });
    const t = Date.now();
    const r = await send(url, callbackPost(KEYS, addMember(['wmSlow']), NOW_S));
    expect([r.status, r.text]).toEqual([200, 'success']);
    expect(Date.now() - t).toBeLessThan(1000);
    expect(sink.entries).toHaveLength(0);
    await new Promise((res) => setTimeout(res, 1500));
    expect(sink.entries.filter((e) => e.event.includes('wmSlow'))).toHaveLength(1);
    expect(logs.map((l) => l.event)).toEqual(expect.arrayContaining(['wecom-callback-late', 'wecom-callback-decided']));
  });
});

describe('refusals', () => {
  const good = () => callbackPost(KEYS, addMember(['wmX']), NOW_S, '12345');

  async function refused(url: string, req: { query: string; body: string }) {
    const r = await send(url, req);
    return { status: r.status, code: r.json?.error?.code, wecom: r.json?.error?.wecom_errcode, text: r.text };
  }

  /** A request whose ciphertext is `encrypted`, correctly signed. */
  const signed = (encrypted: string, ts = NOW_S, nonce = '777') => ({
    query: `?msg_signature=${sign(KEYS.token, String(ts), nonce, encrypted)}&timestamp=${ts}&nonce=${nonce}`,
    body: `<xml><ToUserName><![CDATA[${KEYS.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>`,
  });

  it('each with its status, code and WeCom error number, naming no secret', async () => {
    const { url, sink } = await start();
    const g = good();
    const cases: [string, { query: string; body: string }, number, string, number | null][] = [
      ['no signature', { query: g.query.replace(/msg_signature=[^&]+&/, ''), body: g.body }, 400, 'hush/wecom/missing-parameter', null],
      ['another signature', { query: g.query.replace(/msg_signature=[0-9a-f]/, 'msg_signature=x'), body: g.body }, 401, 'hush/wecom/bad-signature', -40001],
      ['a signature of another token', signedWith('anotherToken', g.encrypted), 401, 'hush/wecom/bad-signature', -40001],
      ['a timestamp 301 s old', callbackPost(KEYS, addMember(['wmX']), NOW_S - 301), 401, 'hush/wecom/stale-timestamp', null],
      ['a timestamp 301 s ahead', callbackPost(KEYS, addMember(['wmX']), NOW_S + 301), 401, 'hush/wecom/stale-timestamp', null],
      ['an envelope that is not XML', { query: g.query, body: 'Encrypt=abc' }, 400, 'hush/wecom/bad-xml', -40002],
      ['an envelope with a DTD', { query: g.query, body: `<!DOCTYPE x [<!ENTITY e "${g.encrypted}">]><xml><Encrypt>&e;</Encrypt></xml>` }, 400, 'hush/wecom/bad-xml', -40002],
      ['an envelope without Encrypt', { query: g.query, body: '<xml><ToUserName>x</ToUserName></xml>' }, 400, 'hush/wecom/bad-xml', -40002],
      ['a ciphertext that is not base64', signed('not*base64'), 400, 'hush/wecom/bad-base64', -40010],
      ['bad padding', signed(encryptRaw(KEYS, badPadding())), 400, 'hush/wecom/decrypt-failed', -40007],
      ['another corp id', signed(encryptRaw(KEYS, pad32(plaintextOf(KEYS, addMember(['wmX']), { receiveId: 'wwintruder' })))), 403, 'hush/wecom/wrong-corp', -40005],
      ['a length beyond the message', signed(encryptRaw(KEYS, pad32(plaintextOf(KEYS, '<xml/>', { length: 4000 })))), 400, 'hush/wecom/bad-plaintext', -40008],
      ['a decrypted message with a DTD', callbackPost(KEYS, '<!DOCTYPE xml [<!ENTITY a "b">]><xml><A>&a;</A></xml>', NOW_S), 400, 'hush/wecom/bad-xml', -40002],
      ['an event without ChatId', callbackPost(KEYS, addMember(['wmX']).replace(/<ChatId>.*?<\/ChatId>/, ''), NOW_S), 400, 'hush/wecom/bad-event', null],
    ];
    for (const [what, req, status, code, wecom] of cases) {
      const r = await refused(url, req);
      expect([what, r.status, r.code, r.wecom], what).toEqual([what, status, code, wecom]);
      for (const secret of [KEYS.token, KEYS.encodingAesKey]) expect(r.text, what).not.toContain(secret);
    }
    expect(sink.entries).toHaveLength(0);
    // A body over the cap is refused as it arrives.
    const big = await send(url, { query: g.query, body: `<xml><Encrypt>${'A'.repeat(1024 * 1024 + 10)}</Encrypt></xml>` });
    expect(big.status).toBe(413);
    // The URL check is held to the same checks.
    const check = urlCheck(KEYS, 'echo', NOW_S - 1000);
    expect((await fetch(`${callback(url)}${check.query}`)).status).toBe(401);
  });

  function signedWith(token: string, encrypted: string) {
    return { query: `?msg_signature=${sign(token, String(NOW_S), '1', encrypted)}&timestamp=${NOW_S}&nonce=1`, body: `<xml><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>` };
  }

  function badPadding() {
    const p = pad32(plaintextOf(KEYS, addMember(['wmX'])));
    p[p.length - 1] = 0;
    return p;
  }
});
