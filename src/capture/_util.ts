// Private helpers shared by the sources: pixel formats, frame shapes, the fps meter and the
// read/end bookkeeping.

import type { Frame } from "../frame.ts";
import { CaptureError } from "./capture_error.ts";
import type { CaptureStats, FrameSource, PixelFormat } from "./frame_source.ts";
import { FrameRate } from "../frame_rate.ts";

/** Bytes per pixel of each format. */
export const CHANNELS: Readonly<Record<PixelFormat, number>> = {
  bgr24: 3,
  rgb24: 3,
  gray: 1,
  rgba: 4,
  bgra: 4,
};

/** Throws a `TypeError` unless `format` is a pixel format the sources produce. */
export function checkPixelFormat(format: unknown): PixelFormat {
  if (typeof format === "string" && Object.hasOwn(CHANNELS, format)) {
    return format as PixelFormat;
  }
  throw new TypeError(
    `Cannot use pixel format "${String(format)}": use one of ${Object.keys(CHANNELS).join(", ")}`,
  );
}

/** The shape of a `width`×`height` frame: gray frames have no channel axis, as in numpy. */
export function frameShape(width: number, height: number, format: PixelFormat): number[] {
  const channels = CHANNELS[format];
  return channels === 1 ? [height, width] : [height, width, channels];
}

/** Throws a `RangeError` unless `value` is a positive integer (or `undefined`). */
export function checkPositiveInteger(name: string, value: unknown): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || (value as number) < 1)) {
    throw new RangeError(`Cannot use ${name} ${String(value)}: use a positive integer`);
  }
}

/** Throws a `RangeError` unless `value` is a positive finite number (or `undefined`). */
export function checkPositiveNumber(name: string, value: unknown): void {
  if (
    value !== undefined &&
    (typeof value !== "number" || !Number.isFinite(value) || value <= 0)
  ) {
    throw new RangeError(`Cannot use ${name} ${String(value)}: use a positive number`);
  }
}

/** Counts frames and measures their rate with {@linkcode FrameRate}, the project's one measure. */
export class FpsMeter {
  readonly #rate = new FrameRate();

  /** Records one frame delivered now. */
  tick(): void {
    this.#rate.tick();
  }

  /** Frames recorded so far. */
  get count(): number {
    return this.#rate.frames;
  }

  /** Frames per second over the last 2 s (0 before any frame, and once frames stop). */
  get fps(): number {
    return this.#rate.recent();
  }
}

/**
 * The bookkeeping every source shares: one `read()` at a time, the end (by `stop()`, the
 * stream, or the abort signal), and the frame meter behind `stats`.
 */
export class SourceState {
  /** Counts the frames delivered; sources tick it once per frame returned. */
  readonly meter: FpsMeter = new FpsMeter();
  readonly #label: string;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort: () => void;
  #ended = false;
  #reading = false;

  /** `label` names the source in errors; `onAbort` runs once if `signal` aborts. */
  constructor(label: string, signal: AbortSignal | undefined, onAbort: () => void) {
    this.#label = label;
    this.#signal = signal;
    this.#onAbort = onAbort;
    if (signal?.aborted) this.#ended = true;
    else signal?.addEventListener("abort", onAbort, { once: true });
  }

  /** Whether the source has ended; every later `read()` gives `null`. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Marks the source ended and forgets the abort signal. Safe to call more than once. */
  end(): void {
    this.#ended = true;
    this.#signal?.removeEventListener("abort", this.#onAbort);
  }

  /** A snapshot of the counters. */
  get stats(): CaptureStats {
    return { framesRead: this.meter.count, fps: this.meter.fps };
  }

  /** Runs `next` as the one pending read: `null` once ended, a `"busy"` error if one is pending. */
  async read(next: () => Promise<Frame | null>): Promise<Frame | null> {
    if (this.#ended) return null;
    if (this.#reading) {
      throw new CaptureError(
        "busy",
        `Cannot read from ${this.#label}: another read() is still pending; await it first`,
      );
    }
    this.#reading = true;
    try {
      return await next();
    } finally {
      this.#reading = false;
    }
  }
}

/** Yields `source`'s frames until it ends; leaving the loop early stops the source. */
export async function* framesOf(source: FrameSource): AsyncGenerator<Frame, void, undefined> {
  try {
    for (let frame = await source.read(); frame !== null; frame = await source.read()) {
      yield frame;
    }
  } finally {
    await source.stop();
  }
}
