/**
 * How old a server's frames are when they reach the application: the median and 99th percentile
 * over a recent window.
 *
 * @module
 */

import type { FrameAge } from "./types.ts";

/** The window of the recent ages, in milliseconds (as the recent frame rate's). */
const WINDOW_MS = 2000;
/** At most this many ages are kept (memory stays constant at any rate). */
const CAPACITY = 512;

/** The frame ages of one stream over the last 2 s (at most its last 512 frames). */
export class FrameAgeWindow {
  #at = new Float64Array(CAPACITY);
  #age = new Float64Array(CAPACITY);
  /** Ages written so far (the next slot is `#written % CAPACITY`). */
  #written = 0;

  /** A frame `ageMs` old reached the application at `now` (ms). */
  add(now: number, ageMs: number): void {
    const slot = this.#written % CAPACITY;
    this.#at[slot] = now;
    this.#age[slot] = ageMs;
    this.#written++;
  }

  /** The ages of the frames of the last 2 s before `now`, or undefined when there were none. */
  summary(now: number): FrameAge | undefined {
    const ages: number[] = [];
    const count = Math.min(this.#written, CAPACITY);
    for (let i = 0; i < count; i++) {
      if (now - this.#at[i] <= WINDOW_MS) ages.push(this.#age[i]);
    }
    if (ages.length === 0) return undefined;
    ages.sort((a, b) => a - b);
    const at = (q: number) => ages[Math.min(ages.length - 1, Math.ceil(q * ages.length) - 1)];
    return { p50: round(at(0.5)), p99: round(at(0.99)), frames: ages.length };
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
