// callbackKey and RecentCallbacks: a retry (the same decrypted message) has the same key and gets
// the first copy's outcome without starting again; two events that differ only in a field other
// than FromUserName + CreateTime are two; the cache stays within its capacity and its time, and
// a forgotten key is decided again. A differential property against a naive oracle (every key
// ever seen, with its time) checks `duplicate` on random arrival sequences.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callbackKey, RecentCallbacks } from './callback-dedupe.ts';
import { readCallbackXml } from './callback-xml.ts';

const key = (text: string) => {
  const r = readCallbackXml(text, 1 << 20);
  if (!r.ok) throw new Error(r.message);
  return callbackKey(r.xml);
};

describe('callbackKey', () => {
  it('is the same for the same message, however it is laid out', () => {
    expect(key('<xml><A>1</A><B><![CDATA[x]]></B><L><Item>p</Item></L></xml>')).toBe(key('<xml>\n  <B>x</B>\n  <A>1</A>\n  <L><Item>p</Item></L>\n</xml>'));
  });

  it('differs when any field differs, even with the same FromUserName and CreateTime', () => {
    const base = '<xml><FromUserName>sys</FromUserName><CreateTime>1</CreateTime><ChatId>c1</ChatId><MemChangeList><Item>a</Item></MemChangeList></xml>';
    expect(key(base)).not.toBe(key(base.replace('c1', 'c2')));
    expect(key(base)).not.toBe(key(base.replace('<Item>a</Item>', '<Item>b</Item>')));
    // A field and a list of the same name and text are not one.
    expect(key('<xml><L>a</L></xml>')).not.toBe(key('<xml><L><Item>a</Item></L></xml>'));
  });
});

describe('RecentCallbacks', () => {
  it('gives a retry the first outcome, without starting it again', async () => {
    const recent = new RecentCallbacks<string>();
    let started = 0;
    const start = () => {
      started++;
      return Promise.resolve(`outcome ${started}`);
    };
    const first = recent.begin('k', 0, start);
    const retry = recent.begin('k', 5000, start);
    expect([first.duplicate, retry.duplicate, started]).toEqual([false, true, 1]);
    expect(await retry.outcome).toBe('outcome 1');
  });

  it('a forgotten key is decided again; forgetting an older outcome keeps the newer copy', () => {
    const recent = new RecentCallbacks<number>();
    const first = recent.begin('k', 0, () => Promise.resolve(1));
    recent.forget('k', first.outcome);
    const second = recent.begin('k', 1, () => Promise.resolve(2));
    expect(second.duplicate).toBe(false);
    recent.forget('k', first.outcome);
    expect(recent.begin('k', 2, () => Promise.resolve(3))).toMatchObject({ duplicate: true, outcome: second.outcome });
  });

  it('agrees with a naive oracle and stays within its bounds', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 50 })), { maxLength: 300 }), fc.integer({ min: 1, max: 20 }), (arrivals, capacity) => {
        const ttlMs = 100;
        const recent = new RecentCallbacks<void>({ capacity, ttlMs });
        // The oracle: keys in order of first arrival (with its time), kept while younger than ttl
        // and among the `capacity` newest.
        let kept: [string, number][] = [];
        let now = 0;
        for (const [k, dt] of arrivals) {
          now += dt;
          const name = `k${k}`;
          kept = kept.filter(([, at]) => now - at < ttlMs);
          const expected = kept.some(([n]) => n === name);
          const r = recent.begin(name, now, () => Promise.resolve());
          expect(r.duplicate).toBe(expected);
          if (!expected) kept.push([name, now]);
          kept = kept.slice(-capacity);
          expect(recent.size).toBeLessThanOrEqual(capacity);
        }
      }),
      { numRuns: 300 },
    );
  });
});
