/**
 * The emulator clock over an injected real-time source: it starts where told, runs at `speed`, jumps on
 * `advance`, and changes speed without jumping.
 */
import { describe, expect, it } from 'vitest';
import { createClock } from '../../src/emulator/clock.js';

/** A real-time source the test moves by hand. */
function createRealTime(start = 1_700_000_000_000) {
  let t = start;
  return {
    now: () => t,
    pass(ms: number) {
      t += ms;
    },
  };
}

describe('createClock', () => {
  it('starts at startMs and runs at real speed by default', () => {
    const real = createRealTime();
    const clock = createClock({ startMs: 5_000, realNow: real.now });
    expect(clock.now()).toBe(5_000);
    real.pass(1_234);
    expect(clock.now()).toBe(6_234);
    expect(clock.speed).toBe(1);
  });

  it('starts at the real now when no startMs is given', () => {
    const real = createRealTime(42_000);
    expect(createClock({ realNow: real.now }).now()).toBe(42_000);
  });

  it('runs `speed` simulated ms per real ms', () => {
    const real = createRealTime();
    const clock = createClock({ startMs: 0, speed: 60, realNow: real.now });
    real.pass(1_000);
    expect(clock.now()).toBe(60_000);
  });

  it('rounds fractional simulated time down to whole ms', () => {
    const real = createRealTime();
    const clock = createClock({ startMs: 0, speed: 0.5, realNow: real.now });
    real.pass(3);
    expect(clock.now()).toBe(1);
  });

  it('is frozen at speed 0: only advance moves it', () => {
    const real = createRealTime();
    const clock = createClock({ startMs: 10_000, speed: 0, realNow: real.now });
    real.pass(60_000);
    expect(clock.now()).toBe(10_000);
    clock.advance(2_500);
    expect(clock.now()).toBe(12_500);
    clock.advance(0);
    expect(clock.now()).toBe(12_500);
  });

  it('adds advances on top of running time', () => {
    const real = createRealTime();
    const clock = createClock({ startMs: 0, speed: 2, realNow: real.now });
    real.pass(100);
    clock.advance(1_000);
    real.pass(100);
    expect(clock.now()).toBe(1_400);
  });

  it.each([-1, Number.NaN])('refuses to advance by %s', (ms) => {
    const clock = createClock({ startMs: 0, speed: 0, realNow: () => 0 });
    expect(() => clock.advance(ms)).toThrow(RangeError);
    expect(clock.now()).toBe(0);
  });

  it('changes speed without jumping: time so far is kept, later time runs at the new speed', () => {
    const real = createRealTime();
    const clock = createClock({ startMs: 0, speed: 10, realNow: real.now });
    real.pass(100); // 1_000 simulated
    clock.setSpeed(0);
    expect(clock.now()).toBe(1_000);
    expect(clock.speed).toBe(0);
    real.pass(5_000);
    expect(clock.now()).toBe(1_000);
    clock.setSpeed(1);
    real.pass(50);
    expect(clock.now()).toBe(1_050);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuses speed %s and keeps the old one', (speed) => {
    const real = createRealTime();
    const clock = createClock({ startMs: 0, speed: 3, realNow: real.now });
    expect(() => clock.setSpeed(speed)).toThrow(RangeError);
    expect(clock.speed).toBe(3);
    real.pass(10);
    expect(clock.now()).toBe(30);
  });
});
