/**
 * How old a server's frames are when they reach the application: the median and 99th percentile
 * over its most recent frames.
 *
 * @module
 */

import type { FrameAge } from "./types.ts";

/** The window of the recent ages, in milliseconds (as the recent frame rate's). */
const WINDOW_MS = 2000;
/** At most this many ages are kept (memory stays constant at any rate). */
const CAPACITY = 512;
/** The figures are worked out at most this often (a viewer may ask on every frame). */
const REFRESH_MS = 200;

/** The frame ages of one stream's most recent 2 s of frames (at most its last 512). */
export class FrameAgeWindow {
  #at = new Float64Array(CAPACITY);
  #age = new Float64Array(CAPACITY);
  /** Ages written so far (the next slot is `#written % CAPACITY`). */
  #written = 0;
  #summary: FrameAge | undefined;
  /** When `#summary` was worked out (`performance.now()`), and how many ages had come by then. */
  #summarizedAt = -Infinity;
  #summarizedWritten = 0;

  /** A frame `ageMs` old reached the application at `now` (ms). */
  add(now: number, ageMs: number): void {
    const slot = this.#written % CAPACITY;
    this.#at[slot] = now;
    this.#age[slot] = ageMs;
    this.#written++;
  }

  /**
   * The ages of the frames of the 2 s up to the newest one (a stream that stopped keeps its
   * last figures), or undefined before the first. Worked out again at most every 200 ms.
   */
  summary(): FrameAge | undefined {
    if (this.#written === this.#summarizedWritten) return this.#summary;
    const now = performance.now();
    if (now - this.#summarizedAt < REFRESH_MS) return this.#summary;
    this.#summarizedAt = now;
    this.#summarizedWritten = this.#written;
    this.#summary = this.#compute();
    return this.#summary;
  }

  #compute(): FrameAge | undefined {
    const newest = this.#at[(this.#written - 1) % CAPACITY];
    const ages: number[] = [];
    const count = Math.min(this.#written, CAPACITY);
    for (let i = 0; i < count; i++) {
      if (newest - this.#at[i] <= WINDOW_MS) ages.push(this.#age[i]);
    }
    ages.sort((a, b) => a - b);
    const at = (q: number) => ages[Math.min(ages.length - 1, Math.ceil(q * ages.length) - 1)];
    return { p50: round(at(0.5)), p99: round(at(0.99)), frames: ages.length };
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
