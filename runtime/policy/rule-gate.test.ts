// The rule gate (rule-gate.ts) that both implementations share: windows of the day at an offset,
// across midnight, ends exclusive, days as local dates, the union of both, and exemptions.
import { describe, expect, it } from 'vitest';
import { ruleGate, windowHolds } from './rule-gate.ts';

const at = (iso: string) => Date.parse(iso);
const msg = (iso: string, id = 'c-1') => ({ sender: { id }, at: at(iso) });

describe('windowHolds', () => {
  const night = { times: [{ start: 22 * 60, end: 7 * 60 }], utcOffsetMinutes: 480 };
  it('holds a window that crosses midnight, start included, end excluded, at the offset', () => {
    const holds = (iso: string) => windowHolds(night, new Set(), at(iso));
    expect(holds('2026-06-01T13:59:59Z')).toBe(false); // 21:59:59 at +08:00
    expect(holds('2026-06-01T14:00:00Z')).toBe(true); // 22:00
    expect(holds('2026-06-01T16:00:00Z')).toBe(true); // 00:00
    expect(holds('2026-06-01T22:59:59Z')).toBe(true); // 06:59:59
    expect(holds('2026-06-01T23:00:00Z')).toBe(false); // 07:00
  });

  it('holds a window within a day, and reads a negative offset and times before 1970', () => {
    const lunch = { times: [{ start: 12 * 60, end: 13 * 60 }], utcOffsetMinutes: -330 };
    expect(windowHolds(lunch, new Set(), at('2026-06-01T17:30:00Z'))).toBe(true); // 12:00 at -05:30
    expect(windowHolds(lunch, new Set(), at('2026-06-01T18:30:00Z'))).toBe(false); // 13:00
    expect(windowHolds(lunch, new Set(), at('1969-12-31T17:45:00Z'))).toBe(true); // 12:15 local
  });

  it('never holds an empty window', () => {
    expect(windowHolds({ times: [{ start: 600, end: 600 }], utcOffsetMinutes: 0 }, new Set(), at('2026-06-01T10:00:00Z'))).toBe(false);
  });
});

describe('ruleGate', () => {
  it('is null for a rule with neither exemptions nor windows', () => {
    expect(ruleGate({})).toBeNull();
  });

  it('opens on the local dates of its days, and in its windows: the union', () => {
    const gate = ruleGate({ window: { times: [{ start: 12 * 60, end: 13 * 60 }], days: ['2026-06-07'], utcOffsetMinutes: 480 } })!;
    expect(gate(msg('2026-06-06T15:59:59Z'))).toBe(false); // 06-06 23:59:59 local
    expect(gate(msg('2026-06-06T16:00:00Z'))).toBe(true); // 06-07 00:00 local
    expect(gate(msg('2026-06-07T15:59:59Z'))).toBe(true); // 06-07 23:59:59 local
    expect(gate(msg('2026-06-07T16:00:00Z'))).toBe(false); // 06-08 00:00 local
    expect(gate(msg('2026-06-08T04:30:00Z'))).toBe(true); // 06-08 12:30 local
  });

  it('shuts for the customers it exempts, at any time', () => {
    const gate = ruleGate({ exempt: ['c-vip'], window: { times: [{ start: 0, end: 1439 }], days: [], utcOffsetMinutes: 0 } })!;
    expect(gate(msg('2026-06-01T10:00:00Z', 'c-vip'))).toBe(false);
    expect(gate(msg('2026-06-01T10:00:00Z', 'c-1'))).toBe(true);
    expect(ruleGate({ exempt: ['c-vip'] })!(msg('2026-06-01T10:00:00Z', 'c-vip'))).toBe(false);
  });
});
