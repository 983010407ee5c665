// Seeded randomness for tests, so that a failing run can be replayed with the seed it printed.

/** mulberry32: a small seeded PRNG giving floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed from environment variable `name`, or a fresh random one. */
export function seedFrom(name: string): number {
  const given = Deno.env.get(name);
  if (given !== undefined && given.trim() !== "") {
    const seed = Number(given);
    if (!Number.isInteger(seed) || seed < 0) {
      throw new RangeError(`Cannot use ${name}=${given}: give an integer seed >= 0`);
    }
    return seed;
  }
  return Math.floor(Math.random() * 2 ** 32);
}

/** A seeded random source with the helpers tests need. */
export class Random {
  readonly seed: number;
  readonly #next: () => number;

  constructor(seed: number) {
    this.seed = seed;
    this.#next = prng(seed);
  }

  /** A float in [0, 1). */
  float(): number {
    return this.#next();
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.#next() * n);
  }

  /** A float in [min, max). */
  between(min: number, max: number): number {
    return min + this.#next() * (max - min);
  }

  /** One of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** `n` random bytes. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const word = Math.floor(this.#next() * 4294967296);
      for (let k = 0; k < 4 && i + k < n; k++) out[i + k] = (word >>> (k * 8)) & 0xff;
    }
    return out;
  }
}
