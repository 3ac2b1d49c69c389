// RedisStore's flood keys as spec/runtime.md §7 lays them out: a message with an id is the member
// `:<id>`, one without is the key's next sequence number (digits only), and flood-meta holds the
// key's edge. A layout-1 key written before edges (no `edge` field) is read as it is.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisStore } from './redis-store.ts';
import { T0 } from './testing/store-conformance.ts';
import { redisUrl, requireRedis } from './testing/redis.ts';

const url = redisUrl();
const prefix = `hush:test:${randomBytes(6).toString('hex')}:flood:`;

beforeAll(async () => {
  await requireRedis(url);
});

afterAll(async () => {
  const s = new RedisStore(url, { prefix });
  await s.deleteAll().catch(() => undefined);
  await s.close();
});

it('names members by id (":" + id) or by sequence number, and keeps the edge in flood-meta', async () => {
  const s = await RedisStore.connect(url, { prefix: `${prefix}a:` });
  const redis = new Redis(url);
  try {
    await s.recordMessage('g', 'c', T0, 1000);
    await s.recordMessage('g', 'c', T0 + 1, 1000, '1');
    await s.recordMessage('g', 'c', T0 + 1, 1000, '1');
    const z = `${prefix}a:{u:c}flood:["g","c"]`;
    const meta = `${prefix}a:{u:c}flood-meta:["g","c"]`;
    expect(await redis.zrange(z, 0, -1)).toEqual(['1', ':1']);
    expect(await redis.hget(meta, 'edge')).toBe(String(T0 + 1 - 1000));
    expect(await redis.hget(meta, 'seq')).toBe('1');
  } finally {
    redis.disconnect();
    await s.close();
  }
});

it('reads a flood key written before edges, and gives it one on its next message', async () => {
  const s = await RedisStore.connect(url, { prefix: `${prefix}b:` });
  const redis = new Redis(url);
  try {
    const z = `${prefix}b:{u:c}flood:["g","c"]`;
    const meta = `${prefix}b:{u:c}flood-meta:["g","c"]`;
    await redis.zadd(z, T0, '1', T0 + 5, '2');
    await redis.hset(meta, 'max', '100', 'seq', '2');
    expect(await s.countMessages('g', 'c', T0 + 5, 100)).toBe(2);
    expect(await s.recordMessage('g', 'c', T0 + 150, 100)).toBe(1);
    expect(await redis.hget(meta, 'edge')).toBe(String(T0 + 50));
    expect(await redis.zrange(z, 0, -1)).toEqual(['3']);
  } finally {
    redis.disconnect();
    await s.close();
  }
});
