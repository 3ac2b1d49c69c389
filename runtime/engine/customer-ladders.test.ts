// Customer ladders (`for customers`) on every store: a customer's `record` climbs the customer
// ladder, the sanction holds on the customer's later messages until its end (a mute), for ever
// (`mute forever`, a blacklist), and the state survives a restart of SQLite and a new engine on
// Redis; member ladders no longer count customers (a note instead).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { irFromText } from '../../spec/testing/ir-from-text.ts';
import { createAsyncEngine, createEngine, type Decision } from './engine.ts';
import { interpretIr } from '../policy/interpreter.ts';
import { MemoryStore } from '../store/memory-store.ts';
import { RedisStore } from '../store/redis-store.ts';
import { SqliteStore } from '../store/sqlite-store.ts';
import { redisUrl } from '../store/testing/redis.ts';

const H = 3_600_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'hush-customer-ladders-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const policy = interpretIr(
  irFromText(`
rule "fraud" {
  owner member "li.lei"
  groups "g-1", "g-2"
  keywords "刷单"
  when keyword then record fraud
}
ladder "customer-fraud" {
  for customers
  counts fraud
  step 1: mute for 1h
  step 2: mute forever, blacklist personal
}
ladder "member-fraud" {
  counts fraud
  step 1: ban member forever
}
`),
);

const msg = (id: string, group: string, text: string, at: number) => ({
  type: 'message', id, group, owner: 'li.lei', sender: { id: 'c-1', kind: 'customer' }, text, at,
});

/** The same events on every store; `restart` reopens the store between the two halves. */
async function scenario(decide: (e: object) => Promise<Decision>, restart: () => Promise<void>): Promise<void> {
  const first = await decide(msg('m-1', 'g-1', '刷单', T0));
  expect(first.sanctions).toEqual([
    expect.objectContaining({ ladder: 'customer-fraud', step: 1, sanction: 'mute', until: new Date(T0 + H).toISOString(), appealable: false }),
  ]);
  // The member ladder counts fraud too, but members' violations only: no ban-member for a customer.
  expect(first.sanctions!.some((s) => s.sanction === 'ban-member')).toBe(false);
  await restart();
  expect(await decide(msg('m-2', 'g-1', '你好', T0 + H - 1))).toMatchObject({ allowed: false, muted: { until: new Date(T0 + H).toISOString() } });
  // Muted in the group of the violation only, and only until the end.
  expect(await decide(msg('m-3', 'g-2', '你好', T0 + 1))).toMatchObject({ allowed: true });
  expect(await decide(msg('m-4', 'g-1', '你好', T0 + H))).toMatchObject({ allowed: true });
  const second = await decide(msg('m-5', 'g-2', '刷单', T0 + 2 * H));
  expect(second.sanctions?.map((s) => [s.sanction, s.until])).toEqual([['mute', null], ['blacklist-personal', null]]);
  await restart();
  // The owner's personal blacklist stops the customer in g-1 too (checked before the mute).
  expect(await decide(msg('m-6', 'g-1', '你好', T0 + 3 * H))).toMatchObject({ allowed: false, blocked: { list: 'personal', by: 'action', owner: 'li.lei' } });
  expect(await decide(msg('m-7', 'g-2', '你好', Date.parse('2100-01-01T00:00:00Z')))).toMatchObject({ allowed: false });
}

describe('customer ladders on every store', () => {
  it('memory', async () => {
    const engine = createEngine(policy, { store: new MemoryStore() });
    await scenario(async (e) => engine.evaluate(e) as Decision, async () => {});
  });

  it('SQLite, reopened between the steps', async () => {
    const file = join(dir, 'state.db');
    let store = new SqliteStore(file);
    let engine = createEngine(policy, { store });
    try {
      await scenario(
        async (e) => engine.evaluate(e) as Decision,
        async () => {
          store.close();
          store = new SqliteStore(file, { mustExist: true });
          engine = createEngine(policy, { store });
        },
      );
    } finally {
      store.close();
    }
  });

  it('Redis, a new connection and engine between the steps', async () => {
    const prefix = `hush:test:customer-ladders:${process.pid}-${Date.now()}:`;
    let store = await RedisStore.connect(redisUrl(), { prefix });
    let engine = createAsyncEngine(policy, { store });
    try {
      await scenario(
        async (e) => (await engine.evaluate(e)) as Decision,
        async () => {
          await store.close();
          store = await RedisStore.connect(redisUrl(), { prefix });
          engine = createAsyncEngine(policy, { store });
        },
      );
    } finally {
      await store.deleteAll();
      await store.close();
    }
  });

  it('a member ladder does not count a customer\'s record: the decision says so in a note', () => {
    const p = interpretIr(irFromText(`
rule "fraud" {
  owner member "li.lei"
  groups "g-1"
  keywords "刷单"
  when keyword then record fraud
}
ladder "member-fraud" {
  counts fraud
  step 1: ban member forever
}
`));
    const d = createEngine(p, { store: new MemoryStore() }).evaluate(msg('m-1', 'g-1', '刷单', T0)) as Decision;
    expect(d.sanctions).toBeUndefined();
    expect(d.notes).toHaveLength(1);
    expect(d.notes![0]).toContain('member-fraud');
  });
});
