// The store conformance suite: one set of vitest cases that every `Store` / `AsyncStore` must
// pass (MemoryStore, SqliteStore, RedisStore), covering each operation of runtime/store/store.ts and
// its edges, plus a fast-check property: a random sequence of operations gives exactly what
// MemoryStore (the reference) gives. A test file calls `storeConformance(name, open)`, where
// `open` returns a new, empty store and how to dispose of it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../memory-store.ts';
import type { AsyncStore, BlacklistScope, MessageAdmission, SanctionKind, SanctionRecord, Store } from '../store.ts';

export interface OpenedStore {
  store: AsyncStore;
  /** Closes the store and removes what it stored (a temp file, the keys under a prefix). */
  close(): Promise<void>;
}

export interface ConformanceOptions {
  /** Random operation sequences in the property (default 100). */
  runs?: number;
}

/** Every operation of `Store`: the compiler checks that none is missing. */
const METHODS: Record<keyof Store, true> = {
  recordMessage: true,
  countMessages: true,
  recordJoin: true,
  joinedAt: true,
  mute: true,
  mutedUntil: true,
  blacklist: true,
  blacklistEntry: true,
  addStrike: true,
  strikesOf: true,
  putSanction: true,
  sanctionsOf: true,
  sanctionedSubjects: true,
  liftSanction: true,
  endSanction: true,
  setLinkedBlocked: true,
  recordAppeal: true,
  appealsOf: true,
  addContact: true,
  admitMessage: true,
  admitJoin: true,
  close: true,
};

/** The same store behind promises: a rejected promise where the sync store throws. */
export function asyncOf(store: Store): AsyncStore {
  const out: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const name of Object.keys(METHODS) as (keyof Store)[]) {
    const f = store[name] as (...args: unknown[]) => unknown;
    out[name] = async (...args) => f.apply(store, args);
  }
  return out as unknown as AsyncStore;
}

/** A time in 2026 (epoch ms): large enough that formatting with too few digits would show. */
export const T0 = Date.UTC(2026, 10, 1);

const sanction = (over: Partial<SanctionRecord> & { id: string }): SanctionRecord => ({
  subject: 'm-1',
  ladder: 'interop-abuse',
  step: 1,
  sanction: 'suspend-interop',
  from: T0,
  until: T0 + 3_600_000,
  appealable: true,
  cause: 'v-1',
  liftedAt: null,
  liftReason: null,
  ...over,
});

