import { describe, expect, it } from 'vitest';
import { parseEvent, parseEventLine, parseTime } from './events.ts';

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
