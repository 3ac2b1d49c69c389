// POST /v1/wecom/archive against a real server on 127.0.0.1 (port 0) with Node's fetch: the sample
// archive of examples/wecom/archive/ decided by the retail example gives the same records as
// `hush run --input wecom-archive` (expected.jsonl), as JSON lines and as a JSON array; bad bodies,
// the batch cap, auth, and a failing store (503, every record in place). Policies come from the
// real checker through spec/testing.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { irFromText } from '../../spec/testing/ir-from-text.ts';
import { interpretIr, MemoryStore, parseOwnersList, parseSendersList, StoreError } from '../index.ts';
import { parseTokens } from './auth.ts';
import type { PolicyLoader } from './policy-holder.ts';
import { createService, type Service, type ServiceOptions } from './service.ts';
import { failingStore } from './testing/failing-store.ts';

const ROOT = join(import.meta.dirname, '../..');
const ARCHIVE = join(ROOT, 'examples/wecom/archive');
const RETAIL = join(ROOT, 'examples/retail');

function retailLoader(): PolicyLoader {
  const lists = Object.fromEntries(readdirSync(join(RETAIL, 'lists')).map((f) => [`lists/${f}`, readFileSync(join(RETAIL, 'lists', f), 'utf8')]));
  const ir = irFromText(readFileSync(join(RETAIL, 'retail.policy'), 'utf8'), lists);
  return async () => {
    const policy = interpretIr(ir);
    return { ok: true, loaded: { ir, policy, interpreter: policy, engine: 'interpreter' } };
  };
}

const SMALL = `rule "ads" {
  groups "wr-1"
  keywords "加微信"
  when keyword then remove
}
`;
function smallLoader(): PolicyLoader {
  const ir = irFromText(SMALL);
  return async () => {
    const policy = interpretIr(ir);
    return { ok: true, loaded: { ir, policy, interpreter: policy, engine: 'interpreter' } };
  };
}

const running: Service[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function start(opts: Partial<ServiceOptions> = {}): Promise<string> {
  const service = await createService({ store: { kind: 'sync', store: new MemoryStore(), where: 'memory' }, defaultMetrics: false, loader: smallLoader(), ...opts });
  running.push(service);
  return service.listen('127.0.0.1', 0);
}

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const r = await fetch(`${url}/v1/wecom/archive`, { method: 'POST', body, headers: { 'content-type': 'application/x-ndjson', ...headers } });
  return { status: r.status, body: (await r.json()) as any };
}

const record = (msgid: string, content: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ msgid, action: 'send', from: 'wm-c-9', tolist: ['li.lei'], roomid: 'wr-1', msgtime: 1763892000000, msgtype: 'text', text: { content }, ...extra });

/** A service record as the CLI writes it: without the service's own `decision_id`, `revision` and `index`. */
function asCli(o: any): unknown {
  const { decision_id: _d, revision: _r, ...rest } = o;
  for (const k of ['skipped', 'error']) {
    if (!rest[k]) continue;
    const { index: _i, ...place } = rest[k];
    rest[k] = place;
  }
  return rest;
}

describe('POST /v1/wecom/archive', () => {
  it('decides the sample archive as `hush run --input wecom-archive` does, one entry per record', async () => {
    const senders = parseSendersList(readFileSync(join(ARCHIVE, 'senders.txt'), 'utf8')).entries;
    const owners = parseOwnersList(readFileSync(join(ARCHIVE, 'owners.txt'), 'utf8')).entries;
    const url = await start({ loader: retailLoader(), wecomArchive: { senders, owners } });
    const input = readFileSync(join(ARCHIVE, 'records.jsonl'), 'utf8');
    const want = readFileSync(join(ARCHIVE, 'expected.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const r = await post(url, input);
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(want.length);
    expect(r.body.map(asCli)).toEqual(want);
    for (const [k, o] of r.body.entries()) {
      if (o.allowed !== undefined) expect(o.decision_id).toMatch(/^[0-9a-z-]+$/i);
      if (o.skipped) expect(o.skipped.index).toBe(k);
    }
  });

  it('takes a JSON array too, placing records by index only', async () => {
    const url = await start();
    const r = await post(url, `[${record('a', '加微信')},${record('b', 'x', { roomid: '' })},{"msgid":1}]`, { 'content-type': 'application/json' });
    expect(r.status).toBe(200);
    expect(r.body[0]).toMatchObject({ msgid: 'a', allowed: false, actions: [{ type: 'remove' }] });
    expect(r.body[1]).toEqual({ skipped: { index: 1, msgid: 'b', reason: 'one-to-one', message: expect.any(String) } });
    expect(r.body[2].error).toMatchObject({ index: 2, code: 'hush/wecom/bad-type', field: 'msgid' });
    expect(r.body[2].error.line).toBeUndefined();
  });

  it('refuses a broken body, too many records and a request without its token', async () => {
    const url = await start({ limits: { batchEvents: 2 } });
    const bad = await post(url, '[{"msgid":"a"', { 'content-type': 'application/json' });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'hush/wecom/bad-json']);
    const many = await post(url, [record('a', 'x'), record('b', 'x'), record('c', 'x')].join('\n'));
    expect([many.status, many.body.error.code]).toEqual([413, 'hush/http/too-many-events']);
    const secured = await start({ tokens: parseTokens('decide:t-1-0123456789abcdef', 'test') });
    expect((await post(secured, record('a', 'x'))).status).toBe(401);
    expect((await post(secured, record('a', 'x'), { authorization: 'Bearer t-1-0123456789abcdef' })).status).toBe(200);
  });

  it('answers 503 with every record in place when the store fails, and stops after a lost state', async () => {
    const f = failingStore();
    const url = await start({ store: f.opened });
    f.fail(new StoreError('hush/store/lost', 'the keyspace was flushed at 10.0.0.5', 'redis'));
    const r = await post(url, [record('a', 'x'), record('b', 'x', { roomid: '' }), record('c', 'y')].join('\n'));
    expect(r.status).toBe(503);
    expect(r.body.map((o: any) => o.error?.code ?? o.skipped?.reason)).toEqual(['hush/store/lost', 'one-to-one', 'hush/service/not-decided']);
    expect(r.body[0].error).toMatchObject({ index: 0, line: 1, msgid: 'a' });
    expect(JSON.stringify(r.body)).not.toContain('10.0.0.5');
  });
});
