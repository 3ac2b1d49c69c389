import { describe, expect, it } from 'vitest';
import { MemoryStore } from './memory-store.ts';

describe('MemoryStore', () => {
  it('counts the window (at - D, at], this message included', () => {
    const s = new MemoryStore();
    expect(s.recordMessage('g', 'c', 0, 100)).toBe(1);
    expect(s.countMessages('g', 'c', 0, 10)).toBe(1);
    expect(s.recordMessage('g', 'c', 5, 10)).toBe(2);
    expect(s.recordMessage('g', 'c', 10, 10)).toBe(2);
    expect(s.countMessages('g', 'c', 10, 100)).toBe(3);
    expect(s.countMessages('g', 'other', 10, 100)).toBe(0);
    expect(s.countMessages('other', 'c', 10, 100)).toBe(0);
  });

  it('keeps entries for the longest window asked about', () => {
    const s = new MemoryStore();
    for (let t = 0; t < 100; t++) s.recordMessage('g', 'c', t, 5);
    s.countMessages('g', 'c', 99, 50);
    expect(s.recordMessage('g', 'c', 100, 5)).toBe(5);
    // Entries older than the 5-unit window were dropped before the 50-unit window was known.
    expect(s.countMessages('g', 'c', 100, 50)).toBeLessThanOrEqual(50);
    expect(s.recordMessage('g', 'c', 101, 50)).toBe(7);
  });

  it('inserts an out-of-order message in time order', () => {
    const s = new MemoryStore();
    s.recordMessage('g', 'c', 10, 100);
    s.recordMessage('g', 'c', 30, 100);
    expect(s.recordMessage('g', 'c', 20, 100)).toBe(2);
    expect(s.countMessages('g', 'c', 30, 15)).toBe(2);
  });

  it('sweeps windows idle for their longest window plus an hour of wall clock, never by event time', () => {
    let now = 1_000_000;
    const s = new MemoryStore({ sweepEveryMs: 5, now: () => now });
    s.recordMessage('g', 'idle', 0, 10);
    s.recordMessage('g', 'busy', 500, 10);
    // A message ten years ahead in event time sweeps nothing (trust item 8).
    s.recordMessage('g', 'spoof', 10 * 365 * 86_400_000, 10);
    expect(s.windowCount).toBe(3);
    expect(s.recordMessage('g', 'idle', 1, 10)).toBe(2);
    now += 3_600_000 + 5;
    s.recordMessage('g', 'busy', 5000, 10);
    expect(s.windowCount).toBe(3);
    now += 10;
    s.recordMessage('g', 'busy', 5001, 10);
    expect(s.windowCount).toBe(1);
    expect(s.countMessages('g', 'idle', 1, 10)).toBe(0);
    expect(s.countMessages('g', 'busy', 5001, 10)).toBe(2);
    // An expired window is forgotten when asked about, before any sweep.
    now += 3_600_000 + 10;
    expect(s.recordMessage('g', 'busy', 5002, 10)).toBe(1);
  });

  it('keeps every (group, sender) apart, even ids that hold the separator of a joined key', () => {
    const s = new MemoryStore();
    s.mute('a\u0000b', 'c', 100);
    expect(s.mutedUntil('a', 'b\u0000c')).toBeNull();
    s.recordJoin('a', 'b\u0000c', 5);
    expect(s.joinedAt('a\u0000b', 'c')).toBeNull();
    s.recordMessage('a\u0000b', 'c', 0, 10);
    expect(s.countMessages('a', 'b\u0000c', 0, 10)).toBe(0);
    s.blacklist('group', 'a', 'b\u0000c', 0);
    expect(s.blacklistEntry('group', 'a\u0000b', 'c')).toBeNull();
    expect(s.blacklistEntry('group', 'a', 'b\u0000c')).toEqual({ scope: 'group', key: 'a', at: 0 });
  });

  it('keeps the later end of two mutes, the latest join and the first blacklisting', () => {
    const s = new MemoryStore();
    s.mute('g', 'c', 100);
    s.mute('g', 'c', 50);
    expect(s.mutedUntil('g', 'c')).toBe(100);
    expect(s.mutedUntil('g2', 'c')).toBeNull();
    s.recordJoin('g', 'c', 1);
    s.recordJoin('g', 'c', 9);
    expect(s.joinedAt('g', 'c')).toBe(9);
    s.blacklist('personal', 'li.lei', 'c', 5);
    s.blacklist('personal', 'li.lei', 'c', 8);
    expect(s.blacklistEntry('personal', 'li.lei', 'c')).toEqual({ scope: 'personal', key: 'li.lei', at: 5 });
    expect(s.blacklistEntry('personal', 'han.mei', 'c')).toBeNull();
    expect(s.blacklistEntry('enterprise', '', 'c')).toBeNull();
  });
});
