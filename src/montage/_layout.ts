/**
 * Private helpers: reading a frame's pixel layout and moving pixels between layouts.
 *
 * @module
 */

import type { Frame } from "../frame.ts";
import type { ChannelOrder, RgbColor } from "./color.ts";

/** Channels per pixel of a frame the montage helpers accept. */
export type Channels = 1 | 3 | 4;

/** The pixel layout of a uint8 image frame. */
export interface Layout {
  readonly height: number;
  readonly width: number;
  readonly channels: Channels;
  /** Whether a gray frame is written `[h, w]` (true) rather than `[h, w, 1]`. */
  readonly flat: boolean;
}

/**
 * Reads the layout of an image frame: uint8, shape `[h, w]`, `[h, w, 1]`, `[h, w, 3]` or
 * `[h, w, 4]`, with exactly the bytes that shape needs.
 *
 * @param action What the caller was doing, for the error message ("draw text on").
 */
export function layoutOf(frame: Frame, action: string): Layout {
  if (frame === null || typeof frame !== "object" || !(frame.data instanceof Uint8Array)) {
    throw new TypeError(
      `Cannot ${action} ${describe(frame)}: pass a frame with shape, dtype and data fields`,
    );
  }
  const shape = frame.shape;
  if (frame.dtype !== "uint8") {
    throw new TypeError(
      `Cannot ${action} a frame of dtype "${frame.dtype}": convert it to uint8 first`,
    );
  }
  const rank = Array.isArray(shape) ? shape.length : 0;
  const [height, width, channels = 1] = rank === 2 || rank === 3 ? shape : [];
  if (
    !Number.isSafeInteger(height) || height < 0 || !Number.isSafeInteger(width) || width < 0 ||
    !(channels === 1 || channels === 3 || channels === 4)
  ) {
    throw new RangeError(
      `Cannot ${action} a frame of shape "${JSON.stringify(shape)}": ` +
        "use [h, w] or [h, w, 1] for gray, [h, w, 3] for BGR/RGB, [h, w, 4] for BGRA/RGBA",
    );
  }
  const expected = height * width * channels;
  if (frame.data.byteLength !== expected) {
    throw new RangeError(
      `Cannot ${action} a frame of shape "${JSON.stringify(shape)}": it needs ${expected} bytes, ` +
        `got "${frame.data.byteLength}"; build frames with createFrame()`,
    );
  }
  return { height, width, channels, flat: rank === 2 };
}

function describe(value: unknown): string {
  return `"${value === null ? "null" : typeof value}"`;
}

/** The byte index of red, green and blue within a pixel of `channels` channels in `order`. */
export function colorIndexes(order: ChannelOrder): readonly [r: number, g: number, b: number] {
  return order === "rgb" ? [0, 1, 2] : [2, 1, 0];
}

/** ITU-R BT.601 luma of an RGB colour, as OpenCV's `COLOR_BGR2GRAY` computes it. */
export function luma(r: number, g: number, b: number): number {
  // Fixed-point weights 0.299, 0.587, 0.114 scaled by 2^14, rounded.
  return (r * 4899 + g * 9617 + b * 1868 + 8192) >> 14;
}

/** The bytes of one pixel that shows `color` in a frame of `channels` channels in `order`. */
export function pixelOf(color: RgbColor, channels: Channels, order: ChannelOrder): Uint8Array {
  const [r, g, b] = color;
  if (channels === 1) return Uint8Array.of(luma(r, g, b));
  const [ri, gi, bi] = colorIndexes(order);
  const pixel = new Uint8Array(channels).fill(255);
  pixel[ri] = r;
  pixel[gi] = g;
  pixel[bi] = b;
  return pixel;
}

/** Checks that `order` is a channel order, naming the option in the error. */
export function checkOrder(order: unknown, option: string): ChannelOrder {
  if (order !== "bgr" && order !== "rgb") {
    throw new TypeError(`Cannot use ${option} "${String(order)}": use "bgr" or "rgb"`);
  }
  return order;
}

/**
 * Copies `count` pixels from `src` (in `from` channels) to `dst` (in `to` channels), converting:
 * gray is repeated into each colour channel, colour becomes gray by luma, a missing alpha
 * becomes 255 and an extra alpha is dropped. Colour channels keep their order.
 */
export function convertPixels(
  src: Uint8Array,
  srcIndex: number,
  from: Channels,
  dst: Uint8Array,
  dstIndex: number,
  to: Channels,
  count: number,
  order: ChannelOrder,
): void {
  let s = srcIndex;
  let d = dstIndex;
  if (from === to) {
    dst.set(src.subarray(s, s + count * from), d);
  } else if (from === 1) {
    for (let i = 0; i < count; i++, s++, d += to) {
      const v = src[s];
      dst[d] = v;
      dst[d + 1] = v;
      dst[d + 2] = v;
      if (to === 4) dst[d + 3] = 255;
    }
  } else if (to === 1) {
    const [ri, gi, bi] = colorIndexes(order);
    for (let i = 0; i < count; i++, s += from, d++) {
      dst[d] = luma(src[s + ri], src[s + gi], src[s + bi]);
    }
  } else {
    for (let i = 0; i < count; i++, s += from, d += to) {
      dst[d] = src[s];
      dst[d + 1] = src[s + 1];
      dst[d + 2] = src[s + 2];
      if (to === 4) dst[d + 3] = 255;
    }
  }
}

/**
 * Checks a `[first, second]` pair of positive integers (a size or a grid) and returns it.
 *
 * @param what The argument's name and meaning for the error, e.g. `size [width, height]`.
 */
export function checkPair(
  pair: unknown,
  what: string,
  action: string,
): readonly [number, number] {
  if (
    !Array.isArray(pair) || pair.length !== 2 ||
    !pair.every((n) => Number.isSafeInteger(n) && n > 0)
  ) {
    throw new RangeError(
      `Cannot ${action} with ${what} "${stringify(pair)}": use two positive integers`,
    );
  }
  return [pair[0], pair[1]];
}

function stringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
