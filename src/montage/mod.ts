/**
 * Montages for the multi-server client: every server's latest frame tiled into grids, as
 * `imutils.build_montages` does in vidgear's examples, with `cv2.putText`-like labels drawn
 * by a built-in bitmap font, and PNG/JPEG encoders for snapshots and the web viewer.
 *
 * Frames are uint8 `[h, w]`/`[h, w, 1]` (gray), `[h, w, 3]` (BGR by default, or RGB) or
 * `[h, w, 4]` (BGRA/RGBA). Nothing here knows of sockets or capture.
 *
 * Labels drawn on frames before {@link buildMontages} shrinks them shrink too (scale 2 text
 * stays readable at half size); to keep them crisp, draw them on the montage at each tile's
 * offset instead.
 *
 * Montages, resizing and text are plain TypeScript and need no permission. The image
 * conversions and encoders load imagescript on first use; its npm build loads a native codec
 * addon, so they need `--allow-read --allow-ffi --allow-env=IMAGESCRIPT_WASM_SIMD`.
 *
 * @example Label two servers' frames and tile them side by side
 * ```ts
 * import { buildMontages, createFrame, drawText, encodePng } from "./mod.ts";
 *
 * const latest = new Map([
 *   [5566, createFrame(new Uint8Array(480 * 640 * 3).fill(60), [480, 640, 3])],
 *   [5567, createFrame(new Uint8Array(480 * 640 * 3).fill(120), [480, 640, 3])],
 * ]);
 * for (const [port, frame] of latest) {
 *   drawText(frame, `${port}  30.0 fps`, { x: 10, y: 10, background: [0, 0, 0] });
 * }
 * const montages = buildMontages(latest.values(), [640, 480], [2, 1]);
 * montages[0].shape; // [480, 1280, 3]
 * // PNG bytes for Deno.writeFile or an HTTP response; needs the permissions above
 * const png = await encodePng(montages[0]);
 * ```
 *
 * @module
 */

// The frame vocabulary, so that this entry point stands alone.
export { createFrame, type DType, DTYPE_SIZES, type Frame } from "../frame.ts";
export type { ChannelOrder, RgbColor } from "./color.ts";
export { buildMontages, type MontageOptions } from "./build_montages.ts";
export { type Interpolation, resizeFrame, type ResizeOptions } from "./resize.ts";
export {
  drawText,
  type DrawTextOptions,
  measureText,
  type TextSize,
  type TextSizeOptions,
} from "./text.ts";
export {
  encodeJpegPreview,
  encodePng,
  frameToImage,
  type FrameToImageOptions,
  imageToFrame,
  type ImageToFrameOptions,
} from "./image.ts";
export { compareKeys, fitText, formatMessage, jsonSafe } from "./labels.ts";
export {
  type DisplayInfo,
  type FrameDisplay,
  SnapshotWriter,
  type SnapshotWriterOptions,
} from "./snapshots.ts";
