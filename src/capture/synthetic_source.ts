/**
 * {@linkcode SyntheticSource}: a moving test picture drawn in TypeScript, with no camera and
 * no ffmpeg.
 *
 * @module
 */

import { createFrame, type Frame } from "../frame.ts";
import type { CaptureStats, FrameSource, PixelFormat } from "./frame_source.ts";
import { type Canvas, CELL_HEIGHT, drawText } from "./_font.ts";
import {
  CHANNELS,
  checkPixelFormat,
  checkPositiveInteger,
  checkPositiveNumber,
  frameShape,
  framesOf,
  SourceState,
} from "./_util.ts";

/** Horizontal bands of the background, each a different green level. */
const BANDS = 8;

/** Options of {@linkcode SyntheticSource}. */
export interface SyntheticSourceOptions {
  /**
   * Frame width in pixels.
   *
   * @default {640}
   */
  readonly width?: number;
  /**
   * Frame height in pixels.
   *
   * @default {480}
   */
  readonly height?: number;
  /**
   * Frames per second when `realtime` is on.
   *
   * @default {30}
   */
  readonly fps?: number;
  /**
   * Paces `read()` at `fps`, as a camera would. Off, frames come as fast as they are drawn.
   *
   * @default {true}
   */
  readonly realtime?: boolean;
  /**
   * Name drawn in the top-left corner, in capitals (digits, A–Z, space and `-_.:#/`).
   *
   * @default {"synthetic"}
   */
  readonly name?: string;
  /**
   * Frames before the source ends; `null` never ends.
   *
   * @default {null}
   */
  readonly maxFrames?: number | null;
  /**
   * Pixel layout of the frames.
   *
   * @default {"bgr24"}
   */
  readonly pixelFormat?: PixelFormat;
  /**
   * Stops the source when aborted.
   *
   * @default {undefined}
   */
  readonly signal?: AbortSignal;
}

/**
 * A camera stand-in: colour bands with a scrolling ramp and a moving white bar, the source's
 * name and a six-digit frame counter drawn in the top-left corner.
 *
 * Every frame depends only on the options and its index, so the same options give the same
 * bytes ({@linkcode SyntheticSource.render} draws any frame on demand). A 640×480 frame takes
 * well under a millisecond to draw: rows are written with `fill` and `copyWithin`.
 *
 * @example Three frames as fast as they can be drawn
 * ```ts
 * import { SyntheticSource } from "./mod.ts";
 *
 * await using source = new SyntheticSource({ name: "cam 1", maxFrames: 3, realtime: false });
 * for await (const frame of source) {
 *   console.log(frame.shape); // [480, 640, 3]
 * }
 * ```
 */
export class SyntheticSource implements FrameSource {
  /** The shape of every frame: `[height, width]` for `gray`, else `[height, width, channels]`. */
  readonly shape: readonly number[];
  /** The pixel layout of every frame. */
  readonly pixelFormat: PixelFormat;
  /** Frame width in pixels. */
  readonly width: number;
  /** Frame height in pixels. */
  readonly height: number;
  /** The name drawn on every frame. */
  readonly name: string;
  /** Frames per second when paced. */
  readonly fps: number;

  readonly #realtime: boolean;
  readonly #maxFrames: number | null;
  readonly #state: SourceState;
  #index = 0;
  #due: number | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #wake: (() => void) | undefined;

