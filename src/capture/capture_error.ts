/**
 * The error a frame source throws when capture fails.
 *
 * @module
 */

/**
 * Why capture failed:
 *
 * - `"ffmpeg-not-found"`: the ffmpeg executable could not be found.
 * - `"permission-denied"`: Deno's permissions do not allow running ffmpeg.
 * - `"ffmpeg-failed"`: ffmpeg exited with an error (bad device, missing file, unreachable or
 *   broken stream, a stream that died mid-way, a frame cut short).
 * - `"timeout"`: ffmpeg produced neither its output description nor a frame in time.
 * - `"bad-output"`: ffmpeg's output is not the raw video the source asked for (for example
 *   extra output arguments changed the pixel format).
 * - `"busy"`: `read()` was called while another `read()` was pending.
 * - `"ended"`: a live source's stream ended without an error, which its `reconnect` option
 *   counts as a drop (never thrown by `read()`: a source without `reconnect` just ends).
 */
export type CaptureErrorReason =
  | "ffmpeg-not-found"
  | "permission-denied"
  | "ffmpeg-failed"
  | "timeout"
  | "bad-output"
  | "busy"
  | "ended";

/** Options of {@linkcode CaptureError}. */
export interface CaptureErrorOptions extends ErrorOptions {
  /**
   * ffmpeg's exit code, or `null` when it had not exited or did not exit with a code.
   *
   * @default {null}
   */
  exitCode?: number | null;
  /**
   * The last lines ffmpeg wrote to stderr, oldest first.
   *
   * @default {[]}
   */
  stderr?: readonly string[];
}

/**
 * A frame source failed: ffmpeg is missing or not allowed to run, or it exited with an error,
 * or it stalled. `exitCode` and `stderr` hold what ffmpeg reported.
 *
 * @example Tell a missing file from other failures
 * ```ts ignore
 * import { CaptureError, FfmpegSource } from "./mod.ts";
 *
 * try {
 *   await FfmpegSource.open({ source: "missing.mp4" });
 * } catch (error) {
 *   if (error instanceof CaptureError && error.reason === "ffmpeg-failed") {
 *     console.error(error.exitCode, error.stderr.at(-1));
 *   }
 * }
 * ```
 */
export class CaptureError extends Error {
  /** A short machine-readable reason. */
  readonly reason: CaptureErrorReason;
  /** ffmpeg's exit code, or `null` when it had not exited or did not exit with a code. */
  readonly exitCode: number | null;
  /** The last lines ffmpeg wrote to stderr, oldest first (up to 40). */
  readonly stderr: readonly string[];

  /**
   * Creates a capture error.
   *
   * @param reason The machine-readable reason.
   * @param message What went wrong and what to do about it.
   * @param options The exit code, stderr lines and standard error options (`cause`).
   */
  constructor(reason: CaptureErrorReason, message: string, options: CaptureErrorOptions = {}) {
    super(message, options);
    this.name = "CaptureError";
    this.reason = reason;
    this.exitCode = options.exitCode ?? null;
    this.stderr = options.stderr ?? [];
  }
}
