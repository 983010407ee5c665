/**
 * {@linkcode FfmpegSource}: frames from a camera, a video file, a network stream or a test
 * pattern, decoded by an `ffmpeg` subprocess that writes raw video to a pipe.
 *
 * @module
 */

import { createFrame, type Frame } from "../frame.ts";
import { CaptureError } from "./capture_error.ts";
import type { CaptureStats, FrameSource, PixelFormat } from "./frame_source.ts";
import {
  type ArgsPlan,
  buildFfmpegArgs,
  describeSource,
  type InputSource,
  parseDshowDevices,
  resolveSource,
} from "./_ffmpeg_args.ts";
import { exitText, FfmpegProcess, spawnError, withStderr } from "./_ffmpeg_process.ts";
import { Reconnector, reconnectSettings } from "./_reconnect.ts";
import {
  CHANNELS,
  checkPixelFormat,
  checkPositiveInteger,
  checkPositiveNumber,
  frameShape,
  framesOf,
  SourceState,
} from "./_util.ts";

/**
 * A camera: `/dev/video<N>` through v4l2 on Linux, device `<N>` through avfoundation on macOS,
 * the `<N>`th video device ffmpeg lists through dshow on Windows.
 */
export interface CameraSource {
  /** Marks a camera. */
  readonly type: "camera";
  /**
   * A camera index (`0` is the default camera), or the device itself: a path such as
   * `"/dev/video2"` on Linux, a name or `"<video>:<audio>"` pair on macOS, a name (with or
   * without `video=`) on Windows.
   */
  readonly device: number | string;
}

/** A video file, read as fast as ffmpeg decodes it unless `realtime` is set. */
export interface FileSource {
  /** Marks a file. */
  readonly type: "file";
  /** The file's path. */
  readonly path: string;
}

/** A network stream or any URL ffmpeg opens: `rtsp://`, `http://`, `rtmp://`, `udp://`, … */
export interface StreamSource {
  /** Marks a stream. */
  readonly type: "stream";
  /** The URL. A password in it is hidden in error messages. */
  readonly url: string;
}

/** An ffmpeg test pattern (a lavfi source filter), generated without any input. */
export interface PatternSource {
  /** Marks a pattern. */
  readonly type: "pattern";
  /**
   * The source filter: `"testsrc2"`, `"testsrc"`, `"smptebars"`, `"smptehdbars"`,
   * `"rgbtestsrc"`, `"mandelbrot"`, `"life"`, …
   *
   * @default {"testsrc2"}
   */
  readonly name?: string;
  /**
   * Width the pattern is generated at (give `height` too).
   *
   * @default {the width option, else ffmpeg's default of 320}
   */
  readonly width?: number;
  /**
   * Height the pattern is generated at (give `width` too).
   *
   * @default {the height option, else ffmpeg's default of 240}
   */
  readonly height?: number;
  /**
   * Frames per second the pattern is generated at.
   *
   * @default {the fps option, else ffmpeg's default of 25}
   */
  readonly rate?: number;
}

/**
 * What to capture. Besides the source objects, shorthands:
 *
 * - a number, or a string of digits: a camera index (`0` is the default camera);
 * - a string starting with `/dev/`: a camera device;
 * - a `scheme://…` string: a stream (`rtsp://…`, `http://…`);
 * - `"pattern:<name>"`: a test pattern, e.g. `"pattern:smptebars"`;
 * - any other string: a file path.
 */
export type CaptureSource =
  | number
  | string
  | CameraSource
  | FileSource
  | StreamSource
  | PatternSource;

