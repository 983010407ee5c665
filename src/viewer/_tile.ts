/**
 * Private: one server's tile: its newest frame, what the page shows about it, and the JPEG
 * the page is sent.
 *
 * @module
 */

import type { Frame } from "../frame.ts";
import type { JpegCodec, JpegColorspace } from "../codec/types.ts";
import type { ChannelOrder } from "../montage/color.ts";
import { layoutOf } from "../montage/_layout.ts";
import { FrameRate } from "../frame_rate.ts";
import { formatMessage } from "../montage/labels.ts";

/** Longest message text sent to the page; a longer one is cut with an ellipsis. */
const MESSAGE_CHARS = 300;

/** What the page is told about a tile. */
export interface TileState {
  readonly id: number;
  readonly key: string;
  readonly label: string;
  readonly fps: number;
  readonly message: string;
  readonly frames: number;
  readonly dropped: number;
  readonly error?: string;
}

/** One server's tile. */
export class Tile {
  readonly id: number;
  readonly key: string;
  label: string;
  message = "";
  frames = 0;
  dropped = 0;
  error: string | undefined;
  /** Bumped on every accepted frame, so the encoder knows when its JPEG is stale. */
  version = 0;
  #frame: Frame | undefined;
  #colorspace: JpegColorspace = "BGR";
  #rate = new FrameRate();
  #givenFps: number | undefined;
  #jpeg: Uint8Array | undefined;
  #jpegVersion = 0;

  constructor(id: number, key: string) {
    this.id = id;
    this.key = key;
    this.label = key;
  }

  /** The frame rate the caller gave, else the recent rate of accepted frames. */
  get fps(): number {
    return this.#givenFps ?? this.#rate.recent();
  }

  /**
   * Keeps `frame` as the newest, or, when it is no image frame, counts the drop and records
   * why (shown on the page) and returns that reason.
   */
  accept(frame: Frame, order: ChannelOrder): string | undefined {
    let channels: number;
    try {
      channels = layoutOf(frame, "show").channels;
    } catch (error) {
      return this.refuse((error as Error).message);
    }
    this.#frame = frame;
    this.#colorspace = colorspaceOf(channels, order);
    this.error = undefined;
    this.frames++;
    this.version++;
    this.#rate.tick();
    return undefined;
  }

  /** Counts a dropped frame and records why (shown on the page); returns the reason. */
  refuse(reason: string): string {
    this.dropped++;
    this.error = `dropped frame: ${reason}`;
    return this.error;
  }

  /** Takes what the caller said about the server. */
  describe(info: { message?: unknown; fps?: number; label?: string }): void {
    if ("message" in info) this.message = formatMessage(info.message, MESSAGE_CHARS);
    if (typeof info.fps === "number" && Number.isFinite(info.fps)) this.#givenFps = info.fps;
    if (typeof info.label === "string") this.label = info.label;
  }

  /** Whether a frame is held that has not been encoded yet. */
  get stale(): boolean {
    return this.#frame !== undefined && this.#jpegVersion !== this.version;
  }

  /**
   * The newest frame as JPEG, encoding it only if it changed since the last call. A frame the
   * codec refuses is dropped (counted, reason shown) and the previous JPEG kept.
   */
  jpeg(codec: JpegCodec, quality: number): Uint8Array | undefined {
    if (this.stale && this.#frame) {
      this.#jpegVersion = this.version;
      try {
        this.#jpeg = codec.encode(this.#frame, { quality, colorspace: this.#colorspace });
      } catch (error) {
        this.refuse((error as Error).message);
      }
    }
    return this.#jpeg;
  }

  /** The version of the JPEG {@link Tile.jpeg} returns. */
  get jpegVersion(): number {
    return this.#jpegVersion;
  }

  /** What the page is told. */
  state(): TileState {
    const { id, key, label, message, frames, dropped, error } = this;
    return { id, key, label, fps: this.fps, message, frames, dropped, error };
  }
}

function colorspaceOf(channels: number, order: ChannelOrder): JpegColorspace {
  if (channels === 1) return "GRAY";
  if (channels === 4) return order === "rgb" ? "RGBX" : "BGRX";
  return order === "rgb" ? "RGB" : "BGR";
}
