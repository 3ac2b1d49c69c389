// examples/wecom/callback/ end to end: the committed callback requests (encrypted with the test
// key documented in its README, by testing/callback-sender.ts, the independent implementation of
// WeCom's side) are sent in order to a real `hush serve` service (createService, real HTTP) on
// the education example policy, and each answer and effect is checked: the join starts the quiet
// period of `class-order`, the retry is decided once, the leave is logged, the contact add is
// decided, the unmapped change is acknowledged, the forged ones are refused.
//
// The files are regenerated here from their plaintexts and the key and compared byte for byte,
// so a sample cannot drift from the documented key; HUSH_WRITE_WECOM_SAMPLES=1 writes them.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policySetToIr } from '../compiler/lower/policy-set-to-ir.ts';
import { interpretIr, MemoryStore } from '../runtime/index.ts';
import type { DecisionLogEntry } from '../runtime/service/decision-log.ts';
import { createService, type Service, type ServiceOptions } from '../runtime/service/service.ts';
import { parseWecomCallbackConfig } from '../runtime/wecom/callback-config.ts';
import { encryptRaw, pad32, plaintextOf, sign, type SenderKeys } from '../runtime/wecom/testing/callback-sender.ts';

/** A logger of fastify's shape that keeps each entry's fields (pino is the service's alone). */
function capturingLogger(into: Record<string, unknown>[]): ServiceOptions['logger'] {
  const at = (level: string) => (obj: unknown, msg?: string) => void into.push({ level, ...(typeof obj === 'object' && obj !== null ? obj : { msg: obj }), ...(msg === undefined ? {} : { msg }) });
  const l = { level: 'info', fatal: at('fatal'), error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), trace: at('trace'), silent: () => {}, child: () => l };
  return l as unknown as ServiceOptions['logger'];
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIR = join(ROOT, 'examples/wecom/callback');
const SETTINGS = JSON.parse(readFileSync(join(DIR, 'settings.json'), 'utf8')) as { token: string; encoding_aes_key: string; corp_id: string };
const KEYS: SenderKeys = { token: SETTINGS.token, encodingAesKey: SETTINGS.encoding_aes_key, corpId: SETTINGS.corp_id };
/** The samples' time: 2026-12-06T08:00:00+08:00. */
const T = 1796515200;
const GROUP = 'wrhuefns6s';

interface Sample {
  name: string;
  method: 'GET' | 'POST';
  /** The plaintext (echostr for GET, the message XML for POST). */
  plain: string;
  timestamp: number;
  nonce: string;
  /** A receive id other than the corp id (a forged sample). */
  receiveId?: string;
  /** Sign with another token (a forged sample). */
  token?: string;
  expect: { status: number; body?: string; code?: string; wecom_errcode?: number | null };
}

const chat = (detail: string, extra: string, at = T) =>
  `<xml><ToUserName><![CDATA[${KEYS.corpId}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>${at}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[${GROUP}]]></ChatId><ChangeType><![CDATA[update]]></ChangeType><UpdateDetail><![CDATA[${detail}]]></UpdateDetail>${extra}</xml>`;
const ADD = chat('add_member', '<JoinScene>3</JoinScene><QuitScene>0</QuitScene><MemChangeCnt>2</MemChangeCnt><MemChangeList><Item><![CDATA[wmStudent0001]]></Item><Item><![CDATA[wmParent0001]]></Item></MemChangeList>');