/** Registers the conformance cases for one store implementation. */
export function storeConformance(name: string, open: () => Promise<OpenedStore>, options: ConformanceOptions = {}): void {
  const withStore = (f: (s: AsyncStore) => Promise<void>) => async () => {
    const o = await open();
    try {
      await f(o.store);
    } finally {
      await o.close();
    }
  };

  describe(`${name}: store conformance`, () => {
    describe('one operation per event', () => {
      const q = (over: Partial<MessageAdmission> = {}): MessageAdmission => ({ group: 'g', sender: 'c', owner: 'o', at: T0, windows: [100, 1000], exempt: false, ...over });

      it('admitMessage: the first blacklist entry in order enterprise, owner, group stops the look-up and records nothing', withStore(async (s) => {
        await s.blacklist('group', 'g', 'c', T0 - 3);
        expect(await s.admitMessage(q())).toEqual({ blacklisted: { scope: 'group', key: 'g', at: T0 - 3 }, mutedUntil: null, counts: [], joinedAt: null });
        await s.blacklist('personal', 'o', 'c', T0 - 2);
        expect((await s.admitMessage(q())).blacklisted).toEqual({ scope: 'personal', key: 'o', at: T0 - 2 });
        // Without an owner, the owner's list is not asked.
        expect((await s.admitMessage(q({ owner: null }))).blacklisted).toEqual({ scope: 'group', key: 'g', at: T0 - 3 });
        await s.blacklist('enterprise', '', 'c', T0 - 1);
        expect((await s.admitMessage(q())).blacklisted).toEqual({ scope: 'enterprise', key: '', at: T0 - 1 });
        expect(await s.countMessages('g', 'c', T0, 100)).toBe(0);
      }));

      it('admitMessage: a sender muted at the time, or exempt, stops before the flood record', withStore(async (s) => {
        await s.mute('g', 'c', T0 + 10);
        expect(await s.admitMessage(q({ at: T0 + 9 }))).toEqual({ blacklisted: null, mutedUntil: T0 + 10, counts: [], joinedAt: null });
        expect(await s.countMessages('g', 'c', T0 + 9, 100)).toBe(0);
        await s.recordJoin('g', 'c', T0 - 5);
        // At the mute's end the sender speaks again: recorded in the first window, counted in the other.
        expect(await s.admitMessage(q({ at: T0 + 10, id: 'm-1' }))).toEqual({ blacklisted: null, mutedUntil: T0 + 10, counts: [1, 1], joinedAt: T0 - 5 });
        expect(await s.admitMessage(q({ at: T0 + 11, exempt: true }))).toEqual({ blacklisted: null, mutedUntil: T0 + 10, counts: [], joinedAt: null });
        expect(await s.admitMessage(q({ at: T0 + 12, windows: [1000, 100] }))).toEqual({ blacklisted: null, mutedUntil: T0 + 10, counts: [2, 2], joinedAt: T0 - 5 });
        // A replayed id is not counted again; no windows: nothing recorded, the join still read.
        expect(await s.admitMessage(q({ at: T0 + 10, id: 'm-1' }))).toEqual({ blacklisted: null, mutedUntil: T0 + 10, counts: [1, 1], joinedAt: T0 - 5 });
        expect(await s.admitMessage(q({ at: T0 + 13, windows: [] }))).toEqual({ blacklisted: null, mutedUntil: T0 + 10, counts: [], joinedAt: T0 - 5 });
        expect(await s.countMessages('g', 'c', T0 + 13, 1000)).toBe(2);
      }));

      it('admitJoin: refused by the group blacklist (not recorded); the latest join counts', withStore(async (s) => {
        expect(await s.admitJoin('g', 'c', T0 + 10)).toBeNull();
        expect(await s.admitJoin('g', 'c', T0 + 5)).toBeNull();
        expect(await s.joinedAt('g', 'c')).toBe(T0 + 10);
        expect(await s.admitJoin('g', 'c', T0 + 20)).toBeNull();
        expect(await s.joinedAt('g', 'c')).toBe(T0 + 20);
        await s.blacklist('group', 'g', 'd', T0);
        expect(await s.admitJoin('g', 'd', T0 + 30)).toEqual({ scope: 'group', key: 'g', at: T0 });
        expect(await s.joinedAt('g', 'd')).toBeNull();
        // Another group's list does not refuse.
        expect(await s.admitJoin('h', 'd', T0 + 30)).toBeNull();
      }));
    });

    describe('flood windows', () => {
      it('counts (at − D, at], this message included, equal times each once', withStore(async (s) => {
        expect(await s.recordMessage('g', 'c', T0, 1000)).toBe(1);
        expect(await s.recordMessage('g', 'c', T0, 1000)).toBe(2);
        expect(await s.recordMessage('g', 'c', T0 + 50, 1000)).toBe(3);
        // T0 lies exactly at at − D: outside; one more millisecond of window takes it in.
        expect(await s.countMessages('g', 'c', T0 + 100, 100)).toBe(1);
        expect(await s.countMessages('g', 'c', T0 + 100, 101)).toBe(3);
        expect(await s.countMessages('g', 'c', T0 + 99, 100)).toBe(3);
        // The window ends at `at`: later messages are not counted.
        expect(await s.countMessages('g', 'c', T0 + 49, 60)).toBe(2);
        // The messages at or before at − (longest window) are gone for good.
        expect(await s.recordMessage('g', 'c', T0 + 1000, 1000)).toBe(2);
        expect(await s.countMessages('g', 'c', T0 + 1000, 1001)).toBe(2);
      }));

      it('counts without recording; other groups and senders are apart', withStore(async (s) => {
        expect(await s.countMessages('g', 'c', T0, 100)).toBe(0);
        await s.recordMessage('g', 'c', T0, 100);
        expect(await s.countMessages('g', 'c', T0, 100)).toBe(1);
        expect(await s.countMessages('g', 'c', T0, 100)).toBe(1);
        expect(await s.countMessages('g', 'other', T0, 100)).toBe(0);
        expect(await s.countMessages('other', 'c', T0, 100)).toBe(0);
        // Keys that a naive join of the parts would confuse.
        await s.recordMessage('a:b', 'c', T0, 100);
        expect(await s.countMessages('a', 'b:c', T0, 100)).toBe(0);
        expect(await s.recordMessage('a', 'b:c', T0, 100)).toBe(1);
      }));

      it('inserts out-of-order messages in time order', withStore(async (s) => {
        await s.recordMessage('g', 'c', T0 + 10, 100);
        await s.recordMessage('g', 'c', T0 + 30, 100);
        expect(await s.recordMessage('g', 'c', T0 + 20, 100)).toBe(2);
        expect(await s.countMessages('g', 'c', T0 + 30, 15)).toBe(2);
        expect(await s.recordMessage('g', 'c', T0 + 5, 10)).toBe(1);
        expect(await s.countMessages('g', 'c', T0 + 30, 100)).toBe(4);
      }));

      it('keeps the messages of the longest window asked about and drops older ones', withStore(async (s) => {
        for (let t = 0; t < 100; t++) await s.recordMessage('g', 'c', T0 + t, 5);
        await s.countMessages('g', 'c', T0 + 99, 50);
        expect(await s.recordMessage('g', 'c', T0 + 100, 5)).toBe(5);
        // Entries older than the 5 ms window were dropped before the 50 ms window was asked about.
        expect(await s.countMessages('g', 'c', T0 + 100, 50)).toBe(6);
        expect(await s.recordMessage('g', 'c', T0 + 101, 50)).toBe(7);
        expect(await s.countMessages('g', 'c', T0 + 140, 50)).toBe(7);
        expect(await s.countMessages('g', 'c', T0 + 150, 50)).toBe(1);
      }));

      // Trust item 8: windows are per key; a message of one key never prunes or sweeps another's.
      it('a message with a spoofed future time changes no other key\'s count', withStore(async (s) => {
        await s.recordMessage('g', 'c', T0, 60_000);
        await s.recordMessage('g', 'c', T0 + 1, 60_000);
        await s.recordMessage('other', 'c', T0, 60_000);
        // A stranger's message ten years ahead, in the same group and in another.
        await s.recordMessage('g', 'stranger', T0 + 3650 * 86_400_000, 60_000, 'spoof');
        await s.recordMessage('g2', 'stranger', T0 + 3650 * 86_400_000, 60_000);
        expect(await s.countMessages('g', 'c', T0 + 1, 60_000)).toBe(2);
        expect(await s.recordMessage('g', 'c', T0 + 2, 60_000)).toBe(3);
        expect(await s.recordMessage('other', 'c', T0 + 2, 60_000)).toBe(2);
      }));

      it('time-monotonic per key: a message at or before the key\'s edge counts 1 and is not kept', withStore(async (s) => {
        // The edge: the latest (at − longest window) of the key's recorded messages, here T0 + 90.
        expect(await s.recordMessage('g', 'c', T0 + 100, 10)).toBe(1);
        expect(await s.recordMessage('g', 'c', T0 + 50, 10)).toBe(1);
        expect(await s.recordMessage('g', 'c', T0 + 52, 10)).toBe(1);
        expect(await s.recordMessage('g', 'c', T0 + 90, 10)).toBe(1);
        expect(await s.countMessages('g', 'c', T0 + 55, 10)).toBe(1);
        // After the edge, an older message than the newest is kept and counted as of its own time.
        expect(await s.recordMessage('g', 'c', T0 + 91, 10)).toBe(1);
        expect(await s.recordMessage('g', 'c', T0 + 95, 10)).toBe(2);
        expect(await s.countMessages('g', 'c', T0 + 100, 10)).toBe(3);
        // A longer window asked about later does not move the edge back.
        expect(await s.countMessages('g', 'c', T0 + 100, 1000)).toBe(3);
        expect(await s.recordMessage('g', 'c', T0 + 60, 1000)).toBe(1);
        expect(await s.recordMessage('g', 'c', T0 + 101, 1000)).toBe(4);
      }));

      // Trust item 10: a replayed message (same id) changes no window.
      it('counts a message id once per key, whatever its time, and never confuses ids with unnamed messages', withStore(async (s) => {
        expect(await s.recordMessage('g', 'c', T0, 1000, 'm-1')).toBe(1);
        expect(await s.recordMessage('g', 'c', T0, 1000, 'm-1')).toBe(1);
        expect(await s.recordMessage('g', 'c', T0 + 1, 1000, 'm-2')).toBe(2);
        expect(await s.recordMessage('g', 'c', T0, 1000, 'm-1')).toBe(1);
        expect(await s.recordMessage('g', 'c', T0 + 1, 1000, 'm-2')).toBe(2);
        // The same id at another time is the same message: it stays at its first time.
        expect(await s.recordMessage('g', 'c', T0 + 5, 1000, 'm-1')).toBe(2);
        expect(await s.countMessages('g', 'c', T0, 1000)).toBe(1);
        // Unnamed messages are numbered apart from ids that look like numbers.
        expect(await s.recordMessage('g', 'c', T0 + 2, 1000)).toBe(3);
        expect(await s.recordMessage('g', 'c', T0 + 2, 1000, '1')).toBe(4);
        expect(await s.recordMessage('g', 'c', T0 + 2, 1000, '1')).toBe(4);
        expect(await s.recordMessage('g', 'c', T0 + 2, 1000)).toBe(5);
        // Ids are per key: another sender's or group's m-1 is another message.
        expect(await s.recordMessage('g', 'd', T0, 1000, 'm-1')).toBe(1);
        expect(await s.recordMessage('h', 'c', T0, 1000, 'm-1')).toBe(1);
      }));

      it('forgets an id with its pruned message, and its replay stays pruned', withStore(async (s) => {
        await s.recordMessage('g', 'c', T0, 10, 'a');
        await s.recordMessage('g', 'c', T0 + 5, 10, 'b');
        expect(await s.recordMessage('g', 'c', T0 + 20, 10, 'c')).toBe(1);
        expect(await s.recordMessage('g', 'c', T0, 10, 'a')).toBe(1);
        expect(await s.recordMessage('g', 'c', T0 + 5, 10, 'b')).toBe(1);
        expect(await s.recordMessage('g', 'c', T0 + 21, 10, 'd')).toBe(2);
        expect(await s.recordMessage('g', 'c', T0 + 20, 10, 'c')).toBe(1);
      }));
    });

    describe('joins, mutes and blacklists', () => {
      it('keeps the latest join', withStore(async (s) => {
        expect(await s.joinedAt('g', 'c')).toBeNull();
        await s.recordJoin('g', 'c', T0 + 1);
        await s.recordJoin('g', 'c', T0 + 9);
        expect(await s.joinedAt('g', 'c')).toBe(T0 + 9);
        expect(await s.joinedAt('g2', 'c')).toBeNull();
      }));

      it('keeps the later end of two mutes', withStore(async (s) => {
        expect(await s.mutedUntil('g', 'c')).toBeNull();
        await s.mute('g', 'c', T0 + 100);
        await s.mute('g', 'c', T0 + 50);
        expect(await s.mutedUntil('g', 'c')).toBe(T0 + 100);
        await s.mute('g', 'c', T0 + 200);
        expect(await s.mutedUntil('g', 'c')).toBe(T0 + 200);
        expect(await s.mutedUntil('g2', 'c')).toBeNull();
        expect(await s.mutedUntil('g', 'c2')).toBeNull();
      }));

      it('keeps the first blacklist entry, per scope and key', withStore(async (s) => {
        await s.blacklist('personal', 'li.lei', 'c', T0 + 5);
        await s.blacklist('personal', 'li.lei', 'c', T0 + 8);
        expect(await s.blacklistEntry('personal', 'li.lei', 'c')).toEqual({ scope: 'personal', key: 'li.lei', at: T0 + 5 });
        expect(await s.blacklistEntry('personal', 'han.mei', 'c')).toBeNull();
        expect(await s.blacklistEntry('enterprise', '', 'c')).toBeNull();
        expect(await s.blacklistEntry('group', 'li.lei', 'c')).toBeNull();
        await s.blacklist('enterprise', '', 'c', T0 + 9);
        expect(await s.blacklistEntry('enterprise', '', 'c')).toEqual({ scope: 'enterprise', key: '', at: T0 + 9 });
        await s.blacklist('group', 'g-1', 'c', T0 + 10);
        expect(await s.blacklistEntry('group', 'g-1', 'c')).toEqual({ scope: 'group', key: 'g-1', at: T0 + 10 });
        expect(await s.blacklistEntry('group', 'g-1', 'd')).toBeNull();
      }));
    });

    describe('strikes', () => {
      it('numbers counted strikes 1, 2, 3 and answers a duplicate with its recorded ordinal', withStore(async (s) => {
        expect(await s.addStrike('L', 'm', 'v1', T0, null, true)).toEqual({ ordinal: 1, duplicate: false });
        expect(await s.addStrike('L', 'm', 'v2', T0 + 1, null, true)).toEqual({ ordinal: 2, duplicate: false });
        expect(await s.addStrike('L', 'm', 'v1', T0 + 2, null, true)).toEqual({ ordinal: 1, duplicate: true });
        expect(await s.addStrike('L', 'm', 'v3', T0 + 3, null, true)).toEqual({ ordinal: 3, duplicate: false });
        expect(await s.strikesOf('L', 'm')).toEqual([
          { ladder: 'L', subject: 'm', violation: 'v1', at: T0, ordinal: 1 },
          { ladder: 'L', subject: 'm', violation: 'v2', at: T0 + 1, ordinal: 2 },
          { ladder: 'L', subject: 'm', violation: 'v3', at: T0 + 3, ordinal: 3 },
        ]);
        // Ladders and subjects are apart.
        expect(await s.addStrike('L2', 'm', 'v1', T0, null, true)).toEqual({ ordinal: 1, duplicate: false });
        expect(await s.addStrike('L', 'm2', 'v1', T0, null, true)).toEqual({ ordinal: 1, duplicate: false });
        expect(await s.strikesOf('L', 'nobody')).toEqual([]);
      }));

      it('records a severe strike with ordinal 0 and does not count it', withStore(async (s) => {
        expect(await s.addStrike('L', 'm', 'v1', T0, null, true)).toEqual({ ordinal: 1, duplicate: false });
        expect(await s.addStrike('L', 'm', 'bad', T0 + 1, null, false)).toEqual({ ordinal: 0, duplicate: false });
        expect(await s.addStrike('L', 'm', 'bad', T0 + 2, null, false)).toEqual({ ordinal: 0, duplicate: true });
        // A duplicate id keeps what was recorded, whichever way it is reported again.
        expect(await s.addStrike('L', 'm', 'bad', T0 + 2, null, true)).toEqual({ ordinal: 0, duplicate: true });
        expect(await s.addStrike('L', 'm', 'v1', T0 + 2, null, false)).toEqual({ ordinal: 1, duplicate: true });
        expect(await s.addStrike('L', 'm', 'v2', T0 + 3, null, true)).toEqual({ ordinal: 2, duplicate: false });
        expect((await s.strikesOf('L', 'm')).map((x) => [x.violation, x.ordinal])).toEqual([['v1', 1], ['bad', 0], ['v2', 2]]);
      }));

      it('drops counted strikes at or before at − expireMs, and only counted ones', withStore(async (s) => {
        await s.addStrike('L', 'm', 'v1', T0, 10, true);
        await s.addStrike('L', 'm', 'severe', T0, 10, false);
        // T0 + 9: v1 is inside the 10 ms span.
        expect(await s.addStrike('L', 'm', 'v2', T0 + 9, 10, true)).toEqual({ ordinal: 2, duplicate: false });
        // T0 + 10: v1 lies exactly at the edge and is dropped; v2 stays.
        expect(await s.addStrike('L', 'm', 'v3', T0 + 10, 10, true)).toEqual({ ordinal: 2, duplicate: false });
        expect((await s.strikesOf('L', 'm')).map((x) => x.violation)).toEqual(['severe', 'v2', 'v3']);
        // A dropped violation reported again is a new strike.
        expect(await s.addStrike('L', 'm', 'v1', T0 + 100, 10, true)).toEqual({ ordinal: 1, duplicate: false });
        expect((await s.strikesOf('L', 'm')).map((x) => [x.violation, x.ordinal])).toEqual([['severe', 0], ['v1', 1]]);
      }));

      it('never drops with expireMs null, and a severe strike drops nothing', withStore(async (s) => {
        await s.addStrike('L', 'm', 'v1', T0, null, true);
        expect(await s.addStrike('L', 'm', 'v2', T0 + 1e10, null, true)).toEqual({ ordinal: 2, duplicate: false });
        await s.addStrike('L2', 'm', 'v1', T0, 10, true);
        expect(await s.addStrike('L2', 'm', 'sev', T0 + 1000, 10, false)).toEqual({ ordinal: 0, duplicate: false });
        expect((await s.strikesOf('L2', 'm')).map((x) => x.violation)).toEqual(['v1', 'sev']);
      }));

      it('gives concurrent strikes distinct ordinals 1..n', withStore(async (s) => {
        const n = 40;
        const results = await Promise.all(Array.from({ length: n }, (_, i) => s.addStrike('L', 'm', `v${i}`, T0 + i, null, true)));
        expect(results.map((r) => r.ordinal).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
        const again = await Promise.all(Array.from({ length: n }, (_, i) => s.addStrike('L', 'm', `v${i}`, T0 + i, null, true)));
        expect(again.every((r, i) => r.duplicate && r.ordinal === results[i].ordinal)).toBe(true);
        expect(await s.strikesOf('L', 'm')).toHaveLength(n);
      }));
    });

    describe('sanctions', () => {
      it('a customer ladder\'s forever mute (the end past every event time) stops every later message', withStore(async (s) => {
        // runtime/engine/ladders.ts MUTE_FOREVER: one millisecond past 9999-12-31T23:59:59.999Z.
        const forever = 253_402_300_800_000;
        await s.mute('g', 'c', T0 + 10);
        await s.mute('g', 'c', forever);
        await s.mute('g', 'c', T0 + 20);
        expect(await s.mutedUntil('g', 'c')).toBe(forever);
        const q: MessageAdmission = { group: 'g', sender: 'c', owner: null, at: 253_402_300_799_999, windows: [1000], exempt: false };
        expect(await s.admitMessage(q)).toEqual({ blacklisted: null, mutedUntil: forever, counts: [], joinedAt: null });
        expect(await s.mutedUntil('g2', 'c')).toBe(null);
      }));

      it('inserts a sanction once by id and keeps the first', withStore(async (s) => {
        const a = sanction({ id: 'interop-abuse/m-1/v-1/1' });
        expect(await s.putSanction(a)).toBe(true);
        expect(await s.putSanction({ ...a, step: 2, until: null })).toBe(false);
        expect(await s.sanctionsOf('m-1')).toEqual([a]);
        expect(await s.sanctionsOf('m-2')).toEqual([]);
      }));

      it('round-trips every field', withStore(async (s) => {
        const kinds: SanctionKind[] = ['suspend-interop', 'ban-member', 'ban-admin', 'ban-enterprise', 'mute', 'remove', 'blacklist-personal', 'blacklist-enterprise'];
        const all = [
          sanction({ id: 'a', step: 0, sanction: kinds[1], until: null, appealable: false, from: T0 }),
          sanction({ id: 'b/é/😀 "x"', step: -1, sanction: kinds[0], cause: 'linked@2026-11-01T00:00:00.000Z', from: T0 + 1 }),
          sanction({ id: 'c', step: 3, sanction: kinds[2], liftedAt: T0 + 5, liftReason: '', from: T0 + 2 }),
          sanction({ id: 'd', sanction: kinds[3], liftedAt: T0 + 6, liftReason: 'appeal granted', until: null, from: T0 + 3 }),
        ];
        for (const x of all) expect(await s.putSanction(x)).toBe(true);
        expect(await s.sanctionsOf('m-1')).toEqual(all);
      }));

      it('lists sanctions ordered by (from, id)', withStore(async (s) => {
        await s.putSanction(sanction({ id: 'z', from: T0 }));
        await s.putSanction(sanction({ id: 'b', from: T0 + 1 }));
        await s.putSanction(sanction({ id: 'a', from: T0 + 1 }));
        await s.putSanction(sanction({ id: 'y', from: T0 - 1 }));
        await s.putSanction(sanction({ id: 'other', subject: 'm-2', from: T0 }));
        expect((await s.sanctionsOf('m-1')).map((x) => x.id)).toEqual(['y', 'z', 'a', 'b']);
        expect((await s.sanctionsOf('m-2')).map((x) => x.id)).toEqual(['other']);
      }));

      it('lists every subject with a sanction, each once, in string order', withStore(async (s) => {
        expect(await s.sanctionedSubjects()).toEqual([]);
        // Glob characters and separators in subjects are listed as they are (Redis scans by prefix).
        const subjects = ['m-2', 'm-1', 'a*[x]?', 'é', 'b:c', 'Z'];
        for (const [i, subject] of subjects.entries()) await s.putSanction(sanction({ id: `x/${i}`, subject }));
        await s.putSanction(sanction({ id: 'x/again', subject: 'm-1', from: T0 + 1 }));
        await s.liftSanction('x/0', T0 + 2, 'appeal granted');
        expect(await s.sanctionedSubjects()).toEqual([...subjects].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
        expect(await s.sanctionedSubjects()).toEqual(['Z', 'a*[x]?', 'b:c', 'm-1', 'm-2', 'é']);
      }));

      it('lifts a sanction once', withStore(async (s) => {
        const a = sanction({ id: 'x' });
        await s.putSanction(a);
        expect(await s.liftSanction('x', T0 + 10, 'appeal granted')).toEqual({ ...a, liftedAt: T0 + 10, liftReason: 'appeal granted' });
        expect(await s.liftSanction('x', T0 + 20, 'again')).toBeNull();
        expect(await s.liftSanction('nope', T0 + 20, 'none')).toBeNull();
        expect(await s.sanctionsOf('m-1')).toEqual([{ ...a, liftedAt: T0 + 10, liftReason: 'appeal granted' }]);
      }));

      it('ends only a sanction without an end', withStore(async (s) => {
        const open = sanction({ id: 'linked', step: -1, until: null });
        const timed = sanction({ id: 'timed', from: T0 + 1 });
        await s.putSanction(open);
        await s.putSanction(timed);
        expect(await s.endSanction('linked', T0 + 86_400_000)).toBe(true);
        expect(await s.endSanction('linked', T0 + 5)).toBe(false);
        expect(await s.endSanction('timed', T0 + 5)).toBe(false);
        expect(await s.endSanction('nope', T0 + 5)).toBe(false);
        expect(await s.sanctionsOf('m-1')).toEqual([{ ...open, until: T0 + 86_400_000 }, timed]);
        // A lifted sanction without an end can still be ended, and stays lifted.
        await s.putSanction(sanction({ id: 'w', until: null, liftedAt: T0, liftReason: 'r', from: T0 + 2 }));
        expect(await s.endSanction('w', T0 + 9)).toBe(true);
        expect((await s.sanctionsOf('m-1'))[2]).toMatchObject({ id: 'w', until: T0 + 9, liftedAt: T0, liftReason: 'r' });
      }));
    });

    describe('linked accounts and appeals', () => {
      it('returns the previous linked-account status', withStore(async (s) => {
        expect(await s.setLinkedBlocked('m', true, T0)).toBeNull();
        expect(await s.setLinkedBlocked('m', true, T0 + 1)).toBe(true);
        expect(await s.setLinkedBlocked('m', false, T0 + 2)).toBe(true);
        expect(await s.setLinkedBlocked('m', false, T0 + 3)).toBe(false);
        expect(await s.setLinkedBlocked('m2', false, T0)).toBeNull();
      }));

      it('keeps the latest linked-account status: an older event (a replay) changes nothing', withStore(async (s) => {
        expect(await s.setLinkedBlocked('m', true, T0)).toBeNull();
        expect(await s.setLinkedBlocked('m', false, T0 + 10)).toBe(true);
        expect(await s.setLinkedBlocked('m', true, T0 + 20)).toBe(false);
        // The unblock at T0 + 10 again: the status stays blocked, and says so.
        expect(await s.setLinkedBlocked('m', false, T0 + 10)).toBe(true);
        expect(await s.setLinkedBlocked('m', true, T0 + 30)).toBe(true);
        // The same time again: the later call wins.
        expect(await s.setLinkedBlocked('m', false, T0 + 30)).toBe(true);
        expect(await s.setLinkedBlocked('m', false, T0 + 30)).toBe(false);
      }));

      it('keeps appeals in order, once by id, per subject', withStore(async (s) => {
        const a = { subject: 'm', id: 'ap-1', at: T0, sanction: 'x', granted: true, reason: 'first appeal' };
        const b = { subject: 'm', id: 'ap-2', at: T0 - 5, sanction: null, granted: false, reason: 'no active sanction' };
        await s.recordAppeal(a);
        await s.recordAppeal(b);
        await s.recordAppeal({ ...a, granted: false, reason: 'replayed' });
        await s.recordAppeal({ ...a, subject: 'm2' });
        expect(await s.appealsOf('m')).toEqual([a, b]);
        expect(await s.appealsOf('m2')).toEqual([{ ...a, subject: 'm2' }]);
        expect(await s.appealsOf('m3')).toEqual([]);
      }));
    });

    describe('contact adds', () => {
      it('counts up to the limit, then refuses without counting', withStore(async (s) => {
        expect(await s.addContact('m', 100, 'c1', 2)).toEqual({ allowed: true, used: 1, duplicate: false });
        expect(await s.addContact('m', 100, 'c2', 2)).toEqual({ allowed: true, used: 2, duplicate: false });
        expect(await s.addContact('m', 100, 'c3', 2)).toEqual({ allowed: false, used: 2, duplicate: false });
        expect(await s.addContact('m', 100, 'c3', 2)).toEqual({ allowed: false, used: 2, duplicate: false });
        // A higher limit (the enterprise's quota grew) lets it through.
        expect(await s.addContact('m', 100, 'c3', 3)).toEqual({ allowed: true, used: 3, duplicate: false });
        expect(await s.addContact('m', 100, 'c4', 0)).toEqual({ allowed: false, used: 3, duplicate: false });
      }));

      it('allows the same contact again without counting, even at the limit', withStore(async (s) => {
        await s.addContact('m', 100, 'c1', 1);
        expect(await s.addContact('m', 100, 'c1', 1)).toEqual({ allowed: true, used: 1, duplicate: true });
        expect(await s.addContact('m', 100, 'c1', 0)).toEqual({ allowed: true, used: 1, duplicate: true });
      }));

      it('starts afresh on a new day and for another subject', withStore(async (s) => {
        await s.addContact('m', 100, 'c1', 1);
        expect(await s.addContact('m', 100, 'c2', 1)).toMatchObject({ allowed: false });
        expect(await s.addContact('m', 101, 'c2', 1)).toEqual({ allowed: true, used: 1, duplicate: false });
        expect(await s.addContact('m', 101, 'c1', 1)).toEqual({ allowed: false, used: 1, duplicate: false });
        expect(await s.addContact('m2', 100, 'c2', 1)).toEqual({ allowed: true, used: 1, duplicate: false });
      }));

      it('counts concurrent adds exactly up to the limit', withStore(async (s) => {
        const results = await Promise.all(Array.from({ length: 30 }, (_, i) => s.addContact('m', 7, `c${i % 20}`, 10)));
        expect(results.filter((r) => r.allowed && !r.duplicate)).toHaveLength(10);
        expect(await s.addContact('m', 7, 'new', 10)).toEqual({ allowed: false, used: 10, duplicate: false });
      }));
    });

    it(`gives what MemoryStore gives for random sequences of operations`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 80 }), async (ops) => {
          const reference = asyncOf(new MemoryStore());
          const o = await open();
          try {
            for (let i = 0; i < ops.length; i++) {
              const want = await apply(reference, ops[i]);
              const got = await apply(o.store, ops[i]);
              expect(got, `operation ${i}: ${JSON.stringify(ops[i])}`).toEqual(want);
            }
          } finally {
            await o.close();
          }
        }),
        { numRuns: options.runs ?? 100 },
      );
    });
  });
}

