/**
 * The error a recorder reports when a recording fails.
 *
 * @module
 */

import type { Port } from "../netgear/options.ts";

/** Options of {@linkcode RecordError}. */
export interface RecordErrorOptions extends ErrorOptions {
  /**
   * The server whose recording failed (`undefined` outside multi-server mode).
   *
   * @default {undefined}
   */
  port?: Port;
  /**
   * The file being written, if one was started.
   *
   * @default {undefined}
   */
  path?: string;
  /**
   * ffmpeg's exit code, or `null` when it did not exit with a code (killed by a signal, or
   * never started).
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
 * A recording failed: its ffmpeg could not start, died, or ended with an error, or a frame
 * could not be recorded. The message quotes ffmpeg's own last lines; `stderr` has more.
 *
 * @example Report why a recording stopped
 * ```ts ignore
 * import { Recorder } from "./mod.ts";
 *
 * const recorder = new Recorder({
 *   directory: "recordings",
 *   onEvent: (event) => {
 *     if (event.type === "error") console.error(event.error.message, event.error.exitCode);
 *   },
 * });
 * ```
 */
export class RecordError extends Error {
  /** The server whose recording failed (`undefined` outside multi-server mode). */
  readonly port: Port | undefined;
  /** The file being written, if one was started. */
  readonly path: string | undefined;
  /** ffmpeg's exit code, or `null` when it did not exit with a code. */
  readonly exitCode: number | null;
  /** The last lines ffmpeg wrote to stderr, oldest first (up to 40). */
  readonly stderr: readonly string[];

  /**
   * Creates a record error.
   *
   * @param message What went wrong and what to do about it.
   * @param options The port, file, exit code, stderr lines and standard error options.
   */
  constructor(message: string, options: RecordErrorOptions = {}) {
    super(message, options);
    this.name = "RecordError";
    this.port = options.port;
    this.path = options.path;
    this.exitCode = options.exitCode ?? null;
    this.stderr = options.stderr ?? [];
  }
}
