/**
 * {@linkcode FrameTally}: per-server counters kept by the CLI (frames, bytes, last message,
 * recent and average frame rate), for the status line, snapshot labels and the summary.
 *
 * @module
 */

import type { Frame } from "../frame.ts";

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
  /** Frames per second over the last sampling period (about a second). */
  recentFps: number;
  /** `performance.now()` of the first and last frames, `undefined` before any. */
  firstAt: number | undefined;
  /** See `firstAt`. */
  lastAt: number | undefined;
}

/** Shortest period a recent rate is measured over, so that the rate does not jitter. */
const SAMPLE_MS = 1000;

/** Per-server frame counters, keyed by port. */
export class FrameTally {
  readonly #servers = new Map<number, ServerTally>();
  readonly #sampled = new Map<number, { frames: number; at: number }>();

  /** Starts a tally that lists `ports` (in this order) even before they send anything. */
  constructor(ports: readonly number[]) {
    for (const port of ports) this.#entry(port);
  }

  /** Counts one frame from the server at `port`. */
  add(port: number, frame: Frame, message: unknown): void {
    const server = this.#entry(port);
    const now = performance.now();
    server.frames++;
    server.bytes += frame.data.byteLength;
    server.lastMessage = message;
    server.firstAt ??= now;
    server.lastAt = now;
  }

  /** Refreshes each server's `recentFps` when a sampling period has passed. */
  sample(now: number = performance.now()): void {
    for (const server of this.#servers.values()) {
      const last = this.#sampled.get(server.port);
      if (last === undefined) {
        this.#sampled.set(server.port, { frames: server.frames, at: now });
      } else if (now - last.at >= SAMPLE_MS) {
        server.recentFps = ((server.frames - last.frames) * 1000) / (now - last.at);
        this.#sampled.set(server.port, { frames: server.frames, at: now });
      }
    }
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
        firstAt: undefined,
        lastAt: undefined,
      };
      this.#servers.set(port, server);
    }
    return server;
  }
}

/** Average frames per second between a server's first and last frames (0 below two frames). */
export function averageFps(server: Readonly<ServerTally>): number {
  if (server.frames < 2 || server.firstAt === undefined || server.lastAt === undefined) return 0;
  const span = server.lastAt - server.firstAt;
  return span > 0 ? ((server.frames - 1) * 1000) / span : 0;
}
