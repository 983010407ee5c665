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

/** The frame ages of one stream's most recent 2 s of frames (at most its last 512). */
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

  /**
   * The ages of the frames of the 2 s up to the newest one (a stream that stopped keeps its
   * last figures), or undefined before the first.
   */
  summary(): FrameAge | undefined {
    if (this.#written === 0) return undefined;
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
