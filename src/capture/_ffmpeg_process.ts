// Private: one running ffmpeg process, a decoder (raw video on its stdout, read in exact byte
// counts) or an encoder (raw input on its stdin). Keeps the last lines of its stderr, finds its
// output description there, and stops it without hanging.

import { CaptureError } from "./capture_error.ts";
import { type OutputDescription, OutputDescriptionParser, redact } from "./_ffmpeg_args.ts";

/** Lines of stderr kept for error reports. */
export const STDERR_LINES = 40;
/** Characters kept of one stderr line: a bound on memory if ffmpeg writes no newline. */
const MAX_LINE = 1000;
const QUIT = new TextEncoder().encode("q");

/** What {@link FfmpegProcess.readExactly} got: the bytes if all arrived, else how many did. */
export interface ReadResult {
  data: Uint8Array | undefined;
  filled: number;
}

/** Maps a spawn failure to a `CaptureError` that says how to fix it. */
export function spawnError(error: unknown, path: string): unknown {
  if (error instanceof Deno.errors.NotFound) {
    return new CaptureError(
      "ffmpeg-not-found",
      `Cannot start ffmpeg: "${path}" was not found; install ffmpeg (Debian or Ubuntu: ` +
        `"sudo apt-get install ffmpeg"; macOS: "brew install ffmpeg"; Windows: ` +
        `"winget install ffmpeg" or a build from https://ffmpeg.org/download.html) and put it ` +
        `on the PATH, or set the ffmpegPath option to its location`,
      { cause: error },
    );
  }
  if (error instanceof Deno.errors.NotCapable) {
    return new CaptureError(
      "permission-denied",
      `Cannot start ffmpeg: running "${path}" is not allowed; run Deno with --allow-run=${path}`,
      { cause: error },
    );
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return new CaptureError(
      "permission-denied",
      `Cannot start ffmpeg: "${path}" is not executable; check the file's permissions or set ` +
        `the ffmpegPath option to a working ffmpeg`,
      { cause: error },
    );
  }
  return error;
}

/** Resolves `true` if `promise` settles within `ms`, else `false`; leaves no timer behind. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Lines of ffmpeg's stderr quoted in an error message (the error's `stderr` has more). */
const MESSAGE_LINES = 10;

/** `message`, then the last of `lines` (ffmpeg's stderr), indented. */
export function withStderr(message: string, lines: readonly string[]): string {
  const tail = lines.slice(-MESSAGE_LINES);
  return tail.length
    ? `${message}. ffmpeg said:\n${tail.map((l) => `  ${l}`).join("\n")}`
    : message;
}

/** How ffmpeg ended, in words: its exit code or the signal that killed it. */
export function exitText(status: Deno.CommandStatus): string {
  return status.signal
    ? `ffmpeg was killed by ${status.signal}`
    : `ffmpeg exited with code ${status.code}`;
}

/**
 * A running ffmpeg. A `"decoder"` writes raw video to its stdout ({@link FfmpegProcess.readExactly})
 * and quits on "q"; an `"encoder"` reads its input from stdin ({@link FfmpegProcess.writer}), its
 * stdout unused, and finishes its output at the end of its input.
 */
export class FfmpegProcess {
  readonly #child: Deno.ChildProcess;
  readonly #reader: ReadableStreamBYOBReader | undefined;
  /** An encoder's stdin. */
  readonly writer: WritableStreamDefaultWriter<Uint8Array> | undefined;
  readonly #lines: string[] = [];
  /** Lines written since the output description, once it came. */
  #linesSinceDescription = 0;
  readonly #parser = new OutputDescriptionParser();
  readonly #stderrReader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #stderrDone: Promise<void>;
  readonly #gracePeriod: number;
  #resolveDescription!: (description: OutputDescription | undefined) => void;
  #shutdown: Promise<void> | undefined;
  /** The process's exit status. */
  readonly status: Promise<Deno.CommandStatus>;
  /** Resolves with the output description, or `undefined` if stderr ended without one. */
  readonly description: Promise<OutputDescription | undefined>;
  /** The error a stdout read failed with, if one did. */
  readError: unknown;

