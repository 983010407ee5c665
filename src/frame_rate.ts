/**
 * {@linkcode FrameRate}: how fast frames come, as the rate over a recent window of seconds and
 * as the average over the whole stream. The one measure of frames per second that the server
 * table, the command line and the viewer all show.
 *
 * @module
 */

/** Options of a {@link FrameRate}. */
export interface FrameRateOptions {
  /**
   * The window of the recent rate, in milliseconds.
   * @default {2000}
   */
  windowMs?: number;
}

/** The window is counted in this many slices (memory stays constant at any rate). */
const SLICES = 20;
/** The shortest span a recent rate is taken over: a stream's first frames do not spike it. */
const MIN_SPAN_MS = 1000;

/**
 * Frames per second of one stream. `recent()` counts the frames of the last `windowMs` (over at
 * least a second, so a burst of queued frames moves it by its size over the window, not to
 * hundreds), and falls to 0 once frames stop; `average` is frames over the time from the first
 * to the last.
 *
 * @example
 * ```ts
 * import { FrameRate } from "./frame_rate.ts";
 * const rate = new FrameRate();
 * for (let t = 0; t <= 3000; t += 100) rate.tick(t); // 10 frames a second
 * console.log(rate.recent(3000), rate.average); // 10 10
 * ```
 */
export class FrameRate {
  /** The window of the recent rate, in milliseconds. */
  readonly windowMs: number;
  #sliceMs: number;
  #counts = new Uint32Array(SLICES);
  /** The slice the newest count went into (`time / sliceMs`, rounded down). */
  #head = -Infinity;
  #frames = 0;
  #firstAt: number | undefined;
  #lastAt: number | undefined;

  /**
   * Starts counting.
   *
   * @throws {RangeError} For a window that is not a positive number of milliseconds.
   */
  constructor(options: FrameRateOptions = {}) {
    const windowMs = options.windowMs ?? 2000;
    if (!Number.isFinite(windowMs) || windowMs <= 0) {
      throw new RangeError(`Cannot use windowMs ${windowMs}: use milliseconds > 0`);
    }
    this.windowMs = windowMs;
    this.#sliceMs = windowMs / SLICES;
  }

  /** Frames counted. */
  get frames(): number {
    return this.#frames;
  }

  /** When the first frame came (the clock `tick` was given), `undefined` before any. */
  get firstAt(): number | undefined {
    return this.#firstAt;
  }

  /** When the last frame came, `undefined` before any. */
  get lastAt(): number | undefined {
    return this.#lastAt;
  }

  /** Frames per second from the first frame to the last (0 below two frames). */
  get average(): number {
    if (this.#frames < 2) return 0;
    const span = this.#lastAt! - this.#firstAt!;
    return span > 0 ? ((this.#frames - 1) * 1000) / span : 0;
  }

  /** Counts a frame that came at `now` (milliseconds, e.g. `performance.now()`). */
  tick(now: number = performance.now()): void {
    this.#advance(now);
    this.#counts[ring(Math.floor(now / this.#sliceMs))]++;
    this.#frames++;
    this.#firstAt ??= now;
    this.#lastAt = now;
  }

  /** Frames per second over the last `windowMs` before `now`. */
  recent(now: number = performance.now()): number {
    if (this.#firstAt === undefined) return 0;
    this.#advance(now);
    let count = 0;
    for (const slice of this.#counts) count += slice;
    const span = Math.min(this.windowMs, Math.max(MIN_SPAN_MS, now - this.#firstAt));
    return (count * 1000) / span;
  }

  /** Empties the slices that the time up to `now` left behind. */
  #advance(now: number): void {
    const slice = Math.floor(now / this.#sliceMs);
    if (slice <= this.#head) return;
    if (slice - this.#head >= SLICES) this.#counts.fill(0);
    else for (let k = this.#head + 1; k <= slice; k++) this.#counts[ring(k)] = 0;
    this.#head = slice;
  }
}

/** A slice number's place in the ring. */
function ring(slice: number): number {
  return ((slice % SLICES) + SLICES) % SLICES;
}
