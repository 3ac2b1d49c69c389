// The stream URL is read strictly: every part named in a refusal, nothing guessed.
import { describe, expect, it } from 'vitest';
import { streamTarget } from './stream-target.ts';
import { WorkerError } from './worker-error.ts';

describe('streamTarget', () => {
  it('reads the server, the database and the stream', () => {
    expect(streamTarget('redis://127.0.0.1:6379/3/events')).toEqual({ url: 'redis://127.0.0.1:6379', db: 3, stream: 'events', address: '127.0.0.1:6379', server: 'redis://127.0.0.1:6379/3' });
    expect(streamTarget('redis://cache.internal/events')).toMatchObject({ db: 0, stream: 'events', address: 'cache.internal:6379', server: 'redis://cache.internal/0' });
    expect(streamTarget('rediss://u:secret@h:7000/1/shop%3Aevents')).toMatchObject({ url: 'rediss://u:secret@h:7000', db: 1, stream: 'shop:events', address: 'h:7000' });
    expect(streamTarget('redis://[::1]:6380/0/ev')).toMatchObject({ db: 0, stream: 'ev', address: '[::1]:6380' });
  });

  const refusals: [string, RegExp][] = [
    ['http://h/events', /scheme/],
    ['redis://h:99999/events', /port 99999/],
    ['redis://h:abc/events', /port "abc"/],
    ['redis://h', /no stream/],
    ['redis://h/', /no stream/],
    ['redis://h/3', /all digits/],
    ['redis://h/x/events', /database "x"/],
    ['redis://h/1/2/events', /3 segments/],
    ['redis://h//events', /empty segment/],
    ['redis://h/events?prefix=a', /no parameters/],
    ['redis://h/events#x', /no fragment/],
    ['redis://h/%E0%A4%A', /percent-encoding/],
    ['not a url', /not a URL/],
  ];
  for (const [spec, why] of refusals) {
    it(`refuses ${spec}`, () => {
      let err: unknown;
      try {
        streamTarget(spec);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(WorkerError);
      expect((err as WorkerError).code).toBe('hush/worker/bad-stream');
      expect((err as WorkerError).message).toMatch(why);
    });
  }

  it('never repeats a password in a refusal', () => {
    try {
      streamTarget('redis://u:hunter2@h/1/2/3');
    } catch (e) {
      expect((e as WorkerError).where).not.toContain('hunter2');
      expect((e as WorkerError).message).not.toContain('hunter2');
      return;
    }
    throw new Error('not refused');
  });
});
