// RedisStore on a Redis Cluster (REDIS_CLUSTER_URL, redis+cluster://…; `scripts/redis-cluster.sh
// start` runs three masters on 127.0.0.1:7000-7002, and .ci/run does so): the conformance suite,
// every key of one subject in one hash slot, and the epoch checked per slot. Without
// REDIS_CLUSTER_URL these tests are skipped, and say so.
import { randomBytes } from 'node:crypto';
import { Cluster } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisStore } from './redis-store.ts';
import { slotOf } from './redis-keys.ts';
import { storeConformance, T0 } from './testing/store-conformance.ts';
import { redisClusterUrl } from './testing/redis.ts';

const url = redisClusterUrl();
const filePrefix = `hush:test:${randomBytes(6).toString('hex')}:cluster:`;

const nodesOf = (u: string) => u.replace(/^rediss?\+cluster:\/\//, '').replace(/[/?].*$/, '').split(',').map((hp) => ({ host: hp.slice(0, hp.lastIndexOf(':')), port: Number(hp.slice(hp.lastIndexOf(':') + 1)) }));

if (!url) {
  describe('RedisStore on a Redis Cluster', () => {
    it.skip('needs REDIS_CLUSTER_URL (scripts/redis-cluster.sh start)', () => undefined);
  });
} else {
  afterAll(async () => {
    const s = new RedisStore(url, { prefix: filePrefix });
    await s.deleteAll().catch(() => undefined);
    await s.close();
  });

  // One keyspace for the whole suite (its epoch is spread to every slot once); each case starts
  // on empty state, the state of the one before deleted.
  storeConformance(
    'RedisStore on a cluster',
    async () => {
      const store = await RedisStore.connect(url, { prefix: `${filePrefix}conformance:` });
      return {
        store,
        close: async () => {
          await store.deleteAll(true);
          await store.close();
        },
      };
    },
    { runs: 25 },
  );

  describe('RedisStore on a Redis Cluster', () => {
    it('spreads the epoch to every slot, and one subject keeps to one slot', async () => {
      const prefix = `${filePrefix}slots:`;
      const s = await RedisStore.connect(url, { prefix });
      expect(s.cluster).toBe(true);
      const raw = new Cluster(nodesOf(url));
      try {
        await s.admitMessage({ group: 'g-1', sender: 'c-9', owner: 'o', at: T0, windows: [100], exempt: false });
        await s.mute('g-1', 'c-9', T0 + 5);
        await s.addStrike('L', 'c-9', 'v', T0, null, true);
        const keys: string[] = [];
        for (const node of raw.nodes('master')) keys.push(...(await node.keys(`${prefix}*`)));
        const subjectKeys = keys.filter((k) => k.includes('{u:c-9}'));
        expect(subjectKeys.length).toBeGreaterThanOrEqual(4);
        expect(new Set(subjectKeys.map(slotOf)).size).toBe(1);
        // One epoch copy per slot, the main key's included, plus version and marker.
        const epochs = keys.filter((k) => k.endsWith('epoch'));
        expect(new Set(epochs.map(slotOf)).size).toBe(16384);
        // A second worker finds the spread done and needs only a few commands to start.
        const t = await RedisStore.connect(url, { prefix });
        expect(t.commandsSent).toBeLessThan(10);
        await t.close();
      } finally {
        raw.disconnect();
        await s.deleteAll();
        await s.close();
      }
    });

    it('one message is one command; a join is one', async () => {
      const s = await RedisStore.connect(url, { prefix: `${filePrefix}trips:` });
      try {
        await s.admitMessage({ group: 'g', sender: 'warm', owner: null, at: T0, windows: [100], exempt: false });
        await s.admitJoin('g', 'warm', T0);
        const before = s.commandsSent;
        await s.admitMessage({ group: 'g', sender: 'c', owner: 'o', at: T0, windows: [100, 60_000], exempt: false });
        expect(s.commandsSent - before).toBe(1);
        await s.admitJoin('g', 'c', T0);
        expect(s.commandsSent - before).toBe(2);
      } finally {
        await s.deleteAll();
        await s.close();
      }
    });

    it("stops with hush/store/lost when a slot's copy of the epoch vanishes (its node came back empty)", async () => {
      const prefix = `${filePrefix}lost:`;
      const s = await RedisStore.connect(url, { prefix });
      const raw = new Cluster(nodesOf(url));
      try {
        expect(await s.mutedUntil('g', 'c')).toBeNull();
        // The copy of the epoch in the slot of c's keys.
        const slot = slotOf(`${prefix}{u:c}mute:["g","c"]`);
        const keys: string[] = [];
        for (const node of raw.nodes('master')) keys.push(...(await node.keys(`${prefix}*epoch`)));
        const copy = keys.find((k) => slotOf(k) === slot)!;
        expect(copy).toBeDefined();
        await raw.del(copy);
        await expect(s.mutedUntil('g', 'c')).rejects.toMatchObject({ code: 'hush/store/lost' });
        // And it stays stopped, whatever slot comes next.
        await expect(s.mutedUntil('g', 'other')).rejects.toMatchObject({ code: 'hush/store/lost' });
      } finally {
        raw.disconnect();
        const d = new RedisStore(url, { prefix });
        await d.deleteAll();
        await d.close();
        await s.close();
      }
    });
  });
}