  /**
   * Creates a source; nothing is drawn until the first `read()`.
   *
   * @param options Size, rate, name, limit and pixel format.
   * @throws {TypeError} When the name or pixel format has the wrong type.
   * @throws {RangeError} When a number option is out of range.
   */
  constructor(options: SyntheticSourceOptions = {}) {
    checkPositiveInteger("width", options.width);
    checkPositiveInteger("height", options.height);
    checkPositiveNumber("fps", options.fps);
    const maxFrames = options.maxFrames ?? null;
    if (maxFrames !== null) checkPositiveInteger("maxFrames", maxFrames);
    const name = options.name ?? "synthetic";
    if (typeof name !== "string") {
      throw new TypeError(`Cannot draw name ${JSON.stringify(name)}: use a string`);
    }
    this.pixelFormat = checkPixelFormat(options.pixelFormat ?? "bgr24");
    this.width = options.width ?? 640;
    this.height = options.height ?? 480;
    this.fps = options.fps ?? 30;
    this.name = name;
    this.shape = frameShape(this.width, this.height, this.pixelFormat);
    this.#realtime = options.realtime ?? true;
    this.#maxFrames = maxFrames;
    this.#state = new SourceState(`synthetic source "${name}"`, options.signal, () => {
      void this.stop();
    });
  }

  /** Frames read so far and the measured frame rate. */
  get stats(): CaptureStats {
    return this.#state.stats;
  }

  /**
   * Returns the next frame, waiting for its time slot when `realtime` is on.
   *
   * @returns The frame, or `null` after `maxFrames` frames or after `stop()`.
   * @throws {CaptureError} When another `read()` is pending (`"busy"`).
   */
  read(): Promise<Frame | null> {
    return this.#state.read(async () => {
      if (this.#maxFrames !== null && this.#index >= this.#maxFrames) {
        this.#end();
        return null;
      }
      if (this.#realtime) await this.#waitForSlot();
      if (this.#state.ended) return null;
      const captureTime = Date.now(); // its time slot, as a camera's shutter
      const frame = this.render(this.#index++);
      this.#state.meter.tick();
      return { ...frame, captureTime };
    });
  }

  async #waitForSlot(): Promise<void> {
    const interval = 1000 / this.fps;
    const now = performance.now();
    // A caller that fell more than a frame behind restarts the schedule rather than getting
    // a burst of frames to catch up, as a camera would.
    if (this.#due === undefined || this.#due < now - interval) this.#due = now;
    const wait = this.#due - now;
    this.#due += interval;
    if (wait <= 0) return;
    await new Promise<void>((resolve) => {
      this.#wake = resolve;
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#wake = undefined;
        resolve();
      }, wait);
    });
  }

  /**
   * Draws frame `index`: the same bytes `read()` returns for that frame. Does not advance
   * the source.
   *
   * @param index The frame number, from 0.
   * @returns A new frame.
   * @throws {RangeError} When `index` is not a non-negative integer.
   */
  render(index: number): Frame {
    if (!Number.isSafeInteger(index) || index < 0) {
      throw new RangeError(`Cannot render frame ${index}: use a non-negative integer`);
    }
    const { width, height } = this;
    const channels = CHANNELS[this.pixelFormat];
    const stride = width * channels;
    const canvas: Canvas = { data: new Uint8Array(height * stride), width, height, channels };
    const { data } = canvas;

    const shift = (index * 4) % width;
    const barWidth = Math.max(1, Math.floor(width / 32));
    const barX = (index * Math.max(1, Math.floor(width / 64))) % width;
    const gray = this.pixelFormat === "gray";
    const [r, g, b] = this.pixelFormat.startsWith("bgr") ? [2, 1, 0] : [0, 1, 2];
    for (let band = 0; band < BANDS; band++) {
      const top = Math.floor((band * height) / BANDS);
      const bottom = Math.floor(((band + 1) * height) / BANDS);
      if (bottom <= top) continue;
      // Draw the band's first row, then copy it down the band.
      const green = Math.round((band * 255) / (BANDS - 1));
      const rowStart = top * stride;
      if (channels === 4) data.fill(255, rowStart, rowStart + stride); // opaque alpha
      for (let x = 0, at = rowStart; x < width; x++, at += channels) {
        const inBar = x >= barX && x < barX + barWidth;
        const red = inBar ? 255 : Math.floor((x * 255) / Math.max(1, width - 1));
        const blue = inBar ? 255 : Math.floor(((x + shift) * 512) / width) & 255;
        const greenHere = inBar ? 255 : green;
        if (gray) {
          data[at] = luma(red, greenHere, blue);
        } else {
          data[at + r] = red;
          data[at + g] = greenHere;
          data[at + b] = blue;
        }
      }
      for (let row = top + 1; row < bottom; row++) {
        data.copyWithin(row * stride, rowStart, rowStart + stride);
      }
    }

    const scale = Math.max(1, Math.floor(height / 160));
    const white = packColor(this.pixelFormat, 255, 255, 255);
    const black = packColor(this.pixelFormat, 0, 0, 0);
    const margin = 2 * scale;
    drawText(canvas, this.name, margin, margin, scale, white, black);
    const counter = `#${String(index).padStart(6, "0")}`;
    drawText(canvas, counter, margin, margin + CELL_HEIGHT * scale, scale, white, black);
    return createFrame(data, this.shape);
  }

  #end(): void {
    this.#state.end();
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Ends the source; a pending `read()` resolves to `null`. Safe to call more than once. */
  stop(): Promise<void> {
    this.#end();
    return Promise.resolve();
  }

  /** Stops the source: `await using source = new SyntheticSource()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /** Yields frames until the source ends; leaving the loop early stops the source. */
  [Symbol.asyncIterator](): AsyncGenerator<Frame, void, undefined> {
    return framesOf(this);
  }
}

/** ITU-R BT.601 luma of an RGB colour, in integers. */
function luma(red: number, green: number, blue: number): number {
  return (77 * red + 150 * green + 29 * blue) >> 8;
}

/** One pixel of an RGB colour in `format`'s layout. */
function packColor(format: PixelFormat, red: number, green: number, blue: number): Uint8Array {
  switch (format) {
    case "bgr24":
      return Uint8Array.of(blue, green, red);
    case "rgb24":
      return Uint8Array.of(red, green, blue);
    case "bgra":
      return Uint8Array.of(blue, green, red, 255);
    case "rgba":
      return Uint8Array.of(red, green, blue, 255);
    case "gray":
      return Uint8Array.of(luma(red, green, blue));
  }
}
