/**
 * The rate control of a live sender (`live: true`): it lowers the JPEG quality, then the frame
 * rate, while its link is congested, and raises them again once the link keeps up.
 *
 * What "congested" means depends on the pattern; the sender tells it:
 * - pattern 2 (PUB): a frame found a receiver's queue full (libzmq's send high-water mark, kept
 *   small in live mode, and the kernel's send buffer behind it);
 * - patterns 0 and 1 (lock step): the round trips take most of the time between frames (and
 *   over 15 ms), so frames wait on the link rather than on the camera.
 *
 * @module
 */

import type { LiveRate } from "./types.ts";

/** The lowest JPEG quality it goes down to. */
const QUALITY_FLOOR = 30;
/** How much quality one congestion takes off, and one calm period gives back. */
const QUALITY_DOWN = 15;
const QUALITY_UP = 5;
/** The most frames it skips for each one sent (a fourth of the frame rate). */
const MAX_SENDS_ONE_IN = 4;
/** After a step down, further congestion is ignored this long (its queue is still draining). */
const HOLD_MS = 250;
/** A step up after this long without congestion. */
const CALM_MS = 2000;
/**
 * Patterns 0 and 1: round trips longer than this share of the time between frames mean the
 * link, not the camera, sets the pace.
 */
const ROUND_TRIP_SHARE = 0.8;
/**
 * Patterns 0 and 1: round trips shorter than this are never congestion, however fast frames
 * come (a file read as fast as it decodes): they add little to a frame's age.
 */
const ROUND_TRIP_FLOOR_MS = 15;

/** The live rate control of one sender. */
export class LiveRateControl {
  readonly #ceiling: number;
  #quality: number;
  #sendsOneIn = 1;
  #congestion = 0;
  /** When the last step down was taken, or the last step up (ms, `performance.now()`). */
  #steppedAt = -Infinity;
  #lastCongestion = -Infinity;
  /** Frames offered since the last one sent (for skipping `sendsOneIn - 1` of each run). */
  #offered = 0;
  /** Patterns 0 and 1: when the previous request started, and the averaged round trip and
   * time between requests (ms). */
  #requestedAt: number | undefined;
  #roundTrip = 0;
  #frameGap = Infinity;

  /** Starts at `quality` (the options' JPEG quality), which is also its ceiling. */
  constructor(quality: number) {
    this.#ceiling = quality;
    this.#quality = quality;
  }

  /** The JPEG quality to encode the next frame at. */
  get quality(): number {
    return this.#quality;
  }

  /** What it chose, for the sender's stats. */
  get rate(): LiveRate {
    return {
      quality: this.#quality,
      sendsOneIn: this.#sendsOneIn,
      congestion: this.#congestion,
    };
  }

  /** Whether the frame offered now is to be sent (false: skipped to hold the frame rate). */
  admit(now: number): boolean {
    this.#calm(now);
    this.#offered++;
    if (this.#offered < this.#sendsOneIn) return false;
    this.#offered = 0;
    return true;
  }

  /** The link is congested now: one step down (quality first, then frame rate). */
  congested(now: number): void {
    this.#congestion++;
    this.#lastCongestion = now;
    if (now - this.#steppedAt < HOLD_MS) return;
    this.#steppedAt = now;
    if (this.#quality > QUALITY_FLOOR) {
      this.#quality = Math.max(QUALITY_FLOOR, this.#quality - QUALITY_DOWN);
    } else if (this.#sendsOneIn < MAX_SENDS_ONE_IN) this.#sendsOneIn++;
  }

  /**
   * Patterns 0 and 1: a frame's request started at `startedAt` and its reply came at `now`
   * (ms). Round trips and the time between requests are averaged, so that one late reply
   * followed by quick ones is not congestion.
   */
  roundTrip(startedAt: number, now: number): void {
    const previous = this.#requestedAt;
    this.#requestedAt = startedAt;
    if (previous === undefined) return;
    this.#roundTrip = smooth(this.#roundTrip, now - startedAt);
    this.#frameGap = smooth(this.#frameGap, startedAt - previous);
    if (
      this.#roundTrip > ROUND_TRIP_FLOOR_MS && this.#roundTrip > ROUND_TRIP_SHARE * this.#frameGap
    ) this.congested(now);
  }

  /** A step up once the link has kept up for a while: frame rate first, then quality. */
  #calm(now: number): void {
    if (now - Math.max(this.#lastCongestion, this.#steppedAt) < CALM_MS) return;
    if (this.#sendsOneIn > 1) this.#sendsOneIn--;
    else if (this.#quality < this.#ceiling) {
      this.#quality = Math.min(this.#ceiling, this.#quality + QUALITY_UP);
    } else return;
    this.#steppedAt = now;
  }
}

/** An exponentially weighted average, a fifth of the way towards each new value. */
function smooth(average: number, value: number): number {
  return average === Infinity ? value : average + (value - average) / 5;
}
