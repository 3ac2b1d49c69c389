// `hush serve --enqueue` over real HTTP and the real Redis: events are validated as when deciding,
// queued on the stream (202 with their entry ids), a bad one answered and not queued, a batch
// queued whole or refused whole when the queue is full (503 with Retry-After, nothing dropped),
// and what was queued is what a worker then decides.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { irFromText } from '../../spec/testing/ir-from-text.ts';
import { createEngine, decideLine, interpretIr, MemoryStore } from '../index.ts';
import { redisUrl, requireRedis } from '../store/testing/redis.ts';
import { outputEntries, StreamQueue, streamTarget, StreamWorker } from '../worker/index.ts';
import type { PolicyLoader } from './policy-holder.ts';
import { createService, type Service } from './service.ts';

const url = redisUrl();
const stream = `hush:test:${randomBytes(6).toString('hex')}:enqueue`;
const POLICY = `enterprise "acme"
limits "wecom-4.1.36"
rule "ads" {
  owner super-admin "zhang.wei"
  groups "g-1"
  keywords "buy now"
  when keyword then remove, record harassment
}
ladder "abuse" {
  counts harassment
  step 1: suspend interop for 1h
}
`;
const ir = irFromText(POLICY);
const policy = interpretIr(ir);
const loader: PolicyLoader = async () => ({ ok: true, loaded: { ir, policy, interpreter: policy, engine: 'interpreter' } });
const msg = (k: number, text = 'hello') => JSON.stringify({ type: 'message', id: `msg-${k}`, group: 'g-1', sender: { id: 'c-9', kind: 'customer' }, text, at: new Date(Date.UTC(2026, 10, 23, 10, 0, k)).toISOString() });

let redis: Redis;
let service: Service;
let base: string;

beforeAll(async () => {
  await requireRedis(url);
  redis = new Redis(url);
  const queue = await StreamQueue.open(streamTarget(`${url.replace(/\/?$/, '')}/0/${encodeURIComponent(stream)}`), { maxLength: 5 });
  service = await createService({ loader, store: { kind: 'sync', store: new MemoryStore(), where: 'memory' }, enqueue: queue });
  base = await service.listen('127.0.0.1', 0);
});
afterAll(async () => {
  await service?.close();
  await redis.del(stream, `${stream}:decisions`);
  redis.disconnect();
});

const post = (path: string, body: string) => fetch(`${base}${path}`, { method: 'POST', body });

describe('hush serve --enqueue', () => {
  it('queues events instead of deciding them, and a worker decides what was queued', async () => {
    const one = await post('/v1/decide', msg(1, 'buy now!'));
    expect(one.status).toBe(202);
    const { entry } = (await one.json()) as { entry: string };
    expect(entry).toMatch(/^\d+-\d+$/);

    const bad = await post('/v1/decide', '{"type":"message"}');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('hush/event/missing-field');

    const batch = await post('/v1/decide/batch', [msg(2), '{"type":"nope"}', msg(3, 'buy now')].join('\n'));
    expect(batch.status).toBe(202);
    const records = (await batch.json()) as ({ index: number; entry: string } | { error: { index: number; line: number; code: string } })[];
    expect(records[1]).toEqual({ error: expect.objectContaining({ index: 1, line: 2, code: 'hush/event/unknown-type' }) });
    expect(records[0]).toEqual({ index: 0, entry: expect.stringMatching(/^\d+-\d+$/) });
    const queued = [entry, (records[0] as { entry: string }).entry, (records[2] as { entry: string }).entry];
    expect((await redis.xrange(stream, '-', '+')).map(([id]) => id)).toEqual(queued);

    // Three queued, the bound is five: a batch of three is refused whole, one more still fits.
    const full = await post('/v1/decide/batch', JSON.stringify([JSON.parse(msg(4)), JSON.parse(msg(5)), JSON.parse(msg(6))]));
    expect(full.status).toBe(503);
    expect(full.headers.get('retry-after')).toBe('1');
    expect(((await full.json()) as { error: { code: string } }).error.code).toBe('hush/service/queue-full');
    expect(await redis.xlen(stream)).toBe(3);

    // The explanation routes still decide in process.
    const explained = await post('/v1/explain', msg(9, 'buy now'));
    expect(explained.status).toBe(200);

    const engine = createEngine(policy, { store: new MemoryStore() });
    const worker = await StreamWorker.open({ target: streamTarget(`${url.replace(/\/?$/, '')}/0/${encodeURIComponent(stream)}`), group: 'g', consumer: 'c', output: `${stream}:decisions`, decide: (t, at) => decideLine(engine, t, 1, () => at), blockMs: 100 });
    const running = worker.run();
    const end = Date.now() + 10_000;
    while ((await redis.xlen(`${stream}:decisions`)) < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    worker.stop();
    await running;
    const out = outputEntries((await redis.xrange(`${stream}:decisions`, '-', '+')) as [string, string[]][]);
    expect(out.map((o) => o.entry)).toEqual(queued);
    expect(out.map((o) => (JSON.parse(o.decision) as { allowed: boolean }).allowed)).toEqual([false, true, false]);
  });
});