const SAMPLES: Sample[] = [
  { name: '01-url-check', method: 'GET', plain: '4130573916271358', timestamp: T, nonce: '1372623149', expect: { status: 200, body: '4130573916271358' } },
  { name: '02-add-member', method: 'POST', plain: ADD, timestamp: T, nonce: '1597212914', expect: { status: 200, body: 'success' } },
  { name: '03-add-member-retry', method: 'POST', plain: ADD, timestamp: T + 5, nonce: '1597212915', expect: { status: 200, body: 'success' } },
  {
    name: '04-del-member',
    method: 'POST',
    plain: chat('del_member', '<JoinScene>0</JoinScene><QuitScene>1</QuitScene><MemChangeCnt>1</MemChangeCnt><MemChangeList><Item><![CDATA[wmAdvertiser01]]></Item></MemChangeList>', T + 60),
    timestamp: T + 60,
    nonce: '263014780',
    expect: { status: 200, body: 'success' },
  },
  {
    name: '05-add-external-contact',
    method: 'POST',
    plain: `<xml><ToUserName><![CDATA[${KEYS.corpId}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>${T + 120}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[add_external_contact]]></ChangeType><UserID><![CDATA[wang.fang]]></UserID><ExternalUserID><![CDATA[wmParent0001]]></ExternalUserID><State><![CDATA[open-day]]></State><WelcomeCode><![CDATA[WELCOMECODE]]></WelcomeCode></xml>`,
    timestamp: T + 120,
    nonce: '47744683',
    expect: { status: 200, body: 'success' },
  },
  { name: '06-change-name', method: 'POST', plain: chat('change_name', '', T + 180), timestamp: T + 180, nonce: '1409659813', expect: { status: 200, body: 'success' } },
  { name: '07-wrong-corp', method: 'POST', plain: chat('add_member', '<MemChangeList><Item>wmIntruder</Item></MemChangeList>'), receiveId: 'wwsomeoneelse000', timestamp: T, nonce: '9', expect: { status: 403, code: 'hush/wecom/wrong-corp', wecom_errcode: -40005 } },
  { name: '08-bad-signature', method: 'POST', plain: chat('add_member', '<MemChangeList><Item>wmIntruder</Item></MemChangeList>'), token: 'not-the-token', timestamp: T, nonce: '10', expect: { status: 401, code: 'hush/wecom/bad-signature', wecom_errcode: -40001 } },
];

/** The committed form of one sample: its query and (POST) body; deterministic (random prefix from its name). */
function build(s: Sample): { query: string; body: string } {
  const random = createHash('sha256').update(s.name).digest().subarray(0, 16);
  const encrypted = encryptRaw(KEYS, pad32(plaintextOf(KEYS, s.plain, { random, receiveId: s.receiveId })));
  const sig = sign(s.token ?? KEYS.token, String(s.timestamp), s.nonce, encrypted);
  const base = `msg_signature=${sig}&timestamp=${s.timestamp}&nonce=${s.nonce}`;
  if (s.method === 'GET') return { query: `?${base}&echostr=${encodeURIComponent(encrypted)}`, body: '' };
  return { query: `?${base}`, body: `<xml><ToUserName><![CDATA[${KEYS.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>\n` };
}

interface Request {
  name: string;
  method: 'GET' | 'POST';
  query: string;
  /** The body's file (POST), beside its plaintext `*.plain.xml`. */
  body: string | null;
  expect: Sample['expect'];
}

function committed(): Request[] {
  return SAMPLES.map((s) => {
    const b = build(s);
    return { name: s.name, method: s.method, query: b.query, body: s.method === 'POST' ? `${s.name}.xml` : null, expect: s.expect };
  });
}

if (process.env.HUSH_WRITE_WECOM_SAMPLES === '1') {
  mkdirSync(DIR, { recursive: true });
  for (const s of SAMPLES) {
    if (s.method === 'POST') writeFileSync(join(DIR, `${s.name}.xml`), build(s).body);
    writeFileSync(join(DIR, `${s.name}.plain.${s.method === 'POST' ? 'xml' : 'txt'}`), `${s.plain}\n`);
  }
  writeFileSync(join(DIR, 'requests.json'), `${JSON.stringify(committed(), null, 2)}\n`);
}