// The property's operations: few names, so that operations meet on the same keys; times within
// a quarter of an hour of T0 (windows idle out only after an hour of wall clock, never by event time).

type Op =
  | { op: 'recordMessage'; group: string; sender: string; at: number; window: number; id?: string }
  | { op: 'countMessages'; group: string; sender: string; at: number; window: number }
  | { op: 'recordJoin'; group: string; member: string; at: number }
  | { op: 'joinedAt'; group: string; member: string }
  | { op: 'mute'; group: string; sender: string; until: number }
  | { op: 'mutedUntil'; group: string; sender: string }
  | { op: 'blacklist'; scope: BlacklistScope; key: string; sender: string; at: number }
  | { op: 'blacklistEntry'; scope: BlacklistScope; key: string; sender: string }
  | { op: 'addStrike'; ladder: string; subject: string; violation: string; at: number; expire: number | null; counted: boolean }
  | { op: 'strikesOf'; ladder: string; subject: string }
  | { op: 'putSanction'; sanction: SanctionRecord }
  | { op: 'sanctionsOf'; subject: string }
  | { op: 'sanctionedSubjects' }
  | { op: 'liftSanction'; id: string; at: number; reason: string }
  | { op: 'endSanction'; id: string; until: number }
  | { op: 'setLinkedBlocked'; subject: string; blocked: boolean; at: number }
  | { op: 'recordAppeal'; subject: string; id: string; at: number; sanction: string | null; granted: boolean; reason: string }
  | { op: 'appealsOf'; subject: string }
  | { op: 'addContact'; subject: string; day: number; contact: string; limit: number }
  | { op: 'admitMessage'; q: MessageAdmission }
  | { op: 'admitJoin'; group: string; member: string; at: number };

