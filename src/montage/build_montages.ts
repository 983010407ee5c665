/**
 * Montages: many frames tiled into grids, as `imutils.build_montages` builds them.
 *
 * @module
 */

import type { Frame } from "../frame.ts";
import { shapeItems } from "../frame.ts";
import type { ChannelOrder } from "./color.ts";
import { checkOrder, checkPair, convertPixels, type Layout, layoutOf } from "./_layout.ts";
import { checkInterpolation, resizePixels } from "./_resize.ts";
import type { Interpolation } from "./resize.ts";

/** Options for {@link buildMontages}. */
export interface MontageOptions {
  /**
   * How each frame is resized to the tile size. Frames already of that size are copied.
   *
   * @default {"bilinear"}
   */
  interpolation?: Interpolation;
  /**
   * The channel order of the colour frames, used only to weigh red, green and blue when a
   * colour frame goes into a gray montage. Channels are never swapped.
   *
   * @default {"bgr"}
   */
  channelOrder?: ChannelOrder;
}

/**
 * Tiles frames into montages, as `imutils.build_montages(images, image_shape, montage_shape)`:
 * each frame is resized to exactly `width`×`height` (the aspect ratio is not kept) and placed
 * left to right, row by row, on a black canvas of `cols·width`×`rows·height`. A full canvas
 * starts the next one; the last canvas is returned even when only partly filled, the rest
 * staying black. No frames, no montages.
 *
 * The montages have the channel layout of the first frame: gray (`[h, w]` or `[h, w, 1]`,
 * as the first frame is written), 3 channels or 4 channels. Other frames are converted to it:
 * gray is repeated into each colour channel, colour becomes gray by BT.601 luma (as OpenCV's
 * `COLOR_BGR2GRAY`), a missing alpha becomes 255 (opaque), an extra alpha is dropped. Colour
 * channels keep their order: BGR in, BGR out. The black of a 4-channel montage is opaque.
 *
 * Input frames are never modified; each montage is a new frame.
 *
 * @param frames uint8 frames of shape `[h, w]`, `[h, w, 1]`, `[h, w, 3]` or `[h, w, 4]`, in
 * any sizes; e.g. `latest.values()` of a `Map` from port to frame.
 * @param size The tile `[width, height]` each frame is resized to (width first, as imutils).
 * @param grid The montage `[cols, rows]`.
 * @param options Interpolation and the channel order used for gray conversion.
 * @returns The montages, `Math.ceil(count / (cols * rows))` of them, each of shape
 * `[rows·height, cols·width, channels]`.
 * @throws {RangeError} When `size` or `grid` is not two positive integers, a montage would be
 * too large, or a frame is empty or not shaped like an image.
 * @throws {TypeError} When a frame is not uint8 or an option is unknown.
 *
 * @example Two cameras side by side, as vidgear's multi-server client shows them
 * ```ts
 * import { createFrame } from "../frame.ts";
 * import { buildMontages } from "./build_montages.ts";
 *
 * const latest = new Map([
 *   [5566, createFrame(new Uint8Array(480 * 640 * 3), [480, 640, 3])],
 *   [5567, createFrame(new Uint8Array(480 * 640 * 3).fill(255), [480, 640, 3])],
 * ]);
 * const [montage] = buildMontages(latest.values(), [320, 240], [2, 1]);
 * montage.shape; // [240, 640, 3]
 * ```
 */
export function buildMontages(
  frames: Iterable<Frame>,
  size: readonly [width: number, height: number],
  grid: readonly [cols: number, rows: number],
  options: MontageOptions = {},
): Frame[] {
  const action = "build montages";
  const [width, height] = checkPair(size, "size [width, height]", action);
  const [cols, rows] = checkPair(grid, "grid [cols, rows]", action);
  const interpolation = checkInterpolation(options.interpolation ?? "bilinear");
  const order = checkOrder(options.channelOrder ?? "bgr", "channelOrder");
  if (frames === null || typeof frames !== "object" || !(Symbol.iterator in frames)) {
    throw new TypeError(
      `Cannot build montages from "${String(frames)}": pass an array or iterable of frames`,
    );
  }
  const canvasWidth = cols * width;
  const canvasHeight = rows * height;
  if (shapeItems([canvasHeight, canvasWidth, 4]) === undefined) {
    throw new RangeError(
      `Cannot build montages of ${canvasWidth}×${canvasHeight} pixels: ` +
        "use a smaller size or grid",
    );
  }

  const montages: Frame[] = [];
  const tiles = cols * rows;
  let first: Layout | undefined;
  let canvas: Uint8Array | undefined;
  let placed = 0;
  for (const frame of frames) {
    const layout = layoutOf(frame, "build a montage from");
    if (layout.width === 0 || layout.height === 0) {
      throw new RangeError(
        `Cannot put an empty frame of shape "${JSON.stringify(frame.shape)}" in a montage: ` +
          "pass frames with at least one pixel",
      );
    }
    first ??= layout;
    const channels = first.channels;
    if (canvas === undefined) {
      canvas = new Uint8Array(canvasWidth * canvasHeight * channels);
      if (channels === 4) paintOpaque(canvas);
    }
    const stride = canvasWidth * channels;
    const col = placed % cols;
    const row = Math.floor(placed / cols);
    const offset = row * height * stride + col * width * channels;
    const source = {
      data: frame.data,
      width: layout.width,
      height: layout.height,
      channels: layout.channels,
    };
    if (layout.channels === channels) {
      resizePixels(source, { data: canvas, offset, stride, width, height }, interpolation);
    } else {
      // Resize first (fewer pixels to convert when shrinking), then convert row by row.
      const tileStride = width * layout.channels;
      const tile = new Uint8Array(height * tileStride);
      resizePixels(
        source,
        { data: tile, offset: 0, stride: tileStride, width, height },
        interpolation,
      );
      for (let y = 0; y < height; y++) {
        convertPixels(
          tile,
          y * tileStride,
          layout.channels,
          canvas,
          offset + y * stride,
          channels,
          width,
          order,
        );
      }
    }
    placed++;
    if (placed === tiles) {
      montages.push(montageFrame(canvas, canvasHeight, canvasWidth, first));
      canvas = undefined;
      placed = 0;
    }
  }
  if (canvas !== undefined && first !== undefined) {
    montages.push(montageFrame(canvas, canvasHeight, canvasWidth, first));
  }
  return montages;
}

function paintOpaque(canvas: Uint8Array): void {
  for (let i = 3; i < canvas.length; i += 4) canvas[i] = 255;
}

function montageFrame(data: Uint8Array, height: number, width: number, layout: Layout): Frame {
  const shape = layout.flat ? [height, width] : [height, width, layout.channels];
  return { shape, dtype: "uint8", data };
}