/** Options of {@linkcode FfmpegSource.open}. */
export interface FfmpegSourceOptions {
  /** What to capture: a camera, a file, a stream or a test pattern. */
  readonly source: CaptureSource;
  /**
   * Width to scale frames to. Given alone, the height follows the aspect ratio.
   *
   * @default {the source's width}
   */
  readonly width?: number;
  /**
   * Height to scale frames to. Given alone, the width follows the aspect ratio.
   *
   * @default {the source's height}
   */
  readonly height?: number;
  /**
   * Output frame rate: ffmpeg drops or repeats frames to reach it (its `fps` filter).
   *
   * @default {the source's rate}
   */
  readonly fps?: number;
  /**
   * Pixel layout of the frames. `bgr24` is what OpenCV and vidgear use.
   *
   * @default {"bgr24"}
   */
  readonly pixelFormat?: PixelFormat;
  /**
   * Paces files and patterns at their own frame rate, as a camera would deliver them
   * (ffmpeg's `-re`). Cameras and streams are paced by nature and ignore it.
   *
   * @default {false}
   */
  readonly realtime?: boolean;
  /**
   * Plays a file over and over (ffmpeg's `-stream_loop -1`). Files only.
   *
   * @default {false}
   */
  readonly loop?: boolean;
  /**
   * Stops after this many frames (ffmpeg's `-frames:v`); `null` reads to the end.
   *
   * @default {null}
   */
  readonly maxFrames?: number | null;
  /**
   * Transport of `rtsp://` streams. TCP survives lossy networks and firewalls.
   *
   * @default {"tcp"}
   */
  readonly rtspTransport?: "tcp" | "udp";
  /**
   * The ffmpeg executable: a name looked up on the PATH, or a path.
   *
   * @default {"ffmpeg"}
   */
  readonly ffmpegPath?: string;
  /**
   * Extra ffmpeg options placed just before `-i`, e.g. `["-video_size", "1280x720"]` to ask a
   * camera for a capture mode.
   *
   * @default {[]}
   */
  readonly inputArgs?: readonly string[];
  /**
   * Extra ffmpeg options placed after the input, before the raw video output. A `-vf` here
   * replaces the filters that `width`, `height` and `fps` add. Keep `-loglevel` at `info` or
   * above: the frame size is read from ffmpeg's log.
   *
   * @default {[]}
   */
  readonly outputArgs?: readonly string[];
  /**
   * Milliseconds to wait for ffmpeg to open the source, and then for each frame, before
   * failing with a `"timeout"` {@linkcode CaptureError}; `null` waits forever. With
   * `reconnect`, a live source that gives no frame for this long has stalled: it is reopened
   * (the default is in the spirit of Frigate, which restarts a camera silent for 20 s).
   *
   * @default {20000}
   */
  readonly timeout?: number | null;
  /**
   * Reopens a live source (a camera, a stream, a test pattern) that ends, fails or stalls
   * (see `timeout`), with backoff: by default after 1 s, 2 s, 4 s, 8 s, then every 10 s,
   * forever. Meanwhile a pending `read()` waits, and the frame it finally returns comes from
   * the reopened source, at the same size as before. Only the first `open()` fails at once, so
   * that a wrong URL or device shows up straight away. Files end as usual (see `loop`). `true`
   * takes the defaults of {@linkcode ReconnectOptions}; `false` ends the source at its first
   * drop (`read()` throws ffmpeg's error, or gives `null` when ffmpeg ended without one).
   *
   * @default {false}
   */
  readonly reconnect?: boolean | ReconnectOptions;
  /**
   * Milliseconds `stop()` gives ffmpeg to quit before it sends SIGTERM, and again before
   * SIGKILL.
   *
   * @default {2000}
   */
  readonly stopGracePeriod?: number;
  /**
   * Stops the source when aborted; aborting during `open()` rejects it with the reason.
   *
   * @default {undefined}
   */
  readonly signal?: AbortSignal;
}

/**
 * How {@linkcode FfmpegSource} reopens a live source that drops (its `reconnect` option).
 * Attempt `n` after a drop waits `initialDelay × 2^(n-1)` ms, at most `maxDelay`; a source that
 * drops again within `maxDelay` of coming back goes on with that schedule instead of starting
 * it over.
 */
export interface ReconnectOptions {
  /**
   * Failed reopen attempts in a row after which `read()` gives up and throws a
   * {@linkcode CaptureError} carrying the last attempt's reason; `null` retries forever.
   *
   * @default {null}
   */
  readonly maxAttempts?: number | null;
  /**
   * Milliseconds from a drop to the first reopen attempt.
   *
   * @default {1000}
   */
  readonly initialDelay?: number;
  /**
   * The longest wait between attempts, in milliseconds.
   *
   * @default {10000, or initialDelay when that is longer}
   */
  readonly maxDelay?: number;
  /**
   * Told before each wait: attempt 1 right after the drop, with ffmpeg's reason for it (the
   * error's message ends with ffmpeg's last stderr lines), then once per failed attempt.
   *
   * @default {undefined}
   */
  readonly onRetry?: (retry: ReconnectRetry) => void;
  /**
   * Told once the source is open again, before its first frame is returned.
   *
   * @default {undefined}
   */
  readonly onReconnect?: (success: ReconnectSuccess) => void;
}

