/**
 * `NetGear`: vidgear's NetGear for Deno. One class, two roles: a receiver ("client",
 * `receiveMode: true`) that binds, and a sender ("server") that connects. Multi-server mode
 * lets one client collect frames and data from many servers, telling them apart by port.
 *
 * @module
 */

import type { Frame } from "../frame.ts";
import { NetGearError, ProtocolError } from "../errors.ts";
import { type LeasedMessage, Socket, tuneMemory, ZmqError } from "../zmq/mod.ts";
import {
  createDeviceId,
  decodeMessage,
  decodeReply,
  encodeAckReply,
  encodeArrayReply,
  encodeDataReply,
  encodeFrameMessage,
  encodeTerminateAck,
  encodeTerminateMessage,
  type FramePayload,
  type HeaderFormat,
  type JpegPayload,
} from "../protocol/mod.ts";
import type { JpegCodec } from "../codec/types.ts";
import {
  endpointOf,
  type NetGearOptions,
  type Port,
  type ResolvedOptions,
  resolveOptions,
} from "./options.ts";
import { type Refusal, Security } from "./secure.ts";

/**
 * What a receiver's `recv()` gives: the frame, the sender's message and (multi-server) its
 * port. Disposable: with `zeroCopyReceive`, releasing the item gives the frame's memory back
 * to libzmq; otherwise releasing does nothing, so code can release items either way.
 */
export interface NetGearItem extends Disposable {
  /** The sending server's port, as it declared it (multi-server mode); `undefined` otherwise. */
  readonly port: Port | undefined;
  /** The frame: `shape`, `dtype` and the C-order bytes. */
  readonly frame: Frame;
  /** The data sent with the frame; `null` when none. */
  readonly message: unknown;
  /**
   * With `zeroCopyReceive`: gives the frame's memory back to libzmq, after which the frame's
   * data reads as empty. Without it, does nothing. Safe to repeat.
   */
  release(): void;
}

const keep = () => {};

/** An item; `lease` holds its frame's memory (zeroCopyReceive), released with the item. */
function newItem(
  port: Port | undefined,
  frame: Frame,
  message: unknown,
  lease: LeasedMessage | null,
): NetGearItem {
  // Own properties, not a class: `{ ...item }` keeps release() (the tests' receivers do it).
  const release = lease ? () => lease.release() : keep;
  return { port, frame, message, release, [Symbol.dispose]: release };
}

