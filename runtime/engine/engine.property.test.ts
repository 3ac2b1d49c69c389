// Properties of the engine over random event streams (fast-check): determinism, independence of
// groups, and sane evidence on arbitrary text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { irFromText } from '../../spec/testing/ir-from-text.ts';
import { createEngine } from './engine.ts';
import { interpretIr } from '../policy/interpreter.ts';

const ir = irFromText(`
blacklist enterprise "c-bad"
exempt customers "vip"
rule "ads" {
  owner member "li.lei"
  groups "g-1", "g-2"
  keywords "加微信", "代购", "ab"
  keywords whole-word "sex", "bet*"
  except "代购物"
  allow links "*.acme.cn"
  when keyword then warn "请勿发送广告", recall
  when link then recall
  when flood 2 in 5s then mute 1m
  when identity "bot" then blacklist group
  when new-member within 10s then recall
}
rule "strict" {
  owner member "li.lei"
  groups "g-2"
  keywords "刷单"
  when keyword then blacklist enterprise, record harassment
  when length over 12 then warn "太长"
}
`);
const policy = interpretIr(ir);
const T0 = Date.parse('2026-11-23T10:00:00Z');

const textArb = fc.array(fc.constantFrom('加', '微', '信', '代', '购', '物', 'a', 'b', 's', 'e', 'x', 't', ' ', '@', '刷', '单', '😀', 'E', 'https://x.acme.cn/ ', 'http://evil.cn '), { maxLength: 16 }).map((xs) => xs.join(''));

function eventArb(groups: string[], senders: string[]) {
  const message = fc.record({
    type: fc.constant('message'),
    group: fc.constantFrom(...groups),
    owner: fc.constantFrom('li.lei', 'han.mei'),
    sender: fc.record({ id: fc.constantFrom(...senders), kind: fc.constantFrom('customer', 'customer', 'member'), identities: fc.subarray(['bot', 'vip']) }),
    text: textArb,
    links: fc.subarray(['https://a.acme.cn/x', 'https://evil.cn/']),
    dt: fc.integer({ min: 0, max: 4000 }),
  });
  const join = fc.record({ type: fc.constant('join'), group: fc.constantFrom(...groups), member: fc.constantFrom(...senders), dt: fc.integer({ min: 0, max: 4000 }) });
  return fc.oneof({ arbitrary: message, weight: 5 }, { arbitrary: join, weight: 1 });
}

/** Gives each event its time: a running sum of the generated gaps. */
function timed<T extends { dt: number }>(events: T[]): Record<string, unknown>[] {
  let t = T0;
  return events.map(({ dt, ...e }) => ({ ...e, at: (t += dt) }));
}

const run = (events: unknown[]) => {
  const engine = createEngine(policy, { clock: () => T0 });
  return events.map((e) => JSON.stringify(engine.evaluate(e)));
};

describe('engine properties', () => {
  it('decides the same stream the same way twice', () => {
    fc.assert(
      fc.property(fc.array(eventArb(['g-1', 'g-2', 'g-3'], ['c-1', 'c-2', 'c-bad', 'vip']), { maxLength: 40 }), (evs) => {
        const events = timed(evs);
        expect(run(events)).toEqual(run(events));
      }),
      { numRuns: 200 },
    );
  });

  it('decides a group the same way whatever happens in other groups to other senders', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb(['g-1'], ['c-1', 'c-2']), { maxLength: 25 }),
        fc.array(eventArb(['g-2', 'g-3'], ['d-1', 'd-2']), { maxLength: 25 }),
        fc.array(fc.boolean(), { minLength: 50, maxLength: 50 }),
        (a, b, picks) => {
          const ta = timed(a);
          const tb = timed(b);
          // Interleave b into a, keeping each stream's order.
          const mixed: { from: 'a' | 'b'; e: unknown }[] = [];
          let i = 0;
          let j = 0;
          for (const p of picks) {
            if (p && i < ta.length) mixed.push({ from: 'a', e: ta[i++] });
            else if (j < tb.length) mixed.push({ from: 'b', e: tb[j++] });
          }
          while (i < ta.length) mixed.push({ from: 'a', e: ta[i++] });
          while (j < tb.length) mixed.push({ from: 'b', e: tb[j++] });
          const together = run(mixed.map((m) => m.e)).filter((_, k) => mixed[k].from === 'a');
          expect(together).toEqual(run(ta));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('allows a message with no hits from a customer without state', () => {
    const clean = fc.array(fc.constantFrom('你', '好', '请', '问', 'h', 'i', ' ', '?', '😀'), { maxLength: 12 }).map((xs) => xs.join(''));
    fc.assert(
      fc.property(clean, fc.constantFrom('g-1', 'g-2', 'g-9'), (text, group) => {
        const engine = createEngine(policy);
        expect(engine.evaluate({ type: 'message', group, sender: { id: 'c-1', kind: 'customer' }, text, at: T0 })).toEqual({ allowed: true, actions: [], matches: [] });
      }),
    );
  });

  it('reports keyword spans that lie in the text and hold whole code points, on any text', () => {
    fc.assert(
      fc.property(fc.oneof(textArb, fc.string({ unit: 'binary', maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 20 })), (text) => {
        const x = createEngine(policy).explain({ type: 'message', group: 'g-2', sender: { id: 'c-1', kind: 'customer' }, text, at: T0 });
        if ('error' in x) throw new Error(x.error.message);
        for (const f of x.trace.firings) {
          for (const e of f.evidence) {
            if (!('keyword' in e)) continue;
            expect(e.start).toBeGreaterThanOrEqual(0);
            expect(e.end).toBeLessThanOrEqual(text.length);
            expect(e.start).toBeLessThan(e.end);
            expect(e.text).toBe(text.slice(e.start, e.end));
            const low = (i: number) => text.charCodeAt(i) >= 0xdc00 && text.charCodeAt(i) <= 0xdfff;
            const high = (i: number) => text.charCodeAt(i) >= 0xd800 && text.charCodeAt(i) <= 0xdbff;
            expect(low(e.start) && high(e.start - 1)).toBe(false);
            expect(low(e.end) && high(e.end - 1)).toBe(false);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
