// Hostile event streams (fast-check): random times (the edges of the accepted range and far past
// them, as numbers and as ISO text), random sizes, repeated and unknown keys, ladder events and
// garbage, on the memory store and a real SQLite file. Every line gets exactly one output line
// (a decision or an error record with a `hush/event/*` code), the stream never throws, and what
// the stream stored can be read back: every sanction starts in 1970…9999 and ends at a real date
// (an hour-long sanction from the last accepted instant ends in year 10000, written `+010000-…`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { irFromText } from '../../spec/testing/ir-from-text.ts';
import { interpretIr } from '../policy/interpreter.ts';
import { MemoryStore } from '../store/memory-store.ts';
import { SqliteStore } from '../store/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import { createEngine } from './engine.ts';
import { decideLines } from './jsonl.ts';
import { sanctionsOf } from './sanctions-query.ts';
import { MAX_EVENT_TIME, MIN_EVENT_TIME } from './time.ts';

const policy = interpretIr(
  irFromText(`
rule "ads" {
  owner member "li.lei"
  groups "g-1", "g-2"
  keywords "加微信", "代购"
  when keyword then recall, record harassment
  when flood 2 in 10s then mute 30m
  when new-member within 1m then recall
}
ladder "abuse" {
  counts harassment
  expire after 30d
  step 1: suspend interop for 1h, appealable
  step 2: suspend interop forever
}
`),
);

const LIMITS = [MIN_EVENT_TIME, MAX_EVENT_TIME, 0, -1, MAX_EVENT_TIME + 1, 8_639_999_999_999_999, 9_007_199_254_740_991, -9_007_199_254_740_991, 1.5, Date.parse('2026-11-23T10:00:00Z')];
const timeArb = fc.oneof(
  fc.constantFrom<unknown>(...LIMITS),
  fc.integer({ min: MIN_EVENT_TIME, max: MAX_EVENT_TIME }),
  fc.double(),
  fc.constantFrom<unknown>('2026-11-23T10:00:00Z', '9999-12-31T23:59:59.999Z', '+275760-09-13T00:00:00Z', '-000001-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '2026-13-01T00:00:00Z', '2026-02-30T00:00:00Z', '', 'now', null, true, [], {}),
  fc.integer({ min: MIN_EVENT_TIME, max: MAX_EVENT_TIME }).map((t) => new Date(t).toISOString()),
);
const textArb = fc.oneof(fc.constantFrom('加微信', '代购', 'hi', ''), fc.string({ maxLength: 40 }), fc.string({ minLength: 2000, maxLength: 6000, unit: 'binary' }));
const idArb = fc.constantFrom('c-1', 'c-2', 'm-1', '', 'x'.repeat(300), '\u0000', '加');

const eventArb = fc.oneof(
  fc.record({ type: fc.constant('message'), group: fc.constantFrom('g-1', 'g-2', 'g-9'), sender: fc.record({ id: idArb, kind: fc.constantFrom('customer', 'member', 'bot') }), text: textArb, at: timeArb, id: fc.option(fc.constantFrom('e-1', 'e-2', 'e-3'), { nil: undefined }) }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constant('join'), group: fc.constantFrom('g-1', 'g-2'), member: fc.record({ id: idArb, kind: fc.constantFrom('customer', 'member') }), at: timeArb }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constant('violation'), subject: idArb, category: fc.constantFrom('harassment', 'spam'), id: fc.constantFrom('v-1', 'v-2'), at: timeArb }, { requiredKeys: ['type'] }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }),
);

/** A line: an event as JSON, sometimes with a key written twice, cut short, or not JSON at all. */
const lineArb = fc.oneof(
  { weight: 6, arbitrary: eventArb.map((e) => JSON.stringify(e)) },
  { weight: 1, arbitrary: eventArb.map((e) => JSON.stringify(e).replace(/^\{/, '{"type":"join",')) },
  { weight: 1, arbitrary: fc.tuple(eventArb, fc.nat()).map(([e, k]) => JSON.stringify(e).slice(0, k)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);

const dir = mkdtempSync(join(tmpdir(), 'hush-stream-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

function check(store: Store, lines: string[]): void {
  const engine = createEngine(policy, { store });
  const out = [...decideLines(engine, lines)];
  expect(out).toHaveLength(lines.length);
  for (const o of out) {
    const x = JSON.parse(o) as { error?: { code: string }; allowed?: boolean };
    if (x.error) expect(x.error.code).toMatch(/^hush\/event\//);
    else expect(typeof x.allowed).toBe('boolean');
  }
  for (const subject of ['c-1', 'c-2', 'm-1', '', 'x'.repeat(300), '\u0000', '加']) {
    for (const s of sanctionsOf(store, subject, { at: Date.parse('2026-11-23T10:00:00Z'), all: true })) {
      const from = Date.parse(s.from);
      expect(from).toBeGreaterThanOrEqual(MIN_EVENT_TIME);
      expect(from).toBeLessThanOrEqual(MAX_EVENT_TIME);
      if (s.until !== null) expect(Date.parse(s.until)).toBeGreaterThanOrEqual(from);
    }
  }
}

describe('hostile event streams', () => {
  it('on the memory store: one line out per line in, never a throw, stored state readable', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 30 }), (lines) => {
        check(new MemoryStore(), lines);
      }),
      { numRuns: 150 },
    );
  });

  it('on a SQLite file: the same, and the file opens again afterwards', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 20 }), (lines) => {
        const file = join(dir, `s${++files}.db`);
        const store = new SqliteStore(file);
        try {
          check(store, lines);
        } finally {
          store.close();
        }
        const again = new SqliteStore(file, { mustExist: true });
        again.close();
      }),
      { numRuns: 40 },
    );
  });
});
