/**
 * The receiving end of NetGear (vidgear's "client", `receiveMode: true`): binds, takes frames,
 * answers them (patterns 0 and 1), and in multi-server mode keeps the roster of its servers.
 *
 * @module
 */

import type { Frame } from "../frame.ts";
import { NetGearError, ProtocolError } from "../errors.ts";
import { type LeasedMessage, type Socket, ZmqError } from "../zmq/mod.ts";
import {
  createDeviceId,
  decodeMessage,
  encodeAckReply,
  encodeArrayReply,
  encodeDataReply,
  encodeTerminateAck,
  type HeaderFormat,
} from "../protocol/mod.ts";
import type { Port, ResolvedOptions } from "./options.ts";
import { PATTERNS } from "./patterns.ts";
import { noLog, ServerRoster } from "./roster.ts";
import { Link } from "./_link.ts";
import { byeTopic, isFrame } from "./_wire.ts";
import type { NetGearInit, NetGearItem, NetGearStats, RecvOptions, ServerInfo } from "./types.ts";

const nothing = () => {};

/**
 * An item. `lease` holds its frame's memory: released with the item, and, unless the item is
 * kept, once its server's next frame is delivered (`supersede`).
 */
function newItem(
  port: Port | undefined,
  frame: Frame,
  message: unknown,
  captureTime: number | undefined,
  lease: LeasedMessage | null,
  onKeep: (item: NetGearItem) => void,
): NetGearItem {
  // Own properties, not a class: `{ ...item }` keeps release() (the tests' receivers do it).
  if (!lease) {
    return {
      port,
      frame,
      message,
      captureTime,
      release: nothing,
      keep: nothing,
      [Symbol.dispose]: nothing,
    };
  }
  const release = () => lease.release();
  const item: NetGearItem = {
    port,
    frame,
    message,
    captureTime,
    release,
    keep: () => onKeep(item),
    [Symbol.dispose]: release,
  };
  return item;
}

/** How often a waiting multi-server receiver looks at its live servers' connections, in ms. */
const ROSTER_TICK_MS = 250;
/** While frames flow, the socket's connection events are read at most this often. */
const EVENTS_EVERY_MS = 50;
/** Drops of one reason are logged at most this often. */
const DROP_LOG_EVERY_MS = 5_000;

/** A NetGear receiver. Use it through {@link NetGear} with `receiveMode: true`. */
export class Receiver {
  #link: Link;
  #roster: ServerRoster | undefined;
  #closed = false;
  #ended = false;
  #busy = false;
  #deviceId = createDeviceId();
  #pending = new Map<string, NetGearItem>();
  /** Each server's item delivered last (not kept): released when its next one is delivered. */
  #current = new Map<string, NetGearItem>();
  #frames = 0;
  #dropped: Record<string, number> = {};
  #droppedLoggedAt = new Map<string, number>();
  #rebinds = 0;
  #failures = 0;
  #lastTraffic = performance.now();
  #eventsReadAt = -Infinity;

