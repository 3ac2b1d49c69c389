import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { firstDuplicateKey, mayRepeatKey } from './duplicate-keys.ts';
import { fullReadings, parseEvent, parseEventLine, parseTime, quickIsoTime } from './events.ts';

const ok = {
  type: 'message',
  group: 'g-1',
  sender: { id: 'c-1', kind: 'customer' },
  text: '你好',
  at: '2026-11-23T10:00:00Z',
};

function errorOf(v: unknown) {
  const r = parseEvent(v, () => 0);
  if (r.ok) throw new Error(`accepted: ${JSON.stringify(v)}`);
  return { code: r.error.code, field: r.error.field };
}

describe('message events', () => {
  it('accepts the runtime contract example and fills the defaults', () => {
    const r = parseEvent({ ...ok, links: [], miniprograms: [] });
    expect(r).toEqual({
      ok: true,
      event: {
        type: 'message',
        group: 'g-1',
        owner: null,
        sender: { id: 'c-1', kind: 'customer', identities: [] },
        text: '你好',
        links: [],
        miniprograms: [],
        cards: [],
        images: 0,
        at: Date.parse('2026-11-23T10:00:00Z'),
      },
    });
  });

  it('reads every optional field', () => {
    const r = parseEvent({ ...ok, owner: 'li.lei', sender: { id: 'c-1', kind: 'member', identities: ['x'] }, links: ['a'], miniprograms: ['m'], cards: ['c'], images: ['i1', 'i2'], id: 'evt-1', meta: { any: 1 } });
    expect(r.ok && r.event.type === 'message' && [r.event.owner, r.event.sender.kind, r.event.sender.identities, r.event.cards, r.event.images]).toEqual(['li.lei', 'member', ['x'], ['c'], 2]);
  });

  it('takes the clock for an event without `at`', () => {
    const { at: _, ...noAt } = ok;
    const r = parseEvent(noAt, () => 1234);
    expect(r.ok && r.event.at).toBe(1234);
  });

  it.each([
    [{ ...ok, group: undefined }, 'hush/event/missing-field', 'group'],
    [{ ...ok, group: 7 }, 'hush/event/bad-type', 'group'],
    [{ ...ok, group: '' }, 'hush/event/bad-value', 'group'],
    [{ ...ok, owner: '' }, 'hush/event/bad-value', 'owner'],
    [{ ...ok, owner: 3 }, 'hush/event/bad-type', 'owner'],
    [{ ...ok, sender: undefined }, 'hush/event/missing-field', 'sender'],
    [{ ...ok, sender: 'c-1' }, 'hush/event/bad-type', 'sender'],
    [{ ...ok, sender: { kind: 'customer' } }, 'hush/event/missing-field', 'sender.id'],
    [{ ...ok, sender: { id: 9, kind: 'customer' } }, 'hush/event/bad-type', 'sender.id'],
    [{ ...ok, sender: { id: 'c-1' } }, 'hush/event/missing-field', 'sender.kind'],
    [{ ...ok, sender: { id: 'c-1', kind: 'visitor' } }, 'hush/event/bad-value', 'sender.kind'],
    [{ ...ok, sender: { id: 'c-1', kind: 'customer', identities: 'vip' } }, 'hush/event/bad-type', 'sender.identities'],
    [{ ...ok, sender: { id: 'c-1', kind: 'customer', identities: ['a', 1] } }, 'hush/event/bad-type', 'sender.identities[1]'],
    [{ ...ok, sender: { id: 'c-1', kind: 'customer', name: 'x' } }, 'hush/event/unknown-field', 'sender.name'],
    [{ ...ok, text: undefined }, 'hush/event/missing-field', 'text'],
    [{ ...ok, text: null }, 'hush/event/bad-type', 'text'],
    [{ ...ok, links: 'https://a.cn' }, 'hush/event/bad-type', 'links'],
    [{ ...ok, links: [1] }, 'hush/event/bad-type', 'links[0]'],
    [{ ...ok, miniprograms: {} }, 'hush/event/bad-type', 'miniprograms'],
    [{ ...ok, cards: [null] }, 'hush/event/bad-type', 'cards[0]'],
    [{ ...ok, images: -1 }, 'hush/event/bad-value', 'images'],
    [{ ...ok, images: 1.5 }, 'hush/event/bad-value', 'images'],
    [{ ...ok, images: 'two' }, 'hush/event/bad-type', 'images'],
    [{ ...ok, images: [3] }, 'hush/event/bad-type', 'images[0]'],
    [{ ...ok, at: 'yesterday' }, 'hush/event/bad-time', 'at'],
    [{ ...ok, at: '2026-11-23T10:00:00' }, 'hush/event/bad-time', 'at'],
    [{ ...ok, at: '2026-02-30T10:00:00Z' }, 'hush/event/bad-time', 'at'],
    [{ ...ok, at: -5 }, 'hush/event/bad-time', 'at'],
    [{ ...ok, at: true }, 'hush/event/bad-time', 'at'],
    [{ ...ok, at: 9007199254740991 }, 'hush/event/bad-time', 'at'],
    [{ ...ok, at: 8639999999999999 }, 'hush/event/bad-time', 'at'],
    [{ ...ok, at: 253402300800000 }, 'hush/event/bad-time', 'at'],
    [{ ...ok, at: '9999-12-31T23:59:59-23:59' }, 'hush/event/bad-time', 'at'],
    [{ ...ok, link: ['x'] }, 'hush/event/unknown-field', 'link'],
    [{ ...ok, type: 'reaction' }, 'hush/event/unknown-type', 'type'],
    [{ ...ok, type: 'toString' }, 'hush/event/unknown-type', 'type'],
    [{ ...ok, type: 5 }, 'hush/event/bad-type', 'type'],
    [{ group: 'g' }, 'hush/event/missing-field', 'type'],
    [[], 'hush/event/not-an-object', ''],
    [null, 'hush/event/not-an-object', ''],
    ['message', 'hush/event/not-an-object', ''],
  ])('rejects %j naming the field', (event, code, field) => {
    expect(errorOf(event)).toEqual({ code, field });
  });

  it('rejects an over-long text', () => {
    expect(errorOf({ ...ok, text: 'x'.repeat((1 << 20) + 1) })).toEqual({ code: 'hush/event/bad-value', field: 'text' });
  });
});