const time = fc.integer({ min: 0, max: 900_000 }).map((t) => T0 + t);
/** Mostly close together, so that windows and expiries bite. */
const nearTime = fc.oneof(fc.integer({ min: 0, max: 200 }).map((t) => T0 + t), time);
const group = fc.constantFrom('g-1', 'g:2', '群-3');
const member = fc.constantFrom('c-1', 'c-2', '"c-3"');
const subject = fc.constantFrom('m-1', 'm-2');
const ladder = fc.constantFrom('interop-abuse', 'ban');
const sanctionId = fc.constantFrom('s-1', 's-2', 's-3', 'ban/m-1/v-1/0');
const scope = fc.constantFrom<BlacklistScope>('enterprise', 'personal', 'group');

const operation: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constantFrom('recordMessage' as const), group, sender: member, at: nearTime, window: fc.constantFrom(1, 10, 50, 100, 60_000) }),
  fc.record({ op: fc.constantFrom('recordMessage' as const), group, sender: member, at: nearTime, window: fc.constantFrom(1, 10, 50, 100, 60_000), id: fc.constantFrom('m-1', 'm-2', '1', '2', ':1') }),
  fc.record({ op: fc.constantFrom('countMessages' as const), group, sender: member, at: nearTime, window: fc.constantFrom(1, 10, 50, 100, 60_000) }),
  fc.record({ op: fc.constantFrom('recordJoin' as const), group, member, at: time }),
  fc.record({ op: fc.constantFrom('joinedAt' as const), group, member }),
  fc.record({ op: fc.constantFrom('mute' as const), group, sender: member, until: time }),
  fc.record({ op: fc.constantFrom('mutedUntil' as const), group, sender: member }),
  fc.record({ op: fc.constantFrom('blacklist' as const), scope, key: fc.constantFrom('', 'li.lei', 'g-1'), sender: member, at: time }),
  fc.record({ op: fc.constantFrom('blacklistEntry' as const), scope, key: fc.constantFrom('', 'li.lei', 'g-1'), sender: member }),
  fc.record({
    op: fc.constantFrom('addStrike' as const),
    ladder,
    subject,
    violation: fc.constantFrom('v-1', 'v-2', 'v-3', 'v-4', 'v 5'),
    at: nearTime,
    expire: fc.option(fc.constantFrom(10, 100, 600_000), { nil: null }),
    counted: fc.boolean(),
  }),
  fc.record({
    op: fc.constantFrom('addStrike' as const),
    ladder,
    subject,
    violation: fc.constantFrom('v-1', 'v-2', 'v-3', 'v-4', 'v 5'),
    at: nearTime,
    expire: fc.option(fc.constantFrom(10, 100, 600_000), { nil: null }),
    counted: fc.constant(true),
  }),
  fc.record({ op: fc.constantFrom('strikesOf' as const), ladder, subject }),
  fc.record({
    op: fc.constantFrom('putSanction' as const),
    sanction: fc.record({
      id: sanctionId,
      subject,
      ladder,
      step: fc.integer({ min: -1, max: 4 }),
      sanction: fc.constantFrom<SanctionKind>('suspend-interop', 'ban-member', 'ban-admin', 'ban-enterprise'),
      from: fc.constantFrom(T0, T0 + 1, T0 + 1000),
      until: fc.option(time, { nil: null }),
      appealable: fc.boolean(),
      cause: fc.constantFrom('v-1', 'linked@2026-11-01T00:00:00.000Z'),
      liftedAt: fc.option(time, { nil: null }),
      liftReason: fc.option(fc.constantFrom('', 'appeal granted'), { nil: null }),
    }),
  }),
  fc.record({ op: fc.constantFrom('sanctionsOf' as const), subject }),
  fc.record({ op: fc.constantFrom('sanctionedSubjects' as const) }),
  fc.record({ op: fc.constantFrom('liftSanction' as const), id: sanctionId, at: time, reason: fc.constantFrom('appeal granted', 'restored') }),
  fc.record({ op: fc.constantFrom('endSanction' as const), id: sanctionId, until: time }),
  fc.record({ op: fc.constantFrom('setLinkedBlocked' as const), subject, blocked: fc.boolean(), at: time }),
  fc.record({
    op: fc.constantFrom('recordAppeal' as const),
    subject,
    id: fc.constantFrom('ap-1', 'ap-2', 'ap-3'),
    at: time,
    sanction: fc.option(sanctionId, { nil: null }),
    granted: fc.boolean(),
    reason: fc.constantFrom('granted', 'not appealable'),
  }),
  fc.record({ op: fc.constantFrom('appealsOf' as const), subject }),
  fc.record({
    op: fc.constantFrom('addContact' as const),
    subject,
    day: fc.integer({ min: 20_000, max: 20_001 }),
    contact: fc.constantFrom('c-1', 'c-2', 'c-3', 'c-4'),
    limit: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({
    op: fc.constantFrom('admitMessage' as const),
    q: fc.record(
      {
        group,
        sender: member,
        owner: fc.constantFrom(null, 'li.lei', 'g-1'),
        at: nearTime,
        id: fc.constantFrom('m-1', 'm-2', '1', ':1'),
        windows: fc.uniqueArray(fc.constantFrom(1, 10, 50, 100, 60_000), { maxLength: 3 }),
        exempt: fc.boolean(),
      },
      { requiredKeys: ['group', 'sender', 'owner', 'at', 'windows', 'exempt'] },
    ),
  }),
  fc.record({ op: fc.constantFrom('admitJoin' as const), group, member, at: time }),
);

async function apply(s: AsyncStore, o: Op): Promise<unknown> {
  switch (o.op) {
    case 'recordMessage':
      return o.id === undefined ? s.recordMessage(o.group, o.sender, o.at, o.window) : s.recordMessage(o.group, o.sender, o.at, o.window, o.id);
    case 'countMessages':
      return s.countMessages(o.group, o.sender, o.at, o.window);
    case 'recordJoin':
      return s.recordJoin(o.group, o.member, o.at);
    case 'joinedAt':
      return s.joinedAt(o.group, o.member);
    case 'mute':
      return s.mute(o.group, o.sender, o.until);
    case 'mutedUntil':
      return s.mutedUntil(o.group, o.sender);
    case 'blacklist':
      return s.blacklist(o.scope, o.key, o.sender, o.at);
    case 'blacklistEntry':
      return s.blacklistEntry(o.scope, o.key, o.sender);
    case 'addStrike':
      return s.addStrike(o.ladder, o.subject, o.violation, o.at, o.expire, o.counted);
    case 'strikesOf':
      return s.strikesOf(o.ladder, o.subject);
    case 'putSanction':
      return s.putSanction(o.sanction);
    case 'sanctionsOf':
      return s.sanctionsOf(o.subject);
    case 'sanctionedSubjects':
      return s.sanctionedSubjects();
    case 'liftSanction':
      return s.liftSanction(o.id, o.at, o.reason);
    case 'endSanction':
      return s.endSanction(o.id, o.until);
    case 'setLinkedBlocked':
      return s.setLinkedBlocked(o.subject, o.blocked, o.at);
    case 'recordAppeal':
      return s.recordAppeal({ subject: o.subject, id: o.id, at: o.at, sanction: o.sanction, granted: o.granted, reason: o.reason });
    case 'appealsOf':
      return s.appealsOf(o.subject);
    case 'addContact':
      return s.addContact(o.subject, o.day, o.contact, o.limit);
    case 'admitMessage':
      return s.admitMessage(o.q);
    case 'admitJoin':
      return s.admitJoin(o.group, o.member, o.at);
  }
}
