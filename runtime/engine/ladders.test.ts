// The penalty ladders at run time: sanctions end exactly when due, strikes expire exactly when
// due, a random stream of violations walks a ladder exactly as a naive model says, and the engine
// on an asynchronous store decides exactly as on a synchronous one.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { irFromText } from '../../spec/testing/ir-from-text.ts';
import { createAsyncEngine, createEngine, type Decision, type EventError } from './engine.ts';
import { interpretIr } from '../policy/interpreter.ts';
import { MemoryStore } from '../store/memory-store.ts';
import type { AsyncStore, Store } from '../store/store.ts';

const H = 3_600_000;
const D = 24 * H;
const T0 = Date.parse('2026-11-01T00:00:00Z');

const LADDER = `
enterprise "acme"
limits "wecom-4.1.36"
ladder "abuse" {
  counts harassment, contact-abuse
  step 1: suspend interop for 1h, appealable
  step 2: suspend interop for 24h
  step 3: suspend interop forever
  severe: ban member forever
  expire after 7d
}
`;

function policy(text = LADDER) {
  return interpretIr(irFromText(text));
}

const violation = (subject: string, at: number, extra: Record<string, unknown> = {}) => ({ type: 'violation', subject, category: 'harassment', at, ...extra });

/** A sync store behind the async interface, each result a promise (as Redis gives them). */
function asyncOf(store: Store): AsyncStore {
  return new Proxy(store, {
    get(target, key) {
      const f = (target as unknown as Record<string | symbol, unknown>)[key];
      return typeof f === 'function' ? (...args: unknown[]) => Promise.resolve().then(() => f.apply(target, args)) : f;
    },
  }) as unknown as AsyncStore;
}

describe('sanctions end exactly when due', () => {
  it('a 1h suspension stands until the last millisecond before its end', () => {
    const e = createEngine(policy());
    e.evaluate(violation('m-1', T0));
    expect(e.sanctions('m-1', T0).map((s) => s.step)).toEqual([1]);
    expect(e.sanctions('m-1', T0 + H - 1)).toHaveLength(1);
    expect(e.sanctions('m-1', T0 + H)).toEqual([]);
    expect(e.sanctions('m-1', T0 - 1)).toEqual([]);
  });

  it('a forever sanction never ends, and sanctions() uses the clock without a time', () => {
    let now = T0;
    const e = createEngine(policy(), { clock: () => now });
    e.evaluate(violation('m-1', T0, { severity: 'severe' }));
    now = T0 + 3650 * D;
    expect(e.sanctions('m-1')).toMatchObject([{ sanction: 'ban-member', until: null, step: 'severe' }]);
  });

  it('a strike expires exactly `expire after` later', () => {
    const e = createEngine(policy());
    e.evaluate(violation('m-1', T0));
    const at7d = e.evaluate(violation('m-1', T0 + 7 * D)) as Decision;
    expect(at7d.strikes).toEqual([{ ladder: 'abuse', strike: 1 }]);
    const e2 = createEngine(policy());
    e2.evaluate(violation('m-1', T0));
    const before = e2.evaluate(violation('m-1', T0 + 7 * D - 1)) as Decision;
    expect(before.strikes).toEqual([{ ladder: 'abuse', strike: 2 }]);
  });
});

describe('a random stream of violations walks the ladder as a naive model says', () => {
  it('step = live strikes (capped at the last step); severe ones do not climb', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 4 * D }), subject: fc.constantFrom('m-1', 'm-2'), severe: fc.boolean() }), { maxLength: 30 }),
        (stream) => {
          const e = createEngine(policy());
          const strikes = new Map<string, number[]>();
          let at = T0;
          for (const [i, v] of stream.entries()) {
            at += v.gap;
            // Distinct ids: without one, two identical reports in the same millisecond are one.
            const d = e.evaluate(violation(v.subject, at, { id: `v-${i}`, ...(v.severe ? { severity: 'severe' } : {}) })) as Decision;
            if (v.severe) {
              expect(d.sanctions!.map((s) => s.step)).toEqual(['severe']);
              continue;
            }
            const live = (strikes.get(v.subject) ?? []).filter((t) => t > at - 7 * D);
            live.push(at);
            strikes.set(v.subject, live);
            expect(d.strikes).toEqual([{ ladder: 'abuse', strike: live.length }]);
            const step = Math.min(live.length, 3);
            expect(d.sanctions).toMatchObject([{ step, until: step === 3 ? null : new Date(at + (step === 1 ? H : D)).toISOString(), appealable: step === 1 }]);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('violation ids', () => {
  it('two identical reports without an id in the same millisecond are one violation', () => {
    const e = createEngine(policy());
    expect((e.evaluate(violation('m-1', T0)) as Decision).strikes).toEqual([{ ladder: 'abuse', strike: 1 }]);
    expect((e.evaluate(violation('m-1', T0)) as Decision).strikes).toEqual([{ ladder: 'abuse', strike: 1, duplicate: true }]);
    expect((e.evaluate(violation('m-1', T0 + 1)) as Decision).strikes).toEqual([{ ladder: 'abuse', strike: 2 }]);
  });
});

describe('linked accounts without a linked ladder', () => {
  it('an unblock without a linked ladder changes nothing', () => {
    const e = createEngine(policy());
    expect(e.evaluate({ type: 'linked.status', subject: 'm-1', status: 'unblocked', at: T0 })).toEqual({ allowed: true, actions: [], matches: [], sanctions: [] });
  });
});

describe('the engine on an asynchronous store', () => {
  it('decides a mixed stream exactly as the synchronous engine', async () => {
    const text = `${LADDER}
rule "ads" {
  owner member "li.lei"
  groups "g-1"
  keywords "加微信"
  when keyword then recall, record harassment
  when flood 2 in 10s then mute 1m
  when new-member within 1h then warn "welcome"
}`;
    const p = policy(text);
    const sync = createEngine(p, { store: new MemoryStore() });
    const async = createAsyncEngine(p, { store: asyncOf(new MemoryStore()) });
    const events: unknown[] = [
      { type: 'join', group: 'g-1', member: 'c-1', at: T0 },
      { type: 'message', group: 'g-1', sender: { id: 'c-1', kind: 'customer' }, text: 'hi', at: T0 + 1 },
      { type: 'message', group: 'g-1', sender: { id: 'c-1', kind: 'customer' }, text: 'hi', at: T0 + 2 },
      { type: 'message', group: 'g-1', sender: { id: 'c-1', kind: 'customer' }, text: '加微信', at: T0 + 3 },
      { type: 'message', group: 'g-1', sender: { id: 'c-2', kind: 'customer' }, text: '加微信', at: T0 + 4 },
      violation('c-2', T0 + 5),
      { type: 'appeal', subject: 'c-2', at: T0 + 6 },
      { type: 'contact.add', subject: 'c-2', contact: 'x', at: T0 + 7 },
      { type: 'nope' },
    ];
    const got: (Decision | EventError)[] = [];
    for (const ev of events) got.push(await async.evaluate(ev));
    expect(got).toEqual(events.map((ev) => sync.evaluate(ev)));
    expect(await async.sanctions('c-2', T0 + 7)).toEqual(sync.sanctions('c-2', T0 + 7));
  });
});
