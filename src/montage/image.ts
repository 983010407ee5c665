/**
 * Conversions between frames and imagescript `Image`s (RGBA), and snapshot encoders.
 *
 * imagescript is loaded on first use, not on import: its npm build loads a native codec addon
 * and reads an environment variable, so these functions need `--allow-read`, `--allow-ffi`
 * and `--allow-env=IMAGESCRIPT_WASM_SIMD`, while montages and text need no permission at all.
 *
 * @module
 */

import { type Image, type ImageScript, importImagescript } from "../_deps/imagescript.ts";
import type { Frame } from "../frame.ts";
import type { ChannelOrder } from "./color.ts";
import { checkOrder, colorIndexes, layoutOf, luma } from "./_layout.ts";

let imagescript: Promise<ImageScript> | undefined;

/** Loads imagescript once, explaining the permissions it needs when that fails. */
function loadImagescript(): Promise<ImageScript> {
  imagescript ??= importImagescript().catch((cause: unknown) => {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new Error(
      `Cannot load "imagescript" for image conversion and encoding (${reason}): ` +
        "run with --allow-read --allow-ffi --allow-env=IMAGESCRIPT_WASM_SIMD, " +
        "as it loads a native codec addon",
      { cause },
    );
  });
  return imagescript;
}

/** Options for {@link frameToImage}, {@link encodePng} and {@link encodeJpegPreview}. */
export interface FrameToImageOptions {
  /**
   * The channel order of a 3- or 4-channel frame. Ignored for gray frames.
   *
   * @default {"bgr"}
   */
  channelOrder?: ChannelOrder;
}

/** Options for {@link imageToFrame}. */
export interface ImageToFrameOptions {
  /**
   * Channels of the frame: 1 (gray, shape `[h, w]`, by BT.601 luma), 3 or 4 (with alpha).
   *
   * @default {3}
   */
  channels?: 1 | 3 | 4;
  /**
   * The channel order of a 3- or 4-channel frame.
   *
   * @default {"bgr"}
   */
  channelOrder?: ChannelOrder;
}

/**
 * Copies a frame into a new imagescript `Image` (RGBA). Gray becomes equal red, green and
 * blue; frames without alpha become opaque. Asynchronous because imagescript is loaded on first
 * use (see the module's permissions note).
 *
 * @param frame A uint8 frame of shape `[h, w]`, `[h, w, 1]`, `[h, w, 3]` or `[h, w, 4]`,
 * at least 1×1.
 * @param options The frame's channel order.
 * @returns The image.
 * @throws {TypeError} When the frame is not uint8 or `channelOrder` is unknown.
 * @throws {RangeError} When the shape is not an image's or the frame is empty.
 * @throws {Error} When imagescript cannot be loaded, e.g. without `--allow-ffi`.
 *
 * @example Rotate a BGR frame with imagescript
 * ```ts
 * import { createFrame } from "../frame.ts";
 * import { frameToImage, imageToFrame } from "./image.ts";
 *
 * const frame = createFrame(new Uint8Array(2 * 4 * 3), [2, 4, 3]);
 * const rotated = imageToFrame((await frameToImage(frame)).rotate(90));
 * rotated.shape; // [4, 2, 3]
 * ```
 */
export async function frameToImage(
  frame: Frame,
  options: FrameToImageOptions = {},
): Promise<Image> {
  const layout = layoutOf(frame, "make an image from");
  const order = checkOrder(options.channelOrder ?? "bgr", "channelOrder");
  if (layout.width === 0 || layout.height === 0) {
    throw new RangeError(
      `Cannot make an image from an empty frame of shape "${JSON.stringify(frame.shape)}": ` +
        "pass a frame with at least one pixel",
    );
  }
  const lib = await loadImagescript();
  const image = new lib.Image(layout.width, layout.height);
  const out = image.bitmap;
  const src = frame.data;
  const c = layout.channels;
  if (c === 1) {
    for (let i = 0, o = 0; i < src.length; i++, o += 4) {
      const v = src[i];
      out[o] = v;
      out[o + 1] = v;
      out[o + 2] = v;
      out[o + 3] = 255;
    }
  } else if (c === 4 && order === "rgb") {
    out.set(src);
  } else {
    const [ri, gi, bi] = colorIndexes(order);
    for (let i = 0, o = 0; i < src.length; i += c, o += 4) {
      out[o] = src[i + ri];
      out[o + 1] = src[i + gi];
      out[o + 2] = src[i + bi];
      out[o + 3] = c === 4 ? src[i + 3] : 255;
    }
  }
  return image;
}

