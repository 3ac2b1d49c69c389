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
import { irFromText } from '../../spec/testing/ir-from-text.ts';
import { createAsyncEngine } from '../engine/engine.ts';
import { interpretIr } from '../policy/interpreter.ts';

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
    // Its own keyspace deleted under it: the very next operation says so.
    await expect(b.mutedUntil('g', 'c')).rejects.toMatchObject({ code: 'hush/store/lost' });
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
    expect(ttls['{u:c}flood:["g","c"]']).toBeGreaterThan(3_600_000);
    expect(ttls['{u:c}flood-meta:["g","c"]']).toBeGreaterThan(3_600_000);
    expect(ttls['{u:m}contacts:["m",1]']).toBeGreaterThan(2 * 86_400_000);
    expect(ttls['{-}version']).toBe(-1);
    expect(ttls['{-}epoch']).toBe(-1);
    await redis.quit();
    await s.deleteAll();
    await s.close();
  });

  it('refuses state of another layout version, and leaves it as it was', async () => {
    const prefix = `${filePrefix}version:`;
    const redis = new Redis(url);
    await redis.set(`${prefix}{-}version`, '99');
    await redis.set(`${prefix}{u:c}mute:["g","c"]`, '5');
    const e = await RedisStore.connect(url, { prefix }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StoreError);
    expect((e as StoreError).code).toBe('hush/store/version');
    expect(await redis.get(`${prefix}{-}version`)).toBe('99');
    expect(await redis.get(`${prefix}{u:c}mute:["g","c"]`)).toBe('5');
    // The same through the constructor: the first operation fails.
    const s = new RedisStore(url, { prefix });
    await expect(s.mutedUntil('g', 'c')).rejects.toMatchObject({ code: 'hush/store/version' });
    await s.close();
    await redis.del(`${prefix}{-}version`, `${prefix}{u:c}mute:["g","c"]`);
    await redis.quit();
  });

  it('refuses state of layout 1 (keys without hash tags) and writes nothing beside it', async () => {
    const prefix = `${filePrefix}layout1:`;
    const redis = new Redis(url);
    await redis.set(`${prefix}version`, '1');
    await redis.set(`${prefix}mute:["g","c"]`, '5');
    await expect(RedisStore.connect(url, { prefix })).rejects.toMatchObject({ code: 'hush/store/version' });
    expect((await redis.keys(`${prefix}*`)).sort()).toEqual([`${prefix}mute:["g","c"]`, `${prefix}version`]);
    await redis.del(`${prefix}version`, `${prefix}mute:["g","c"]`);
    await redis.quit();
  });

  it('puts every key of one subject under its hash tag, whatever the subject holds', async () => {
    const prefix = `${filePrefix}tags:`;
    const s = await RedisStore.connect(url, { prefix });
    const subject = 'a}b{c%7D';
    await s.admitMessage({ group: 'g', sender: subject, owner: 'o', at: T0, windows: [100], exempt: false });
    await s.mute('g', subject, T0 + 5);
    await s.blacklist('group', 'g', subject, T0);
    await s.admitJoin('h', subject, T0);
    await s.addStrike('L', subject, 'v', T0, null, true);
    await s.putSanction({ id: 's-1', subject, ladder: 'L', step: 1, sanction: 'ban-member', from: T0, until: null, appealable: true, cause: 'v', liftedAt: null, liftReason: null });
    await s.setLinkedBlocked(subject, true, T0);
    await s.recordAppeal({ subject, id: 'ap', at: T0, sanction: null, granted: false, reason: 'r' });
    await s.addContact(subject, 1, 'x', 5);
    const redis = new Redis(url);
    const keys = (await redis.keys(`${prefix}*`)).map((k) => k.slice(prefix.length)).filter((k) => !k.startsWith('{-}') && !k.startsWith('{i:'));
    expect(keys.length).toBeGreaterThanOrEqual(12);
    // The hash tag Redis Cluster hashes: from the first "{" to the next "}".
    for (const k of keys) expect(k.slice(0, k.indexOf('}') + 1), k).toBe('{u:a%7Db{c%257D}');
    expect(await s.sanctionedSubjects()).toEqual([subject]);
    expect(await s.liftSanction('s-1', T0 + 1, 'appeal')).toMatchObject({ subject, liftedAt: T0 + 1 });
    await redis.quit();
    await s.deleteAll();
    await s.close();
  });

  it('refuses a prefix with a brace, which would move the hash tag', async () => {
    expect(() => new RedisStore(url, { prefix: 'hush:{x}:' })).toThrow(expect.objectContaining({ code: 'hush/store/bad-option' }));
  });

  it('reports a key of the wrong type as corrupt state', async () => {
    const prefix = `${filePrefix}wrongtype:`;
    const redis = new Redis(url);
    await redis.set(`${prefix}{u:m}strikes:["L","m"]`, 'not a hash');
    const s = await RedisStore.connect(url, { prefix });
    await expect(s.addStrike('L', 'm', 'v', T0, null, true)).rejects.toMatchObject({ code: 'hush/store/corrupt' });
    expect(await redis.get(`${prefix}{u:m}strikes:["L","m"]`)).toBe('not a hash');
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

  it('decides a message in one command, a join in one, and sends a mute and a blacklist together', async () => {
    const policy = interpretIr(
      irFromText(`
enterprise "acme"
limits "wecom-4.1.36"

rule "chat" {
  owner super-admin "zhang.wei"
  groups "g"
  keywords "代购"
  when keyword then mute 1h, blacklist group, remove
  when flood 5 in 10s then mute 30m
  when new-member within 30m then warn "welcome"
}
`),
    );
    const s = await RedisStore.connect(url, { prefix: `${filePrefix}trips:` });
    try {
      const engine = createAsyncEngine(policy, { store: s, clock: () => T0 });
      const msg = (sender: string, text: string, at: number) => ({ type: 'message', id: `${sender}@${at}`, group: 'g', owner: 'li.lei', sender: { id: sender, kind: 'customer' }, text, at });
      await engine.evaluate(msg('warm', 'hi', T0)); // loads the scripts
      let before = s.commandsSent;
      expect(await engine.evaluate({ type: 'join', group: 'g', member: 'c', at: T0 })).toMatchObject({ allowed: true });
      expect(s.commandsSent - before).toBe(1);
      before = s.commandsSent;
      expect(await engine.evaluate(msg('c', 'hi', T0 + 1))).toMatchObject({ allowed: true });
      expect(s.commandsSent - before).toBe(1);
      before = s.commandsSent;
      expect(await engine.evaluate(msg('c', '代购', T0 + 2))).toMatchObject({ allowed: false });
      expect(s.commandsSent - before).toBe(3);
      expect(await s.mutedUntil('g', 'c')).toBe(T0 + 2 + 3_600_000);
      expect(await s.blacklistEntry('group', 'g', 'c')).toEqual({ scope: 'group', key: 'g', at: T0 + 2 });
      // Blocked now: one command again, and nothing recorded.
      before = s.commandsSent;
      expect(await engine.evaluate(msg('c', 'hi', T0 + 3))).toMatchObject({ allowed: false, blocked: { list: 'group', by: 'action' } });
      expect(s.commandsSent - before).toBe(1);
    } finally {
      await s.deleteAll();
      await s.close();
    }
  });
});
