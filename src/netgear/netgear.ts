/**
 * `NetGear`: vidgear's NetGear for Deno. One front, as in vidgear, for two roles: a receiver
 * ("client", `receiveMode: true`) that binds, and a sender ("server") that connects. It hands
 * the work to a {@link Receiver} or a {@link Sender}. Multi-server mode lets one client
 * collect frames and data from many servers, telling them apart by port.
 *
 * @module
 */

import type { Frame } from "../frame.ts";
import { NetGearError } from "../errors.ts";
import { type ResolvedOptions, resolveOptions } from "./options.ts";
import { Receiver } from "./receiver.ts";
import { Sender } from "./sender.ts";
import type {
  NetGearInit,
  NetGearItem,
  NetGearStats,
  RecvOptions,
  SendOptions,
  ServerInfo,
} from "./types.ts";

/**
 * A NetGear peer: a receiver (`receiveMode: true`) or a sender, in plain, multi-server,
 * multi-client and bidirectional modes, over tcp or ipc, wire-compatible with Python vidgear.
 *
 * @example A multi-server client and one of its servers
 * ```ts ignore
 * import { createFrame, NetGear } from "../../mod.ts";
 * const client = new NetGear({
 *   address: "127.0.0.1", port: [5566, 5567], pattern: 1, receiveMode: true, multiserverMode: true,
 * });
 * const server = new NetGear({ address: "127.0.0.1", port: 5566, pattern: 1, multiserverMode: true });
 * await server.send(createFrame(new Uint8Array(6), [1, 2, 3]), { message: "I'm Server-1" });
 * const item = await client.recv(); // { port: 5566, frame, message: "I'm Server-1" }
 * await server.close();
 * await client.close();
 * ```
 */
export class NetGear implements AsyncIterable<NetGearItem>, AsyncDisposable {
  /** The validated options. */
  readonly options: Readonly<ResolvedOptions>;
  #receiver: Receiver | undefined;
  #sender: Sender | undefined;
  #closed = false;

  /**
   * Creates a receiver or a sender and binds or connects its socket.
   *
   * @throws {TypeError | RangeError | NetGearError} For invalid options or combinations.
   * @throws {ZmqError} When binding fails (e.g. the port is in use).
   */
  constructor(options: NetGearInit) {
    const { onServerEvent, onRefused, ...rest } = options ?? {};
    if (onServerEvent !== undefined && typeof onServerEvent !== "function") {
      throw new TypeError("Cannot use onServerEvent: give a function");
    }
    if (onRefused !== undefined && typeof onRefused !== "function") {
      throw new TypeError("Cannot use onRefused: give a function");
    }
    this.options = Object.freeze(resolveOptions(rest));
    if (this.options.receiveMode) {
      this.#receiver = new Receiver(this.options, { onServerEvent, onRefused });
    } else {
      this.#sender = new Sender(this.options, { onRefused });
    }
  }

  /** Whether {@link NetGear.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Multi-server receiver: every server of its port list, `waiting`, `live` or `gone`, with its
   * counters, frame rate and frame age (see {@link ServerInfo}); empty otherwise.
   */
  get servers(): ServerInfo[] {
    return this.#receiver?.servers ?? [];
  }

  /** Counters: frames, drops by reason, timeouts, rebinds; a live sender's rate control. */
  get stats(): NetGearStats {
    return (this.#receiver ?? this.#sender)!.stats;
  }

  /**
   * Receives the next frame. Returns `null` once the receiver is done: every listed server of a
   * multi-server client is gone (terminated, disconnected past `livenessTimeout`, or never
   * joined within `waitTimeout`), the sender of a plain receiver terminated, or the retries or
   * `subscriberTimeout` ran out. Frames that arrived before the end are all delivered first.
   * A multi-server client waits for listed servers that have not joined yet without limit
   * unless `waitTimeout` is set: end it with `close()` or a `signal`.
   *
   * A frame is valid until `recv()` returns the next frame of the same server, unless you
   * `keep()` its item (see {@link NetGearItem}); `zeroCopyReceive: false` copies frames instead.
   *
   * @throws {NetGearError} On a sender, or when another `recv()` is pending.
   */
  recv(options: RecvOptions = {}): Promise<NetGearItem | null> {
    if (!this.#receiver) {
      return Promise.reject(
        new NetGearError("Cannot recv() on a sender: create the NetGear with receiveMode: true"),
      );
    }
    return this.#receiver.recv(options);
  }

  /** Receives frames until the receiver is done (see {@link NetGear.recv}). */
  async *[Symbol.asyncIterator](): AsyncGenerator<NetGearItem> {
    for (;;) {
      const item = await this.recv();
      if (item === null) return;
      yield item;
    }
  }

  /**
   * Sends a frame and its message. Patterns 0 and 1 wait for the receiver's reply (up to
   * `requestTimeout`); a reply that does not come loses the frame (returns `undefined`), and
   * `maxRetries` losses in a row make `send()` fail. Pattern 2 waits while a connected
   * receiver's queue is full (lossless), and drops the frame, counted as `no-receiver` in
   * {@link NetGear.stats}, while no receiver is connected: a camera keeps its pace. With
   * `live: true` it never waits: JPEG, and a rate control that leaves frames out while the link
   * is congested (see `live` in the options). The header carries the frame's capture time.
   *
   * Patterns 0 and 1 send the frame's pixels from the frame's own memory, without a copy:
   * don't change them (or transfer their buffer) until `send()` settles. Once it has, libzmq
   * no longer reads them, except after a send that failed or was aborted, until `close()`.
   *
   * @returns The receiver's data in bidirectional mode; `{ port, data }` in multi-client mode
   * (pattern 1); `undefined` otherwise.
   * @throws {NetGearError} On a receiver, after `maxRetries` timeouts, or when closed.
   */
  send(frame: Frame, options: SendOptions = {}): Promise<unknown> {
    if (!this.#sender) {
      return Promise.reject(
        new NetGearError("Cannot send() on a receiver: create the NetGear without receiveMode"),
      );
    }
    return this.#sender.send(frame, options);
  }

  /**
   * Closes. A sender first sends its terminate (waiting briefly for the receiver's
   * acknowledgement in pattern 1) so the receiver knows it left. Safe to call twice.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await (this.#receiver ?? this.#sender)!.close();
  }

  /** Same as {@link NetGear.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
