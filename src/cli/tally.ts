/**
 * {@linkcode FrameTally}: per-server counters kept by the CLI (frames, bytes, last message,
 * recent and average frame rate), for the status line, snapshot labels and the summary.
 *
 * @module
 */

import type { Frame } from "../frame.ts";
import { FrameRate } from "../frame_rate.ts";

/** What the tally knows of one server. */
export interface ServerTally {
  /** The server's port. */
  readonly port: number;
  /** Frames counted. */
  frames: number;
  /** Frame bytes counted. */
  bytes: number;
  /** The message that came with the last frame (`null` when none). */
  lastMessage: unknown;
  /** Frames per second over the last 2 s, as of the last {@link FrameTally.sample}. */
  recentFps: number;
  /** Its frame rate, recent and over the stream. */
  readonly rate: FrameRate;
}

/** Per-server frame counters, keyed by port. */
export class FrameTally {
  readonly #servers = new Map<number, ServerTally>();

  /** Starts a tally that lists `ports` (in this order) even before they send anything. */
  constructor(ports: readonly number[]) {
    for (const port of ports) this.#entry(port);
  }

  /** Counts one frame from the server at `port`. */
  add(port: number, frame: Frame, message: unknown): void {
    const server = this.#entry(port);
    server.frames++;
    server.bytes += frame.data.byteLength;
    server.lastMessage = message;
    server.rate.tick();
  }

  /** Refreshes each server's `recentFps`. */
  sample(now: number = performance.now()): void {
    for (const server of this.#servers.values()) server.recentFps = server.rate.recent(now);
  }

  /** The server at `port`, if it is listed or has sent. */
  get(port: number): Readonly<ServerTally> | undefined {
    return this.#servers.get(port);
  }

  /** Every server, listed ports first, then others in the order they first sent. */
  get servers(): readonly Readonly<ServerTally>[] {
    return [...this.#servers.values()];
  }

  /** Frames counted over all servers. */
  get frames(): number {
    let frames = 0;
    for (const server of this.#servers.values()) frames += server.frames;
    return frames;
  }

  #entry(port: number): ServerTally {
    let server = this.#servers.get(port);
    if (server === undefined) {
      server = {
        port,
        frames: 0,
        bytes: 0,
        lastMessage: null,
        recentFps: 0,
        rate: new FrameRate(),
      };
      this.#servers.set(port, server);
    }
    return server;
  }
}

/** Average frames per second between a server's first and last frames (0 below two frames). */
export function averageFps(server: Readonly<ServerTally>): number {
  return server.rate.average;
}
