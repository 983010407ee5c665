/**
 * Frame capture: sources of frames for a NetGear server, the counterpart of vidgear's CamGear
 * and VideoGear.
 *
 * - {@linkcode FfmpegSource}: a webcam, a video file, an RTSP/HTTP stream or an ffmpeg test
 *   pattern, decoded by an `ffmpeg` subprocess (needs ffmpeg and `--allow-run=ffmpeg`).
 * - {@linkcode SyntheticSource}: a moving test picture drawn in TypeScript, named and
 *   numbered, for demos and tests without hardware.
 *
 * Both implement {@linkcode FrameSource}: `read()` returns a {@linkcode Frame} (`bgr24`
 * by default, shape `[height, width, 3]`, dtype `uint8`) or `null` at the end, `for await`
 * iterates, and `stop()` or `await using` releases the source.
 *
 * @example Read frames from a test pattern, then from a synthetic camera
 * ```ts
 * import { FfmpegSource, SyntheticSource } from "./mod.ts";
 *
 * // Needs ffmpeg: deno run --allow-run=ffmpeg example.ts
 * await using pattern = await FfmpegSource.open({
 *   source: "pattern:smptebars",
 *   width: 320,
 *   height: 240,
 *   maxFrames: 5,
 * });
 * for await (const frame of pattern) console.log(frame.shape); // [240, 320, 3]
 *
 * await using synthetic = new SyntheticSource({ name: "cam 1", fps: 15, maxFrames: 5 });
 * for await (const frame of synthetic) console.log(synthetic.stats.framesRead, frame.dtype);
 * ```
 *
 * @module
 */

// The frame type, so that capture users need no second import (DTYPE_SIZES defines DType).
export { type DType, DTYPE_SIZES, type Frame } from "../frame.ts";
export {
  CaptureError,
  type CaptureErrorOptions,
  type CaptureErrorReason,
} from "./capture_error.ts";
export type { CaptureStats, FrameSource, PixelFormat } from "./frame_source.ts";
export {
  type CameraSource,
  type CaptureSource,
  FfmpegSource,
  type FfmpegSourceOptions,
  type FileSource,
  type PatternSource,
  type ReconnectOptions,
  type ReconnectRetry,
  type ReconnectSuccess,
  type StreamSource,
} from "./ffmpeg_source.ts";
export { SyntheticSource, type SyntheticSourceOptions } from "./synthetic_source.ts";
export { openSource, type OpenSourceOptions, PATTERN_NAMES, sourceOf } from "./open_source.ts";
