/**
 * Option defaults and checks shared by both codecs, and the channel layout of each
 * colourspace.
 *
 * @module
 */

import { type Frame, MAX_FRAME_ITEMS } from "../frame.ts";
import { JpegError } from "./errors.ts";
import {
  isJpegColorspace,
  JPEG_COLORSPACES,
  type JpegColorspace,
  type JpegDecodeOptions,
  type JpegEncodeOptions,
} from "./types.ts";

/** libjpeg's `JPEG_MAX_DIMENSION`. */
export const MAX_JPEG_DIMENSION = 65500;

/** Where each component sits in a pixel; -1 when absent. */
export interface ChannelLayout {
  readonly channels: 1 | 3 | 4;
  readonly r: number;
  readonly g: number;
  readonly b: number;
  /** The X or alpha byte, set to 255 on decode (as libjpeg-turbo does). */
  readonly x: number;
}

/** Channel layout of each colourspace (CMYK's four are C, M, Y, K). */
export const LAYOUTS: Readonly<Record<JpegColorspace, ChannelLayout>> = {
  RGB: { channels: 3, r: 0, g: 1, b: 2, x: -1 },
  BGR: { channels: 3, r: 2, g: 1, b: 0, x: -1 },
  RGBX: { channels: 4, r: 0, g: 1, b: 2, x: 3 },
  BGRX: { channels: 4, r: 2, g: 1, b: 0, x: 3 },
  XBGR: { channels: 4, r: 3, g: 2, b: 1, x: 0 },
  XRGB: { channels: 4, r: 1, g: 2, b: 3, x: 0 },
  GRAY: { channels: 1, r: -1, g: -1, b: -1, x: -1 },
  RGBA: { channels: 4, r: 0, g: 1, b: 2, x: 3 },
  BGRA: { channels: 4, r: 2, g: 1, b: 0, x: 3 },
  ABGR: { channels: 4, r: 3, g: 2, b: 1, x: 0 },
  ARGB: { channels: 4, r: 1, g: 2, b: 3, x: 0 },
  CMYK: { channels: 4, r: -1, g: -1, b: -1, x: -1 },
};

/** Encode options with defaults applied and values checked. */
export interface EncodeSettings {
  readonly quality: number;
  readonly colorspace: JpegColorspace;
  readonly fastdct: boolean;
}

/** Decode options with defaults applied and values checked. */
export interface DecodeSettings {
  readonly colorspace: JpegColorspace;
  readonly fastdct: boolean;
  readonly fastupsample: boolean;
}

/** A frame's height and width, checked against its colourspace. */
export interface Geometry {
  readonly height: number;
  readonly width: number;
}

function checkColorspace(colorspace: unknown): JpegColorspace {
  if (colorspace === undefined) return "BGR";
  if (!isJpegColorspace(colorspace)) {
    throw new TypeError(
      `Cannot use colorspace ${JSON.stringify(colorspace)}: use one of ${
        JPEG_COLORSPACES.join(", ")
      } (upper case)`,
    );
  }
  return colorspace;
}

function checkFlag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") {
    throw new TypeError(`Cannot use ${name} ${JSON.stringify(value)}: pass true or false`);
  }
  return value;
}

/** Applies vidgear's encode defaults (quality 90, BGR, fast DCT) and checks the values. */
export function encodeSettings(options: JpegEncodeOptions = {}): EncodeSettings {
  const { quality = 90 } = options;
  if (typeof quality !== "number" || !(quality >= 10 && quality <= 100)) {
    throw new RangeError(
      `Cannot encode with JPEG quality ${JSON.stringify(quality)}: pass a number from 10 to 100`,
    );
  }
  checkFlag("fastupsample", options.fastupsample, false);
  return {
    quality: Math.trunc(quality),
    colorspace: checkColorspace(options.colorspace),
    fastdct: checkFlag("fastdct", options.fastdct, true),
  };
}

/** Applies vidgear's decode defaults (BGR, fast DCT, smooth upsampling) and checks them. */
export function decodeSettings(options: JpegDecodeOptions = {}): DecodeSettings {
  return {
    colorspace: checkColorspace(options.colorspace),
    fastdct: checkFlag("fastdct", options.fastdct, true),
    fastupsample: checkFlag("fastupsample", options.fastupsample, false),
  };
}

/**
 * Checks that `frame` is a uint8 image whose shape fits `colorspace`: `[h, w, 3]`,
 * `[h, w, 4]`, or `[h, w]`/`[h, w, 1]` for GRAY.
 */
export function frameGeometry(frame: Frame, colorspace: JpegColorspace): Geometry {
  if (frame.dtype !== "uint8") {
    throw new TypeError(
      `Cannot JPEG-encode a frame of dtype "${frame.dtype}": convert it to "uint8" first`,
    );
  }
  const shape = frame.shape;
  const { channels } = LAYOUTS[colorspace];
  const fits = channels === 1
    ? shape.length === 2 || (shape.length === 3 && shape[2] === 1)
    : shape.length === 3 && shape[2] === channels;
  if (!fits) {
    const wanted = channels === 1 ? "[h, w] or [h, w, 1]" : `[h, w, ${channels}]`;
    throw new RangeError(
      `Cannot JPEG-encode a frame of shape ${
        JSON.stringify(shape)
      } as "${colorspace}": it needs ${wanted}; pass the colorspace that matches the frame`,
    );
  }
  const [height, width] = shape;
  for (const [name, size] of [["height", height], ["width", width]] as const) {
    if (!Number.isSafeInteger(size) || size < 1 || size > MAX_JPEG_DIMENSION) {
      throw new RangeError(
        `Cannot JPEG-encode a frame of ${name} ${size}: JPEG allows 1 to ${MAX_JPEG_DIMENSION}`,
      );
    }
  }
  if (frame.data.byteLength !== height * width * channels) {
    throw new RangeError(
      `Cannot JPEG-encode a frame of shape ${JSON.stringify(shape)}: it needs ${
        height * width * channels
      } bytes, got ${frame.data.byteLength}`,
    );
  }
  return { height, width };
}

/** Refuses input that is not bytes or is empty, before any codec sees it. */
export function checkJpegBytes(jpeg: Uint8Array): void {
  if (!(jpeg instanceof Uint8Array)) {
    throw new TypeError("Cannot decode a JPEG that is not a Uint8Array: pass the JPEG bytes");
  }
  if (jpeg.byteLength === 0) {
    throw new JpegError("Cannot decode an empty JPEG: the payload has no bytes");
  }
}

/** Refuses a decoded size whose frame would exceed the frame item limit. */
export function checkDecodedSize(height: number, width: number, channels: number): void {
  if (height * width * channels > MAX_FRAME_ITEMS) {
    throw new JpegError(
      `Cannot decode a ${width}×${height} JPEG into ${channels} channels: ` +
        `the frame would exceed ${MAX_FRAME_ITEMS} bytes`,
    );
  }
}

/** The shape of a decoded frame: GRAY is 2-D, as vidgear squeezes it. */
export function decodedShape(
  height: number,
  width: number,
  colorspace: JpegColorspace,
): number[] {
  const { channels } = LAYOUTS[colorspace];
  return channels === 1 ? [height, width] : [height, width, channels];
}
