/**
 * Deterministic randomness for the simulated world: a seeded mulberry32 stream and stable per-resource
 * draws (`unitFor`), so that the same seed always yields the same ids, timelines and outcomes. Nothing
 * here reads `Math.random` or the wall clock.
 *
 * Internal to the emulator.
 */

/** A seeded source of pseudo-random values. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
  /** Uniform float in [min, max). */
  between(min: number, max: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** `true` with the given probability. */
  chance(probability: number): boolean;
  /** A lowercase UUID v4, e.g. the Supply Chain `UUID` shape. */
  uuid(): string;
  /** `length` lowercase alphanumerics, the shape of DataZone ids (`5v8e1bk0x7ue7r`). */
  shortId(length?: number): string;
}

/** mulberry32: a small 32-bit PRNG, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A 32-bit hash of `text` mixed with `seed` (cyrb53 folded to 32 bits). */
export function hashString(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2_654_435_761);
    h2 = Math.imul(h2 ^ ch, 1_597_334_677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2_246_822_507) ^ Math.imul(h2 ^ (h2 >>> 13), 3_266_489_909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2_246_822_507) ^ Math.imul(h1 ^ (h1 >>> 13), 3_266_489_909);
  return (h1 ^ h2) >>> 0;
}

/** A stable draw in [0, 1) for one resource: the same seed and parts always give the same value. */
export function unitFor(seed: number, ...parts: string[]): number {
  return mulberry32(hashString(parts.join('\u0000'), seed))();
}

/** An independent stream for one resource, e.g. the activities of one run. */
export function rngFor(seed: number, ...parts: string[]): Rng {
  return createRng(hashString(parts.join('\u0000'), seed));
}

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

/**
 * A deterministic random source seeded with `seed` (mulberry32): the same seed gives the same sequence of
 * numbers, ids and picks on every machine.
 */
export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const chars = (alphabet: string, length: number): string => {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)];
    return out;
  };
  return {
    next,
    int,
    between: (min, max) => min + next() * (max - min),
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick needs a non-empty list');
      return items[Math.floor(next() * items.length)] as T;
    },
    chance: (probability) => next() < probability,
    uuid() {
      const variant = HEX[8 + Math.floor(next() * 4)];
      return `${chars(HEX, 8)}-${chars(HEX, 4)}-4${chars(HEX, 3)}-${variant}${chars(HEX, 3)}-${chars(HEX, 12)}`;
    },
    shortId: (length = 14) => chars(ALPHANUMERIC, length),
  };
}