  /**
   * Binds the receiver's ports.
   *
   * @throws {NetGearError} When secure mode cannot start.
   * @throws {ZmqError} When binding fails (e.g. the port is in use).
   */
  constructor(
    options: Readonly<ResolvedOptions>,
    init: Pick<NetGearInit, "onServerEvent" | "onRefused">,
  ) {
    if (options.multiserverMode) {
      this.#roster = new ServerRoster(options.ports, {
        livenessTimeoutMs: options.livenessTimeoutMs,
        waitTimeoutMs: options.waitTimeoutMs,
        log: options.logging ? (text) => this.#link.log(text) : noLog,
        onEvent: init.onServerEvent,
      });
    }
    const roster = this.#roster;
    this.#link = new Link(options, {
      onRefused: init.onRefused,
      onConnection: roster && ((event) => roster.connection(event)),
    });
  }

  /** Every listed server (multi-server mode); empty otherwise. */
  get servers(): ServerInfo[] {
    this.#readEvents();
    return this.#roster?.servers ?? [];
  }

  /** Counters. */
  get stats(): NetGearStats {
    this.#readEvents();
    return {
      frames: this.#frames,
      dropped: { ...this.#dropped },
      timeouts: 0,
      rebinds: this.#rebinds,
      leasedBytes: this.#link.socket.leasedBytes,
      refused: this.#link.security?.refused ?? {},
    };
  }

  /** See {@link NetGear.recv}. */
  async recv(options: RecvOptions = {}): Promise<NetGearItem | null> {
    if (this.#busy) {
      throw new NetGearError("Cannot recv() while another recv() is pending: await it first");
    }
    this.#busy = true;
    try {
      return await this.#receiveNext(options);
    } finally {
      this.#busy = false;
    }
  }

  /** Closes the socket; items not delivered yet are released. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const item of this.#pending.values()) item.release();
    this.#pending.clear();
    // Delivered items stay readable after close, until released or collected.
    this.#current.clear();
    await this.#link.close();
  }

  async #receiveNext(options: RecvOptions): Promise<NetGearItem | null> {
    const o = this.#link.options;
    for (;;) {
      const pending = this.#takePending();
      if (pending) return this.#deliver(pending);
      if (this.#ended || this.#closed) return null;
      if (performance.now() - this.#eventsReadAt >= EVENTS_EVERY_MS) this.#readEvents();
      if (this.#roster) {
        this.#roster.expire();
        if (this.#roster.done) {
          this.#end("every server is gone");
          continue; // deliver what is still pending, then null
        }
      }
      const socket = this.#link.socket;
      let parts: readonly Uint8Array[];
      let lease: LeasedMessage | null = null;
      try {
        const wait = { timeout: this.#waitMs(), signal: options.signal };
        if (o.zeroCopyReceive) {
          lease = await socket.receiveLeased(wait);
          parts = lease.parts;
        } else {
          parts = await socket.receive(wait);
        }
      } catch (error) {
        if (this.#closed) return null;
        if (error instanceof ZmqError && error.code === "EAGAIN") {
          if (this.#onSilence()) this.#end("no traffic");
          continue;
        }
        throw error;
      }
      this.#lastTraffic = performance.now();
      this.#failures = 0;
      const item = await this.#handle(parts, options.returnData, socket, lease);
      if (item === undefined) continue;
      if (o.pattern === 2 && o.delivery === "latest") {
        this.#keepLatest(item);
        await this.#drainLatest(options.returnData, socket);
        continue;
      }
      return this.#deliver(item);
    }
  }

  /**
   * Decodes one message, answers it (patterns 0 and 1), and tracks its server. The item holds
   * `lease` when its frame lies in it; otherwise the lease is released here.
   */
  async #handle(
    parts: readonly Uint8Array[],
    returnData: unknown,
    socket: Socket,
    lease: LeasedMessage | null,
  ): Promise<NetGearItem | undefined> {
    let item: NetGearItem | undefined;
    try {
      item = await this.#decode(parts, returnData, socket, lease);
      return item;
    } finally {
      if (item === undefined || item.release === nothing) lease?.release();
    }
  }

  async #decode(
    parts: readonly Uint8Array[],
    returnData: unknown,
    socket: Socket,
    lease: LeasedMessage | null,
  ): Promise<NetGearItem | undefined> {
    const o = this.#link.options;
    const facts = PATTERNS[o.pattern];
    const roster = this.#roster;
    let message;
    try {
      message = decodeMessage(parts);
      if (message.kind === "frame" && roster && message.port === undefined) {
        throw new ProtocolError("missing-key", 'A multi-server frame message lacks its "port" key');
      }
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.#drop(error.reason, error.message);
      // Answer anyway, so that a lock-step sender is never left waiting.
      if (facts.replies) await this.#reply(socket, this.#emptyReply());
      return undefined;
    }
    if (roster && message.port !== undefined && !roster.lists(message.port)) {
      // Not a server of ours: counted, answered so a REQ peer is not wedged, never tracked.
      this.#drop(
        "unlisted-port",
        `a ${message.kind} names port ${JSON.stringify(message.port)}, which is not listed`,
      );
      if (facts.replies) {
        await this.#reply(
          socket,
          message.kind === "terminate"
            ? encodeTerminateAck({ multiserver: true })
            : this.#emptyReply(),
        );
      }
      return undefined;
    }
    if (
      message.kind === "terminate" && roster && message.port !== undefined &&
      !this.#cameThrough(message.port, socket.peerConnection)
    ) {
      // A terminate naming a listed server, through another server's connection: a peer may
      // not end someone else. (Frames are not held to this: a connection closed with frames
      // still queued may have passed its descriptor on to a new one meanwhile.)
      this.#drop("port-mismatch", `a terminate names port ${message.port} on another connection`);
      if (facts.acksTerminate) await this.#reply(socket, encodeTerminateAck({ multiserver: true }));
      return undefined;
    }
    if (message.kind === "terminate") {
      if (facts.acksTerminate) {
        await this.#reply(socket, encodeTerminateAck({ multiserver: o.multiserverMode }));
      }
      if (o.pattern === 2 && o.protocol === "ipc") this.#sayBye(socket, message.port);
      if (roster) {
        if (message.port !== undefined) roster.terminated(message.port);
        if (roster.done) this.#end("every server terminated");
      } else {
        this.#end("the sender terminated");
      }
      return undefined;
    }
    if (facts.replies) {
      await this.#reply(
        socket,
        o.bidirectionalMode || o.multiclientMode
          ? await this.#dataReply(returnData, message.format)
          : encodeAckReply(this.#deviceId),
      );
    }
    let frame: Frame;
    try {
      frame = message.frame ?? (await this.#link.decodeJpeg(message.jpeg!));
    } catch (error) {
      this.#drop("bad-compression", (error as Error).message);
      return undefined;
    }
    const port = o.multiserverMode ? message.port : undefined;
    if (port !== undefined) {
      roster!.frame(port, frame.data.byteLength, message.message, socket.peerAddress);
    }
    this.#frames++;
    // A frame decoded from JPEG is memory of its own: the lease can go now.
    return newItem(
      port,
      frame,
      message.message,
      message.captureTime,
      message.frame ? lease : null,
      (kept) => this.#keep(kept),
    );
  }

  /** The answer to a message that carries no frame for the application. */
  #emptyReply(): Uint8Array[] {
    return this.#link.options.bidirectionalMode
      ? encodeDataReply({ data: null })
      : encodeAckReply(this.#deviceId);
  }

  /** Pattern 2 over ipc: tells the sender whose terminate was read that it may hang up. */
  #sayBye(socket: Socket, port: Port | undefined): void {
    const topic = byeTopic(this.#link.options.multiserverMode ? port : undefined);
    try {
      socket.subscribe(topic);
      socket.unsubscribe(topic);
    } catch (error) {
      this.#link.log(`could not acknowledge a terminate: ${(error as Error).message}`);
    }
  }

  async #reply(socket: Socket, parts: Uint8Array[]): Promise<void> {
    try {
      await socket.send(parts, { timeout: this.#link.options.requestTimeoutMs });
    } catch (error) {
      if (!this.#closed) this.#link.log(`could not reply: ${(error as Error).message}`);
    }
  }

  /** The data reply: a frame goes out as an array reply, as JPEG when we compress. */
  async #dataReply(returnData: unknown, headerFormat: HeaderFormat): Promise<Uint8Array[]> {
    const o = this.#link.options;
    const port = o.multiclientMode ? o.ports[0] : undefined;
    if (o.jpeg && isFrame(returnData)) {
      return encodeArrayReply({
        jpeg: await this.#link.encodeJpeg(returnData),
        port,
        headerFormat,
      });
    }
    return encodeDataReply({ data: returnData ?? null, port, headerFormat });
  }

  /** How long the next socket wait may last before a deadline needs looking at (-1: none). */
  #waitMs(): number {
    const o = this.#link.options;
    let wait = Infinity;
    if (this.#roster) wait = this.#roster.nextDeadline(ROSTER_TICK_MS);
    else if (o.pattern !== 2) {
      wait = 3 * o.requestTimeoutMs - (performance.now() - this.#lastTraffic);
    }
    if (o.pattern === 2 && o.subscriberTimeoutMs !== undefined) {
      wait = Math.min(wait, o.subscriberTimeoutMs - (performance.now() - this.#lastTraffic));
    }
    return wait === Infinity ? -1 : Math.max(0, Math.ceil(wait));
  }

  /** A receive wait ran out: decide whether the receiver ends (true) or goes on. */
  #onSilence(): boolean {
    const o = this.#link.options;
    const silentFor = performance.now() - this.#lastTraffic;
    if (
      o.pattern === 2 && o.subscriberTimeoutMs !== undefined && silentFor >= o.subscriberTimeoutMs
    ) {
      this.#link.log(`no message for ${o.subscriberTimeoutMs / 1000} s (subscriberTimeout)`);
      return true;
    }
    if (this.#roster) return false; // the roster decides, at the top of the loop
    if (o.pattern !== 2 && silentFor >= 3 * o.requestTimeoutMs) {
      this.#failures++;
      if (this.#failures > o.maxRetries) return true;
      this.#link.log(
        `no traffic for ${
          (silentFor / 1000).toFixed(1)
        } s: rebinding (${this.#failures}/${o.maxRetries})`,
      );
      this.#rebinds++;
      this.#lastTraffic = performance.now();
      void this.#link.reopen();
    }
    return false;
  }

  #keepLatest(item: NetGearItem): void {
    const key = String(item.port);
    const stale = this.#pending.get(key);
    if (stale) {
      stale.release();
      this.#drop("stale");
    }
    this.#pending.delete(key); // re-insert: keeps ports round-robin
    this.#pending.set(key, item);
  }

  /** `delivery: "latest"`: reads whatever is already queued, keeping each server's newest. */
  async #drainLatest(returnData: unknown, socket: Socket): Promise<void> {
    const zeroCopy = this.#link.options.zeroCopyReceive;
    for (let i = 0; i < 10_000 && !this.#closed; i++) {
      const lease = zeroCopy ? socket.tryReceiveLeased() : null;
      const parts = zeroCopy ? lease?.parts ?? null : socket.tryReceive();
      if (parts === null) return;
      const item = await this.#handle(parts, returnData, socket, lease);
      if (item) this.#keepLatest(item);
    }
  }

  /** Whether a message naming `port` may have come through connection `fd` (see the roster). */
  #cameThrough(port: Port, fd: number): boolean {
    if (fd < 0 || this.#roster!.cameThrough(port, fd)) return true;
    this.#readEvents(); // the monitor may have news of this descriptor
    return this.#roster!.cameThrough(port, fd);
  }

  /** Reads what the socket monitor told since last time (connections, refusals). */
  #readEvents(): void {
    if (this.#closed) return;
    this.#eventsReadAt = performance.now();
    this.#link.readEvents();
  }

  /**
   * Hands an item to the application: the previous item of its server gives its memory back
   * now, unless it was kept. Only items whose frame lies in libzmq's memory are tracked.
   */
  #deliver(item: NetGearItem): NetGearItem {
    if (item.captureTime !== undefined && item.port !== undefined) {
      this.#roster?.delivered(item.port, item.captureTime);
    }
    if (item.release === nothing) return item;
    const key = String(item.port);
    const previous = this.#current.get(key);
    if (previous !== undefined && previous !== item) previous.release();
    this.#current.set(key, item);
    return item;
  }

  /** `item.keep()`: the item is no longer released when its server's next frame comes. */
  #keep(item: NetGearItem): void {
    const key = String(item.port);
    if (this.#current.get(key) === item) this.#current.delete(key);
  }

  #takePending(): NetGearItem | undefined {
    for (const [key, item] of this.#pending) {
      this.#pending.delete(key);
      return item;
    }
    return undefined;
  }

  /** Marks the receiver done; frames still pending are delivered before `recv()` gives null. */
  #end(why: string): void {
    if (!this.#ended) this.#link.log(`receiver done: ${why}`);
    this.#ended = true;
  }

  #drop(reason: string, detail?: string): void {
    const count = (this.#dropped[reason] ?? 0) + 1;
    this.#dropped[reason] = count;
    if (!detail || !this.#link.options.logging) return;
    // A peer may send thousands: log each reason now and then, with its count.
    const now = performance.now();
    if (now - (this.#droppedLoggedAt.get(reason) ?? -Infinity) < DROP_LOG_EVERY_MS) return;
    this.#droppedLoggedAt.set(reason, now);
    this.#link.log(`dropped a message (${reason}, ${count} so far): ${detail}`);
  }
}
