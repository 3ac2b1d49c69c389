// RedisStore: the conformance suite on a real Redis (REDIS_URL, default redis://127.0.0.1:6379),
// each store under its own random key prefix whose keys are deleted afterwards. Without a Redis
// these tests fail, saying how to start one: they are never skipped.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from './redis-store.ts';
import { storeConformance, T0 } from './testing/store-conformance.ts';
import { StoreError } from './store.ts';
import { redisUrl, requireRedis } from './testing/redis.ts';

const url = redisUrl();
const filePrefix = `hush:test:${randomBytes(6).toString('hex')}:`;
let n = 0;

beforeAll(async () => {
  await requireRedis(url);
});

afterAll(async () => {
  // Whatever a failed test left behind under this file's prefix.
  const s = new RedisStore(url, { prefix: filePrefix });
  await s.deleteAll().catch(() => undefined);
  await s.close();
});

storeConformance(
  'RedisStore',
  async () => {
    const store = await RedisStore.connect(url, { prefix: `${filePrefix}${++n}:` });
    return {
      store,
      close: async () => {
        await store.deleteAll();
        await store.close();
      },
    };
  },
  { runs: 60 },
);

describe('RedisStore on a server', () => {
  it('keeps state for another connection under the same prefix, and none under another', async () => {
    const prefix = `${filePrefix}shared:`;
    const a = await RedisStore.connect(url, { prefix });
    await a.addStrike('L', 'm', 'v1', T0, null, true);
    await a.mute('g', 'c', T0 + 10);
    await a.close();
    const b = await RedisStore.connect(url, { prefix });
    expect(await b.addStrike('L', 'm', 'v1', T0, null, true)).toEqual({ ordinal: 1, duplicate: true });
    expect(await b.mutedUntil('g', 'c')).toBe(T0 + 10);
    const other = await RedisStore.connect(url, { prefix: `${filePrefix}other:` });
    expect(await other.mutedUntil('g', 'c')).toBeNull();
    expect(await b.deleteAll()).toBeGreaterThan(0);
    expect(await b.mutedUntil('g', 'c')).toBeNull();
    await b.close();
    await other.deleteAll();
    await other.close();
  });

  it('takes an ioredis instance, and close() quits it', async () => {
    const redis = new Redis(url);
    const s = new RedisStore(redis, { prefix: `${filePrefix}instance:` });
    expect(await s.recordMessage('g', 'c', T0, 10)).toBe(1);
    await s.deleteAll();
    await s.close();
    expect(redis.status).toBe('end');
  });

  it('gives flood keys a time to live beyond their longest window', async () => {
    const s = await RedisStore.connect(url, { prefix: `${filePrefix}ttl:` });
    await s.recordMessage('g', 'c', T0, 60_000);
    await s.addContact('m', 1, 'c', 5);
    const redis = new Redis(url);
    const keys = (await redis.keys(`${filePrefix}ttl:*`)).sort();
    const ttls = Object.fromEntries(await Promise.all(keys.map(async (k) => [k.slice(`${filePrefix}ttl:`.length), await redis.pttl(k)] as const)));
    expect(ttls['flood:["g","c"]']).toBeGreaterThan(3_600_000);
    expect(ttls['flood-meta:["g","c"]']).toBeGreaterThan(3_600_000);
    expect(ttls['contacts:["m",1]']).toBeGreaterThan(2 * 86_400_000);
    expect(ttls.version).toBe(-1);
    await redis.quit();
    await s.deleteAll();
    await s.close();
  });

  it('refuses state of another layout version, and leaves it as it was', async () => {
    const prefix = `${filePrefix}version:`;
    const redis = new Redis(url);
    await redis.set(`${prefix}version`, '99');
    await redis.set(`${prefix}mute:["g","c"]`, '5');
    const e = await RedisStore.connect(url, { prefix }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StoreError);
    expect((e as StoreError).code).toBe('hush/store/version');
    expect(await redis.get(`${prefix}version`)).toBe('99');
    expect(await redis.get(`${prefix}mute:["g","c"]`)).toBe('5');
    // The same through the constructor: the first operation fails.
    const s = new RedisStore(url, { prefix });
    await expect(s.mutedUntil('g', 'c')).rejects.toMatchObject({ code: 'hush/store/version' });
    await s.close();
    await redis.del(`${prefix}version`, `${prefix}mute:["g","c"]`);
    await redis.quit();
  });

  it('reports a key of the wrong type as corrupt state', async () => {
    const prefix = `${filePrefix}wrongtype:`;
    const redis = new Redis(url);
    await redis.set(`${prefix}strikes:["L","m"]`, 'not a hash');
    const s = await RedisStore.connect(url, { prefix });
    await expect(s.addStrike('L', 'm', 'v', T0, null, true)).rejects.toMatchObject({ code: 'hush/store/corrupt' });
    expect(await redis.get(`${prefix}strikes:["L","m"]`)).toBe('not a hash');
    await s.deleteAll();
    await s.close();
    await redis.quit();
  });

  it('names the address when the server cannot be reached', async () => {
    const e = await RedisStore.connect('redis://:secret@127.0.0.1:1', { prefix: filePrefix }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StoreError);
    expect((e as StoreError).code).toBe('hush/store/unreachable');
    expect((e as StoreError).where).toBe('127.0.0.1:1');
    expect((e as StoreError).message).toContain('127.0.0.1:1');
    expect((e as StoreError).message).not.toContain('secret');
    // Through the constructor, the first operation fails the same way.
    const s = new RedisStore('redis://127.0.0.1:1');
    await expect(s.addStrike('L', 'm', 'v', T0, null, true)).rejects.toMatchObject({ code: 'hush/store/unreachable', where: '127.0.0.1:1' });
    await s.close();
  });
});
