/**
 * Frame sources from `--source`: {@linkcode SyntheticSource} for `synthetic`, else
 * {@linkcode FfmpegSource} (cameras, files, URLs and ffmpeg test patterns).
 *
 * @module
 */

import { FfmpegSource, type FrameSource, SyntheticSource } from "../../src/capture/mod.ts";
import type { ServerFlags } from "./flags.ts";

/** ffmpeg test patterns (lavfi source filters) accepted by name as a source. */
export const PATTERNS: readonly string[] = [
  "testsrc",
  "testsrc2",
  "smptebars",
  "smptehdbars",
  "rgbtestsrc",
  "mandelbrot",
  "life",
];

/** The lavfi filter name when `source` names an ffmpeg test pattern, else `undefined`. */
export function patternName(source: string): string | undefined {
  if (source.startsWith("pattern:")) return source.slice("pattern:".length);
  return PATTERNS.includes(source) ? source : undefined;
}

/**
 * Opens the frame source `flags.source` names: {@linkcode SyntheticSource} for `synthetic`,
 * else {@linkcode FfmpegSource} (the counterpart of vidgear's CamGear and VideoGear). It ends
 * after `flags.frames` frames, at the end of a file, or when `signal` aborts.
 */
export async function openSource(
  flags: ServerFlags,
  name: string,
  signal: AbortSignal,
): Promise<FrameSource> {
  const { width, height, fps } = flags;
  const common = { width, height, fps, realtime: !flags.fast, maxFrames: flags.frames, signal };
  if (flags.source === "synthetic") return new SyntheticSource({ ...common, name });
  const pattern = patternName(flags.source);
  return await FfmpegSource.open({
    ...common,
    source: pattern === undefined ? flags.source : `pattern:${pattern}`,
  });
}