  /**
   * Starts `path` with `args`.
   *
   * @throws {CaptureError} When ffmpeg is missing or may not run.
   */
  constructor(
    path: string,
    args: readonly string[],
    gracePeriod: number,
    role: "decoder" | "encoder" = "decoder",
  ) {
    try {
      this.#child = new Deno.Command(path, {
        args: [...args],
        stdin: "piped",
        stdout: role === "decoder" ? "piped" : "null",
        stderr: "piped",
      }).spawn();
    } catch (error) {
      throw spawnError(error, path);
    }
    this.#gracePeriod = gracePeriod;
    if (role === "decoder") this.#reader = this.#child.stdout.getReader({ mode: "byob" });
    else this.writer = this.#child.stdin.getWriter();
    this.status = this.#child.status;
    this.description = new Promise((resolve) => this.#resolveDescription = resolve);
    this.#stderrReader = this.#child.stderr.getReader();
    this.#stderrDone = this.#pumpStderr(this.#stderrReader);
  }

  /** The last lines ffmpeg wrote to stderr, oldest first, URL passwords hidden. */
  get stderrLines(): string[] {
    return [...this.#lines];
  }

  /**
   * What ffmpeg said about the failure at hand: once it has described its output, the lines it
   * wrote since (while running, such as why it stopped), else all of {@link stderrLines}.
   */
  get runningLines(): string[] {
    if (this.#parser.found === undefined) return this.stderrLines;
    const count = Math.min(this.#linesSinceDescription, this.#lines.length);
    return count > 0 ? this.#lines.slice(-count) : [];
  }

  /** Whether {@link shutdown} has begun. */
  get shuttingDown(): boolean {
    return this.#shutdown !== undefined;
  }

  async #pumpStderr(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let pending = "";
    try {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        pending += decoder.decode(chunk.value, { stream: true });
        let end;
        while ((end = pending.search(/[\r\n]/)) >= 0) {
          this.#addLine(pending.slice(0, end));
          pending = pending.slice(end + 1);
        }
        if (pending.length > MAX_LINE) {
          this.#addLine(pending);
          pending = "";
        }
      }
    } catch {
      // stderr only carries diagnostics; losing its tail must not fail capture.
    }
    this.#addLine(pending + decoder.decode());
    this.#resolveDescription(this.#parser.found);
  }

  #addLine(raw: string): void {
    const line = redact(raw.trimEnd()).slice(0, MAX_LINE);
    if (line.trim() === "") return;
    this.#lines.push(line);
    if (this.#lines.length > STDERR_LINES) this.#lines.shift();
    // The indented rest of the output block is not what ffmpeg said while running.
    const running = this.#linesSinceDescription > 0 || !/^\s/.test(line);
    if (this.#parser.found && running) this.#linesSinceDescription++;
    const found = this.#parser.push(line);
    if (found) this.#resolveDescription(found);
  }

  /**
   * Reads exactly `size` bytes into one new buffer, with no copy: each read fills the rest of
   * the buffer in place. Ends early at end of output or on shutdown.
   */
  async readExactly(size: number): Promise<ReadResult> {
    if (this.#reader === undefined) throw new TypeError("Cannot read from an ffmpeg encoder");
    let buffer = new ArrayBuffer(size);
    let filled = 0;
    while (filled < size) {
      let result: ReadableStreamReadResult<Uint8Array<ArrayBuffer>>;
      try {
        result = await this.#reader.read(new Uint8Array(buffer, filled, size - filled));
      } catch (error) {
        if (!this.shuttingDown) this.readError = error;
        return { data: undefined, filled };
      }
      if (result.done) return { data: undefined, filled };
      // A BYOB read transfers the buffer; the bytes live on in the view it hands back.
      buffer = result.value.buffer;
      filled += result.value.byteLength;
    }
    return { data: new Uint8Array(buffer), filled };
  }

  /**
   * Stops ffmpeg: asks a decoder to quit ("q" on stdin) and closes its stdout so a write blocked
   * on a full pipe fails; ends an encoder's input once what was written is in. Then sends
   * SIGTERM and later SIGKILL if it is still running after each grace period. Resolves once the
   * process has exited and stderr is drained. Idempotent.
   */
  shutdown(): Promise<void> {
    this.#shutdown ??= this.#stop();
    return this.#shutdown;
  }

  async #stop(): Promise<void> {
    if (this.writer) {
      // Not awaited: a stalled encoder would never take the rest; the signals below end it.
      this.writer.close().catch(() => {});
    } else {
      try {
        const writer = this.#child.stdin.getWriter();
        await writer.write(QUIT).catch(() => {});
        await writer.close().catch(() => {});
      } catch {
        // stdin already closed.
      }
      await this.#reader?.cancel().catch(() => {});
    }
    for (const signal of ["SIGTERM", "SIGKILL"] as const) {
      if (await settlesWithin(this.status, this.#gracePeriod)) break;
      try {
        this.#child.kill(signal);
      } catch {
        // It exited meanwhile.
      }
    }
    await this.status;
    // stderr ends when ffmpeg exits, unless something it started still holds the pipe.
    if (!(await settlesWithin(this.#stderrDone, this.#gracePeriod))) {
      await this.#stderrReader.cancel().catch(() => {});
    }
    await this.#stderrDone;
  }
}
