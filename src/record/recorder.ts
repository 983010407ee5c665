/**
 * {@linkcode Recorder}: records each server's frames to video files, one ffmpeg encoder per
 * file, without ever holding up the stream.
 *
 * @module
 */

import type { Frame } from "../frame.ts";
import type { Port } from "../netgear/options.ts";
import { chooseEncoder, type EncoderChoice, type EncoderInput } from "./_encoder.ts";
import type { RawFormat } from "./_matroska.ts";
import { type Closed, Recording } from "./_recording.ts";
import { RecordError } from "./record_error.ts";

/** Options of a {@linkcode Recorder}. */
export interface RecorderOptions {
  /** The folder the files go to; created if missing. */
  directory: string;
  /**
   * Start a new file for a server after this many seconds of its frames (by their
   * timestamps); `undefined`: one file per server, until it leaves or its frame size changes.
   *
   * @default {undefined}
   */
  segmentSeconds?: number;
  /**
   * Frames per file copied and waiting for its encoder, at most. A frame that finds the queue
   * full is dropped and counted in `stats.dropped.behind`: memory stays bounded (about this
   * many frames per server: 30 × 0.9 MB = 27 MB for 640×480 BGR) and `write()` never waits.
   * The queue also covers the time a new file's ffmpeg takes to start (0.1-0.5 s here).
   *
   * @default {30}
   */
  queueFrames?: number;
  /**
   * ffmpeg's output arguments that choose and set up the encoder, e.g.
   * `["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"]`. By default H.264
   * (libx264, preset `ultrafast`, tune `zerolatency`, CRF 23), or MPEG-4 part 2 (`mpeg4`,
   * `-q:v 4`) where ffmpeg has no libx264.
   *
   * @default {undefined}
   */
  encoderArgs?: readonly string[];
  /**
   * The ffmpeg executable.
   *
   * @default {"ffmpeg"}
   */
  ffmpegPath?: string;
  /**
   * Milliseconds a closing file's ffmpeg gets to take what is queued, then to finish the file,
   * before SIGTERM, then SIGKILL.
   *
   * @default {5000}
   */
  stopGracePeriod?: number;
  /**
   * Milliseconds after a server's encoder failed before its frames start a new file; frames
   * in between are dropped and counted in `stats.dropped["encoder-failed"]`. Keeps a failing
   * disk or a bad `encoderArgs` from starting an ffmpeg per frame.
   *
   * @default {5000}
   */
  restartDelay?: number;
  /** Called when a file starts, ends, or fails. */
  onEvent?: (event: RecordEvent) => void;
}

/** Options of one {@linkcode Recorder.write} call. */
export interface WriteOptions {
  /**
   * When the frame was captured, in milliseconds since the Unix epoch; the file's timing
   * follows it. A time more than a second before the file's last frame (a clock set back)
   * starts a new file.
   *
   * @default {the frame's own `captureTime` if it has one, else now (its arrival); also when
   *   the time given is not a finite number}
   */
  time?: number;
}

/** A file started, ended (with its frame count), or failed. */
export type RecordEvent =
  | {
    readonly type: "start";
    readonly port: Port | undefined;
    readonly path: string;
    readonly width: number;
    readonly height: number;
  }
  | {
    readonly type: "end";
    readonly port: Port | undefined;
    readonly path: string;
    /** Frames in the file. */
    readonly frames: number;
    /** Frames meant for it and dropped. */
    readonly dropped: number;
  }
  | { readonly type: "error"; readonly port: Port | undefined; readonly error: RecordError };

/** A file being written. */
export interface RecordingInfo {
  /** The server's port (`undefined` outside multi-server mode). */
  readonly port: Port | undefined;
  /** The file. */
  readonly path: string;
  /** The frames' width and height in pixels. */
  readonly width: number;
  /** The frames' height in pixels. */
  readonly height: number;
  /** Frames written to its encoder so far. */
  readonly frames: number;
  /** Frames meant for it and dropped. */
  readonly dropped: number;
  /** Frames copied and waiting for its encoder now. */
  readonly queued: number;
}