/**
 * Copies an imagescript `Image` (RGBA) into a new uint8 frame: BGR `[h, w, 3]` by default,
 * or RGB, BGRA/RGBA, or gray `[h, w]` (alpha is dropped, not blended).
 *
 * @param image The image.
 * @param options The frame's channels and channel order.
 * @returns The frame.
 * @throws {TypeError} When `channels` or `channelOrder` is unknown.
 *
 * @example Decode a PNG snapshot into a BGR frame
 * ```ts
 * import { Image } from "npm:imagescript@1.3.1";
 * import { imageToFrame } from "./image.ts";
 *
 * const image = new Image(4, 2).fill(0xff0000ff); // opaque red, as 0xRRGGBBAA
 * const frame = imageToFrame(image);
 * frame.data.subarray(0, 3); // Uint8Array [0, 0, 255]
 * ```
 */
export function imageToFrame(image: Image, options: ImageToFrameOptions = {}): Frame {
  const channels = options.channels ?? 3;
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new TypeError(
      `Cannot make a frame with channels "${String(channels)}": use 1, 3 or 4`,
    );
  }
  const order = checkOrder(options.channelOrder ?? "bgr", "channelOrder");
  const { width, height } = image;
  const src = image.bitmap;
  const data = new Uint8Array(width * height * channels);
  if (channels === 1) {
    for (let i = 0, o = 0; o < data.length; i += 4, o++) {
      data[o] = luma(src[i], src[i + 1], src[i + 2]);
    }
    return { shape: [height, width], dtype: "uint8", data };
  }
  if (channels === 4 && order === "rgb") {
    data.set(src);
  } else {
    const [ri, gi, bi] = colorIndexes(order);
    for (let i = 0, o = 0; o < data.length; i += 4, o += channels) {
      data[o + ri] = src[i];
      data[o + gi] = src[i + 1];
      data[o + bi] = src[i + 2];
      if (channels === 4) data[o + 3] = src[i + 3];
    }
  }
  return { shape: [height, width, channels], dtype: "uint8", data };
}

/**
 * Encodes a frame as a PNG, for snapshots.
 *
 * @param frame A uint8 frame of shape `[h, w]`, `[h, w, 1]`, `[h, w, 3]` or `[h, w, 4]`.
 * @param options The frame's channel order.
 * @returns The PNG file's bytes.
 * @throws {TypeError} When the frame is not uint8 or `channelOrder` is unknown.
 * @throws {RangeError} When the shape is not an image's or the frame is empty.
 * @throws {Error} When imagescript cannot be loaded, e.g. without `--allow-ffi`.
 *
 * @example A PNG snapshot of a montage
 * ```ts
 * import { createFrame } from "../frame.ts";
 * import { buildMontages } from "./build_montages.ts";
 * import { encodePng } from "./image.ts";
 *
 * const frame = createFrame(new Uint8Array(480 * 640 * 3), [480, 640, 3]);
 * const [montage] = buildMontages([frame, frame], [320, 240], [2, 1]);
 * const png = await encodePng(montage); // e.g. await Deno.writeFile("montage.png", png)
 * png.subarray(1, 4); // Uint8Array(3) [80, 78, 71]: "PNG"
 * ```
 */
export async function encodePng(
  frame: Frame,
  options: FrameToImageOptions = {},
): Promise<Uint8Array> {
  return await (await frameToImage(frame, options)).encode(1);
}

/**
 * Encodes a frame as a JPEG, for previews in the web viewer. imagescript's encoder is portable
 * WebAssembly, not the fastest: for the wire, use the codec layer.
 *
 * @param frame A uint8 frame of shape `[h, w]`, `[h, w, 1]`, `[h, w, 3]` or `[h, w, 4]`.
 * @param quality JPEG quality, an integer from 1 (smallest) to 100 (best); 80 when omitted.
 * @param options The frame's channel order.
 * @returns The JPEG file's bytes.
 * @throws {RangeError} When `quality` is not an integer from 1 to 100, the shape is not an
 * image's or the frame is empty.
 * @throws {TypeError} When the frame is not uint8 or `channelOrder` is unknown.
 * @throws {Error} When imagescript cannot be loaded, e.g. without `--allow-ffi`.
 *
 * @example A preview of a gray frame
 * ```ts
 * import { createFrame } from "../frame.ts";
 * import { encodeJpegPreview } from "./image.ts";
 *
 * const frame = createFrame(new Uint8Array(240 * 320).fill(128), [240, 320]);
 * const jpeg = await encodeJpegPreview(frame, 75);
 * jpeg[0] === 0xff && jpeg[1] === 0xd8; // true: a JPEG start-of-image marker
 * ```
 */
export async function encodeJpegPreview(
  frame: Frame,
  quality = 80,
  options: FrameToImageOptions = {},
): Promise<Uint8Array> {
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
    throw new RangeError(
      `Cannot encode a JPEG with quality "${String(quality)}": use an integer from 1 to 100`,
    );
  }
  const image = await frameToImage(frame, options);
  return await image.encodeJPEG(
    quality as Parameters<Image["encodeJPEG"]>[0],
  );
}
