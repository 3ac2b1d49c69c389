// The stream worker in process, on the real Redis (REDIS_URL, default 127.0.0.1:6379), each test
// on streams of its own: a decision written exactly once per entry when two workers decide the
// same entry (a stalled one and the one that claimed it), store failures retried without an
// acknowledgement, a store whose state is gone stops the worker, bad entries answered with an
// error record, events without `at` timed by their entry, a prompt stop, and the bounded queue.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { irFromText } from '../../spec/testing/ir-from-text.ts';
import { createEngine, decideLine, interpretIr, MemoryStore, StoreError } from '../index.ts';
import { redisUrl, requireRedis } from '../store/testing/redis.ts';
import { ladderPolicy } from '../testing/ladder-policy.ts';
import { outputEntries } from './decided-script.ts';
import { StreamQueue } from './stream-queue.ts';
import { streamTarget } from './stream-target.ts';
import { StreamWorker, type StreamWorkerOptions } from './stream-worker.ts';

const url = redisUrl();
const base = `hush:test:${randomBytes(6).toString('hex')}:worker`;
let redis: Redis;
let n = 0;

beforeAll(async () => {
  await requireRedis(url);
  redis = new Redis(url);
});
afterAll(async () => {
  const keys = await redis.keys(`${base}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

const policy = interpretIr(irFromText(ladderPolicy(10)));

/** A fresh stream and output; the worker options for it, deciding on a memory store unless told. */
function setup(extra: Partial<StreamWorkerOptions> = {}) {
  const stream = `${base}:${++n}:events`;
  const output = `${stream}:decisions`;
  const engine = createEngine(policy, { store: new MemoryStore() });
  const options: StreamWorkerOptions = {
    target: streamTarget(`${url.replace(/\/?$/, '')}/0/${encodeURIComponent(stream)}`),
    group: 'g',
    consumer: 'c1',
    output,
    decide: (text, at) => decideLine(engine, text, 1, () => at),
    claimAfterMs: 200,
    blockMs: 200,
    ...extra,
  };
  return { stream, output, options, engine };
}

const violation = (k: number, subject = 'm-1') => JSON.stringify({ type: 'violation', subject, category: 'spam', id: `v-${k}`, at: new Date(Date.UTC(2026, 10, 1, 0, 0, k)).toISOString() });

async function add(stream: string, events: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const e of events) ids.push((await redis.xadd(stream, '*', 'event', e))!);
  return ids;
}

async function outputOf(output: string) {
  return outputEntries((await redis.xrange(output, '-', '+')) as [string, string[]][]);
}

async function until(test: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('StreamWorker', () => {
  it('decides each entry in order, once, and acknowledges it', async () => {
    const { stream, output, options } = setup();
    const ids = await add(stream, [violation(1), violation(2), violation(3)]);
    const w = await StreamWorker.open(options);
    const running = w.run();
    await until(async () => (await redis.xlen(output)) === 3);
    w.stop();
    expect(await running).toEqual({ stopped: 'signal' });
    const out = await outputOf(output);
    expect(out.map((o) => o.entry)).toEqual(ids);
    expect(out.map((o) => (JSON.parse(o.decision) as { strikes: { strike: number }[] }).strikes[0].strike)).toEqual([1, 2, 3]);
    expect(out.every((o) => o.deliveries === 1)).toBe(true);
    expect(((await redis.xpending(stream, 'g')) as unknown[])[0]).toBe(0);
  });

  it('writes one decision when a stalled worker and the one that claimed its entry both decide it', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let stalled = 0;
    const a = setup();
    const engine = a.engine;
    // Worker A stalls on its first entry, after applying its state: longer than the claim time.
    const slow = await StreamWorker.open({
      ...a.options,
      consumer: 'slow',
      count: 1,
      decide: async (text, at) => {
        const line = decideLine(engine, text, 1, () => at);
        if (stalled++ === 0) await held;
        return line;
      },
    });
    const ids = await add(a.stream, [violation(1), violation(2)]);
    const slowRun = slow.run();
    await until(async () => stalled === 1);
    // Worker B, on the same state, claims the stalled entry once it is idle for 200 ms.
    const fast = await StreamWorker.open({ ...a.options, consumer: 'fast', decide: (text, at) => decideLine(engine, text, 1, () => at) });
    const fastRun = fast.run();
    await until(async () => (await redis.xlen(a.output)) === 2);
    release();
    await until(async () => slow.stats.alreadyDecided === 1);
    slow.stop();
    fast.stop();
    await Promise.all([slowRun, fastRun]);
    const out = await outputOf(a.output);
    expect(out.map((o) => o.entry).sort()).toEqual([...ids].sort());
    expect(fast.stats.claimed).toBeGreaterThanOrEqual(1);
    // The claimed entry's decision is the replay: the same strike, marked a duplicate.
    const first = out.find((o) => o.entry === ids[0])!;
    expect(first.deliveries).toBe(2);
    expect(JSON.parse(first.decision)).toMatchObject({ strikes: [{ ladder: 'abuse', strike: 1, duplicate: true }, { ladder: 'spam', strike: 1, duplicate: true }] });
    expect(await engine.store.strikesOf('spam', 'm-1')).toHaveLength(2);
  });

  it('does not acknowledge while the store is unreachable, and retries', async () => {
    const { stream, output, options, engine } = setup();
    let failures = 0;
    let pendingSeen = -1;
    const w = await StreamWorker.open({
      ...options,
      decide: async (text, at) => {
        if (failures < 3) {
          failures++;
          pendingSeen = ((await redis.xpending(stream, 'g')) as [number])[0];
          throw new StoreError('hush/store/unreachable', 'no reply within 2000 ms', '127.0.0.1:1');
        }
        return decideLine(engine, text, 1, () => at);
      },
    });
    const [id] = await add(stream, [violation(1)]);
    const running = w.run();
    await until(async () => (await redis.xlen(output)) === 1);
    w.stop();
    await running;
    expect(pendingSeen).toBe(1);
    expect(w.stats.retries).toBe(3);
    const out = await outputOf(output);
    expect(out.map((o) => o.entry)).toEqual([id]);
    expect(JSON.parse(out[0].decision)).toMatchObject({ strikes: [{ strike: 1 }, { strike: 1 }] });
  });

  it('stops without acknowledging when the store has lost its state', async () => {
    const { stream, output, options } = setup();
    const w = await StreamWorker.open({
      ...options,
      decide: () => {
        throw new StoreError('hush/store/lost', 'the keyspace was flushed', '127.0.0.1:6379');
      },
    });
    await add(stream, [violation(1), violation(2)]);
    const end = await w.run();
    expect(end).toMatchObject({ stopped: 'store', error: { code: 'hush/store/lost' } });
    expect(await redis.xlen(output)).toBe(0);
    expect(((await redis.xpending(stream, 'g')) as [number])[0]).toBe(2);
  });

  it('stops when its group is gone (the server lost its data), never recreating it', async () => {
    const { stream, output, options } = setup();
    await add(stream, [violation(1)]);
    const w = await StreamWorker.open(options);
    const running = w.run();
    await until(async () => (await redis.xlen(output)) === 1);
    await redis.del(stream);
    const end = await running;
    expect(end).toMatchObject({ stopped: 'group', error: { code: 'hush/worker/group-gone' } });
    expect(await redis.exists(stream)).toBe(0);
  });

  it('answers a bad entry with an error record, acknowledged; times an event without `at` by its entry', async () => {
    const { stream, output, options } = setup({ deleteAcked: true });
    const ids = [
      (await redis.xadd(stream, '*', 'other', 'x'))!,
      (await redis.xadd(stream, '*', 'event', '{"type":"violation"'))!,
      (await redis.xadd(stream, '*', 'event', JSON.stringify({ type: 'violation', subject: 'm-9', category: 'spam', id: 'no-at' })))!,
    ];
    const w = await StreamWorker.open(options);
    const running = w.run();
    await until(async () => (await redis.xlen(output)) === 3);
    w.stop();
    await running;
    const out = await outputOf(output);
    expect(out.map((o) => o.entry)).toEqual(ids);
    expect(JSON.parse(out[0].decision)).toMatchObject({ error: { code: 'hush/worker/bad-entry' } });
    expect(JSON.parse(out[1].decision)).toMatchObject({ error: { code: 'hush/event/bad-json' } });
    const entryMs = Number(ids[2].split('-')[0]);
    const d = JSON.parse(out[2].decision) as { sanctions: { from: string }[] };
    expect(Date.parse(d.sanctions[0].from)).toBe(entryMs);
    expect(w.stats.errorRecords).toBe(2);
    // --delete-acked: the input holds nothing decided.
    expect(await redis.xlen(stream)).toBe(0);
  });

  it('takes up its own pending entries after a restart under the same name', async () => {
    const { stream, output, options } = setup();
    const ids = await add(stream, [violation(1), violation(2)]);
    // A worker that read both and died before deciding them (no claim: its name comes back).
    await redis.xgroup('CREATE', stream, 'g', '0');
    await redis.xreadgroup('GROUP', 'g', 'c1', 'COUNT', 10, 'STREAMS', stream, '>');
    const w = await StreamWorker.open({ ...options, claimAfterMs: 3_600_000 });
    const running = w.run();
    await until(async () => (await redis.xlen(output)) === 2);
    w.stop();
    await running;
    expect((await outputOf(output)).map((o) => o.entry)).toEqual(ids);
  });

  it('finishes the entries in hand when stopped mid-batch, leaving none pending', async () => {
    const { stream, output, options, engine } = setup({ count: 5 });
    let decided = 0;
    let w!: StreamWorker;
    w = await StreamWorker.open({
      ...options,
      decide: async (text, at) => {
        if (++decided === 2) w.stop();
        await new Promise((r) => setTimeout(r, 20));
        return decideLine(engine, text, 1, () => at);
      },
    });
    await add(stream, [1, 2, 3, 4, 5, 6, 7, 8].map((k) => violation(k)));
    expect(await w.run()).toEqual({ stopped: 'signal' });
    // The batch of five read before the stop is written and acknowledged; nothing more was read.
    expect(await redis.xlen(output)).toBe(5);
    expect(((await redis.xpending(stream, 'g')) as [number])[0]).toBe(0);
  });

  it('stops promptly while blocked on an empty stream', async () => {
    const { options } = setup({ blockMs: 10_000 });
    const w = await StreamWorker.open(options);
    const running = w.run();
    await new Promise((r) => setTimeout(r, 300));
    const t = Date.now();
    w.stop();
    await running;
    expect(Date.now() - t).toBeLessThan(1000);
  });

  it('refuses a key that is not a stream', async () => {
    const { stream, options } = setup();
    await redis.set(stream, 'x');
    await expect(StreamWorker.open(options)).rejects.toMatchObject({ code: 'hush/worker/not-a-stream' });
  });
});

describe('StreamQueue', () => {
  it('appends a batch whole or not at all, never past its bound', async () => {
    const { stream, output, options } = setup();
    const q = await StreamQueue.open(options.target, { maxLength: 3 });
    try {
      const a = await q.add([violation(1), violation(2)]);
      expect(a.ok && a.ids.length).toBe(2);
      const b = await q.add([violation(3), violation(4)]);
      expect(b).toMatchObject({ ok: false, reason: 'full' });
      expect(await redis.xlen(stream)).toBe(2);
      const c = await q.add([violation(3)]);
      expect(c.ok).toBe(true);
      // The worker decides what was queued.
      const w = await StreamWorker.open(options);
      const running = w.run();
      await until(async () => (await redis.xlen(output)) === 3);
      w.stop();
      await running;
      expect((await outputOf(output)).map((o) => o.entry)).toEqual([...(a.ok ? a.ids : []), ...(c.ok ? c.ids : [])]);
    } finally {
      await q.close();
    }
  });
});
