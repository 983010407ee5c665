// Private: one file being recorded: its ffmpeg encoder, fed Matroska on stdin by one write at a
// time, and a bounded queue of frames copied out of the caller's memory. A frame that finds the
// queue full is refused (the recorder counts it), so a slow encoder never holds up the stream
// and never holds more than `queueFrames` frames.

import { exitText, FfmpegProcess, withStderr } from "../capture/_ffmpeg_process.ts";
import type { Port } from "../netgear/options.ts";
import { encoderArgs, type EncoderChoice, type EncoderInput } from "./_encoder.ts";
import { BLOCK_HEADER_BYTES, frameBlock, matroskaHeader } from "./_matroska.ts";
import { RecordError } from "./record_error.ts";

/** What a recording needs. */
export interface RecordingSettings {
  readonly port: Port | undefined;
  readonly path: string;
  readonly input: EncoderInput;
  /** When the first frame came (milliseconds since the epoch): the file's time zero. */
  readonly startTime: number;
  readonly ffmpegPath: string;
  readonly encoder: Promise<EncoderChoice>;
  readonly queueFrames: number;
  readonly gracePeriod: number;
  /** A frame reached ffmpeg's input. */
  readonly onWritten: () => void;
  /**
   * The encoder died or could not start (`error`), or ended the file by itself on a signal
   * from outside (no error); `lost` frames were queued for it.
   */
  readonly onFailed: (error: RecordError | undefined, lost: number) => void;
}

/** How a recording ended: the frames it could not write, and an error if ffmpeg ended badly. */
export interface Closed {
  readonly lost: number;
  readonly error?: RecordError;
}

/** What {@link Recording.offer} did with a frame. */
export type Offer = "queued" | "behind" | "failed";

interface Chunk {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly frame: boolean;
}

/** One file being recorded. */
export class Recording {
  readonly settings: RecordingSettings;
  /** Frames that reached ffmpeg's input. */
  frames = 0;
  /** Frames refused or lost: the encoder was behind or failed. */
  dropped = 0;
  readonly #queue: Chunk[] = [];
  /** Buffers of written frames, for the next ones (all one size: a new size is a new file). */
  readonly #free: ArrayBuffer[] = [];
  readonly #started: Promise<void>;
  #process: FfmpegProcess | undefined;
  #writing = false;
  #lastTime = -1;
  #queuedBytes = 0;
  #queuedFrames = 0;
  #failed = false;
  #ending = false;
  #closing: Promise<Closed> | undefined;
  #drained: (() => void) | undefined;