/** What {@linkcode ReconnectOptions.onRetry} is told. */
export interface ReconnectRetry {
  /** The attempt about to be made: 1 for the first after a drop. */
  readonly attempt: number;
  /** Milliseconds until it is made. */
  readonly delay: number;
  /**
   * Why: the drop itself for attempt 1 (reason `"ffmpeg-failed"`, `"timeout"` for a stall, or
   * `"ended"`), else why the attempt before failed.
   */
  readonly error: CaptureError;
}

/** What {@linkcode ReconnectOptions.onReconnect} is told. */
export interface ReconnectSuccess {
  /** The attempts it took, the successful one included. */
  readonly attempts: number;
  /** Milliseconds from the drop to the source being open again. */
  readonly downtime: number;
}

interface Settings {
  readonly input: InputSource;
  readonly label: string;
  readonly plan: ArgsPlan;
  readonly ffmpegPath: string;
  readonly gracePeriod: number;
  readonly pixelFormat: PixelFormat;
  readonly timeout: number | null;
  readonly signal: AbortSignal | undefined;
}

/** A started ffmpeg that has described its output. */
interface Started {
  readonly process: FfmpegProcess;
  readonly args: readonly string[];
  readonly width: number;
  readonly height: number;
}

/**
 * Frames from a camera, a video file, a network stream or an ffmpeg test pattern. An
 * `ffmpeg` subprocess decodes the source and writes raw frames to a pipe; each `read()` takes
 * exactly one frame's bytes from it into one new buffer.
 *
 * **Frame size.** {@linkcode FfmpegSource.open} starts ffmpeg and waits for the description
 * of its output that ffmpeg logs before writing any frame (`Stream #0:0: Video: rawvideo …,
 * bgr24, 640x480`). That size is exact: it is after scaling, automatic rotation of phone videos
 * and any extra output filters, it needs only one process (a camera is opened once, and only
 * `--allow-run=ffmpeg` is needed), and the pixel format is checked too. ffprobe is not used:
 * it would open the source a second time and report the size before rotation and filters.
 * Should an ffmpeg build word that line in a way this parser does not know, explicit `width`
 * and `height` are trusted instead; without them `open()` fails with a `"bad-output"` error.
 *
 * **End of stream.** `read()` returns `null` once ffmpeg has exited successfully and every
 * whole frame is read, or after `stop()`. If ffmpeg exits with an error, even after whole
 * frames, `read()` throws a {@linkcode CaptureError}: the device or stream failed. A frame cut
 * short counts the same way: an error when ffmpeg failed (the stream died mid-frame), the end
 * of the stream when it succeeded (ffmpeg delivered all it meant to, and a partial frame has
 * no full picture to return).
 *
 * **Cameras that drop and come back.** With the `reconnect` option, a camera, stream or
 * pattern that ends, fails, or stalls (no frame within `timeout`) is not the end: ffmpeg is
 * started again with backoff until the source is back, and the pending `read()` then returns
 * its first frame. Only `stop()`, the abort signal, `maxFrames`, or running out of
 * `reconnect.maxAttempts` end it. Files still end at their end.
 *
 * Requires `--allow-run=ffmpeg` (or the `ffmpegPath` given), plus `--allow-read` for files.
 *
 * @example Read ten frames of a test pattern
 * ```ts
 * import { FfmpegSource } from "./mod.ts";
 *
 * await using source = await FfmpegSource.open({
 *   source: { type: "pattern", name: "testsrc2" },
 *   width: 320,
 *   height: 240,
 *   maxFrames: 10,
 * });
 * for await (const frame of source) {
 *   console.log(frame.shape); // [240, 320, 3], bgr24
 * }
 * ```
 *
 * @example Keep a network camera open through drops, logging each one
 * ```ts ignore
 * import { FfmpegSource } from "./mod.ts";
 *
 * await using camera = await FfmpegSource.open({
 *   source: "rtsp://192.168.1.20:554/stream1",
 *   timeout: 20_000, // no frame for 20 s: a stall, reopened like a drop
 *   reconnect: {
 *     onRetry: ({ attempt, delay, error }) => {
 *       if (attempt === 1) console.error(error.message); // why it dropped, once per drop
 *       console.error(`reconnecting: attempt ${attempt} in ${delay} ms`);
 *     },
 *     onReconnect: ({ downtime }) => console.error(`back after ${downtime} ms`),
 *   },
 * });
 * for await (const frame of camera) console.log(frame.shape);
 * ```
 *
 * @example Capture the default webcam at 640×480, 15 fps
 * ```ts ignore
 * import { FfmpegSource } from "./mod.ts";
 *
 * await using camera = await FfmpegSource.open({ source: 0, width: 640, height: 480, fps: 15 });
 * const frame = await camera.read();
 * ```
 */
