/**
 * `netgear recv --record DIR`: each server's frames to its own video file through the
 * library's {@linkcode Recorder}, with what was recorded and dropped in the status line and
 * the summary.
 *
 * @module
 */

import type { Frame } from "../frame.ts";
import type { Port } from "../netgear/options.ts";
import { Recorder } from "../record/mod.ts";
import { type OptionSpec, type ParsedCommandLine, UsageError } from "./args.ts";
import { positiveNumber } from "./values.ts";

/** `--record DIR` and `--record-segment SECONDS`. */
export const RECORD_OPTIONS: readonly OptionSpec[] = [
  {
    name: "record",
    type: "string",
    value: "DIR",
    description:
      "Record each server to its own video file in DIR (H.264 in Matroska; needs ffmpeg)",
  },
  {
    name: "record-segment",
    type: "string",
    value: "SECONDS",
    description: "With --record: start a new file every SECONDS (default: one per server)",
  },
];

/** Where and how to record. */
export interface RecordSettings {
  /** The folder the files go to. */
  readonly directory: string;
  /** Seconds per file, if files are cut into segments. */
  readonly segmentSeconds: number | undefined;
}

/** Checks `--record` and `--record-segment`; `undefined` when not recording. */
export function recordSettings(values: ParsedCommandLine["values"]): RecordSettings | undefined {
  const directory = values.record;
  const segment = values["record-segment"];
  if (typeof directory !== "string" || directory === "") {
    if (segment !== undefined) {
      throw new UsageError(`Cannot use --record-segment without --record: add --record DIR`);
    }
    return undefined;
  }
  return {
    directory,
    segmentSeconds: segment === undefined
      ? undefined
      : positiveNumber(segment as string, "--record-segment"),
  };
}

/** One file written, in the summary. */
export interface RecordedFile {
  /** The server's port. */
  readonly port: number;
  /** The file's path. */
  readonly path: string;
  /** Frames in it. */
  readonly frames: number;
  /** Frames meant for it and dropped. */
  readonly dropped: number;
}

/** What the summary says about recording. */
export interface RecordSummary {
  /** The folder. */
  readonly directory: string;
  /** The encoder ffmpeg used (`libx264`, or the `mpeg4` fallback). */
  readonly encoder: string | undefined;
  /** Frames written to the encoders, over all servers. */
  readonly recorded: number;
  /** Frames not recorded, over all servers. */
  readonly drops: number;
  /** The drops by reason (`behind`: an encoder fell behind; `encoder-failed`; `unsupported`). */
  readonly dropped: Readonly<Record<string, number>>;
  /** Recording failures reported. */
  readonly errors: number;
  /** The files, complete, in the order they were closed. */
  readonly files: RecordedFile[];
}

/** The recording of a `netgear recv` run. */
export class RecvRecorder {
  readonly #settings: RecordSettings;
  readonly #recorder: Recorder;
  readonly #files: RecordedFile[] = [];

  /** Starts recording into `settings.directory`; `print` shows each file's start and end. */
  constructor(settings: RecordSettings, print: (line: string) => void) {
    this.#settings = settings;
    this.#recorder = new Recorder({
      directory: settings.directory,
      segmentSeconds: settings.segmentSeconds,
      onEvent: (event) => {
        if (event.type === "start") print(`recording ${event.port} to ${event.path}`);
        else if (event.type === "error") print(`netgear recv: ${event.error.message}`);
        else {
          const { port, path, frames, dropped } = event;
          this.#files.push({ port: Number(port), path, frames, dropped });
          print(`recorded ${frames} frames of ${port} to ${path} (${dropped} dropped)`);
        }
      },
    });
  }

  /** Records a frame of the server at `port`, timed by its capture time if it has one. */
  write(port: Port, item: { readonly frame: Frame; readonly captureTime?: number }): void {
    this.#recorder.write(port, item.frame, { time: item.captureTime });
  }

  /** Closes the file of a server that left. */
  end(port: Port): void {
    void this.#recorder.end(port);
  }

  /** Closes every file and waits until each is complete. */
  close(): Promise<void> {
    return this.#recorder.close();
  }

  /** For the status line: frames recorded and dropped. */
  get status(): string {
    const { recorded, dropped } = this.#recorder.stats;
    return `recorded ${recorded}, ${sum(dropped)} not recorded`;
  }

  /** For the summary. */
  summary(): RecordSummary {
    const { encoder, recorded, dropped, errors } = this.#recorder.stats;
    return {
      directory: this.#settings.directory,
      encoder,
      recorded,
      drops: sum(dropped),
      dropped,
      errors,
      files: [...this.#files],
    };
  }
}

function sum(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}
