/**
 * {@linkcode SnapshotWriter}: the labelled montage snapshot of a multi-server client, the one
 * that `netgear recv --out DIR`, the demo and the examples write. It keeps each server's
 * newest frame and, once a second, writes a montage of all of them, tiles ordered by port and
 * each labelled with the server, its frame rate and its last message, as a numbered PNG.
 *
 * @module
 */

import { createFrame, type Frame } from "../frame.ts";
import { buildMontages } from "./build_montages.ts";
import { encodePng } from "./image.ts";
import { compareKeys, fitText, formatMessage } from "./labels.ts";
import { resizeFrame } from "./resize.ts";
import { drawText, measureText } from "./text.ts";

/** What a display is told about a server next to its frame. */
export interface DisplayInfo {
  /** The message that came with the frame. */
  readonly message?: unknown;
  /** The server's recent frame rate. */
  readonly fps?: number;
  /** The tile's title (`port 5566 · 192.168.1.7`); the key by default. */
  readonly label?: string;
}

/**
 * Something that shows the servers' live frames, one tile per server: the
 * {@linkcode SnapshotWriter} here, and the browser viewer (`Viewer` of `src/viewer/mod.ts`).
 */
export interface FrameDisplay {
  /** Shows `frame` as the server `key`'s newest, labelled from `info`. */
  update(key: string | number, frame: Frame, info?: DisplayInfo): void;
  /** The server `key` has gone. */
  remove(key: string | number): void;
  /** Stops showing; the last state is kept (written, for snapshots). */
  close(): void | Promise<void>;
}

/** Options of {@linkcode SnapshotWriter.create}. */
export interface SnapshotWriterOptions {
  /** The folder to write into (created when missing). */
  readonly dir: string;
  /** The servers listed up front, shown as tiles (black until their first frame). */
  readonly keys: readonly (string | number)[];
  /** Each tile's `[width, height]`. */
  readonly tile: readonly [number, number];
  /** Milliseconds between snapshots. @default {1000} */
  readonly intervalMs?: number;
  /**
   * How many of the newest snapshots stay on disk: writing one more removes the oldest this
   * writer wrote, so a long run never fills the disk. @default {Infinity}
   */
  readonly keep?: number;
  /** Told of the first failed write (later ones are only counted). */
  readonly onError?: (error: Error) => void;
  /** Told of each file written. */
  readonly onWrite?: (file: string) => void;
}

interface Tile {
  frame?: Frame;
  label: string;
  message: unknown;
  fps: number;
  gone: boolean;
}

/** Writes `montage-000001.png`, `montage-000002.png`, … while frames come in. */
export class SnapshotWriter implements FrameDisplay {
  readonly #dir: string;
  readonly #tile: readonly [number, number];
  readonly #tiles = new Map<string, Tile>();
  readonly #onError?: (error: Error) => void;
  readonly #onWrite?: (file: string) => void;
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #keep: number;
  /** The files this writer wrote and has not removed, oldest first. */
  readonly #files: string[] = [];
  #dirty = false;
  #writing: Promise<void> | undefined;
  #written = 0;
  #failed = 0;

  private constructor(options: SnapshotWriterOptions) {
    this.#dir = options.dir;
    this.#tile = options.tile;
    this.#onError = options.onError;
    this.#onWrite = options.onWrite;
    this.#keep = options.keep ?? Infinity;
    for (const key of options.keys) {
      this.#tiles.set(String(key), { label: String(key), message: null, fps: 0, gone: false });
    }
    this.#timer = setInterval(() => void this.#flush(), options.intervalMs ?? 1000);
  }

