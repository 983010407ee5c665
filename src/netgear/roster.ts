/**
 * The server roster of a multi-server receiver: the lifecycle of each listed server, all of it
 * in one place.
 *
 * - A listed server starts `waiting`. It waits until the receiver closes, or until
 *   `waitTimeout` (when set) runs out: then it is gone (`never-joined`).
 * - Its first frame makes it `live`. It stays live while a connection to its port is open,
 *   however rarely it sends: silence alone is not leaving.
 * - It is `gone` once it sent its terminate (`terminated`), or once no connection to its port
 *   has been open for `livenessTimeout` since its last frame (`timeout`); reconnecting in time
 *   (a restart) keeps it live. A frame from a gone server makes it live again.
 * - The receiver is done when no listed server is live or waiting.
 *
 * Only listed ports have entries: nothing a peer sends grows the roster.
 *
 * @module
 */

import type { MonitorEventRecord } from "../zmq/mod.ts";
import { MonitorEvent } from "../zmq/mod.ts";
import { type Port, portKey } from "./options.ts";
import { FrameRate } from "../frame_rate.ts";
import { FrameAgeWindow } from "./_frame_age.ts";
import type { GoneReason, ServerEvent, ServerInfo } from "./types.ts";

/** What the roster needs from its receiver. */
export interface RosterOptions {
  /** How long a joined server may stay disconnected, in ms; 0 never times out. */
  livenessTimeoutMs: number;
  /** How long a listed server is waited for, in ms from the start; undefined without limit. */
  waitTimeoutMs: number | undefined;
  /** Logs a line. */
  log: (text: string) => void;
  /** Called when a server joins or leaves. */
  onEvent?: (event: ServerEvent) => void;
  /** The clock (`Date.now()`); tests may pass their own. */
  now?: () => number;
}

interface Entry {
  readonly port: Port;
  state: "waiting" | "live" | "gone";
  goneReason?: GoneReason;
  peerAddress?: string;
  frames: number;
  bytes: number;
  lastMessage: unknown;
  lastSeen: number;
  rate: FrameRate;
  /** Ages of its frames as the application got them (from their capture times). */
  ages: FrameAgeWindow;
  /** The file descriptors of the connections open on this server's port. */
  connections: Set<number>;
  /** When its last connection ended (ms); 0 while one is open or none ended yet. */
  lostAt: number;
}

/** The first reminder of the servers still waited for, then one every this long. */
const FIRST_REMINDER_MS = 5_000;
const REMINDER_EVERY_MS = 30_000;

/** The lifecycle of a multi-server receiver's listed servers. */
export class ServerRoster {
  #entries = new Map<string, Entry>();
  /** Which port each open connection arrived on (its descriptor to its port's key). */
  #fds = new Map<number, string>();
  #options: RosterOptions;
  #now: () => number;
  #startedAt: number;
  #nextReminder: number;