export class FfmpegSource implements FrameSource {
  /** The shape of every frame: `[height, width]` for `gray`, else `[height, width, channels]`. */
  readonly shape: readonly number[];
  /** The pixel layout of every frame. */
  readonly pixelFormat: PixelFormat;
  /** Frame width in pixels. */
  readonly width: number;
  /** Frame height in pixels. */
  readonly height: number;
  /** How messages name this source, e.g. `file "clip.mp4"` or `camera 0`. */
  readonly label: string;

  #process: FfmpegProcess;
  #args: readonly string[];
  readonly #settings: Settings;
  readonly #frameSize: number;
  readonly #state: SourceState;
  readonly #reconnector: Reconnector | undefined;
  /** Aborted by `stop()`: ends a wait between reopen attempts and the attempt under way. */
  readonly #stopping = new AbortController();
  #reopening: Promise<unknown> | undefined;
  #stopRequested = false;

  private constructor(settings: Settings, started: Started, reconnector: Reconnector | undefined) {
    this.#process = started.process;
    this.#args = started.args;
    this.#settings = settings;
    this.#reconnector = reconnector;
    this.pixelFormat = settings.pixelFormat;
    this.width = started.width;
    this.height = started.height;
    this.shape = frameShape(started.width, started.height, settings.pixelFormat);
    this.#frameSize = started.width * started.height * CHANNELS[settings.pixelFormat];
    this.label = settings.label;
    this.#state = new SourceState(settings.label, settings.signal, () => void this.stop());
  }

  /**
   * Starts ffmpeg on a source and waits until ffmpeg has opened it and said what size its
   * frames are.
   *
   * @param options What to capture and how.
   * @returns A running source; stop it with `stop()` or `await using`.
   * @throws {TypeError} When an option has the wrong type.
   * @throws {RangeError} When a number option is out of range.
   * @throws {CaptureError} When ffmpeg is missing, cannot open the source, or times out.
   */
  static async open(options: FfmpegSourceOptions): Promise<FfmpegSource> {
    const plan = planFrom(options);
    const reconnect = reconnectSettings(options.reconnect);
    const ffmpegPath = options.ffmpegPath ?? "ffmpeg";
    const signal = options.signal;
    signal?.throwIfAborted();
    if (plan.os === "windows" && plan.input.type === "camera") {
      const device = plan.input.device;
      if (typeof device === "number") plan.dshowName = await dshowName(ffmpegPath, device);
    }
    const settings: Settings = {
      input: plan.input,
      label: describeSource(plan.input),
      plan,
      ffmpegPath,
      gracePeriod: options.stopGracePeriod ?? 2000,
      pixelFormat: plan.pixelFormat,
      timeout: options.timeout === undefined ? 20_000 : options.timeout,
      signal,
    };
    const started = await start(settings, plan, signal);
    // Files end where they end; only live sources are reopened.
    const reconnector = reconnect && plan.input.type !== "file"
      ? new Reconnector(reconnect, settings.label)
      : undefined;
    return new FfmpegSource(settings, started, reconnector);
  }

