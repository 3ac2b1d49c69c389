// Trust item 10: replaying events that carry an `id` changes no state. A stream decided twice (or
// decided once and then any prefix of it again) leaves the same flood counts, joins, mutes,
// blacklists, strikes, sanctions, appeals and contact counts as deciding it once, on every
// synchronous store and on an asynchronous one; and a replayed message whose state is unchanged
// as of its time gets the first decision again (spec/runtime.md §7, "Replays").
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { irFromText } from '../../spec/testing/ir-from-text.ts';
import { createAsyncEngine, createEngine, type Decision, type EventError } from './engine.ts';
import { interpretIr } from '../policy/interpreter.ts';
import { MemoryStore } from '../store/memory-store.ts';
import { SqliteStore } from '../store/sqlite-store.ts';
import type { AsyncStore, BlacklistScope, Store } from '../store/store.ts';

const T0 = Date.parse('2026-11-23T10:00:00Z');
const GROUPS = ['g-1', 'g-2'];
const SENDERS = ['c-1', 'c-2'];
const SUBJECTS = [...SENDERS, 'm-1'];

const policy = interpretIr(
  irFromText(`
enterprise "acme"
limits "wecom-4.1.36"
category spam
rule "ads" {
  owner member "li.lei"
  groups "g-1", "g-2"
  keywords "加微信"
  when keyword then warn "请勿发送广告", record harassment
  when flood 2 in 10s then record spam
  when flood 4 in 1m then mute 1m
  when new-member within 10s then warn "新成员"
}
ladder "abuse" {
  counts harassment, spam
  step 1: suspend interop for 1h, appealable
  step 2: suspend interop for 24h
  step 3: ban member forever
  expire after 7d
}
ladder "customer-abuse" {
  for customers
  counts harassment, spam
  step 1: remove
  expire after 7d
}
quota contact-add {
  daily 3
}
`),
);

