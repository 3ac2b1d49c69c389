// The asynchronous engine decides concurrent events on one engine (as `hush serve` does): while
// one message waits for the store, another is decided. Each must be decided on its own state:
// the flood counts fetched for one message never answer another's questions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { irFromText } from '../../spec/testing/ir-from-text.ts';
import { interpretIr } from '../policy/interpreter.ts';
import { MemoryStore } from '../store/memory-store.ts';
import type { AsyncStore } from '../store/store.ts';
import { createAsyncEngine, createEngine } from './engine.ts';
import { parseEvent, type ChatEvent } from './events.ts';

const policy = interpretIr(
  irFromText(`
rule "fast" {
  owner member "li.lei"
  groups "g-1"
  when flood 2 in 10s then mute 5m
}
rule "slow" {
  owner member "li.lei"
  groups "g-2"
  when flood 3 in 1m then warn "慢一点"
  when new-member within 1h then recall
}
`),
);
const T0 = Date.parse('2026-11-23T10:00:00Z');

/** A memory store behind promises that settle after a random delay of 0–3 ms. */
function slowStore(seed: number): AsyncStore {
  const inner = new MemoryStore();
  let x = seed;
  const delay = () => ((x = (x * 1103515245 + 12345) % 2147483648), x % 4);
  return new Proxy(inner, {
    get(target, prop, recv) {
      const v = Reflect.get(target, prop, recv);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => new Promise((done) => setTimeout(() => done((v as (...a: unknown[]) => unknown).apply(target, args)), delay()));
    },
  }) as unknown as AsyncStore;
}

function message(group: string, sender: string, at: number): ChatEvent {
  const p = parseEvent({ type: 'message', group, sender: { id: sender, kind: 'customer' }, text: 'hi', at: new Date(at).toISOString() });
  if (!p.ok) throw new Error(p.error.message);
  return p.event;
}

describe('the asynchronous engine under concurrency', () => {
  it('decides concurrent messages of different groups and senders as one at a time would (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom('g-1', 'g-2'), fc.nat({ max: 4 })), { minLength: 2, maxLength: 12 }), fc.nat(), async (senders, seed) => {
        // Each sender has a history of `n` messages in its group, decided one at a time; then one
        // more message per sender, all at once. Keys are distinct, so the order does not matter.
        const keys = senders.map(([g, n], i) => ({ group: g, sender: `c-${i}`, n }));
        const history = keys.flatMap((k) => Array.from({ length: k.n }, (_, j) => message(k.group, k.sender, T0 + j * 1000)));
        const last = keys.map((k) => message(k.group, k.sender, T0 + 5000));
        const reference = createEngine(policy, { store: new MemoryStore() });
        for (const e of history) reference.decide(e);
        const want = last.map((e) => reference.decide(e));
        const engine = createAsyncEngine(policy, { store: slowStore(seed) });
        for (const e of history) await engine.decide(e);
        const got = await Promise.all(last.map((e) => engine.decide(e)));
        expect(got).toEqual(want);
      }),
      { numRuns: 40 },
    );
  });
});