/** Options of one `recv()` call. */
export interface RecvOptions {
  /**
   * Bidirectional mode: the data the reply to the frame this call returns carries (any JSON
   * value, or a frame). Each reply carries the `returnData` of the `recv()` that returned its
   * frame; `undefined` sends `null`.
   */
  returnData?: unknown;
  /** Cancels the wait; the call rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Options of one `send()` call. */
export interface SendOptions {
  /** Data to send with the frame (any JSON value; more with `headerFormat: "msgpack"`). */
  message?: unknown;
  /** Cancels the wait for room or for the reply. */
  signal?: AbortSignal;
}

/** What a multi-client sender's `send()` returns: which client answered, and its data. */
export interface ClientReply {
  /** The answering client's own port. */
  readonly port: Port | undefined;
  /** The client's data (bidirectional mode), or `null`. */
  readonly data: unknown;
}

/** A multi-server receiver's view of one server. */
export interface ServerInfo {
  /** The server's port. */
  readonly port: Port;
  /** `waiting` (never heard from), `live`, or `gone`. */
  readonly state: "waiting" | "live" | "gone";
  /** Why it is gone: it sent its terminate, or it was silent past the liveness timeout. */
  readonly goneReason?: "terminated" | "timeout";
  /** The server's address as libzmq saw the connection (tcp), when known. */
  readonly peerAddress?: string;
  /** Frames received from it. */
  readonly frames: number;
  /** Payload bytes received from it. */
  readonly bytes: number;
  /** The last message it sent with a frame. */
  readonly lastMessage: unknown;
  /** When it was last heard from (`Date.now()` milliseconds); the start time if never. */
  readonly lastSeen: number;
  /** Its recent frame rate, frames per second. */
  readonly fps: number;
}

/** A server joining or leaving a multi-server receiver. */
export interface ServerEvent {
  /** `join`: first frame (or first after being gone); `leave`: terminated or timed out. */
  readonly type: "join" | "leave";
  /** The server's port. */
  readonly port: Port;
  /** For `leave`: why. */
  readonly reason?: "terminated" | "timeout";
}

/** Counters of a NetGear. */
export interface NetGearStats {
  /** Frames delivered to the application (receiver) or sent (sender). */
  readonly frames: number;
  /** Messages dropped, by reason: malformed ones by their `ProtocolError` reason, `stale` for
   * frames replaced by newer ones in `delivery: "latest"`. */
  readonly dropped: Readonly<Record<string, number>>;
  /** Sender: replies that did not come in time (each one lost a frame). */
  readonly timeouts: number;
  /** Receiver: rebinds after silence (patterns 0 and 1, plain mode). */
  readonly rebinds: number;
  /** Receiver with `zeroCopyReceive`: bytes of delivered frames not released yet (0 without
   * it). A figure that keeps growing means items are not released. */
  readonly leasedBytes: number;
  /** Secure receiver: connections refused, by reason (see {@link Refusal}). Refused peers
   * retry, so one peer counts many times. */
  readonly refused: Readonly<Record<string, number>>;
}

/** Constructor options: {@link NetGearOptions} plus the server-event callback. */
export interface NetGearInit extends NetGearOptions {
  /** Called when a server joins or leaves a multi-server receiver. */
  onServerEvent?: (event: ServerEvent) => void;
  /** Secure receiver: called for each refused connection. */
  onRefused?: (refusal: Refusal) => void;
}

interface ServerState {
  port: Port;
  state: "waiting" | "live" | "gone";
  goneReason?: "terminated" | "timeout";
  peerAddress?: string;
  frames: number;
  bytes: number;
  lastMessage: unknown;
  lastSeen: number;
  lastFrameAt: number;
  fps: number;
  /** Time the application kept the receiver from listening since this server was last seen:
   * silence counts towards the liveness timeout only while the receiver listens. */
  awayMs: number;
}

const SUBSCRIBE_WAIT_MS = 5000;

/**
 * Pattern 2 over ipc: the subscription a receiver sends (and withdraws at once) once it has read
 * a sender's terminate, so that the sender closes only then. Over ipc, libzmq drops what is
 * still in the socket when the peer hangs up while the receiver's queue is full
 * (zeromq/libzmq#4660), which lingering cannot prevent. Tcp keeps that data readable.
 */
function byeTopic(port: Port | undefined): Uint8Array {
  return new TextEncoder().encode(port === undefined ? "netgear/bye" : `netgear/bye/${port}`);
}

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
  #socket: Socket | undefined;
  #security: Security | undefined;
  #closed = false;
  #ended = false;
  #busy = false;
  #deviceId = createDeviceId();
  #codec: Promise<JpegCodec> | undefined;
  #onServerEvent?: (event: ServerEvent) => void;
  #servers = new Map<string, ServerState>();
  #pending = new Map<string, NetGearItem>();
  #frames = 0;
  #dropped: Record<string, number> = {};
  #timeouts = 0;
  #rebinds = 0;
  #failures = 0;
  /** Pattern 2: receivers subscribed now (their subscriptions less their unsubscriptions). */
  #subscribed = 0;
  /** Pattern 2: the first wait for subscriptions ran out; sends no longer wait for them. */
  #subscribeWaitOver = false;
  #lastTraffic = performance.now();
  #awaySince: number | undefined;

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
    this.#onServerEvent = onServerEvent;
    this.options = Object.freeze(resolveOptions(rest));
    if (this.options.tuneMemory) {
      const { applied, detail } = tuneMemory();
      this.#log(`${applied ? "malloc tuned for large frames" : "malloc left as it is"}: ${detail}`);
    }
    if (this.options.receiveMode && this.options.multiserverMode) {
      const now = Date.now();
      for (const port of this.options.ports) this.#servers.set(String(port), newServer(port, now));
    }
    if (this.options.secureMode !== 0) {
      this.#security = new Security(this.options, { log: (text) => this.#log(text), onRefused });
    }
    try {
      this.#socket = this.#open();
    } catch (error) {
      this.#security?.abort();
      throw error;
    }
  }

  /** Whether {@link NetGear.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Multi-server receiver: every server of the port list (and any other that spoke). */
  get servers(): ServerInfo[] {
    return [...this.#servers.values()].map(({ lastFrameAt: _, awayMs: __, ...info }) => ({
      ...info,
    }));
  }

  /** Counters: frames, drops by reason, timeouts, rebinds. */
  get stats(): NetGearStats {
    return {
      frames: this.#frames,
      dropped: { ...this.#dropped },
      timeouts: this.#timeouts,
      rebinds: this.#rebinds,
      leasedBytes: this.#socket?.leasedBytes ?? 0,
      refused: this.#security?.refused ?? {},
    };
  }

  // ---------------------------------------------------------------- receiver

  /**
   * Receives the next frame. Returns `null` once the receiver is done: every server of a
   * multi-server client terminated or went silent past the liveness timeout, the sender of a
   * plain receiver terminated, or the retries or `subscriberTimeout` ran out. Frames that
   * arrived before the end are all delivered first.
   *
   * @throws {NetGearError} On a sender, or when another `recv()` is pending.
   */
  async recv(options: RecvOptions = {}): Promise<NetGearItem | null> {
    if (!this.options.receiveMode) {
      throw new NetGearError(
        "Cannot recv() on a sender: create the NetGear with receiveMode: true",
      );
    }
    if (this.#busy) {
      throw new NetGearError("Cannot recv() while another recv() is pending: await it first");
    }
    this.#busy = true;
    this.#creditAway();
    try {
      return await this.#receiveNext(options);
    } finally {
      this.#busy = false;
      this.#awaySince = Date.now();
    }
  }

  /** Receives frames until the receiver is done (see {@link NetGear.recv}). */
  async *[Symbol.asyncIterator](): AsyncGenerator<NetGearItem> {
    for (;;) {
      const item = await this.recv();
      if (item === null) return;
      yield item;
    }
  }

  async #receiveNext(options: RecvOptions): Promise<NetGearItem | null> {
    const o = this.options;
    for (;;) {
      const pending = this.#takePending();
      if (pending) return pending;
      if (this.#ended || this.#closed) return null;
      if (o.multiserverMode && this.#expireServers()) {
        this.#end("every server is gone");
        continue; // deliver what is still pending, then null
      }
      const socket = this.#socket!;
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
      return item;
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
      if (item === undefined || item.release === keep) lease?.release();
    }
  }

  async #decode(
    parts: readonly Uint8Array[],
    returnData: unknown,
    socket: Socket,
    lease: LeasedMessage | null,
  ): Promise<NetGearItem | undefined> {
    const o = this.options;
    const replies = o.pattern !== 2;
    let message;
    try {
      message = decodeMessage(parts);
      if (message.kind === "frame" && o.multiserverMode && message.port === undefined) {
        throw new ProtocolError("missing-key", 'A multi-server frame message lacks its "port" key');
      }
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.#drop(error.reason, error.message);
      // Answer anyway, so that a lock-step sender is never left waiting.
      if (replies) {
        await this.#reply(
          socket,
          o.bidirectionalMode ? encodeDataReply({ data: null }) : encodeAckReply(this.#deviceId),
        );
      }
      return undefined;
    }
    if (message.kind === "terminate") {
      if (replies && o.pattern === 1) {
        await this.#reply(socket, encodeTerminateAck({ multiserver: o.multiserverMode }));
      }
      if (o.pattern === 2 && o.protocol === "ipc") this.#sayBye(socket, message.port);
      if (o.multiserverMode) {
        if (message.port !== undefined) this.#leave(message.port, "terminated");
        if (this.#liveCount() === 0) this.#end("every server terminated");
      } else {
        this.#end("the sender terminated");
      }
      return undefined;
    }
    if (replies) {
      await this.#reply(
        socket,
        o.bidirectionalMode || o.multiclientMode
          ? await this.#dataReply(returnData, message.format)
          : encodeAckReply(this.#deviceId),
      );
    }
    let frame: Frame;
    try {
      frame = message.frame ?? (await this.#decodeJpeg(message.jpeg!));
    } catch (error) {
      this.#drop("bad-compression", (error as Error).message);
      return undefined;
    }
    const port = o.multiserverMode ? message.port : undefined;
    if (port !== undefined) this.#saw(port, frame, message.message, socket.peerAddress);
    this.#frames++;
    // A frame decoded from JPEG is memory of its own: the lease can go now.
    return newItem(port, frame, message.message, message.frame ? lease : null);
  }

  /** Pattern 2 over ipc: tells the sender whose terminate was read that it may hang up. */
  #sayBye(socket: Socket, port: Port | undefined): void {
    const topic = byeTopic(this.options.multiserverMode ? port : undefined);
    try {
      socket.subscribe(topic);
      socket.unsubscribe(topic);
    } catch (error) {
      this.#log(`could not acknowledge a terminate: ${(error as Error).message}`);
    }
  }

  async #reply(socket: Socket, parts: Uint8Array[]): Promise<void> {
    try {
      await socket.send(parts, { timeout: this.options.requestTimeoutMs });
    } catch (error) {
      if (!this.#closed) this.#log(`could not reply: ${(error as Error).message}`);
    }
  }

  /** The data reply: a frame goes out as an array reply, as JPEG when we compress. */
  async #dataReply(returnData: unknown, headerFormat: HeaderFormat): Promise<Uint8Array[]> {
    const port = this.options.multiclientMode ? this.options.ports[0] : undefined;
    if (this.options.jpeg && isFrame(returnData)) {
      return encodeArrayReply({ jpeg: await this.#encodeJpeg(returnData), port, headerFormat });
    }
    return encodeDataReply({ data: returnData ?? null, port, headerFormat });
  }

  #saw(port: Port, frame: Frame, message: unknown, peerAddress: string | undefined): void {
    const key = String(port);
    const now = Date.now();
    let server = this.#servers.get(key);
    if (!server) {
      server = newServer(port, now);
      this.#servers.set(key, server);
    }
    if (server.state !== "live") {
      server.state = "live";
      server.goneReason = undefined;
      this.#log(`server ${port} joined${peerAddress ? ` from ${peerAddress}` : ""}`);
      this.#onServerEvent?.({ type: "join", port });
    }
    if (server.lastFrameAt > 0) {
      const interval = (now - server.lastFrameAt) / 1000;
      if (interval > 0) {
        server.fps = server.fps === 0 ? 1 / interval : server.fps * 0.8 + (1 / interval) * 0.2;
      }
    }
    server.lastFrameAt = now;
    server.lastSeen = now;
    server.awayMs = 0;
    server.frames++;
    server.bytes += frame.data.byteLength;
    server.lastMessage = message;
    if (peerAddress) server.peerAddress = peerAddress;
  }

  #leave(port: Port, reason: "terminated" | "timeout"): void {
    const server = this.#servers.get(String(port));
    if (!server || server.state === "gone") return;
    server.state = "gone";
    server.goneReason = reason;
    this.#log(`server ${port} left (${reason})`);
    this.#onServerEvent?.({ type: "leave", port, reason });
  }

  #liveCount(): number {
    let live = 0;
    for (const server of this.#servers.values()) if (server.state !== "gone") live++;
    return live;
  }

  /** Between two `recv()` calls nobody listens: that time is not the servers' silence. */
  #creditAway(): void {
    if (this.#awaySince === undefined) return;
    const away = Date.now() - this.#awaySince;
    this.#awaySince = undefined;
    for (const server of this.#servers.values()) if (server.state !== "gone") server.awayMs += away;
  }

  /** Marks servers silent past the liveness timeout as gone; true when none is left. */
  #expireServers(): boolean {
    const limit = this.options.livenessTimeoutMs;
    if (limit > 0) {
      const now = Date.now();
      for (const server of this.#servers.values()) {
        if (server.state !== "gone" && now - server.lastSeen - server.awayMs >= limit) {
          this.#leave(server.port, "timeout");
        }
      }
    }
    return this.#liveCount() === 0;
  }

  /** How long the next socket wait may last before a deadline needs looking at. */
  #waitMs(): number {
    const o = this.options;
    let wait = Infinity;
    if (o.multiserverMode && o.livenessTimeoutMs > 0) {
      const now = Date.now();
      for (const server of this.#servers.values()) {
        if (server.state !== "gone") {
          wait = Math.min(wait, server.lastSeen + server.awayMs + o.livenessTimeoutMs - now);
        }
      }
    } else if (!o.multiserverMode && o.pattern !== 2) {
      wait = 3 * o.requestTimeoutMs - (performance.now() - this.#lastTraffic);
    }
    if (o.pattern === 2 && o.subscriberTimeoutMs !== undefined) {
      wait = Math.min(wait, o.subscriberTimeoutMs - (performance.now() - this.#lastTraffic));
    }
    return wait === Infinity ? -1 : Math.max(0, Math.ceil(wait));
  }

  /** A receive wait ran out: decide whether the receiver ends (true) or goes on. */
  #onSilence(): boolean {
    const o = this.options;
    const silentFor = performance.now() - this.#lastTraffic;
    if (
      o.pattern === 2 && o.subscriberTimeoutMs !== undefined && silentFor >= o.subscriberTimeoutMs
    ) {
      this.#log(`no message for ${o.subscriberTimeoutMs / 1000} s (subscriberTimeout)`);
      return true;
    }
    if (o.multiserverMode) return false; // liveness decides, at the top of the loop
    if (o.pattern !== 2 && silentFor >= 3 * o.requestTimeoutMs) {
      this.#failures++;
      if (this.#failures > o.maxRetries) return true;
      this.#log(
        `no traffic for ${
          (silentFor / 1000).toFixed(1)
        } s: rebinding (${this.#failures}/${o.maxRetries})`,
      );
      this.#rebinds++;
      this.#lastTraffic = performance.now();
      const old = this.#socket!;
      old.linger = 0;
      void old.close();
      this.#socket = this.#open();
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
    for (let i = 0; i < 10_000 && !this.#closed; i++) {
      const zeroCopy = this.options.zeroCopyReceive;
      const lease = zeroCopy ? socket.tryReceiveLeased() : null;
      const parts = zeroCopy ? lease?.parts ?? null : socket.tryReceive();
      if (parts === null) return;
      const item = await this.#handle(parts, returnData, socket, lease);
      if (item) this.#keepLatest(item);
    }
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
    if (!this.#ended) this.#log(`receiver done: ${why}`);
    this.#ended = true;
  }

  #drop(reason: string, detail?: string): void {
    this.#dropped[reason] = (this.#dropped[reason] ?? 0) + 1;
    if (detail) this.#log(`dropped a message (${reason}): ${detail}`);
  }

  // ---------------------------------------------------------------- sender

  /**
   * Sends a frame and its message. Patterns 0 and 1 wait for the receiver's reply (up to
   * `requestTimeout`); a reply that does not come loses the frame (returns `undefined`), and
   * `maxRetries` losses in a row make `send()` fail. Pattern 2 waits only while the receiver's
   * queue is full.
   *
   * Patterns 0 and 1 send the frame's pixels from the frame's own memory, without a copy:
   * don't change them (or transfer their buffer) until `send()` settles. Once it has, libzmq
   * no longer reads them, except after a send that failed or was aborted, until `close()`.
   *
   * @returns The receiver's data in bidirectional mode; `{ port, data }` in multi-client mode
   * (pattern 1); `undefined` otherwise.
   * @throws {NetGearError} On a receiver, after `maxRetries` timeouts, or when closed.
   */
  async send(frame: Frame, options: SendOptions = {}): Promise<unknown> {
    const o = this.options;
    if (o.receiveMode) {
      throw new NetGearError("Cannot send() on a receiver: create the NetGear without receiveMode");
    }
    if (this.#closed) throw new NetGearError("Cannot send() on a closed NetGear");
    if (!isFrame(frame)) {
      throw new TypeError(
        "Cannot send: give a frame ({ shape, dtype, data }), e.g. from createFrame()",
      );
    }
    if (this.#busy) {
      throw new NetGearError("Cannot send() while another send() is pending: await it first");
    }
    this.#busy = true;
    try {
      const payload: FramePayload = o.jpeg ? { jpeg: await this.#encodeJpeg(frame) } : { frame };
      const parts = encodeFrameMessage({
        ...payload,
        message: options.message ?? null,
        pattern: o.pattern,
        port: o.multiserverMode ? o.ports[0] : undefined,
        headerFormat: o.headerFormat,
      });
      if (o.pattern === 2) {
        await this.#awaitSubscribers(options.signal);
        await this.#socket!.send(parts, { signal: options.signal });
        this.#frames++;
        return undefined;
      }
      return await this.#request(parts, options.signal);
    } finally {
      this.#busy = false;
    }
  }

  /** Closes a request socket at once, and waits until libzmq no longer reads the frame. */
  async #letGo(socket: Socket): Promise<void> {
    socket.linger = 0;
    await socket.close();
    await socket.released({ timeout: 1000 }).catch(() => {});
  }

  /** Lazy Pirate: send, wait for the reply, and on silence start over with a fresh socket. */
  async #request(parts: Uint8Array[], signal: AbortSignal | undefined): Promise<unknown> {
    const o = this.options;
    const socket = this.#socket!;
    // The frame goes out from its own memory, uncopied; send() returns only once libzmq has
    // let go of it (by the reply, in practice), so the caller may then reuse it.
    await socket.send(parts, { timeout: o.requestTimeoutMs, signal, zeroCopy: "lend" }).catch(
      (error) => {
        if (!(error instanceof ZmqError && error.code === "EAGAIN")) throw error;
      },
    );
    let reply: Uint8Array[];
    try {
      reply = await socket.receive({ timeout: o.requestTimeoutMs, signal });
      await socket.released({ timeout: o.requestTimeoutMs });
    } catch (error) {
      if (!(error instanceof ZmqError && error.code === "EAGAIN")) throw error;
      this.#timeouts++;
      this.#failures++;
      if (this.#failures >= o.maxRetries) {
        throw new NetGearError(
          `No reply from the receiver at ${
            endpointOf(o, o.ports[0], false)
          } after ${this.#failures} tries of ${o.requestTimeoutMs / 1000} s: ${
            this.#security?.lastFailure ?? "is it running, at that address and port?"
          }`,
        );
      }
      this.#log(
        `no reply within ${
          o.requestTimeoutMs / 1000
        } s: frame lost, reconnecting (${this.#failures}/${o.maxRetries})`,
      );
      await this.#letGo(socket);
      this.#socket = this.#open();
      return undefined;
    }
    this.#failures = 0;
    this.#frames++;
    if (!o.bidirectionalMode && !o.multiclientMode) return undefined;
    let decoded;
    try {
      decoded = decodeReply(reply);
    } catch (error) {
      this.#drop("bad-reply", (error as Error).message);
      return undefined;
    }
    let data: unknown = null;
    if (decoded.kind === "data") data = decoded.data;
    else if (decoded.kind === "array") {
      data = decoded.frame ?? (await this.#decodeJpeg(decoded.jpeg!));
    } else this.#drop("bad-reply", `expected a JSON reply, got "${decoded.text}"`);
    if (o.multiclientMode) {
      return {
        port: decoded.kind === "text" ? undefined : decoded.port,
        data,
      } satisfies ClientReply;
    }
    return data;
  }

  /** Pattern 2: the first frames wait (bounded) until the receivers' subscriptions arrive. */
  async #awaitSubscribers(signal: AbortSignal | undefined): Promise<void> {
    const socket = this.#socket!;
    const wanted = this.options.ports.length;
    const deadline = performance.now() + (this.#subscribeWaitOver ? 0 : SUBSCRIBE_WAIT_MS);
    for (;;) {
      const waitMs = this.#subscribed >= wanted ? 0 : Math.max(0, deadline - performance.now());
      let parts: Uint8Array[] | null;
      try {
        // Once the wait is over, only (un)subscriptions already queued are read.
        parts = waitMs > 0
          ? await socket.receive({ timeout: Math.ceil(waitMs), signal })
          : socket.tryReceive();
      } catch (error) {
        if (!(error instanceof ZmqError && error.code === "EAGAIN")) throw error;
        parts = null;
      }
      if (parts === null) {
        if (this.#subscribed < wanted && !this.#subscribeWaitOver) {
          this.#log(`only ${this.#subscribed} of ${wanted} receivers subscribed; sending anyway`);
          this.#subscribeWaitOver = true; // wait no more
        }
        return;
      }
      this.#countSubscription(parts);
    }
  }

  /**
   * Pattern 2: counts the receivers' subscriptions to everything (one byte: 1 subscribe, 0
   * unsubscribe); other topics (a receiver's bye) are not receivers. True for `bye`.
   */
  #countSubscription(parts: Uint8Array[], bye?: Uint8Array): boolean {
    const part = parts[0];
    if (parts.length !== 1 || part === undefined || part.length === 0) return false;
    if (part.length === 1) {
      if (part[0] === 1) this.#subscribed++;
      else if (part[0] === 0) this.#subscribed--;
      return false;
    }
    return bye !== undefined && part[0] === 1 && part.length === bye.length + 1 &&
      bye.every((byte, i) => part[i + 1] === byte);
  }

  /**
   * Pattern 2 over ipc: waits until `wanted` receivers (at most as many as are subscribed) said
   * they read the terminate, or until `deadline`. True when every one of them said so.
   */
  async #awaitByes(wanted: number, deadline: number): Promise<boolean> {
    const socket = this.#socket!;
    const bye = byeTopic(this.options.multiserverMode ? this.options.ports[0] : undefined);
    let byes = 0;
    while (byes < Math.min(wanted, this.#subscribed)) {
      const waitMs = deadline - performance.now();
      if (waitMs <= 0) return false;
      let parts: Uint8Array[];
      try {
        parts = await socket.receive({ timeout: Math.ceil(waitMs) });
      } catch (error) {
        if (error instanceof ZmqError && error.code === "EAGAIN") return false;
        throw error;
      }
      if (this.#countSubscription(parts, bye)) byes++;
    }
    return true;
  }

  // ---------------------------------------------------------------- shared

  /**
   * Closes. A sender first sends its terminate (waiting briefly for the receiver's
   * acknowledgement in pattern 1) so the receiver knows it left. Safe to call twice.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const item of this.#pending.values()) item.release();
    this.#pending.clear();
    const socket = this.#socket;
    if (!socket) return;
    const o = this.options;
    if (!o.receiveMode && !socket.closed) {
      const terminate = encodeTerminateMessage({
        port: o.multiserverMode ? o.ports[0] : undefined,
        headerFormat: o.headerFormat,
      });
      const ackWait = Math.max(200, o.requestTimeoutMs / 5);
      const copies = o.multiclientMode ? o.ports.length : 1;
      // Pattern 1 has its acknowledgement; pattern 2 over ipc waits (up to requestTimeout, at
      // least the 1 s it would otherwise linger) until its receivers read everything it sent.
      // Otherwise patterns 0 and 2 linger, so the terminate still leaves after close.
      let acknowledged = false;
      try {
        const byeDeadline = performance.now() + Math.max(1000, o.requestTimeoutMs);
        for (let i = 0; i < copies; i++) {
          await socket.send(terminate, { timeout: ackWait });
          if (o.pattern === 1) await socket.receive({ timeout: ackWait });
        }
        if (o.pattern === 2 && o.protocol === "ipc") {
          acknowledged = await this.#awaitByes(copies, byeDeadline);
          if (!acknowledged) this.#log("no bye from the receivers: closing anyway");
        }
      } catch (error) {
        this.#log(`terminate not acknowledged: ${(error as Error).message}`);
      }
      try {
        socket.linger = o.pattern === 1 || acknowledged ? 0 : 1000;
      } catch {
        // A send() still waits on the socket (EBUSY): it closes with the linger it has.
      }
    }
    await socket.close();
    await this.#security?.close();
    if (this.#codec) (await this.#codec.catch(() => undefined))?.close();
  }

  /** Same as {@link NetGear.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #open(): Socket {
    const o = this.options;
    const receiver = o.receiveMode;
    const type = o.pattern === 0
      ? "PAIR"
      : o.pattern === 1
      ? (receiver ? "REP" : "REQ")
      : receiver
      ? "SUB"
      : "XPUB";
    const socket = new Socket(type, { context: this.#security?.context });
    try {
      socket.linger = 1000;
      // ZMTP heartbeats, on the ends that wait for replies: a dead peer's connection is
      // dropped, so libzmq reconnects. Not where input can stall on a full queue (SUB, REP,
      // PAIR receivers) nor towards it (XPUB): there a heartbeat cannot be read in time, and
      // libzmq 4.3 aborts the process when its heartbeat timer fires on a connection that
      // failed meanwhile (zeromq/libzmq#4364).
      if (type === "REQ" || (type === "PAIR" && !receiver)) {
        socket.heartbeatInterval = 1000;
        socket.heartbeatTimeout = 3000;
      }
      if (type === "REQ") {
        socket.requestRelaxed = true;
        socket.requestCorrelate = true;
      }
      if (type === "SUB") {
        socket.receiveHighWaterMark = o.delivery === "latest" ? 2 : 4;
        socket.subscribe("");
      }
      if (type === "XPUB") {
        // Looks like PUB to a (Python) SUB; tells us when receivers subscribe, and waits
        // instead of dropping when a receiver's queue is full.
        socket.sendHighWaterMark = 16;
        socket.xpubNoDrop = true;
        // Every receiver's subscription counts, not only the first of each topic (multi-client).
        socket.xpubVerbose = true;
      }
      if (receiver && o.multiserverMode) socket.recordPeerAddress = true;
      this.#security?.configure(socket);
      const bind = receiver;
      for (const port of o.ports) {
        const endpoint = endpointOf(o, port, bind);
        if (bind) socket.bind(endpoint);
        else socket.connect(endpoint);
      }
    } catch (error) {
      void socket.close();
      throw error;
    }
    this.#security?.start();
    return socket;
  }

  #jpegCodec(): Promise<JpegCodec> {
    this.#codec ??= import("../codec/mod.ts").then(({ jpegCodec }) => jpegCodec());
    return this.#codec;
  }

  async #encodeJpeg(frame: Frame): Promise<JpegPayload> {
    const jpeg = this.options.jpeg!;
    const colorspace = frame.shape.length === 2 ? "GRAY" : jpeg.colorspace;
    const codec = await this.#jpegCodec();
    const bytes = codec.encode(frame, { quality: jpeg.quality, colorspace, fastdct: jpeg.fastdct });
    return { bytes, settings: { dct: jpeg.fastdct, ups: jpeg.fastupsample, colorspace } };
  }

  async #decodeJpeg(jpeg: JpegPayload): Promise<Frame> {
    const codec = await this.#jpegCodec();
    return codec.decode(jpeg.bytes, {
      colorspace: jpeg.settings.colorspace,
      fastdct: jpeg.settings.dct || this.options.jpegFastdct,
      fastupsample: jpeg.settings.ups || this.options.jpegFastupsample,
    });
  }

  #log(text: string): void {
    if (this.options.logging) {
      console.error(`[NetGear ${this.options.receiveMode ? "client" : "server"}] ${text}`);
    }
  }
}

function newServer(port: Port, now: number): ServerState {
  return {
    port,
    state: "waiting",
    frames: 0,
    bytes: 0,
    lastMessage: null,
    lastSeen: now,
    lastFrameAt: 0,
    fps: 0,
    awayMs: 0,
  };
}

function isFrame(value: unknown): value is Frame {
  return typeof value === "object" && value !== null && Array.isArray((value as Frame).shape) &&
    typeof (value as Frame).dtype === "string" && (value as Frame).data instanceof Uint8Array;
}
