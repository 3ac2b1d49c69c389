// redisTarget: a Redis store specification is read strictly, before ioredis sees it.
import { describe, expect, it } from 'vitest';
import { redisTarget } from './redis-target.ts';
import { StoreError } from './store.ts';

function refusal(spec: string): StoreError {
  try {
    redisTarget(spec);
  } catch (e) {
    expect(e).toBeInstanceOf(StoreError);
    return e as StoreError;
  }
  throw new Error(`accepted ${spec}`);
}

describe('redisTarget', () => {
  it('reads host, port, database and prefix', () => {
    expect(redisTarget('redis://127.0.0.1:6380/3?prefix=hush:shop-1:')).toEqual({ url: 'redis://127.0.0.1:6380', db: 3, prefix: 'hush:shop-1:', address: '127.0.0.1:6380' });
    expect(redisTarget('redis://cache')).toEqual({ url: 'redis://cache', db: 0, prefix: undefined, address: 'cache:6379' });
    expect(redisTarget('rediss://cache:6390/').db).toBe(0);
    expect(redisTarget('redis://[::1]:6379/0').address).toBe('[::1]:6379');
  });

  it('keeps credentials for the connection and out of messages', () => {
    const t = redisTarget('redis://user:s3cret@cache:6379/1');
    expect(t.url).toBe('redis://user:s3cret@cache:6379');
    expect(t.address).toBe('cache:6379');
    const e = refusal('redis://user:s3cret@cache:99999/1');
    expect(e.message + e.where).not.toContain('s3cret');
  });

  it.each([
    ['redis://cache:99999', /port/],
    ['redis://cache:0', /port 0 is outside/],
    ['redis://cache:abc', /not a URL|port "abc"/],
    ['redis://cache:-1', /not a URL|port/],
    ['redis://cache/abc', /database "abc" is not a number/],
    ['redis://cache/1.5', /database "1.5" is not a number/],
    ['redis://cache/-1', /database "-1"/],
    ['redis://cache/1/2', /database "1\/2"/],
    ['redis://cache/1?db=2', /unknown parameter "db"/],
    ['redis://cache/1?prefix=', /prefix is empty/],
    ['redis:///1', /no host/],
    ['http://cache:6379', /scheme/],
    ['redis://', /not a URL|no host/],
  ])('refuses %s with hush/store/bad-option', (spec, why) => {
    const e = refusal(spec);
    expect(e.code).toBe('hush/store/bad-option');
    expect(e.message).toMatch(why);
  });
});