const dir = mkdtempSync(join(tmpdir(), 'hush-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** Everything a store holds about the test's keys, read without changing it. */
function snapshot(store: Store, end: number): unknown {
  const out: Record<string, unknown> = {};
  for (const g of GROUPS) {
    for (const s of SENDERS) {
      out[`flood ${g} ${s}`] = [store.countMessages(g, s, end, 10_000), store.countMessages(g, s, end, 60_000)];
      out[`join ${g} ${s}`] = store.joinedAt(g, s);
      out[`mute ${g} ${s}`] = store.mutedUntil(g, s);
      for (const [scope, key] of [['enterprise', ''], ['personal', 'li.lei'], ['group', g]] as [BlacklistScope, string][]) {
        out[`blacklist ${scope} ${key} ${s}`] = store.blacklistEntry(scope, key, s);
      }
    }
  }
  for (const s of SUBJECTS) {
    out[`strikes ${s}`] = [store.strikesOf('abuse', s), store.strikesOf('customer-abuse', s)];
    out[`sanctions ${s}`] = store.sanctionsOf(s);
    out[`appeals ${s}`] = store.appealsOf(s);
    // A limit of 0 refuses without counting: the day's count, read.
    for (let day = 0; day < 3; day++) out[`contacts ${s} ${day}`] = store.addContact(s, day, '\u0000probe', 0).used;
  }
  return out;
}

function decisions(store: Store, events: object[]): (Decision | EventError)[] {
  const e = createEngine(policy, { store, clock: () => T0 });
  return events.map((x) => e.evaluate(x));
}

/** Every event carries an id; times strictly increase (see spec/runtime.md §7 on events out of order). */
function stream(): object[] {
  const m = (i: number, sender: string, text = 'hi', group = 'g-1') => ({ type: 'message', id: `m-${i}`, group, owner: 'li.lei', sender: { id: sender, kind: 'customer' }, text, at: T0 + i * 1000 });
  return [
    { type: 'join', id: 'j-1', group: 'g-1', member: 'c-1', at: T0 - 5000 },
    m(1, 'c-1'),
    m(2, 'c-1', '加微信'),
    m(3, 'c-1'),
    m(4, 'c-2'),
    m(5, 'c-1'),
    m(6, 'c-1'),
    { type: 'violation', id: 'v-1', subject: 'c-2', category: 'harassment', at: T0 + 7000 },
    { type: 'appeal', id: 'a-1', subject: 'c-2', at: T0 + 8000 },
    { type: 'contact.add', id: 'k-1', subject: 'm-1', contact: 'wx-1', at: T0 + 9000 },
    { type: 'contact.add', id: 'k-2', subject: 'm-1', contact: 'wx-2', at: T0 + 9500 },
    m(10, 'c-1'),
    m(11, 'c-1', '加微信'),
  ];
}

describe('replaying events with ids', () => {
  const stores: [string, () => Store][] = [
    ['MemoryStore', () => new MemoryStore()],
    ['SqliteStore', () => new SqliteStore(join(dir, `replay-${++files}.db`))],
  ];
  for (const [name, open] of stores) {
    it(`${name}: a stream decided twice leaves the state of deciding it once, and the replay decides the same`, () => {
      const once = open();
      const twice = open();
      const first = decisions(once, stream());
      decisions(twice, stream());
      const again = decisions(twice, stream());
      const end = T0 + 20_000;
      expect(snapshot(twice, end)).toEqual(snapshot(once, end));
      // The stream floods (spam recorded, a mute): the state it built is there, once.
      expect(twice.strikesOf('customer-abuse', 'c-1').length).toBeGreaterThan(1);
      expect(twice.mutedUntil('g-1', 'c-1')).not.toBeNull();
      // Each replayed message is decided as the first time, except those the first pass's own
      // mute stops (a stopped sender's decision: allowed false, muted, nothing applied).
      for (let i = 0; i < first.length; i++) {
        const d = again[i] as Decision;
        if (d.muted) {
          expect(d.actions).toEqual([]);
          continue;
        }
        // A replayed violation's strikes say so (`duplicate: true`); nothing else differs.
        if (d.strikes) {
          expect(d.strikes.every((x) => x.duplicate)).toBe(true);
          d.strikes = d.strikes.map(({ duplicate: _, ...x }) => x);
        }
        // A replayed contact-add attempt shows the day's count as it stands now.
        if (d.quota) {
          const q = (first[i] as Decision).quota!;
          expect(d.quota.used).toBeGreaterThanOrEqual(q.used);
          d.quota = { ...d.quota, used: q.used, remaining: q.remaining };
        }
        expect(d, `event ${i}`).toEqual(first[i]);
      }
      once.close();
      twice.close();
    });
  }

  it('on an asynchronous store too', async () => {
    const once = new MemoryStore();
    const mem = new MemoryStore();
    const store = new Proxy(mem, {
      get(target, key) {
        const f = (target as unknown as Record<string | symbol, unknown>)[key];
        return typeof f === 'function' ? (...args: unknown[]) => Promise.resolve().then(() => f.apply(target, args)) : f;
      },
    }) as unknown as AsyncStore;
    decisions(once, stream());
    const e = createAsyncEngine(policy, { store, clock: () => T0 });
    for (let pass = 0; pass < 2; pass++) for (const x of stream()) await e.evaluate(x);
    expect(snapshot(mem, T0 + 20_000)).toEqual(snapshot(once, T0 + 20_000));
  });

  it('property: a random stream with ids, then any prefix of it again, leaves the state of the stream once', () => {
    const message = fc.record({
      type: fc.constant('message'),
      group: fc.constantFrom(...GROUPS),
      owner: fc.constant('li.lei'),
      sender: fc.record({ id: fc.constantFrom(...SENDERS), kind: fc.constant('customer') }),
      text: fc.constantFrom('hi', '加微信'),
    });
    const join = fc.record({ type: fc.constant('join'), group: fc.constantFrom(...GROUPS), member: fc.constantFrom(...SENDERS) });
    const violation = fc.record({ type: fc.constant('violation'), subject: fc.constantFrom(...SUBJECTS), category: fc.constantFrom('harassment', 'spam') });
    const appeal = fc.record({ type: fc.constant('appeal'), subject: fc.constantFrom(...SUBJECTS) });
    const event = fc.oneof({ arbitrary: message, weight: 6 }, { arbitrary: join, weight: 1 }, { arbitrary: violation, weight: 1 }, { arbitrary: appeal, weight: 1 });
    const arb = fc
      .tuple(fc.array(fc.tuple(event, fc.integer({ min: 1, max: 15_000 })), { minLength: 1, maxLength: 60 }), fc.nat())
      .map(([xs, cut]) => {
        let at = T0;
        const events = xs.map(([x, gap], i) => ({ ...x, id: `e-${i}`, at: (at += gap) }));
        return { events, prefix: cut % (events.length + 1), end: at + 1 };
      });
    fc.assert(
      fc.property(arb, ({ events, prefix, end }) => {
        const once = new MemoryStore();
        decisions(once, events);
        const replayed = new MemoryStore();
        const e = createEngine(policy, { store: replayed, clock: () => T0 });
        for (const x of events) e.evaluate(x);
        for (const x of events.slice(0, prefix)) e.evaluate(x);
        expect(snapshot(replayed, end)).toEqual(snapshot(once, end));
      }),
      { numRuns: 200 },
    );
  });
});
