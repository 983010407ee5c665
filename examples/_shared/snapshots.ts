/**
 * What the clients show: each server's newest frame tiled into montages, labelled, written as
 * PNG files; and the message text drawn on a frame.
 *
 * @module
 */

import type { NetGear, Port } from "../../mod.ts";
import {
  buildMontages,
  createFrame,
  drawText,
  encodePng,
  type Frame,
  measureText,
} from "../../src/montage/mod.ts";

/** A message as text, for a label or the terminal. */
export function messageText(message: unknown): string {
  return typeof message === "string" ? message : JSON.stringify(message) ?? "";
}

/** Text scale legible on a frame `height` pixels tall: 2 from 360 rows up, else 1. */
function textScale(height: number): number {
  return height >= 360 ? 2 : 1;
}

/** `text` cut (with "...") to fit `width` pixels at `scale`. */
function fitText(text: string, width: number, scale: number): string {
  if (measureText(text, { scale }).width <= width) return text;
  let chars = [...text];
  while (chars.length > 0 && measureText(chars.join("") + "...", { scale }).width > width) {
    chars = chars.slice(0, -1);
  }
  return chars.join("") + "...";
}

/**
 * Writes `message` on the bottom left of `frame` in green, as the docs' client does with
 * `cv2.putText(frame, extracted_data, (10, frame.shape[0] - 10), …, (0, 255, 0), 2)`.
 */
export function putMessage(frame: Frame, message: unknown): void {
  const [height, width] = frame.shape;
  const scale = textScale(height);
  const text = fitText(messageText(message), width - 20, scale);
  const y = height - 10 - measureText(text, { scale }).height;
  drawText(frame, text, { x: 10, y, scale, color: [0, 255, 0], background: [0, 0, 0] });
}

/**
 * The client's screen, as files: each server's newest frame tiled into montages (2 across,
 * as the docs' `build_montages(..., (w, h), (2, 1))`), each tile labelled with its server's
 * port and fps (or that it is gone), written as `montage-<i>.png` in `out`.
 */
export class MontageSnapshots {
  readonly #out: string;
  readonly #client: NetGear;
  readonly #latest = new Map<string, Frame>();
  #written = 0;

  private constructor(out: string, client: NetGear) {
    this.#out = out;
    this.#client = client;
  }

  /**
   * Creates the `out` folder and loads the PNG encoder, so that a missing permission shows at
   * once rather than at the first snapshot, and returns the snapshot writer.
   *
   * @param out Folder for the PNG files.
   * @param client The multi-server client, for each server's fps and state.
   */
  static async open(out: string, client: NetGear): Promise<MontageSnapshots> {
    await Deno.mkdir(out, { recursive: true });
    await encodePng(createFrame(new Uint8Array(3), [1, 1, 3]));
    return new MontageSnapshots(out, client);
  }

  /** Snapshots written so far (each a set of montage files). */
  get written(): number {
    return this.#written;
  }

  /** Keeps `frame` as `port`'s newest. */
  update(port: Port | undefined, frame: Frame): void {
    this.#latest.set(String(port), frame);
  }

  /** Builds the montages from the newest frames and writes them; returns the files' paths. */
  async write(): Promise<string[]> {
    if (this.#latest.size === 0) return [];
    // The docs size tiles by the frame just received; the newest frame is the last one set.
    const [h, w] = [...this.#latest.values()].at(-1)!.shape;
    // Tiles in the order of the client's port list, whichever server spoke first.
    const order = this.#client.servers.map((s) => String(s.port));
    const ports = [...this.#latest.keys()].sort((a, b) => order.indexOf(a) - order.indexOf(b));
    const montages = buildMontages(ports.map((port) => this.#latest.get(port)!), [w, h], [2, 1]);
    const scale = textScale(h);
    ports.forEach((port, i) => {
      const montage = montages[Math.floor(i / 2)];
      const label = fitText(this.#label(port), w - 8, scale);
      const x = (i % 2) * w + w - measureText(label, { scale }).width - 4;
      drawText(montage, label, { x, y: 4, scale, background: [0, 0, 0] });
    });
    const files = [];
    for (const [i, montage] of montages.entries()) {
      const file = `${this.#out}/montage-${i}.png`;
      await Deno.writeFile(file, await encodePng(montage));
      files.push(file);
    }
    this.#written++;
    return files;
  }

  #label(port: string): string {
    const server = this.#client.servers.find((s) => String(s.port) === port);
    if (server?.state === "gone") return `${port}  gone (${server.goneReason})`;
    return `${port}  ${(server?.fps ?? 0).toFixed(1)} fps`;
  }
}
