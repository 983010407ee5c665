/**
 * {@linkcode SnapshotWriter}: `netgear recv --out DIR`. Keeps each server's newest frame and,
 * once a second, writes a labelled montage of all of them as a numbered PNG.
 *
 * @module
 */

import { createFrame, type Frame } from "../frame.ts";
import { buildMontages, drawText, encodePng, measureText, resizeFrame } from "../montage/mod.ts";
import { formatMessage } from "./format.ts";

/**
 * Something that shows the servers' live frames: the snapshot writer here, and the browser
 * viewer (`src/viewer/mod.ts`), whose `Viewer` has this shape.
 */
export interface FrameDisplay {
  /** Shows `frame` as the server `key`'s newest, labelled with its message and rate. */
  update(key: string, frame: Frame, info: { message: unknown; fps: number }): void;
  /** The server `key` has gone. */
  remove(key: string): void;
  /** Stops showing; the last state is kept (written, for snapshots). */
  close(): void | Promise<void>;
}

/** Options of {@linkcode SnapshotWriter.create}. */
export interface SnapshotWriterOptions {
  /** The folder to write into (created when missing). */
  readonly dir: string;
  /** The servers listed up front, shown as tiles (black until their first frame). */
  readonly keys: readonly string[];
  /** Each tile's `[width, height]`. */
  readonly tile: readonly [number, number];
  /** Milliseconds between snapshots. @default {1000} */
  readonly intervalMs?: number;
  /** Told of the first failed write (later ones are only counted). */
  readonly onError?: (error: Error) => void;
}

interface Tile {
  frame?: Frame;
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
  readonly #timer: ReturnType<typeof setInterval>;
  #dirty = false;
  #writing: Promise<void> | undefined;
  #written = 0;
  #failed = 0;

  private constructor(options: SnapshotWriterOptions) {
    this.#dir = options.dir;
    this.#tile = options.tile;
    this.#onError = options.onError;
    for (const key of options.keys) this.#tiles.set(key, { message: null, fps: 0, gone: false });
    this.#timer = setInterval(() => void this.#flush(), options.intervalMs ?? 1000);
  }

  /**
   * Creates the folder and starts writing.
   *
   * @throws {Deno.errors.PermissionDenied | Deno.errors.NotCapable | Error} When the folder
   * cannot be created.
   */
  static async create(options: SnapshotWriterOptions): Promise<SnapshotWriter> {
    await Deno.mkdir(options.dir, { recursive: true });
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
  update(key: string, frame: Frame, info: { message: unknown; fps: number }): void {
    this.#tiles.set(key, { frame, message: info.message, fps: info.fps, gone: false });
    this.#dirty = true;
  }

  /** Marks the server gone: its last frame stays, labelled as gone. */
  remove(key: string): void {
    const tile = this.#tiles.get(key);
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
      const tiles = [...this.#tiles].map(([key, tile]) => this.#render(key, tile));
      const cols = Math.ceil(Math.sqrt(tiles.length));
      const rows = Math.ceil(tiles.length / cols);
      const [montage] = buildMontages(tiles, this.#tile, [cols, rows]);
      await Deno.writeFile(file, await encodePng(montage));
      this.#written++;
    } catch (error) {
      if (this.#failed++ === 0) {
        this.#onError?.(new Error(`Cannot write snapshot "${file}": ${(error as Error).message}`));
      }
    }
  }

  /** One tile: the frame resized, or black, with a label along the bottom. */
  #render(key: string, tile: Tile): Frame {
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
    const message = tile.message === null ? "" : `  ${formatMessage(tile.message)}`;
    const scale = width >= 480 ? 2 : 1;
    const text = fitText(`${key}  ${state}${message}`, width, scale);
    const y = height - measureText(text, { scale }).height;
    drawText(frame, text, { x: 0, y, scale, background: [0, 0, 0] });
    return frame;
  }
}

/** Cuts `text` to what fits in `width` pixels at `scale`. */
function fitText(text: string, width: number, scale: number): string {
  if (measureText(text, { scale }).width <= width) return text;
  // The font is monospaced (6 font pixels a character): start near the answer.
  let end = Math.min(text.length, Math.floor(width / (6 * scale)));
  while (end > 1 && measureText(text.slice(0, end) + "...", { scale }).width > width) end--;
  return text.slice(0, end) + "...";
}
