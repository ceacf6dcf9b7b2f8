/**
 * Injected emulator faults: counted, percentage (seeded, so reproducible), per operation, and latency
 * that adds up; plus the schema the control API validates specs with.
 */
import { describe, expect, it } from 'vitest';
import { FaultInjector, faultSpecSchema, seededRandom } from '../../src/emulator/faults.js';

const spec = (input: Record<string, unknown>) => faultSpecSchema.parse(input);
const decisions = (injector: FaultInjector, operation: string, n: number) =>
  Array.from({ length: n }, () => injector.decide(operation));
const fails = (injector: FaultInjector, operation: string, n: number): boolean[] =>
  decisions(injector, operation, n).map((d) => d.failure !== undefined);

describe('FaultInjector', () => {
  it('lets every call through when no fault is set', () => {
    expect(new FaultInjector(1).decide('GetInstance')).toEqual({ latencyMs: 0 });
  });

  it('fires a counted fault for the next N calls, then removes it', () => {
    const injector = new FaultInjector(1);
    const fault = injector.add(spec({ kind: 'throttle', count: 2 }));
    expect(decisions(injector, 'GetInstance', 3)).toEqual([
      { latencyMs: 0, failure: { kind: 'throttle' } },
      { latencyMs: 0, failure: { kind: 'throttle' } },
      { latencyMs: 0 },
    ]);
    expect(fault.fired).toBe(2);
    expect(injector.list()).toEqual([]);
  });

  it('keeps an uncounted fault until cleared', () => {
    const injector = new FaultInjector(1);
    injector.add(spec({ kind: 'drop' }));
    expect(fails(injector, 'GetDomain', 5)).toEqual([true, true, true, true, true]);
    expect(injector.list()).toHaveLength(1);
    injector.clear();
    expect(injector.decide('GetDomain')).toEqual({ latencyMs: 0 });
  });

  it('answers an error fault with its status (500 by default)', () => {
    const injector = new FaultInjector(1);
    injector.add(spec({ kind: 'error', count: 1 }));
    injector.add(spec({ kind: 'error', status: 503, count: 1 }));
    expect(injector.decide('X').failure).toEqual({ kind: 'error', status: 500 });
    expect(injector.decide('X').failure).toEqual({ kind: 'error', status: 503 });
  });

  it('applies a fault to its operation only; "*" applies to all', () => {
    const injector = new FaultInjector(1);
    injector.add(spec({ operation: 'GetDataIntegrationEvent', kind: 'throttle' }));
    expect(injector.decide('GetDataIntegrationEvent').failure).toEqual({ kind: 'throttle' });
    expect(injector.decide('ListDataIntegrationEvents')).toEqual({ latencyMs: 0 });
    injector.add(spec({ kind: 'drop' }));
    expect(injector.decide('ListDataIntegrationEvents').failure).toEqual({ kind: 'drop' });
  });

  it('does not consume a counted fault on calls of other operations', () => {
    const injector = new FaultInjector(1);
    const fault = injector.add(spec({ operation: 'GetDomain', kind: 'throttle', count: 1 }));
    injector.decide('GetDataSource');
    expect(fault.fired).toBe(0);
    expect(injector.decide('GetDomain').failure).toEqual({ kind: 'throttle' });
  });

  it('lets the first matching failure decide, without consuming the later ones', () => {
    const injector = new FaultInjector(1);
    injector.add(spec({ kind: 'throttle', count: 1 }));
    const second = injector.add(spec({ kind: 'error', status: 502, count: 1 }));
    expect(injector.decide('X').failure).toEqual({ kind: 'throttle' });
    expect(second.fired).toBe(0);
    expect(injector.decide('X').failure).toEqual({ kind: 'error', status: 502 });
  });

  it('adds up the latency of every matching latency fault, with or without a failure', () => {
    const injector = new FaultInjector(1);
    injector.add(spec({ kind: 'latency', latencyMs: 100 }));
    injector.add(spec({ kind: 'throttle', count: 1 }));
    injector.add(spec({ operation: 'GetInstance', kind: 'latency', latencyMs: 250 }));
    injector.add(spec({ operation: 'GetDomain', kind: 'latency', latencyMs: 9_999 }));
    expect(injector.decide('GetInstance')).toEqual({ latencyMs: 350, failure: { kind: 'throttle' } });
    expect(injector.decide('GetInstance')).toEqual({ latencyMs: 350 });
  });

  it('numbers faults from 1', () => {
    const injector = new FaultInjector(1);
    expect(injector.add(spec({ kind: 'drop' })).id).toBe(1);
    expect(injector.add(spec({ kind: 'drop' })).id).toBe(2);
  });

  describe('percent', () => {
    it('never fires at 0% and always at 100%', () => {
      const never = new FaultInjector(7);
      never.add(spec({ kind: 'throttle', percent: 0 }));
      expect(fails(never, 'X', 200).some(Boolean)).toBe(false);
      const always = new FaultInjector(7);
      always.add(spec({ kind: 'throttle', percent: 100 }));
      expect(fails(always, 'X', 200).every(Boolean)).toBe(true);
    });

    it('fires for about the given share of calls', () => {
      const injector = new FaultInjector(3);
      injector.add(spec({ kind: 'error', percent: 25 }));
      const fired = fails(injector, 'X', 2_000).filter(Boolean).length;
      expect(fired).toBeGreaterThan(400);
      expect(fired).toBeLessThan(600);
    });

    it('is reproducible with the same seed', () => {
      const run = (seed: number) => {
        const injector = new FaultInjector(seed);
        injector.add(spec({ kind: 'throttle', percent: 50 }));
        return fails(injector, 'X', 64);
      };
      expect(run(42)).toEqual(run(42));
      expect(run(42)).not.toEqual(run(43));
    });

    it('restarts the sequence when cleared with a seed', () => {
      const fresh = new FaultInjector(9);
      fresh.add(spec({ kind: 'drop', percent: 50 }));
      const expected = fails(fresh, 'X', 32);

      const reused = new FaultInjector(1);
      reused.add(spec({ kind: 'drop', percent: 50 }));
      fails(reused, 'X', 17);
      reused.clear(9);
      reused.add(spec({ kind: 'drop', percent: 50 }));
      expect(fails(reused, 'X', 32)).toEqual(expected);
    });

    it('counts only the calls it fired for toward `count`', () => {
      const injector = new FaultInjector(5);
      const fault = injector.add(spec({ kind: 'throttle', percent: 50, count: 3 }));
      const outcomes = fails(injector, 'X', 200);
      expect(outcomes.filter(Boolean)).toHaveLength(3);
      expect(fault.fired).toBe(3);
      expect(injector.list()).toEqual([]);
    });
  });
});