  /**
   * Creates the folder, loads the PNG encoder and starts writing.
   *
   * @throws {Deno.errors.PermissionDenied | Deno.errors.NotCapable | Error} When the folder
   * cannot be created.
   */
  static async create(options: SnapshotWriterOptions): Promise<SnapshotWriter> {
    const keep = options.keep ?? Infinity;
    if (!(keep === Infinity || (Number.isSafeInteger(keep) && keep >= 1))) {
      throw new RangeError(`Cannot keep ${keep} snapshots: use a whole number of 1 or more`);
    }
    await Deno.mkdir(options.dir, { recursive: true });
    // Load the PNG encoder now, so that a missing permission shows at once.
    await encodePng(createFrame(new Uint8Array(3), [1, 1, 3]));
    return new SnapshotWriter(options);
  }

  /** Snapshots written so far. */
  get written(): number {
    return this.#written;
  }

  /** Snapshots that failed (encoding or writing). */
  get failed(): number {
    return this.#failed;
  }

  /** Records the server's newest frame for the next snapshot. */
  update(key: string | number, frame: Frame, info: DisplayInfo = {}): void {
    const name = String(key);
    const old = this.#tiles.get(name);
    this.#tiles.set(name, {
      frame,
      label: info.label ?? old?.label ?? name,
      message: "message" in info ? info.message : old?.message ?? null,
      fps: info.fps ?? old?.fps ?? 0,
      gone: false,
    });
    this.#dirty = true;
  }

  /** Marks the server gone: its last frame stays, labelled as gone. */
  remove(key: string | number): void {
    const tile = this.#tiles.get(String(key));
    if (tile === undefined || tile.gone) return;
    tile.gone = true;
    this.#dirty = true;
  }

  /** Stops the timer and writes a last snapshot if anything changed since the previous one. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#writing;
    await this.#flush();
  }

  #flush(): Promise<void> {
    if (this.#writing || !this.#dirty) return this.#writing ?? Promise.resolve();
    this.#dirty = false;
    this.#writing = this.#write().finally(() => this.#writing = undefined);
    return this.#writing;
  }

  async #write(): Promise<void> {
    const file = `${this.#dir}/montage-${
      String(this.#written + this.#failed + 1).padStart(6, "0")
    }.png`;
    try {
      const tiles = [...this.#tiles]
        .sort(([a], [b]) => compareKeys(a, b))
        .map(([, tile]) => this.#render(tile));
      const cols = Math.ceil(Math.sqrt(tiles.length));
      const rows = Math.ceil(tiles.length / cols);
      const [montage] = buildMontages(tiles, this.#tile, [cols, rows]);
      await Deno.writeFile(file, await encodePng(montage));
      this.#written++;
      this.#files.push(file);
      while (this.#files.length > this.#keep) {
        await Deno.remove(this.#files.shift()!).catch(() => {}); // already gone: fine
      }
      this.#onWrite?.(file);
    } catch (error) {
      if (this.#failed++ === 0) {
        this.#onError?.(new Error(`Cannot write snapshot "${file}": ${(error as Error).message}`));
      }
    }
  }

  /** One tile: the frame resized, or black, with a label along the bottom. */
  #render(tile: Tile): Frame {
    const [width, height] = this.#tile;
    let frame: Frame | undefined;
    let state = tile.gone ? "gone" : tile.frame ? `${tile.fps.toFixed(1)} fps` : "waiting";
    if (tile.frame) {
      try {
        frame = resizeFrame(tile.frame, [width, height]);
      } catch {
        // Not an image (another dtype, an odd shape): the tile says so instead.
        state += `, frame ${JSON.stringify(tile.frame.shape)} ${tile.frame.dtype} not shown`;
      }
    }
    frame ??= createFrame(new Uint8Array(width * height * 3), [height, width, 3]);
    const text = formatMessage(tile.message, 200);
    const message = text === "" ? "" : `  ${text}`;
    const scale = width >= 480 ? 2 : 1;
    const label = fitText(`${tile.label}  ${state}${message}`, width, scale);
    const y = height - measureText(label, { scale }).height;
    drawText(frame, label, { x: 0, y, scale, background: [0, 0, 0] });
    return frame;
  }
}