describe('join events', () => {
  it('accepts a join', () => {
    expect(parseEvent({ type: 'join', group: 'g-1', member: 'c-1', at: 5 })).toEqual({ ok: true, event: { type: 'join', group: 'g-1', member: 'c-1', at: 5 } });
  });
  it.each([
    [{ type: 'join', group: 'g-1' }, 'member'],
    [{ type: 'join', member: 'c-1' }, 'group'],
    [{ type: 'join', group: 'g-1', member: 'c-1', text: 'hi' }, 'text'],
  ])('rejects %j naming %s', (event, field) => {
    expect(errorOf(event).field).toBe(field);
  });
});

describe('lines and times', () => {
  it('reports a line that is not JSON', () => {
    const r = parseEventLine('{"type":');
    expect(!r.ok && r.error).toEqual({ code: 'hush/event/bad-json', field: '', message: 'the line is not valid JSON' });
  });
  it('reads time zones and fractions', () => {
    expect(parseTime('2026-11-23T18:00:00+08:00')).toBe(Date.parse('2026-11-23T10:00:00Z'));
    expect(parseTime('2026-11-23T10:00:00.250Z')).toBe(Date.parse('2026-11-23T10:00:00Z') + 250);
    expect(parseTime('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
    expect(() => parseTime('2025-02-29T00:00:00Z')).toThrow();
    expect(() => parseTime('2026-11-23T24:00:00Z')).toThrow();
  });
});

// The fast paths (the common message read without allocating, the common time forms read without
// a regular expression) must accept exactly what the full readings accept, build the same event
// and leave every refusal, with its code, field and message, to the full reading.
describe('fast paths', () => {
  const digit = fc.constantFrom(...'0123456789');
  const noise = fc.constantFrom(...'0123456789-:T tZz+.x');
  /** Strings near the ISO form: each position usually what the form wants, sometimes not. */
  const nearIso = fc
    .record({
      y: fc.integer({ min: 1890, max: 2200 }),
      mo: fc.integer({ min: 0, max: 13 }),
      d: fc.integer({ min: 0, max: 32 }),
      h: fc.integer({ min: 0, max: 25 }),
      mi: fc.integer({ min: 0, max: 60 }),
      s: fc.integer({ min: 0, max: 60 }),
      frac: fc.oneof(fc.constant(''), fc.array(digit, { minLength: 0, maxLength: 10 }).map((ds) => '.' + ds.join(''))),
      zone: fc.oneof(fc.constantFrom('Z', 'z', '', '+08:00', '-05:30', '+24:00', '+08:60', '+0800', '-00:00'), fc.tuple(fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), fc.boolean()).map(([a, b, p]) => `${p ? '+' : '-'}${String(a).padStart(2, '0')}:${String(b).padStart(2, '0')}`)),
      sep: fc.constantFrom('T', 'T', 'T', 't', ' '),
      edits: fc.array(fc.tuple(fc.nat(30), noise), { maxLength: 2 }),
    })
    .map(({ y, mo, d, h, mi, s, frac, zone, sep, edits }) => {
      const p2 = (n: number) => String(n).padStart(2, '0');
      let t = `${y}-${p2(mo)}-${p2(d)}${sep}${p2(h)}:${p2(mi)}:${p2(s)}${frac}${zone}`;
      for (const [i, c] of edits) if (i < t.length) t = t.slice(0, i) + c + t.slice(i + 1);
      return t;
    });
  const outcome = (f: () => number) => {
    try {
      return { t: f() };
    } catch (e) {
      return { error: String((e as { detail?: { message: string } }).detail?.message ?? e) };
    }
  };

  it('reads a time exactly as the full reading does', () => {
    fc.assert(
      fc.property(nearIso, (s) => {
        expect(outcome(() => parseTime(s))).toEqual(outcome(() => fullReadings.parseTime(s)));
        const q = quickIsoTime(s);
        if (q >= 0) expect(q).toBe(fullReadings.parseTime(s));
      }),
      { numRuns: 20_000 },
    );
    // The quick reading takes the common forms itself.
    expect(quickIsoTime('2026-11-23T10:00:00Z')).toBe(Date.parse('2026-11-23T10:00:00Z'));
    expect(quickIsoTime('2026-11-23T10:00:00.123+08:00')).toBe(Date.parse('2026-11-23T02:00:00.123Z'));
    expect(quickIsoTime('2000-02-29T23:59:59-00:30')).toBe(Date.parse('2000-03-01T00:29:59Z'));
    expect(quickIsoTime('1970-01-01T00:00:00Z')).toBe(0);
    expect(quickIsoTime('1900-02-29T00:00:00Z')).toBe(-1);
  });

  const str = fc.oneof(fc.constantFrom('g-1', 'c-9', '', 'x'.repeat(1025), 'customer', 'member'), fc.string({ maxLength: 4 }));
  const value = fc.oneof(str, fc.constantFrom(undefined, null, 0, -1, 1.5, 3, true, {}, [], ['a'], ['a', 7], [null]));
  const maybe = <T,>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
  const sender = fc.oneof(
    fc.record({ id: maybe(value), kind: maybe(fc.oneof(fc.constantFrom('customer', 'member', 'visitor'), value)), identities: maybe(value), extra: maybe(value) }, { requiredKeys: [] }),
    value,
  );
  const message = fc.record(
    {
      type: fc.constantFrom('message', 'message', 'message', 'join'),
      group: value,
      owner: value,
      sender,
      text: value,
      links: value,
      miniprograms: value,
      cards: value,
      images: value,
      at: fc.oneof(nearIso, value, fc.constantFrom(0, 1795428000000, Number.MAX_SAFE_INTEGER + 2)),
      id: value,
      meta: value,
      link: value,
    },
    { requiredKeys: [] },
  );
  const common = fc.record({
    type: fc.constant('message'),
    group: fc.constantFrom('g-1', 'g-2'),
    sender: fc.record({ id: fc.constantFrom('c-1', 'c-2'), kind: fc.constantFrom('customer', 'member') }),
    text: fc.string(),
    links: fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
    miniprograms: fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
    at: fc.oneof(nearIso, fc.nat()),
  });

  it('reads a message exactly as the full reading does', () => {
    fc.assert(
      fc.property(fc.oneof(message, common), (event) => {
        const clock = () => 42;
        expect(parseEvent(event, clock)).toEqual(fullReadings.parseEvent(event, clock));
      }),
      { numRuns: 20_000 },
    );
  });

  it('asks the clock once, and only for an event without `at`', () => {
    let calls = 0;
    const clock = () => ++calls;
    const { at: _, ...noAt } = ok;
    expect(parseEvent(noAt, clock)).toMatchObject({ ok: true, event: { at: 1 } });
    expect(parseEvent(ok, clock)).toMatchObject({ ok: true });
    expect(calls).toBe(1);
  });

  it('refuses an unknown field that the event inherits', () => {
    const event = Object.assign(Object.create({ colour: 'red' }), ok);
    expect(errorOf({ ...ok, colour: 'red' })).toEqual({ code: 'hush/event/unknown-field', field: 'colour' });
    // Inherited fields are not the event's own: the full reading ignores them, and so does the fast path.
    expect(parseEvent(event)).toEqual(fullReadings.parseEvent(event));
  });
});

describe('the range of event times', () => {
  it('accepts the documented bounds and nothing outside them, on every reading', async () => {
    const { MAX_EVENT_TIME, MIN_EVENT_TIME } = await import('./time.ts');
    for (const read of [parseTime, fullReadings.parseTime]) {
      expect(read(MIN_EVENT_TIME)).toBe(0);
      expect(read(MAX_EVENT_TIME)).toBe(MAX_EVENT_TIME);
      expect(read('9999-12-31T23:59:59.999Z')).toBe(MAX_EVENT_TIME);
      expect(() => read(MAX_EVENT_TIME + 1)).toThrow();
      expect(() => read('9999-12-31T23:59:59.999-00:01')).toThrow();
    }
  });

  it('keeps a stream alive across far-future times and leaves no sanction that breaks a reader', async () => {
    const { createEngine } = await import('./engine.ts');
    const { decideLines } = await import('./jsonl.ts');
    const { interpretIr } = await import('../policy/interpreter.ts');
    const { irFromText } = await import('../../spec/testing/ir-from-text.ts');
    const { ladderPolicy } = await import('../testing/ladder-policy.ts');
    const engine = createEngine(interpretIr(irFromText(ladderPolicy(2))));
    const v = (at: unknown, id: string) => JSON.stringify({ type: 'violation', subject: 'm-1', category: 'harassment', severity: 'severe', id, at });
    const out = [...decideLines(engine, [v(9007199254740991, 'a'), v(8639999999999999, 'b'), v('2026-01-01T00:00:00Z', 'c')])].map((l) => JSON.parse(l));
    expect(out[0].error.code).toBe('hush/event/bad-time');
    expect(out[1].error.code).toBe('hush/event/bad-time');
    expect(out[2].sanctions.length).toBeGreaterThan(0);
    expect(() => engine.sanctions('m-1', Date.parse('2026-06-01T00:00:00Z'))).not.toThrow();
  });
});

describe('repeated keys', () => {
  it('refuses a line that repeats a key at any depth, escaped spellings included', () => {
    const code = (line: string) => {
      const r = parseEventLine(line);
      return r.ok ? null : r.error.code;
    };
    expect(code('{"type":"message","type":"join","group":"g","member":"m","at":1}')).toBe('hush/event/duplicate-key');
    expect(code('{"type":"message","group":"g","sender":{"id":"a","id":"b","kind":"customer"},"text":"x","at":1}')).toBe('hush/event/duplicate-key');
    expect(code('{"type":"message","\\u0074ype":"join","group":"g","member":"m","at":1}')).toBe('hush/event/duplicate-key');
    // Equal strings that are values, or keys of different objects, are no repetition.
    expect(code('{"type":"message","group":"type","sender":{"id":"type","kind":"customer"},"text":"\\"type\\":","links":["type"],"at":1}')).toBeNull();
  });

  it('agrees with a reference reading on random objects (fast-check)', () => {
    // The reference: keys repeat when a JSON text written with them has fewer keys after parsing.
    const key = fc.constantFrom('a', 'b', 'type', '\u0061', 'a"b', 'x\\y', ':');
    const obj = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.integer(), key, fc.array(tie('value'), { maxLength: 3 }), tie('obj')),
      obj: fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }),
    }));
    const write = (v: unknown): string =>
      Array.isArray(v) && v.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && !Array.isArray(e[0]))
        ? `{${(v as [string, unknown][]).map(([k, x]) => `${JSON.stringify(k)}:${write(x)}`).join(',')}}`
        : Array.isArray(v)
          ? `[${v.map(write).join(',')}]`
          : JSON.stringify(v);
    const repeats = (v: unknown): boolean =>
      Array.isArray(v) && v.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && !Array.isArray(e[0]))
        ? new Set((v as [string, unknown][]).map(([k]) => k)).size < v.length || (v as [string, unknown][]).some(([, x]) => repeats(x))
        : Array.isArray(v) && v.some(repeats);
    fc.assert(
      fc.property(obj.obj, (o) => {
        const line = write(o);
        expect(firstDuplicateKey(line) !== null).toBe(repeats(o));
      }),
      { numRuns: 500 },
    );
  });

  it('never lets the quick count (mayRepeatKey) pass a repeated key, whatever the spacing', () => {
    const key = fc.constantFrom('a', 'b', 'type', 'a"b', 'x\\y', ':', ' :', '" :', 'a\\');
    const obj = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.integer(), key, fc.array(tie('value'), { maxLength: 3 }), tie('obj')),
      obj: fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }),
    }));
    const space = fc.constantFrom('', ' ', '\t', '\n ', '\r\n');
    const isObj = (v: unknown) => Array.isArray(v) && v.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && !Array.isArray(e[0]));
    fc.assert(
      fc.property(obj.obj, fc.array(space, { minLength: 8, maxLength: 8 }), (o, ws) => {
        let w = 0;
        const sp = () => ws[w++ % ws.length];
        const write = (v: unknown): string =>
          isObj(v)
            ? `{${sp()}${(v as [string, unknown][]).map(([k, x]) => `${JSON.stringify(k)}${sp()}:${sp()}${write(x)}`).join(`${sp()},`)}}`
            : Array.isArray(v)
              ? `[${v.map(write).join(`,${sp()}`)}]`
              : JSON.stringify(v);
        const line = write(o);
        const repeated = firstDuplicateKey(line);
        if (repeated !== null) expect(mayRepeatKey(line, JSON.parse(line))).toBe(true);
        // Lines whose keys and strings hold no colon get the exact answer from the count alone.
        const colonInStrings = (v: unknown): boolean =>
          typeof v === 'string' ? v.includes(':') : Array.isArray(v) ? v.some(colonInStrings) : false;
        if (!colonInStrings(o)) expect(mayRepeatKey(line, JSON.parse(line))).toBe(repeated !== null);
      }),
      { numRuns: 1000 },
    );
    // A value that looks like a key end makes the count say "may"; the exact check then says no.
    const tricky = '{"type":"message","text":":","group":"g"}';
    expect(mayRepeatKey(tricky, JSON.parse(tricky))).toBe(true);
    expect(firstDuplicateKey(tricky)).toBeNull();
    expect(parseEventLine('{"type":"message","group":"g","sender":{"id":"a","kind":"customer"},"text":" :","at":1}').ok).toBe(true);
  });
});