describe('seededRandom', () => {
  it('yields the same sequence in [0, 1) for one seed', () => {
    const a = seededRandom(123);
    const b = seededRandom(123);
    const xs = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(xs);
    for (const x of xs) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});

describe('faultSpecSchema', () => {
  it('fills in the operation "*" and states what a fault answers', () => {
    expect(faultSpecSchema.parse({ kind: 'throttle' })).toEqual({
      kind: 'throttle',
      operation: '*',
      status: 429,
      answer: '429 ThrottlingException',
    });
    expect(faultSpecSchema.parse({ kind: 'error' })).toMatchObject({
      status: 500,
      answer: '500 InternalServerException',
    });
    expect(faultSpecSchema.parse({ kind: 'error', status: 503 })).toMatchObject({
      status: 503,
      answer: '503 ServiceUnavailableException',
    });
    expect(faultSpecSchema.parse({ kind: 'throttle', status: 429 })).toMatchObject({ status: 429 });
    expect(faultSpecSchema.parse({ kind: 'drop' })).not.toHaveProperty('status');
    expect(faultSpecSchema.parse({ kind: 'latency', latencyMs: 5 })).toEqual({
      kind: 'latency',
      operation: '*',
      latencyMs: 5,
      answer: 'the normal answer, 5 ms late',
    });
  });

  it('accepts a latency fault with latencyMs', () => {
    expect(
      faultSpecSchema.safeParse({ kind: 'latency', latencyMs: 600_000, operation: 'GetDomain' }).success,
    ).toBe(true);
  });

  it.each([
    ['an unknown kind', { kind: 'explode' }],
    ['no kind', { operation: 'GetDomain' }],
    ['a latency fault without latencyMs', { kind: 'latency' }],
    ['latencyMs over ten minutes', { kind: 'latency', latencyMs: 600_001 }],
    ['a negative latencyMs', { kind: 'latency', latencyMs: -1 }],
    ['a status that is not a 5xx AWS answers', { kind: 'error', status: 418 }],
    ['a percent over 100', { kind: 'error', percent: 101 }],
    ['a negative percent', { kind: 'error', percent: -1 }],
    ['a zero count', { kind: 'drop', count: 0 }],
    ['a fractional count', { kind: 'drop', count: 1.5 }],
    ['an empty operation', { kind: 'drop', operation: '' }],
    ['an unknown key', { kind: 'drop', times: 3 }],
    ['a count given as text', { kind: 'drop', count: '3' }],
    ['a 5xx status on a throttle fault (it answers 429)', { kind: 'throttle', status: 500 }],
    ['status 429 on an error fault (that is a throttle)', { kind: 'error', status: 429 }],
    ['a status on a drop fault', { kind: 'drop', status: 503 }],
  ])('rejects %s', (_what, input) => {
    expect(faultSpecSchema.safeParse(input).success).toBe(false);
  });

  it('says what a latency fault is missing', () => {
    const result = faultSpecSchema.safeParse({ kind: 'latency' });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({
      path: ['latencyMs'],
      message: "a 'latency' fault needs latencyMs",
    });
  });
});