/** A recorder's counters. */
export interface RecorderStats {
  /**
   * Frames written to an encoder's input, over all files. A frame ffmpeg had read but not yet
   * encoded when it died is counted here, yet is not in the file.
   */
  readonly recorded: number;
  /**
   * Frames dropped, by reason: `behind` (the encoder's queue was full), `encoder-failed` (the
   * encoder died, could not start, or stopped, with frames still queued), `unsupported`
   * (not a `uint8` frame of shape `[h, w]`, `[h, w, 1]`, `[h, w, 3]` (BGR) or `[h, w, 4]`
   * (BGRA), or a released frame).
   */
  readonly dropped: Readonly<Record<string, number>>;
  /** Files started. */
  readonly files: number;
  /** Failures reported through `onEvent`. */
  readonly errors: number;
  /** The encoder in use once known: `"libx264"`, `"mpeg4"` or `"custom"`. */
  readonly encoder: string | undefined;
  /** Bytes copied and waiting for encoders now, over all files. */
  readonly queuedBytes: number;
  /** The files being written now. */
  readonly recording: readonly RecordingInfo[];
}

/** How far a frame's time may go back before it starts a new file, in milliseconds. */
const BACKWARDS_MS = 1000;

/** The pixel format of a frame, or why it cannot be recorded. */
function inputOf(frame: Frame): EncoderInput | string {
  const { shape, dtype, data } = frame;
  const channels = shape.length === 2 ? 1 : shape.length === 3 ? shape[2] : 0;
  const formats: Record<number, RawFormat> = { 1: "gray", 3: "bgr24", 4: "bgra" };
  const format = formats[channels];
  if (dtype !== "uint8" || format === undefined) {
    return `a ${dtype} frame of shape ${JSON.stringify(shape)} cannot be recorded; send uint8 ` +
      `frames of shape [h, w], [h, w, 1], [h, w, 3] (BGR) or [h, w, 4] (BGRA)`;
  }
  const [height, width] = shape;
  if (width < 1 || height < 1 || data.byteLength !== width * height * channels) {
    return `a frame of shape ${JSON.stringify(shape)} has ${data.byteLength} bytes (released?); ` +
      `record frames before the next recv() of their server, or keep() them`;
  }
  return { width, height, format };
}

/** A key for file names: the port, or `stream`; only safe characters. */
function keyOf(port: Port | undefined): string {
  return port === undefined ? "stream" : String(port).replace(/[^A-Za-z0-9._-]/g, "_");
}

/** `20261206T080310.123Z`: a file name's start time. */
function stamp(time: number): string {
  return new Date(time).toISOString().replace(/[-:]/g, "");
}

function checkPositive(name: string, value: unknown, integer = false): void {
  if (
    value !== undefined &&
    (typeof value !== "number" || !(value > 0) || !Number.isFinite(value) ||
      (integer && !Number.isSafeInteger(value)))
  ) {
    throw new RangeError(
      `Cannot use ${name} ${String(value)}: use a positive ${integer ? "integer" : "number"}`,
    );
  }
}

/**
 * Records each server's frames to its own video file: `<port>_<start time>.mkv` in
 * `directory`, H.264 in Matroska (playable up to about the last second even if the process is
 * killed). A file's timing follows the frames' arrival, or their capture time, so a 15 fps
 * server records 15 fps and gaps stay gaps. A server's frame size changing, or
 * `segmentSeconds` passing, starts a new file; {@linkcode Recorder.end} closes a server's file
 * (call it when the server leaves).
 *
 * `write()` copies the frame into the file's queue and returns at once; it never waits for
 * the encoder. A frame that finds the queue full (`queueFrames`) is dropped and counted. An
 * encoder that dies is reported through `onEvent` with ffmpeg's own last lines; the server's
 * later frames are dropped for `restartDelay` ms, then start a new file. An encoder stopped by
 * a signal from outside (Ctrl+C in a terminal reaches ffmpeg too) finishes its file, which
 * ends as usual (an `end` event, no error); the server's next frame starts a new file.
 *
 * Needs ffmpeg and `--allow-run=ffmpeg --allow-write`.
 *
 * @example Record two servers
 * ```ts ignore
 * import { NetGear } from "../../mod.ts";
 * import { Recorder } from "./mod.ts";
 *
 * await using recorder = new Recorder({ directory: "recordings" });
 * await using client = new NetGear({
 *   address: "127.0.0.1",
 *   port: [5566, 5567],
 *   pattern: 1,
 *   receiveMode: true,
 *   multiserverMode: true,
 *   onServerEvent: (event) => {
 *     if (event.type === "leave") void recorder.end(event.port);
 *   },
 * });
 * for await (const item of client) recorder.write(item.port, item.frame);
 * console.log(recorder.stats.recorded, recorder.stats.dropped);
 * ```
 */
