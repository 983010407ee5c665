/**
 * The interface every frame source implements, and the pixel formats sources produce.
 *
 * @module
 */

import type { Frame } from "../frame.ts";

/**
 * The pixel layouts a source can produce, named as ffmpeg names them. Every format is 8 bits
 * per channel (`uint8`); `bgr24` is the OpenCV and vidgear convention.
 *
 * | format | shape | bytes per pixel |
 * |---|---|---|
 * | `bgr24`, `rgb24` | `[height, width, 3]` | 3 |
 * | `rgba`, `bgra` | `[height, width, 4]` | 4 |
 * | `gray` | `[height, width]` | 1 |
 */
export type PixelFormat = "bgr24" | "rgb24" | "gray" | "rgba" | "bgra";

/** Counters a source keeps while it runs. A snapshot: it does not change after it is taken. */
export interface CaptureStats {
  /** Frames returned by `read()` so far. */
  readonly framesRead: number;
  /**
   * Frames per second read over the last 2 s (the project's one measure, `FrameRate`), `0`
   * before the first frame and once reads stop. It measures delivery to the caller, so a slow
   * caller lowers it.
   */
  readonly fps: number;
}

/**
 * A source of frames: a camera, a file, a stream, or a synthetic pattern.
 *
 * Read it with {@linkcode FrameSource.read} or iterate it with `for await`. Leaving a
 * `for await` loop early (`break`, `return`, a throw) stops the source, as leaving a loop
 * over a `ReadableStream` cancels the stream. One `read()` may be pending at a time.
 *
 * @example Read every frame, then release the source
 * ```ts
 * import { type FrameSource, SyntheticSource } from "./mod.ts";
 *
 * await using source: FrameSource = new SyntheticSource({ maxFrames: 3, realtime: false });
 * for await (const frame of source) {
 *   console.log(frame.shape); // [480, 640, 3]
 * }
 * ```
 */
export interface FrameSource extends AsyncIterable<Frame>, AsyncDisposable {
  /** The shape of every frame this source returns: `[height, width]` or `[height, width, channels]`. */
  readonly shape: readonly number[];
  /** The pixel layout of every frame this source returns. */
  readonly pixelFormat: PixelFormat;
  /** A snapshot of the source's counters. */
  readonly stats: CaptureStats;
  /**
   * Reads the next frame.
   *
   * @returns The next frame, or `null` once the source has ended or been stopped.
   */
  read(): Promise<Frame | null>;
  /**
   * Stops the source and releases what it holds. Safe to call more than once; a pending
   * `read()` resolves to `null`.
   */
  stop(): Promise<void>;
}
