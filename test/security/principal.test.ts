/**
 * The pure parts of authorization: `scopeKeyOf` (equal exactly for principals that see the same
 * resources), the token bucket (on an injected clock), and the connection counter.
 */
import { describe, expect, it } from 'vitest';
import { createConnectionCounter, createRateLimiter } from '../../src/server/auth/limits.js';
import { ANONYMOUS, scopeKeyOf, type Principal } from '../../src/server/auth/principal.js';

const p = (over: Partial<Principal>): Principal => ({
  id: 'x',
  method: 'apikey',
  scopes: ['loads:read'],
  instances: ['a', 'b'],
  domains: ['d'],
  ...over,
});

describe('scopeKeyOf', () => {
  it('is equal for principals that may see the same resources, whoever and however they are', () => {
    expect(scopeKeyOf(p({ id: 'one' }))).toBe(scopeKeyOf(p({ id: 'two', method: 'jwt' })));
    expect(scopeKeyOf(p({ instances: ['b', 'a', 'a'] }))).toBe(scopeKeyOf(p({})));
    expect(scopeKeyOf(p({ scopes: ['loads:read', 'events:send'] }))).toBe(scopeKeyOf(p({})));
    expect(scopeKeyOf(p({ instances: ['*', 'a'], domains: ['*'] }))).toBe(scopeKeyOf(ANONYMOUS));
  });

  it('differs when the instances, domains or read scope differ', () => {
    const keys = [
      p({}),
      p({ instances: ['a'] }),
      p({ domains: ['e'] }),
      p({ scopes: ['events:send'] }),
      p({ instances: ['a,b'] }),
      ANONYMOUS,
    ].map(scopeKeyOf);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('rate limiter', () => {
  it('lets a burst through, then one request per refill, per key, and says when to retry', () => {
    let now = 0;
    const limiter = createRateLimiter({ perSecond: 2, burst: 3 }, () => now);
    expect([1, 2, 3].map(() => limiter.take('a'))).toEqual([undefined, undefined, undefined]);
    expect(limiter.take('a')).toBe(1);
    expect(limiter.take('b')).toBeUndefined();
    now = 500;
    expect(limiter.take('a')).toBeUndefined();
    expect(limiter.take('a')).toBe(1);
  });

  it('says when a key has no token without taking one', () => {
    let now = 0;
    const limiter = createRateLimiter({ perSecond: 1, burst: 1 }, () => now);
    expect(limiter.wait('a')).toBeUndefined();
    expect(limiter.wait('a')).toBeUndefined();
    expect(limiter.take('a')).toBeUndefined();
    expect(limiter.wait('a')).toBe(1);
    now = 1000;
    expect(limiter.wait('a')).toBeUndefined();
  });

  it('is off at 0 per second', () => {
    const limiter = createRateLimiter({ perSecond: 0, burst: 1 });
    expect(Array.from({ length: 10 }, () => limiter.take('a'))).toEqual(Array(10).fill(undefined));
  });
});

describe('connection counter', () => {
  it('counts open connections per key up to the limit', () => {
    const counter = createConnectionCounter(2);
    expect([counter.open('a'), counter.open('a'), counter.open('a'), counter.open('b')]).toEqual([
      true,
      true,
      false,
      true,
    ]);
    counter.close('a');
    expect(counter.open('a')).toBe(true);
  });
});