export class Recorder implements AsyncDisposable {
  readonly #directory: string;
  readonly #segment: number | undefined;
  readonly #queueFrames: number;
  readonly #ffmpegPath: string;
  readonly #customArgs: readonly string[] | undefined;
  readonly #gracePeriod: number;
  readonly #restartDelay: number;
  readonly #onEvent: ((event: RecordEvent) => void) | undefined;
  readonly #files = new Map<string, Recording>();
  readonly #closing = new Set<Promise<void>>();
  readonly #failedAt = new Map<string, number>();
  readonly #names = new Set<string>();
  readonly #unsupported = new Set<string>();
  readonly #dropped: Record<string, number> = {};
  #encoder: Promise<EncoderChoice> | undefined;
  #encoderName: string | undefined;
  #recorded = 0;
  #filesStarted = 0;
  #errors = 0;
  #closed = false;

  /**
   * Creates a recorder; it creates `directory` if missing, and asks ffmpeg for its encoders
   * (in the background, so that the first file starts sooner).
   *
   * @throws {RangeError} When a number option is not positive.
   * @throws {RecordError} When the directory cannot be created.
   */
  constructor(options: RecorderOptions) {
    if (options === null || typeof options !== "object" || typeof options.directory !== "string") {
      throw new TypeError(`Cannot create a recorder without a directory: pass { directory }`);
    }
    checkPositive("segmentSeconds", options.segmentSeconds);
    checkPositive("queueFrames", options.queueFrames, true);
    checkPositive("stopGracePeriod", options.stopGracePeriod);
    checkPositive("restartDelay", options.restartDelay);
    this.#directory = options.directory;
    this.#segment = options.segmentSeconds;
    this.#queueFrames = options.queueFrames ?? 30;
    this.#ffmpegPath = options.ffmpegPath ?? "ffmpeg";
    this.#customArgs = options.encoderArgs;
    this.#gracePeriod = options.stopGracePeriod ?? 5000;
    this.#restartDelay = options.restartDelay ?? 5000;
    this.#onEvent = options.onEvent;
    try {
      Deno.mkdirSync(this.#directory, { recursive: true });
    } catch (error) {
      throw new RecordError(
        `Cannot record to "${this.#directory}": ${(error as Error).message}; pick a folder ` +
          `this process may create and write to (and allow it: --allow-write)`,
        { cause: error },
      );
    }
    this.#chooseEncoder().catch(() => {}); // reported with the first file, if it fails
  }

  /**
   * Records one frame of the server at `port`: copies it into that server's file queue and
   * returns at once. Starts the server's file on its first frame (and a new one when the
   * frame size changes or a segment is full).
   *
   * @param port The server's port (`item.port`); `undefined` outside multi-server mode.
   * @param frame The frame; only read during the call, so a zero-copy frame needs no `keep()`.
   * @param options The frame's capture time.
   * @returns `true` if the frame was queued for its file, `false` if it was dropped (and
   *   counted in `stats.dropped`).
   * @throws {TypeError} After {@linkcode Recorder.close}.
   */
  write(port: Port | undefined, frame: Frame, options: WriteOptions = {}): boolean {
    if (this.#closed) throw new TypeError("Cannot write to a closed recorder");
    const key = keyOf(port);
    const captured = (frame as { captureTime?: unknown }).captureTime;
    const time = isTime(options.time) ? options.time : isTime(captured) ? captured : now();
    const input = inputOf(frame);
    if (typeof input === "string") {
      if (!this.#unsupported.has(key)) {
        this.#unsupported.add(key);
        this.#report(port, new RecordError(`Cannot record server ${port ?? "stream"}: ${input}`));
      }
      return this.#drop("unsupported");
    }
    let file = this.#files.get(key);
    if (file !== undefined) {
      const was = file.settings.input;
      const elapsed = time - file.settings.startTime;
      const full = this.#segment !== undefined && elapsed >= this.#segment * 1000;
      // A clock set back (a camera's, for capture times) would squeeze frames together.
      const back = elapsed < file.duration - BACKWARDS_MS;
      const resized = was.width !== input.width || was.height !== input.height ||
        was.format !== input.format;
      if (resized || full || back) {
        this.#retire(key);
        file = undefined;
      }
    }
    if (file === undefined) {
      const failedAt = this.#failedAt.get(key);
      if (failedAt !== undefined && now() - failedAt < this.#restartDelay) {
        return this.#drop("encoder-failed");
      }
      file = this.#open(key, port, input, time);
    }
    const offer = file.offer(frame.data, time);
    if (offer === "queued") return true;
    return this.#drop(offer === "behind" ? "behind" : "encoder-failed");
  }

  /**
   * Closes the file of the server at `port`, if one is open: ffmpeg takes what is queued and
   * finishes the file. Its next frame, if any, starts a new file. Resolves once the file is
   * complete.
   */
  async end(port: Port | undefined): Promise<void> {
    await this.#retire(keyOf(port));
  }

  /** Closes every file and waits until each is complete. Safe to call more than once. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const key of [...this.#files.keys()]) void this.#retire(key);
    while (this.#closing.size > 0) await Promise.all([...this.#closing]);
    // The encoder question the constructor asked ffmpeg: its processes end before close() does.
    await this.#encoder?.catch(() => {});
  }

  /** Same as {@linkcode Recorder.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** A snapshot of the counters and of the files being written. */
  get stats(): RecorderStats {
    const files = [...this.#files.values()];
    return {
      recorded: this.#recorded,
      dropped: { ...this.#dropped },
      files: this.#filesStarted,
      errors: this.#errors,
      encoder: this.#encoderName,
      queuedBytes: files.reduce((sum, file) => sum + file.queuedBytes, 0),
      recording: files.map((file) => ({
        port: file.settings.port,
        path: file.settings.path,
        width: file.settings.input.width,
        height: file.settings.input.height,
        frames: file.frames,
        dropped: file.dropped,
        queued: file.queued,
      })),
    };
  }

  #drop(reason: string, count = 1): false {
    if (count > 0) this.#dropped[reason] = (this.#dropped[reason] ?? 0) + count;
    return false;
  }

  #report(port: Port | undefined, error: RecordError): void {
    this.#errors++;
    this.#onEvent?.({ type: "error", port, error });
  }

  #open(key: string, port: Port | undefined, input: EncoderInput, time: number): Recording {
    const encoder = this.#chooseEncoder();
    let name = `${key}_${stamp(time)}.mkv`;
    for (let n = 2; this.#names.has(name); n++) name = `${key}_${stamp(time)}-${n}.mkv`;
    this.#names.add(name);
    const path = `${this.#directory}/${name}`;
    this.#filesStarted++;
    const file: Recording = new Recording({
      port,
      path,
      input,
      startTime: time,
      ffmpegPath: this.#ffmpegPath,
      encoder,
      queueFrames: this.#queueFrames,
      gracePeriod: this.#gracePeriod,
      onWritten: () => this.#recorded++,
      onFailed: (error, lost) => {
        this.#drop("encoder-failed", lost);
        if (error) {
          this.#failedAt.set(key, now());
          this.#report(port, error);
        }
        if (this.#files.get(key) === file) void this.#retire(key);
      },
    });
    this.#files.set(key, file);
    this.#onEvent?.({ type: "start", port, path, width: input.width, height: input.height });
    return file;
  }

  #chooseEncoder(): Promise<EncoderChoice> {
    if (this.#encoder === undefined) {
      const choice = chooseEncoder(this.#ffmpegPath, this.#customArgs);
      this.#encoder = choice;
      choice.then((choice) => this.#encoderName = choice.name, () => {
        // Ask again for the next file: ffmpeg may be installed or allowed by then.
        if (this.#encoder === choice) this.#encoder = undefined;
      });
    }
    return this.#encoder;
  }

  /** Takes `key`'s file out of the table and closes it in the background; tracks the close. */
  #retire(key: string): Promise<void> {
    const file = this.#files.get(key);
    if (file === undefined) return Promise.resolve();
    this.#files.delete(key);
    const { port, path } = file.settings;
    const closing = file.close().then(({ lost, error }: Closed) => {
      this.#drop("encoder-failed", lost);
      if (error) this.#report(port, error);
      this.#onEvent?.({ type: "end", port, path, frames: file.frames, dropped: file.dropped });
    }).finally(() => this.#closing.delete(closing));
    closing.catch(() => {}); // close() awaits it and sees its error; never unhandled meanwhile
    this.#closing.add(closing);
    return closing;
  }
}

/** Whether `value` can time a frame: a finite number (a `NaN` or missing time means now). */
function isTime(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** Now, in milliseconds since the epoch, from the monotonic clock. */
function now(): number {
  return performance.timeOrigin + performance.now();
}
