/**
 * {@linkcode openSource}: a frame source from the text a user typed (`synthetic`, `testsrc`,
 * `/dev/video0`, `clip.mp4`, `rtsp://…`), as `netgear send` and the examples take it.
 *
 * @module
 */

import type { FrameSource } from "./frame_source.ts";
import { type CaptureSource, FfmpegSource, type FfmpegSourceOptions } from "./ffmpeg_source.ts";
import { SyntheticSource } from "./synthetic_source.ts";

/** ffmpeg test patterns accepted by their bare name (`testsrc`); others as `pattern:NAME`. */
export const PATTERN_NAMES: readonly string[] = [
  "testsrc",
  "testsrc2",
  "smptebars",
  "smptehdbars",
  "rgbtestsrc",
  "yuvtestsrc",
  "mandelbrot",
  "life",
];

/**
 * Reads a source as typed: `"synthetic"`, a bare test-pattern name (`testsrc` becomes
 * `pattern:testsrc`), or anything {@linkcode FfmpegSource} opens (a camera index or device, a
 * file, a URL, `pattern:NAME`).
 */
export function sourceOf(text: string): "synthetic" | CaptureSource {
  if (text === "synthetic") return "synthetic";
  if (PATTERN_NAMES.includes(text)) return `pattern:${text}`;
  return text;
}

/** Options of {@linkcode openSource}: {@linkcode FfmpegSource}'s, less `source`. */
export interface OpenSourceOptions extends Omit<FfmpegSourceOptions, "source"> {
  /** The synthetic source's name, drawn on its frames. @default {"synthetic"} */
  readonly name?: string;
}

/**
 * Opens `source` ({@linkcode sourceOf} reads typed text): {@linkcode SyntheticSource} for
 * `"synthetic"` (only `width`, `height`, `fps`, `realtime`, `maxFrames`, `name` and `signal`
 * apply), else {@linkcode FfmpegSource} (needs ffmpeg and `--allow-run=ffmpeg`).
 *
 * @throws {CaptureError} When ffmpeg cannot open the source.
 *
 * @example The source a user named, 5 frames of it
 * ```ts ignore
 * import { openSource } from "./mod.ts";
 * await using source = await openSource(Deno.args[0] ?? "synthetic", { maxFrames: 5 });
 * for await (const frame of source) console.log(frame.shape);
 * ```
 */
export async function openSource(
  source: string | CaptureSource,
  options: OpenSourceOptions = {},
): Promise<FrameSource> {
  const what = typeof source === "string" ? sourceOf(source) : source;
  if (what === "synthetic") {
    const { width, height, fps, realtime, maxFrames, name, signal } = options;
    return new SyntheticSource({ width, height, fps, realtime, maxFrames, name, signal });
  }
  const { name: _name, ...ffmpeg } = options;
  return await FfmpegSource.open({ ...ffmpeg, source: what });
}
