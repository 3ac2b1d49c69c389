// decisionJson must be JSON.stringify, byte for byte, for every decision: large or small, with
// evidence shared between matches or not, with the decision's other fields in any order, fields
// whose value is undefined left out, and text that JSON escapes (quotes, backslashes, control
// characters, lone surrogates).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decisionJson, matchesJson } from './decision-json.ts';

const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('"', '\\', '\u0000\n', '\ud800', 'rule-0001', '加微信'));
const evidence = fc.oneof(
  fc.record({ link: text, index: fc.nat() }),
  fc.record({ miniprogram: text, index: fc.nat() }),
  fc.record({ text, start: fc.nat(), end: fc.nat(), keyword: text }),
  fc.record({ count: fc.nat(), limit: fc.nat(), windowMs: fc.double() }),
  fc.jsonValue(),
  fc.constant(undefined),
);

/** Matches whose evidence comes from a small pool, so that neighbours often share one object. */
const matches = fc
  .record({
    pool: fc.array(evidence, { minLength: 1, maxLength: 4 }),
    picks: fc.array(fc.record({ rule: fc.oneof(text, fc.constantFrom('a', 'b')), trigger: fc.oneof(text, fc.constantFrom('link', 'keyword')), e: fc.nat(3) }), { maxLength: 40 }),
  })
  .map(({ pool, picks }) => picks.map(({ rule, trigger, e }) => ({ rule, trigger, evidence: pool[e % pool.length] })));

const decision = fc
  .record({
    matches,
    others: fc.dictionary(fc.oneof(text, fc.constantFrom('allowed', 'actions', 'sanctions', '__proto__')), fc.oneof(fc.jsonValue(), fc.constant(undefined)), { maxKeys: 5 }),
    at: fc.nat(6),
  })
  .map(({ matches, others, at }) => {
    // `matches` at any place among the other fields.
    const entries: [string, unknown][] = Object.entries(others).filter(([k]) => k !== 'matches');
    entries.splice(Math.min(at, entries.length), 0, ['matches', matches]);
    const d: Record<string, unknown> = {};
    for (const [k, v] of entries) Object.defineProperty(d, k, { value: v, enumerable: true, writable: true, configurable: true });
    return d;
  });

describe('decisionJson', () => {
  it('is JSON.stringify for any decision', () => {
    fc.assert(
      fc.property(decision, (d) => {
        expect(decisionJson(d)).toBe(JSON.stringify(d));
      }),
      { numRuns: 3000 },
    );
  });

  it('is JSON.stringify for any list of matches', () => {
    fc.assert(
      fc.property(matches, (ms) => {
        expect(matchesJson(ms as never)).toBe(JSON.stringify(ms));
      }),
      { numRuns: 3000 },
    );
  });

  it('writes a large decision from its heads and its shared evidence', () => {
    const shared = { link: 'https://evil.example/"x"', index: 0 };
    const ms = Array.from({ length: 300 }, (_, i) => ({ rule: `rule-${String(i).padStart(4, '0')}`, trigger: i % 7 ? 'link' : 'keyword', evidence: i % 5 ? shared : { text: '加微信', start: i, end: i + 3, keyword: '加微信' } }));
    const d = { allowed: false, actions: [{ type: 'recall' }], matches: ms, muted: undefined, recorded: ['ads'] };
    expect(decisionJson(d)).toBe(JSON.stringify(d));
    // Twice: the second time from the cached heads.
    expect(decisionJson(d)).toBe(JSON.stringify(d));
  });

  it('leaves what is not a plain decision to JSON.stringify', () => {
    const many = Array.from({ length: 10 }, (_, i) => ({ rule: `r${i}`, trigger: 'link', evidence: { link: 'x', index: 0 } }));
    for (const v of [null, 1, 'x', [1, 2], undefined, { toJSON: () => 'y', matches: many }, { matches: 'no' }, { matches: many.slice(0, 3) }]) expect(decisionJson(v)).toBe(JSON.stringify(v));
  });
});