describe('examples/wecom/callback', () => {
  it('the committed samples are what the documented key gives', () => {
    const requests = JSON.parse(readFileSync(join(DIR, 'requests.json'), 'utf8')) as Request[];
    expect(requests).toEqual(committed());
    for (const s of SAMPLES) {
      if (s.method === 'POST') expect(readFileSync(join(DIR, `${s.name}.xml`), 'utf8'), s.name).toBe(build(s).body);
      const plain = join(DIR, `${s.name}.plain.${s.method === 'POST' ? 'xml' : 'txt'}`);
      expect(existsSync(plain) && readFileSync(plain, 'utf8'), s.name).toBe(`${s.plain}\n`);
    }
  });

  describe('sent in order to `hush serve` on examples/education', () => {
    let service: Service;
    let url: string;
    const entries: DecisionLogEntry[] = [];
    const logs: Record<string, unknown>[] = [];
    const answers = new Map<string, { status: number; text: string }>();

    beforeAll(async () => {
      const r = policySetToIr([join(ROOT, 'examples/education')], { cwd: ROOT });
      if (!r.ir) throw new Error('examples/education does not check');
      const ir = r.ir;
      service = await createService({
        loader: async () => {
          const policy = interpretIr(ir);
          return { ok: true, loaded: { ir, policy, interpreter: policy, engine: 'interpreter' } };
        },
        store: { kind: 'sync', store: new MemoryStore(), where: 'memory' },
        defaultMetrics: false,
        clock: () => (T + 200) * 1000,
        logger: capturingLogger(logs),
        decisionLog: { write: (e) => void entries.push(e), depth: 0, writeErrors: 0, flush: async () => {}, close: async () => {} },
        wecomCallback: { config: parseWecomCallbackConfig(readFileSync(join(DIR, 'settings.json'), 'utf8'), 'settings.json') },
      });
      url = await service.listen('127.0.0.1', 0);
      const requests = JSON.parse(readFileSync(join(DIR, 'requests.json'), 'utf8')) as Request[];
      for (const q of requests) {
        const res = await fetch(`${url}/v1/wecom/callback${q.query}`, q.method === 'GET' ? {} : { method: 'POST', body: readFileSync(join(DIR, q.body!), 'utf8'), headers: { 'content-type': 'text/xml' } });
        answers.set(q.name, { status: res.status, text: await res.text() });
      }
    });
    afterAll(async () => {
      await service?.close();
    });

    it.each(SAMPLES.map((s) => [s.name, s.expect] as const))('%s is answered as expected', (name, want) => {
      const a = answers.get(name)!;
      expect(a.status).toBe(want.status);
      if (want.body !== undefined) expect(a.text).toBe(want.body);
      if (want.code !== undefined) expect(JSON.parse(a.text).error).toMatchObject({ code: want.code, wecom_errcode: want.wecom_errcode });
    });

    it('the join is decided once, retry included, and starts the quiet period', async () => {
      const joins = entries.map((e) => JSON.parse(e.event)).filter((e) => e.type === 'join');
      expect(joins.map((j) => [j.group, j.member, j.at])).toEqual([
        [GROUP, 'wmStudent0001', T * 1000],
        [GROUP, 'wmParent0001', T * 1000],
      ]);
      const say = async (at: number) => {
        const r = await fetch(`${url}/v1/decide`, { method: 'POST', body: JSON.stringify({ type: 'message', group: GROUP, sender: { id: 'wmStudent0001', kind: 'customer' }, text: '老师好', at }), headers: { 'content-type': 'application/json' } });
        return (await r.json()) as { allowed: boolean; matches: { rule: string; trigger: string }[] };
      };
      const within = await say(T * 1000 + 10 * 60_000);
      expect([within.allowed, within.matches.map((m) => `${m.rule}/${m.trigger}`)]).toEqual([false, ['class-order/new-member']]);
      expect((await say(T * 1000 + 31 * 60_000)).allowed).toBe(true);
    });

    it('the leave is logged, the contact add decided, the rest decided nothing', () => {
      expect(logs.filter((l) => l.event === 'wecom-leave')).toMatchObject([{ group: GROUP, members: ['wmAdvertiser01'], quit_scene: '1' }]);
      // The callbacks' decisions (the quiet-period test adds its own messages to the log).
      const fromWecom = entries.map((e) => JSON.parse(e.event)).filter((e) => e.meta?.source === 'wecom');
      expect(fromWecom.map((e) => e.type)).toEqual(['join', 'join', 'contact.add']);
      expect(fromWecom[2]).toMatchObject({ subject: 'wang.fang', contact: 'wmParent0001', at: (T + 120) * 1000 });
      expect(entries.some((e) => e.event.includes('wmIntruder'))).toBe(false);
    });
  });
});
