/** The scale-out settings: Redis URL, per-operation rates, and their bad values named with what is allowed. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('scale-out settings', () => {
  it('parses the Redis URL and the per-operation rates', () => {
    const config = loadConfig({
      REDIS_URL: 'redis://:secret@redis.internal:6380/2',
      REDIS_KEY_PREFIX: 'lg-prod:',
      LIVE_LEASE_TTL_MS: '5000',
      LIVE_SHARED_RATE_PER_SECOND: '8',
      LIVE_SHARED_RATE_BY_OPERATION: 'GetDataSourceRun=3,ListDataSourceRuns=1',
    });
    expect(config.scaleOut).toMatchObject({
      redisUrl: 'redis://:secret@redis.internal:6380/2',
      keyPrefix: 'lg-prod:',
      leaseTtlMs: 5_000,
      ratePerSecond: 8,
      operationRates: { GetDataSourceRun: 3, ListDataSourceRuns: 1 },
    });
  });

  it.each([
    ['REDIS_URL', 'http://redis:6379'],
    ['REDIS_KEY_PREFIX', 'has spaces'],
    ['LIVE_LEASE_TTL_MS', '50'],
    ['LIVE_SHARED_RATE_BY_OPERATION', 'GetDataSourceRun=0'],
    ['LIVE_SHARED_RATE_BY_OPERATION', 'GetDataSourceRun:3'],
  ])('rejects %s=%s, naming it', (name, value) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(1);
    expect((error as ConfigError).problems[0]).toMatch(new RegExp(`^${name}=`));
  });

  it('never echoes a bad REDIS_URL, which may carry a password', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://:hunter2@redis' })).toThrow(/characters, not shown/);
    expect(() => loadConfig({ REDIS_URL: 'http://:hunter2@redis' })).not.toThrow(/hunter2/);
  });
});