  /** The ffmpeg arguments in use, for logs and debugging (a reopened source's, once reopened). */
  get args(): readonly string[] {
    return this.#args;
  }

  /** Frames read so far and the measured frame rate. */
  get stats(): CaptureStats {
    return this.#state.stats;
  }

  /**
   * Reads the next frame: exactly one frame's bytes, into one new buffer. With `reconnect`, a
   * live source that drops is reopened first, however long that takes.
   *
   * @returns The frame, or `null` at the end of the stream or after `stop()`.
   * @throws {CaptureError} When ffmpeg fails or no frame comes within `timeout` (the source
   * is then stopped), when `reconnect` runs out of attempts, or when another `read()` is
   * pending (`"busy"`).
   */
  read(): Promise<Frame | null> {
    return this.#state.read(() => this.#readFrame());
  }

  async #readFrame(): Promise<Frame | null> {
    for (;;) {
      let drop: CaptureError | undefined;
      try {
        const frame = await this.#readFromFfmpeg();
        if (frame !== null) return frame;
      } catch (error) {
        if (!(error instanceof CaptureError)) throw error;
        drop = error;
      }
      if (this.#stopRequested) return null;
      const maxFrames = this.#settings.plan.maxFrames;
      const done = maxFrames !== null && this.#state.meter.count >= maxFrames;
      if (this.#reconnector === undefined || done) {
        this.#state.end();
        if (drop) throw drop;
        return null;
      }
      drop ??= endedError(this.#settings, this.#process, this.#state.meter.count);
      this.#reopening = this.#reopen(this.#reconnector, drop);
      let reopened;
      try {
        reopened = await this.#reopening;
      } catch (error) {
        this.#state.end();
        throw error;
      }
      if (!reopened) return null;
    }
  }

  /** Reads one frame from the running ffmpeg; `null` when it ended without an error. */
  async #readFromFfmpeg(): Promise<Frame | null> {
    const process = this.#process;
    const timeout = this.#settings.timeout;
    let timedOut = false;
    const timer = timeout === null ? undefined : setTimeout(() => {
      timedOut = true;
      void process.shutdown();
    }, timeout);
    let result;
    try {
      result = await process.readExactly(this.#frameSize);
    } finally {
      clearTimeout(timer);
    }
    if (result.data !== undefined && !timedOut) {
      this.#state.meter.tick();
      // Its capture time: when ffmpeg handed it over (the pipe holds less than a frame).
      return { ...createFrame(result.data, this.shape), captureTime: Date.now() };
    }

    await process.shutdown();
    if (this.#stopRequested) return null;
    if (timedOut) throw timeoutError(this.#settings, process, "deliver a frame");
    const status = await process.status;
    if (status.success && process.readError === undefined) return null;
    const cut = result.filled > 0
      ? ` in the middle of a frame (${result.filled} of ${this.#frameSize} bytes)`
      : "";
    throw failure(
      this.#settings,
      process,
      status,
      `Capture from ${this.label} failed after ${this.#state.meter.count} frames: ` +
        (status.success ? "reading its output failed" : exitText(status)) + cut,
      process.readError,
    );
  }

  /** Starts ffmpeg again on the schedule; `false` once stopped meanwhile. */
  async #reopen(reconnector: Reconnector, drop: CaptureError): Promise<boolean> {
    // The same size as before, whatever the source now sends, and only the frames still due.
    const plan: ArgsPlan = { ...this.#settings.plan, width: this.width, height: this.height };
    if (plan.maxFrames !== null) plan.maxFrames -= this.#state.meter.count;
    const signal = this.#stopping.signal;
    const started = await reconnector.reopen(drop, async () => {
      const started = await start(this.#settings, plan, signal);
      if (started.width !== this.width || started.height !== this.height) {
        await started.process.shutdown();
        throw new CaptureError(
          "bad-output",
          `Cannot reconnect to ${this.label}: its frames are now ${started.width}x${started.height}, ` +
            `not ${this.width}x${this.height}; remove the filters from outputArgs that set the size`,
          { stderr: started.process.stderrLines },
        );
      }
      return started;
    }, signal);
    if (started === undefined) return false;
    if (this.#stopRequested) {
      await started.process.shutdown();
      return false;
    }
    this.#process = started.process;
    this.#args = started.args;
    return true;
  }

  /**
   * Stops ffmpeg and waits for it to exit: asks it to quit, then sends SIGTERM and SIGKILL
   * after `stopGracePeriod` each if it lingers. Safe to call more than once; a pending
   * `read()` resolves to `null`, also while the source is being reopened.
   */
  async stop(): Promise<void> {
    this.#stopRequested = true;
    this.#state.end();
    this.#stopping.abort();
    await this.#process.shutdown();
    await this.#reopening?.catch(() => {});
  }

  /** Stops the source: `await using source = await FfmpegSource.open(…)`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /** Yields frames until the end of the stream; leaving the loop early stops the source. */
  [Symbol.asyncIterator](): AsyncGenerator<Frame, void, undefined> {
    return framesOf(this);
  }
}

/**
 * Starts ffmpeg on `plan` and waits for the description of its output.
 *
 * @throws {CaptureError} When ffmpeg is missing, fails, times out or writes the wrong output.
 * @throws {unknown} `signal`'s reason when it aborts.
 */
async function start(
  settings: Settings,
  plan: ArgsPlan,
  signal: AbortSignal | undefined,
): Promise<Started> {
  const args = buildFfmpegArgs(plan);
  const process = new FfmpegProcess(settings.ffmpegPath, args, settings.gracePeriod);
  const timeout = settings.timeout;
  let timedOut = false;
  const timer = timeout === null ? undefined : setTimeout(() => {
    timedOut = true;
    void process.shutdown();
  }, timeout);
  const onAbort = (): void => void process.shutdown();
  signal?.addEventListener("abort", onAbort, { once: true });
  let output;
  try {
    output = await process.description;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }

  if (signal?.aborted) {
    await process.shutdown();
    throw signal.reason;
  }
  // A description that came just as the time ran out is too late: ffmpeg is being stopped.
  if (output === undefined || timedOut) {
    await process.shutdown();
    if (timedOut) throw timeoutError(settings, process, "open the source");
    const status = await process.status;
    if (status.success) {
      throw new CaptureError(
        "bad-output",
        `Cannot capture from ${settings.label}: ffmpeg exited without describing a raw video ` +
          `output; keep -loglevel at "info" or above in inputArgs and outputArgs`,
        { exitCode: status.code, stderr: process.stderrLines },
      );
    }
    throw failure(
      settings,
      process,
      status,
      `Cannot capture from ${settings.label}: ${exitText(status)}`,
    );
  }
  if (output.kind === "unreadable") {
    // A log format this parser does not know: trust an explicit size, else give up now
    // rather than guess a frame size and misread every frame.
    if (plan.width !== undefined && plan.height !== undefined) {
      return { process, args, width: plan.width, height: plan.height };
    }
    await process.shutdown();
    throw new CaptureError(
      "bad-output",
      `Cannot capture from ${settings.label}: cannot read the frame size from ffmpeg's ` +
        `line "${output.line}"; set both the width and height options`,
      { stderr: process.stderrLines },
    );
  }
  if (output.pixelFormat !== plan.pixelFormat) {
    await process.shutdown();
    throw new CaptureError(
      "bad-output",
      `Cannot capture from ${settings.label}: ffmpeg writes "${output.pixelFormat}" frames, ` +
        `not "${plan.pixelFormat}"; check inputArgs and outputArgs for options that change the output`,
      { stderr: process.stderrLines },
    );
  }
  return { process, args, width: output.width, height: output.height };
}

function planFrom(options: FfmpegSourceOptions): ArgsPlan {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`Cannot open a source without options: pass { source }`);
  }
  const input = resolveSource(options.source);
  checkPositiveInteger("width", options.width);
  checkPositiveInteger("height", options.height);
  checkPositiveNumber("fps", options.fps);
  const maxFrames = options.maxFrames ?? null;
  if (maxFrames !== null) checkPositiveInteger("maxFrames", maxFrames);
  if (options.timeout !== undefined && options.timeout !== null) {
    checkPositiveNumber("timeout", options.timeout);
  }
  checkPositiveNumber("stopGracePeriod", options.stopGracePeriod);
  const pixelFormat = checkPixelFormat(options.pixelFormat ?? "bgr24");
  const loop = options.loop ?? false;
  if (loop && input.type !== "file") {
    throw new TypeError(`Cannot loop ${describeSource(input)}: loop applies to files only`);
  }
  const rtspTransport = options.rtspTransport ?? "tcp";
  if (rtspTransport !== "tcp" && rtspTransport !== "udp") {
    throw new TypeError(`Cannot use rtspTransport "${rtspTransport}": use "tcp" or "udp"`);
  }
  const ffmpegPath = options.ffmpegPath ?? "ffmpeg";
  if (typeof ffmpegPath !== "string" || ffmpegPath === "") {
    throw new TypeError(`Cannot use ffmpegPath ${JSON.stringify(ffmpegPath)}: give a name or path`);
  }
  return {
    input,
    os: Deno.build.os,
    width: options.width,
    height: options.height,
    fps: options.fps,
    pixelFormat,
    realtime: options.realtime ?? false,
    loop,
    maxFrames,
    rtspTransport,
    inputArgs: checkArgs("inputArgs", options.inputArgs),
    outputArgs: checkArgs("outputArgs", options.outputArgs),
  };
}

function checkArgs(name: string, args: readonly string[] | undefined): readonly string[] {
  if (args === undefined) return [];
  if (!Array.isArray(args) || !args.every((arg) => typeof arg === "string")) {
    throw new TypeError(`Cannot use ${name} ${JSON.stringify(args)}: use an array of strings`);
  }
  return args;
}

/** Finds the dshow name of the `index`th video device, as ffmpeg lists them. */
async function dshowName(ffmpegPath: string, index: number): Promise<string> {
  let output;
  try {
    output = await new Deno.Command(ffmpegPath, {
      args: ["-hide_banner", "-list_devices", "true", "-f", "dshow", "-i", "dummy"],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
  } catch (error) {
    throw spawnError(error, ffmpegPath);
  }
  const names = parseDshowDevices(new TextDecoder().decode(output.stderr));
  if (index < names.length) return names[index];
  const listed = names.length ? ` (${names.map((name) => `"${name}"`).join(", ")})` : "";
  throw new CaptureError(
    "ffmpeg-failed",
    `Cannot open camera ${index}: ffmpeg lists ${names.length} video devices${listed}; ` +
      `connect a camera or use an index below ${names.length}`,
    { exitCode: output.code },
  );
}

function hint(input: InputSource): string {
  switch (input.type) {
    case "camera":
      return "check that the camera is connected, not in use, and readable by this user";
    case "file":
      return "check that the file exists, is readable and holds video";
    case "stream":
      return "check that the stream is reachable and its URL is right";
    case "pattern":
      return "check the pattern name and its size";
  }
}

function failure(
  settings: Settings,
  process: FfmpegProcess,
  status: Deno.CommandStatus,
  head: string,
  cause?: unknown,
): CaptureError {
  const lines = process.stderrLines;
  return new CaptureError(
    "ffmpeg-failed",
    withStderr(`${head}; ${hint(settings.input)}`, process.runningLines),
    { exitCode: status.code, stderr: lines, cause },
  );
}

/** Why a live source that ffmpeg ended without an error counts as a drop. */
function endedError(settings: Settings, process: FfmpegProcess, frames: number): CaptureError {
  const lines = process.stderrLines;
  return new CaptureError(
    "ended",
    withStderr(
      `Capture from ${settings.label} ended after ${frames} frames: ffmpeg reached the end of ` +
        `the stream; ${hint(settings.input)}`,
      process.runningLines,
    ),
    { exitCode: 0, stderr: lines },
  );
}

function timeoutError(settings: Settings, process: FfmpegProcess, what: string): CaptureError {
  const lines = process.stderrLines;
  return new CaptureError(
    "timeout",
    withStderr(
      `Capture from ${settings.label} timed out: ffmpeg did not ${what} within ` +
        `${settings.timeout} ms; ${hint(settings.input)}, or raise the timeout option`,
      process.runningLines,
    ),
    { stderr: lines },
  );
}
