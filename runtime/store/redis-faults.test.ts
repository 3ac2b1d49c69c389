// RedisStore when Redis misbehaves: a database the server does not have, a server that accepts
// connections and never answers, one that stalls, one restarted empty or flushed mid-stream, one
// that refuses connections. Every failure is a StoreError with a `hush/store/*` code, in bounded
// time, and a store never goes on deciding on a keyspace that was lost. On private servers
// (testing/redis-server.ts) and the shared test Redis (REDIS_URL).
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from './redis-store.ts';
import { StoreError } from './store.ts';
import { redisUrl, requireRedis } from './testing/redis.ts';
import { RedisServer, silentServer } from './testing/redis-server.ts';
import { T0 } from './testing/store-conformance.ts';

const url = redisUrl();
const filePrefix = `hush:test:${randomBytes(6).toString('hex')}:`;
let n = 0;
const prefix = () => `${filePrefix}${++n}:`;

async function failure(p: Promise<unknown>): Promise<StoreError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(StoreError);
    return e as StoreError;
  }
  throw new Error('the operation succeeded');
}

let server: RedisServer;
beforeAll(async () => {
  await requireRedis(url);
  server = await RedisServer.start();
});
afterAll(async () => {
  await server?.down();
  const s = new RedisStore(url, { prefix: filePrefix });
  await s.deleteAll().catch(() => undefined);
  await s.close();
});

describe('a Redis store specification the server cannot honour', () => {
  it('refuses a database the server does not have, instead of using database 0', async () => {
    const e = await failure(RedisStore.connect(`${server.url}/99`));
    expect(e.code).toBe('hush/store/bad-option');
    expect(e.message).toContain('no database 99');
  });

  it('a reader (mustExist) refuses a prefix with no state and writes nothing', async () => {
    const p = prefix();
    const e = await failure(RedisStore.connect(url, { prefix: p, mustExist: true }));
    expect(e.code).toBe('hush/store/missing');
    const raw = new Redis(url);
    expect(await raw.keys(`${p}*`)).toEqual([]);
    await raw.quit();
  });

  it('uses the database the URL names', async () => {
    const s = await RedisStore.connect(`${server.url}/3`, { prefix: 'p:' });
    await s.mute('g', 'c', T0);
    await s.close();
    const raw = new Redis(server.url, { db: 3 });
    expect(await raw.get('p:{u:c}mute:["g","c"]')).toBe(String(T0));
    await raw.select(0);
    expect(await raw.get('p:{u:c}mute:["g","c"]')).toBeNull();
    await raw.quit();
  });
});

describe('a server that does not answer', () => {
  it('fails to connect within the command timeout when the server accepts and stays silent', async () => {
    const silent = await silentServer();
    try {
      const t = Date.now();
      const e = await failure(RedisStore.connect(silent.url, { commandTimeoutMs: 300 }));
      expect(e.code).toBe('hush/store/unreachable');
      expect(Date.now() - t).toBeLessThan(5000);
    } finally {
      await silent.close();
    }
  });

  it('fails an operation on a stalled server within the command timeout, and goes on after', async () => {
    const s = await RedisStore.connect(server.url, { prefix: prefix(), commandTimeoutMs: 200 });
    await s.mute('g', 'c', T0);
    await server.stall(1000);
    const t = Date.now();
    expect((await failure(s.mutedUntil('g', 'c'))).code).toBe('hush/store/unreachable');
    expect(Date.now() - t).toBeLessThan(900);
    await new Promise((done) => setTimeout(done, 1100));
    expect(await s.mutedUntil('g', 'c')).toBe(T0);
    await s.close();
  });
});