  constructor(settings: RecordingSettings) {
    this.settings = settings;
    const { width, height, format } = settings.input;
    this.#push({ bytes: matroskaHeader(width, height, format), frame: false });
    this.#started = settings.encoder.then((encoder) => this.#start(encoder)).catch((error) => {
      this.#fail(
        new RecordError(
          `Cannot record ${this.#label}: ${error instanceof Error ? error.message : error}`,
          { port: settings.port, path: settings.path, cause: error },
        ),
      );
    });
  }

  get #label(): string {
    return `server ${this.settings.port ?? "stream"} to "${this.settings.path}"`;
  }

  /** Frames waiting for the encoder now, the one being written included. */
  get queued(): number {
    return this.#queuedFrames;
  }

  /** Bytes held for the encoder now: queued frames and the one being written. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  #start(encoder: EncoderChoice): void {
    // Started even when closing already: what was queued still goes to the file.
    const { settings } = this;
    const process = new FfmpegProcess(
      settings.ffmpegPath,
      encoderArgs(settings.input, encoder, settings.path),
      settings.gracePeriod,
      "encoder",
    );
    this.#process = process;
    process.status.then(async (status) => {
      if (this.#ending) return;
      await process.shutdown();
      this.#fail(this.#exitError(process, status, "stopped"));
    });
    this.#pump();
  }

  /**
   * Why ffmpeg ended, as an error; `undefined` when a signal from outside stopped it and it
   * finished the file, as it says ("Exiting normally"): Ctrl+C in a terminal reaches the whole
   * process group, ffmpeg too.
   */
  #exitError(
    process: FfmpegProcess,
    status: Deno.CommandStatus,
    what: string,
  ): RecordError | undefined {
    const lines = process.runningLines;
    if (lines.some((line) => /^Exiting normally, received signal/.test(line))) return undefined;
    return new RecordError(
      withStderr(
        `Recording of ${this.#label} ${what}: ${exitText(status)}; check the disk and the ` +
          `encoder's arguments`,
        lines,
      ),
      {
        port: this.settings.port,
        path: this.settings.path,
        exitCode: status.code,
        stderr: process.stderrLines,
      },
    );
  }

  /**
   * Copies a frame's pixels, with its Matroska header, into a buffer of the queue and returns
   * at once: `behind` if the queue is full, `failed` if the encoder failed or is closing.
   */
  offer(pixels: Uint8Array, time: number): Offer {
    if (this.#failed || this.#ending) return "failed";
    if (this.queued >= this.settings.queueFrames) {
      this.dropped++;
      return "behind";
    }
    // Milliseconds from the file's start, rising: Matroska and the encoder need order.
    const at = Math.max(Math.round(time - this.settings.startTime), this.#lastTime + 1);
    this.#lastTime = at;
    const buffer = this.#free.pop() ?? new ArrayBuffer(BLOCK_HEADER_BYTES + pixels.byteLength);
    const length = frameBlock(new Uint8Array(buffer), at, pixels);
    this.#push({ bytes: new Uint8Array(buffer, 0, length), frame: true });
    this.#pump();
    return "queued";
  }

  /** Milliseconds from the file's first frame to its last. */
  get duration(): number {
    return Math.max(this.#lastTime, 0);
  }

  #push(chunk: Chunk): void {
    this.#queue.push(chunk);
    this.#queuedBytes += chunk.bytes.byteLength;
    if (chunk.frame) this.#queuedFrames++;
  }

  /** Forgets every queued frame; returns how many there were. */
  #discard(): number {
    const lost = this.#queuedFrames;
    this.#queue.length = 0;
    this.#queuedBytes = 0;
    this.#queuedFrames = 0;
    this.#free.length = 0;
    this.dropped += lost;
    return lost;
  }

  #pump(): void {
    const writer = this.#process?.writer;
    if (this.#writing || writer === undefined || this.#failed) return;
    const chunk = this.#queue.shift();
    if (chunk === undefined) {
      this.#drained?.();
      return;
    }
    this.#writing = true;
    writer.write(chunk.bytes).then(
      () => {
        this.#writing = false;
        this.#queuedBytes -= chunk.bytes.byteLength;
        if (chunk.frame) {
          this.#queuedFrames--;
          this.frames++;
          this.settings.onWritten();
          if (this.#free.length < this.settings.queueFrames) this.#free.push(chunk.bytes.buffer);
        }
        this.#pump();
      },
      () => {
        // ffmpeg closed its input: it died (the status handler says why) or is being stopped.
        this.#writing = false;
        this.#queue.unshift(chunk);
        this.#drained?.();
      },
    );
  }

  #fail(error: RecordError | undefined): void {
    if (this.#failed || this.#ending) return;
    this.#failed = true;
    // A write still pending fails as ffmpeg is gone; its frame counts with the queue's.
    const lost = this.#discard();
    this.#drained?.();
    this.settings.onFailed(error, lost);
  }

  /**
   * Ends the file: what is queued goes to ffmpeg (for up to the grace period), then its input
   * ends and it finishes the file (SIGTERM, then SIGKILL, if it does not within the grace
   * period each). Resolves with the frames it could not write, and the error if ffmpeg ended
   * badly and had not failed before. Safe to call more than once.
   */
  close(): Promise<Closed> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<Closed> {
    const failedBefore = this.#failed;
    this.#ending = true;
    await this.#started;
    const process = this.#process;
    if (process === undefined) return { lost: this.#discard() };
    if (!this.#failed && (this.#queue.length > 0 || this.#writing)) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#drained = resolve;
        timer = setTimeout(resolve, this.settings.gracePeriod);
      });
      clearTimeout(timer);
    }
    const lost = this.#writing ? 0 : this.#discard();
    await process.shutdown();
    const status = await process.status;
    // A write still pending when ffmpeg was stopped failed with it.
    const alsoLost = this.#writing || this.#queuedFrames > 0 ? this.#discard() : 0;
    if (failedBefore || this.#failed || status.success) return { lost: lost + alsoLost };
    const error = this.#exitError(process, status, "ended badly");
    return error ? { lost: lost + alsoLost, error } : { lost: lost + alsoLost };
  }
}