  /** Lists the servers; each starts `waiting`. */
  constructor(ports: readonly Port[], options: RosterOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#startedAt = this.#now();
    this.#nextReminder = this.#startedAt + FIRST_REMINDER_MS;
    for (const port of ports) {
      this.#entries.set(portKey(port), {
        port,
        state: "waiting",
        frames: 0,
        bytes: 0,
        lastMessage: null,
        lastSeen: this.#startedAt,
        rate: new FrameRate(),
        ages: new FrameAgeWindow(),
        connections: new Set(),
        lostAt: 0,
      });
    }
  }

  /** Every listed server, as the receiver sees it now. */
  get servers(): ServerInfo[] {
    const now = performance.now();
    return [...this.#entries.values()].map((e) => ({
      port: e.port,
      state: e.state,
      ...(e.goneReason ? { goneReason: e.goneReason } : {}),
      connected: e.connections.size > 0,
      ...(e.peerAddress ? { peerAddress: e.peerAddress } : {}),
      frames: e.frames,
      bytes: e.bytes,
      lastMessage: e.lastMessage,
      lastSeen: e.lastSeen,
      fps: e.rate.recent(now),
      averageFps: e.rate.average,
      ...optional("frameAge", e.ages.summary()),
    }));
  }

  /** True when no listed server is live or waiting: the receiver is done. */
  get done(): boolean {
    for (const entry of this.#entries.values()) if (entry.state !== "gone") return false;
    return true;
  }

  /** Whether `port` is one of the listed servers. */
  lists(port: Port): boolean {
    return this.#entries.has(portKey(port));
  }

  /**
   * Whether a message naming `port` may have come through the connection `fd`: false only when
   * the monitor told that this connection arrived on another listed port. A descriptor it
   * does not know (not told yet, closed meanwhile, no monitor) could be any.
   */
  cameThrough(port: Port, fd: number): boolean {
    const arrivedOn = this.#fds.get(fd);
    return arrivedOn === undefined || arrivedOn === portKey(port);
  }

  /** A frame from a listed server: it is live, and its counters move. */
  frame(port: Port, bytes: number, message: unknown, peerAddress: string | undefined): void {
    const entry = this.#entries.get(portKey(port));
    if (!entry) return;
    const now = this.#now();
    if (entry.state !== "live") {
      entry.state = "live";
      entry.goneReason = undefined;
      this.#options.log(`server ${entry.port} joined${peerAddress ? ` from ${peerAddress}` : ""}`);
      this.#options.onEvent?.({ type: "join", port: entry.port });
    }
    entry.rate.tick();
    entry.lastSeen = now;
    entry.frames++;
    entry.bytes += bytes;
    entry.lastMessage = message;
    if (peerAddress) entry.peerAddress = peerAddress;
  }

  /**
   * A frame of a listed server that its sender stamped with `captureTime` (ms since the Unix
   * epoch) reached the application now.
   */
  delivered(port: Port, captureTime: number): void {
    const entry = this.#entries.get(portKey(port));
    if (!entry) return;
    const now = this.#now();
    entry.ages.add(now, now - captureTime);
  }

  /** A listed server sent its terminate: it is gone. */
  terminated(port: Port): void {
    const entry = this.#entries.get(portKey(port));
    if (entry) this.#leave(entry, "terminated");
  }

  /** A connection was accepted on, or ended at, one of the bound ports (socket monitor). */
  connection(event: MonitorEventRecord): void {
    const fd = event.value;
    if (event.event === MonitorEvent.ACCEPTED) {
      // A descriptor is reused once closed: whatever it was before, it is this connection now.
      this.#forget(fd);
      const key = portOfEndpoint(event.endpoint);
      const entry = key === undefined ? undefined : this.#entries.get(key);
      if (!entry) return;
      entry.connections.add(fd);
      entry.lostAt = 0;
      this.#fds.set(fd, key!);
    } else if (event.event === MonitorEvent.DISCONNECTED) {
      this.#forget(fd);
    }
  }

  /**
   * Moves servers whose time ran out to `gone`, and reminds (when logging) of the servers
   * still waited for. Call before each wait.
   */
  expire(): void {
    const now = this.#now();
    const { livenessTimeoutMs, waitTimeoutMs } = this.#options;
    const waiting: Port[] = [];
    for (const entry of this.#entries.values()) {
      if (entry.state === "waiting") {
        if (waitTimeoutMs !== undefined && now - this.#startedAt >= waitTimeoutMs) {
          this.#leave(entry, "never-joined");
        } else waiting.push(entry.port);
      } else if (entry.state === "live" && livenessTimeoutMs > 0) {
        const lost = this.#lostSince(entry);
        if (lost !== undefined && now - lost >= livenessTimeoutMs) this.#leave(entry, "timeout");
      }
    }
    if (waiting.length > 0 && now >= this.#nextReminder) {
      this.#nextReminder = now + REMINDER_EVERY_MS;
      const waited = Math.round((now - this.#startedAt) / 1000);
      this.#options.log(
        `waiting for server${waiting.length > 1 ? "s" : ""} ${waiting.join(", ")} (${waited} s)`,
      );
    }
  }

  /**
   * How long a receive may wait before {@link ServerRoster.expire} has something to do, in ms
   * (`Infinity`: nothing is due). Connections end while the receiver waits, so with a live
   * server it never waits longer than `tick` at a time.
   */
  nextDeadline(tick: number): number {
    const now = this.#now();
    const { livenessTimeoutMs, waitTimeoutMs } = this.#options;
    let due = Infinity;
    for (const entry of this.#entries.values()) {
      if (entry.state === "waiting") {
        if (waitTimeoutMs !== undefined) due = Math.min(due, this.#startedAt + waitTimeoutMs);
        if (this.#options.log !== noLog) due = Math.min(due, this.#nextReminder);
      } else if (entry.state === "live" && livenessTimeoutMs > 0) {
        const lost = this.#lostSince(entry);
        due = Math.min(due, lost === undefined ? now + tick : lost + livenessTimeoutMs);
      }
    }
    return Math.max(0, due - now);
  }

  /** Since when a live server has had no connection, counting its last frame as one. */
  #lostSince(entry: Entry): number | undefined {
    if (entry.connections.size > 0) return undefined;
    // A frame proves a connection: one whose events the monitor has not told yet, or (a
    // monitor that missed events) one it never will.
    return Math.max(entry.lostAt, entry.lastSeen);
  }

  #forget(fd: number): void {
    const key = this.#fds.get(fd);
    if (key === undefined) return;
    this.#fds.delete(fd);
    const entry = this.#entries.get(key);
    if (!entry || !entry.connections.delete(fd)) return;
    if (entry.connections.size === 0) entry.lostAt = this.#now();
  }

  #leave(entry: Entry, reason: GoneReason): void {
    if (entry.state === "gone") return;
    entry.state = "gone";
    entry.goneReason = reason;
    this.#options.log(`server ${entry.port} left (${reason})`);
    this.#options.onEvent?.({ type: "leave", port: entry.port, reason });
  }
}

/** `{ [key]: value }`, or nothing when the value is undefined (for optional fields). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** A log function that logs nothing: the roster then skips its reminders' deadlines. */
export const noLog = (_text: string): void => {};

/** The port of a bound endpoint (`tcp://0.0.0.0:5566`, `ipc:///tmp/cams:5566`), as a key. */
function portOfEndpoint(endpoint: string): string | undefined {
  const match = /:(\d+)$/.exec(endpoint);
  return match ? portKey(match[1]) : undefined;
}