describe('a keyspace lost mid-stream', () => {
  it('stops with hush/store/lost when the version and epoch keys vanish (FLUSHDB), and stays stopped', async () => {
    const p = prefix();
    const s = await RedisStore.connect(url, { prefix: p, epochCheckMs: 0 });
    expect((await s.addStrike('L', 'm', 'v1', T0, null, true)).ordinal).toBe(1);
    const raw = new Redis(url);
    await raw.del(`${p}{-}version`, `${p}{-}epoch`);
    const e = await failure(s.addStrike('L', 'm', 'v2', T0 + 1, null, true));
    expect(e.code).toBe('hush/store/lost');
    expect(e.message).toContain('stopping rather than deciding without state');
    // Nothing was written after the loss was seen, and no later operation runs.
    expect(await raw.exists(`${p}{-}version`)).toBe(0);
    expect((await failure(s.mutedUntil('g', 'c'))).code).toBe('hush/store/lost');
    await raw.quit();
    await s.close();
  });

  it('stops when another worker started a new keyspace under the same prefix', async () => {
    const p = prefix();
    const a = await RedisStore.connect(url, { prefix: p, epochCheckMs: 0 });
    await a.mute('g', 'c', T0);
    const raw = new Redis(url);
    await raw.del(`${p}{-}version`, `${p}{-}epoch`);
    await raw.quit();
    const b = await RedisStore.connect(url, { prefix: p });
    expect((await failure(a.mutedUntil('g', 'c'))).code).toBe('hush/store/lost');
    await b.deleteAll();
    await b.close();
    await a.close();
  });

  it('goes on after a reconnection to the same state', async () => {
    const redis = new Redis(url);
    const s = await RedisStore.connect(redis, { prefix: prefix() });
    await s.mute('g', 'c', T0);
    const ready = new Promise<void>((done) => redis.once('ready', () => done()));
    redis.disconnect(true);
    await ready;
    expect(await s.mutedUntil('g', 'c')).toBe(T0);
    await s.deleteAll();
    await s.close();
  });

  it('says unreachable while a restarted server is down, then lost once it is back empty', async () => {
    const s = await RedisStore.connect(server.url, { prefix: prefix(), commandTimeoutMs: 300 });
    expect((await s.addStrike('L', 'm', 'v1', T0, null, true)).ordinal).toBe(1);
    await server.down();
    expect((await failure(s.addStrike('L', 'm', 'v2', T0 + 1, null, true))).code).toBe('hush/store/unreachable');
    await server.up();
    const deadline = Date.now() + 10_000;
    let e: StoreError;
    do {
      e = await failure(s.addStrike('L', 'm', 'v2', T0 + 1, null, true));
    } while (e.code === 'hush/store/unreachable' && Date.now() < deadline && (await new Promise((d) => setTimeout(d, 100)), true));
    expect(e.code).toBe('hush/store/lost');
    // The strike was not counted from zero on the empty server.
    const raw = new Redis(server.url);
    expect(await raw.dbsize()).toBe(0);
    await raw.quit();
    await s.close();
  });
});

describe('store faults, fuzzed', () => {
  type Fault = 'op' | 'stall' | 'restart' | 'refuse';
  it('every operation answers or fails with a hush/store code in bounded time, and a lost keyspace is never used', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom<Fault>('op', 'op', 'stall', 'restart', 'refuse'), { minLength: 1, maxLength: 5 }), async (faults) => {
        if (!(await answers(server))) await server.up();
        const s = await RedisStore.connect(server.url, { prefix: prefix(), commandTimeoutMs: 200, epochCheckMs: 0 });
        let lost = false;
        let strikes = 0;
        try {
          for (const f of faults) {
            if (f === 'stall') await server.stall(300);
            if (f === 'restart') {
              await server.restartEmpty();
              lost = true;
            }
            if (f === 'refuse') await server.down();
            const t = Date.now();
            try {
              const r = await s.addStrike('L', 'm', `v${++strikes}`, T0 + strikes, null, true);
              // A store that answered never answered from a lost keyspace.
              expect(lost).toBe(false);
              expect(r.duplicate).toBe(false);
            } catch (e) {
              expect(e).toBeInstanceOf(StoreError);
              expect((e as StoreError).code).toMatch(/^hush\/store\/(unreachable|lost)$/);
              if ((e as StoreError).code === 'hush/store/lost') expect(lost).toBe(true);
            }
            expect(Date.now() - t).toBeLessThan(3000);
            if (f === 'refuse') {
              await server.up();
              lost = true;
            }
            if (f === 'stall') await new Promise((d) => setTimeout(d, 350));
          }
        } finally {
          await s.close();
        }
      }),
      { numRuns: 8 },
    );
  });
});

async function answers(s: RedisServer): Promise<boolean> {
  const r = new Redis(s.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 300 });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}
