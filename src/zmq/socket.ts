/**
 * `Socket`: a libzmq socket with async, cancellable multipart send and receive.
 *
 * Thread safety: libzmq sockets are not thread-safe, and Deno runs `nonblocking` FFI calls on a
 * thread pool. So a socket makes at most one native call at any time: sends and receives are
 * synchronous `ZMQ_DONTWAIT` calls on the JS thread, and only while a socket has nothing to do
 * does it wait, in one `zmq_poll` on the thread pool. That poll also watches a private inproc
 * pipe, which `close()`, an abort and an operation in the other direction use to end it at once.
 * The one exception is a send that cannot be polled for (a lossless PUB or XPUB): it waits in a
 * `zmq_send` on the thread pool, in slices of at most 20 ms.
 *
 * Latency: handing a wait to the thread pool and being woken from it costs tens of microseconds
 * each way. So an operation that would block first waits for the socket on the JS thread for
 * {@link Socket.inlineWait} milliseconds; a peer that answers within that time (a reply, the
 * next message of a stream) is seen as soon as it arrives. Waits that keep timing out back off.
 *
 * @module
 */

import { Context } from "./context.ts";
import { DONTWAIT, MonitorEvent, Opt, PollEvent, SNDMORE, SocketType } from "./constants.ts";
import type { SocketTypeName } from "./constants.ts";
import { errorCode, ZmqError } from "./errors.ts";
import { type LeaseBudget, LeaseCollector, type LeasedMessage } from "./lease.ts";
import { ZERO_COPY_MIN_BYTES, ZeroCopySends } from "./_zero_copy.ts";
import {
  cString,
  lastErrno,
  lastError,
  POLL_ITEM,
  readCString,
  setPollSocket,
  zmq,
} from "./_native.ts";

/** One part of a message: bytes, or a string sent as UTF-8. */
export type MessagePart = Uint8Array | string;

/** What {@link Socket.send} takes: one part or several. */
export type Message = MessagePart | readonly MessagePart[];

/** Options of one {@link Socket.send} or {@link Socket.receive} call. */
export interface OperationOptions {
  /** Cancels the wait; the call rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Milliseconds to wait before rejecting with a `ZmqError` of code `EAGAIN`; `-1` waits
   * without limit.
   * @default {the socket's sendTimeout / receiveTimeout}
   */
  timeout?: number;
}

/** Options of one {@link Socket.send} call. */
export interface SendOptions extends OperationOptions {
  /**
   * Hands parts of 32 KiB and up to libzmq without copying them. libzmq then reads them while
   * it sends, which can be after `send()` resolves, so the socket takes them over:
   * - a part over an `ArrayBuffer` has that buffer transferred (as `postMessage` does): your
   *   view of it reads as empty afterwards;
   * - a part over a `SharedArrayBuffer` is shared: it stays readable, and the socket keeps it
   *   alive until libzmq is done with it. Writing to it meanwhile may change what is sent.
   *
   * `"lend"` takes over nothing: large parts are sent from their own memory, which libzmq
   * may read until {@link Socket.released} resolves. Until then, don't change the parts, nor
   * transfer their buffers (the socket keeps them alive, but a transferred buffer's memory
   * lives only as long as its new owner).
   * @default {false}
   */
  zeroCopy?: boolean | "lend";
}

/** Options of a new {@link Socket}. */
export interface SocketOptions {
  /**
   * The context the socket belongs to.
   * @default {Context.default}
   */
  context?: Context;
}

/** A socket monitor event (`zmq_socket_monitor`). */
export interface MonitorEventRecord {
  /** The event bit, one of {@link MonitorEvent}. */
  readonly event: number;
  /** The event's name, e.g. `"ACCEPTED"`, `"DISCONNECTED"`, `"HANDSHAKE_FAILED_AUTH"`. */
  readonly name: string;
  /** The event's value: a file descriptor, an errno or an interval, depending on the event. */
  readonly value: number;
  /** The endpoint the event concerns, e.g. `"tcp://127.0.0.1:5566"`. */
  readonly endpoint: string;
}

/** An operation waiting on the socket's reactor. */
interface Waiter<T> {
  events: number;
  deadline: number;
  what: string;
  /** Tries the operation now; calls `resolve` and returns true when it is done. */
  attempt: (resolve: (value: T) => void) => boolean;
  /** Ends the operation when its deadline passed. */
  expire: (resolve: (value: T) => void, reject: (error: unknown) => void) => void;
  /** Runs once, however it ends. */
  done: () => void;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

const MSG_T_SIZE = 64;
/** Most inline waits a socket skips after inline waits that timed out (doubling up to this). */
const INLINE_BACKOFF_MAX = 64;
/**
 * How often a send waiting on a socket whose readiness to send cannot be polled tries again,
 * in milliseconds: a PUB or XPUB with `xpubNoDrop`, whose POLLOUT libzmq always reports
 * (zeromq/libzmq#1597), so that polling for it would spin.
 */
const UNPOLLABLE_SEND_RETRY_MS = 1;
/**
 * The longest a send waits inside libzmq on the thread pool (see {@link Socket.send}) before it
 * looks again at its deadline, its signal and whether the socket closed, in milliseconds.
 */
const PARKED_SEND_SLICE_MS = 20;
const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const PEER_ADDRESS = cString("Peer-Address");
/** `ZMQ_SRCFD`: the message property holding its connection's file descriptor. */
const MSG_SRCFD = 2;
const EVENT_NAMES = new Map<number, string>(
  Object.entries(MonitorEvent).filter(([name]) => name !== "ALL").map(([name, bit]) => [bit, name]),
);
let nextPipeId = 0;
let nextMonitorId = 0;

const leaked = new FinalizationRegistry<Deno.PointerObject>((handle) => {
  // Safety net only: a socket dropped without close(). Nothing of it is in flight by then.
  zmq().zmq_close(handle);
});

function closedError(what: string): ZmqError {
  return new ZmqError("EBADF", `Cannot ${what}: the socket is closed`);
}

function toDeadline(timeout: number): number {
  return timeout < 0 ? Infinity : performance.now() + timeout;
}

function checkTimeout(timeout: number, what: string): number {
  if (!Number.isFinite(timeout) || (timeout < 0 && timeout !== -1)) {
    throw new RangeError(
      `Cannot use ${what} ${timeout}: use milliseconds >= 0, or -1 for no limit`,
    );
  }
  return timeout;
}

const ENDPOINT_FORM = 'use "tcp://<address>:<port>" or "ipc://<path>"';

/**
 * What to do about a failed bind. `ENODEV` means libzmq could not resolve the address to an
 * IP address or interface name of this machine (the endpoint's form was fine).
 */
function bindAdvice(code: string, endpoint: string, ipv6: () => boolean): string | undefined {
  switch (code) {
    case "EADDRINUSE":
      return "pick another port or close the other receiver";
    case "EADDRNOTAVAIL":
      return "bind to an address of this machine, or * for all";
    case "EINVAL":
    case "EPROTONOSUPPORT":
      return ENDPOINT_FORM;
    case "ENODEV":
      return unknownAddressAdvice(endpoint, ipv6);
    case "EACCES":
      return "use a port above 1023 or a path you may write";
  }
}

function unknownAddressAdvice(endpoint: string, ipv6: () => boolean): string {
  const rest = endpoint.slice(endpoint.indexOf("://") + 3);
  const colon = rest.lastIndexOf(":");
  if (colon < 0) return ENDPOINT_FORM;
  const address = rest.slice(0, colon);
  if (address.trim() === "") {
    return `give an address before the port, e.g. "${endpoint.slice(0, -rest.length)}*${
      rest.slice(colon)
    }"`;
  }
  // Without ZMQ_IPV6 libzmq takes an IPv6 literal for an interface name and finds none.
  if (address.includes(":") && !ipv6()) {
    return `"${address}" is an IPv6 address: set the socket's ipv6 option to true before binding`;
  }
  return `"${address}" is not an address of this machine: use one of its IP addresses, an interface name, or "*" for all`;
}

/**
 * A ZeroMQ socket. Messages are arrays of `Uint8Array` parts; each received part is copied out
 * of libzmq exactly once.
 *
 * One send and one receive may be pending at a time; a second concurrent call of the same kind
 * rejects with `EBUSY` rather than queueing (queues would hide the high-water marks).
 *
 * @example Request and reply over loopback
 * ```ts ignore
 * import { Socket } from "./mod.ts";
 * await using rep = new Socket("REP");
 * rep.bind("tcp://127.0.0.1:*");
 * await using req = new Socket("REQ");
 * req.connect(rep.lastEndpoint);
 * await req.send("ping");
 * const [request] = await rep.receive();
 * await rep.send(request);
 * const [reply] = await req.receive({ timeout: 1000 });
 * new TextDecoder().decode(reply); // "ping"
 * ```
 */
export class Socket implements AsyncIterable<Uint8Array[]> {
  /** The socket type's name: `"REQ"`, `"PUB"`, … */
  readonly type: SocketTypeName;
  /** The context the socket belongs to. */
  readonly context: Context;

  #handle: Deno.PointerObject;
  #closed = false;
  #closing: Promise<void> | undefined;
  #msg = new Uint8Array(MSG_T_SIZE);
  #items: Uint8Array<ArrayBuffer>;
  #itemsView: DataView;
  #pipe: { reader: Deno.PointerObject; writer: Deno.PointerObject } | undefined;
  #inFlight: Promise<void> | null = null;
  #inFlightEvents = 0;
  #inFlightDeadline = Infinity;
  #waiters = new Set<Waiter<unknown>>();
  #receiving = false;
  #sending = false;
  #sendTimeout = -1;
  #receiveTimeout = -1;
  #written = new Map<number, number>();
  #peerAddress: string | undefined;
  #peerConnection = -1;
  #lastEndpoint = "";
  #lingerOnClose: number | undefined;
  #inlineWait = 1;
  #inlineSkip = 0;
  #inlineBackoff = 0;
  #leases: LeaseBudget = { held: 0, limit: 64 * 1024 * 1024 };
  #zeroCopy = new ZeroCopySends();
  /** When true, {@link Socket.peerAddress} and {@link Socket.peerConnection} are read from
   * every received message. */
  recordPeerAddress = false;

  /**
   * Creates a socket.
   *
   * @param type The socket type: `"PAIR"`, `"PUB"`, `"SUB"`, `"REQ"`, `"REP"`, `"DEALER"`,
   * `"ROUTER"`, `"PULL"`, `"PUSH"`, `"XPUB"` or `"XSUB"`.
   * @param options The context to use.
   * @throws {TypeError} For an unknown type.
   * @throws {ZmqError} When libzmq cannot create it (e.g. `EMFILE`: too many sockets).
   */
  constructor(type: SocketTypeName, options: SocketOptions = {}) {
    if (!Object.hasOwn(SocketType, type)) {
      throw new TypeError(
        `Cannot create a socket of type "${type}": use one of ${
          Object.keys(SocketType).join(", ")
        }`,
      );
    }
    this.type = type;
    this.context = options.context ?? Context.default;
    const handle = zmq().zmq_socket(this.context.handle, SocketType[type]);
    if (handle === null) throw lastError(`Cannot create a ${type} socket`);
    this.#handle = handle;
    // A bounded linger by default, so that ending a context never waits forever.
    this.#setInt(Opt.LINGER, 1000);
    zmq().zmq_msg_init(this.#msg);
    this.#items = new Uint8Array(POLL_ITEM.size * 2);
    this.#itemsView = new DataView(this.#items.buffer);
    setPollSocket(this.#itemsView, 0, handle);
    this.context.adopt(this);
    leaked.register(this, handle, this);
  }

  /** Whether {@link Socket.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Binds to an endpoint: `tcp://<address>:<port>` (port `*` picks a free one; read it back
   * from {@link Socket.lastEndpoint}), `ipc://<path>` or `inproc://<name>`.
   *
   * @throws {ZmqError} `EADDRINUSE`, `EINVAL`, … with what to do.
   */
  bind(endpoint: string): void {
    this.#endpointCall("bind", endpoint, (h, e) => zmq().zmq_bind(h, e));
  }

  /** Stops listening on an endpoint given to {@link Socket.bind}. */
  unbind(endpoint: string): void {
    this.#endpointCall("unbind", endpoint, (h, e) => zmq().zmq_unbind(h, e));
  }

  /** Connects to an endpoint; libzmq connects (and reconnects) in the background. */
  connect(endpoint: string): void {
    this.#endpointCall("connect", endpoint, (h, e) => zmq().zmq_connect(h, e));
  }

  /** Drops a connection made with {@link Socket.connect}. */
  disconnect(endpoint: string): void {
    this.#endpointCall("disconnect", endpoint, (h, e) => zmq().zmq_disconnect(h, e));
  }

  /**
   * Sends a message of one or more parts. Resolves once libzmq holds the whole message (it is
   * atomic: all parts or none), waiting while the high-water mark is reached.
   *
   * @throws {ZmqError} `EAGAIN` on timeout, `EBUSY` when another send is pending, `EBADF` when
   * closed, `EFSM` when the socket's pattern forbids sending now.
   * @throws {TypeError} With `zeroCopy`, for a part whose buffer was already transferred.
   */
  async send(message: Message, options: SendOptions = {}): Promise<void> {
    let parts = toParts(message);
    if (this.#closed) throw closedError("send");
    if (this.#sending) {
      throw new ZmqError(
        "EBUSY",
        "Cannot send: another send is in progress on this socket; await it first",
      );
    }
    let timeout = checkTimeout(options.timeout ?? this.#sendTimeout, "timeout");
    let memories: ArrayBufferLike[] | undefined;
    if (options.zeroCopy === "lend") memories = lent(parts);
    else if (options.zeroCopy) [parts, memories] = takeOver(parts);
    // Fast path: nothing waits, and libzmq takes the message now (or within the inline wait).
    if (this.#waiters.size === 0 && !this.#inFlight) {
      if (this.#trySend(parts, memories)) return;
      if (
        this.#canPollOut()
          ? this.#waitInline(PollEvent.OUT, timeout) && this.#trySend(parts, memories)
          : this.#sendInline(parts, memories, timeout)
      ) return;
    }
    this.#sending = true;
    const deadline = toDeadline(timeout);
    if (!this.#canPollOut() && !memories?.[0]) {
      // Readiness to send cannot be polled: wait inside libzmq, on the thread pool.
      let sent: boolean;
      try {
        sent = await this.#sendParked(parts, memories, deadline, options.signal);
      } catch (error) {
        this.#sending = false;
        throw error;
      }
      if (sent) {
        this.#sending = false;
        return;
      }
      timeout = deadline === Infinity ? -1 : Math.max(0, Math.floor(deadline - performance.now()));
    }
    return await this.#await<void>(PollEvent.OUT, timeout, options.signal, {
      attempt: (resolve) => this.#trySend(parts, memories) && (resolve(), true),
      expire: (_, reject) =>
        reject(
          new ZmqError("EAGAIN", `Cannot send: the peer took no message within ${timeout} ms`),
        ),
      what: "send",
      done: () => this.#sending = false,
    });
  }

  /**
   * Receives the next message, as its parts.
   *
   * @throws {ZmqError} `EAGAIN` on timeout, `EBUSY` when another receive is pending, `EBADF`
   * when the socket is closed (also when it closes while waiting).
   */
  receive(options: OperationOptions = {}): Promise<Uint8Array[]> {
    return this.#receive(options, null);
  }

  /**
   * Resolves once libzmq reads none of the memory this socket sent without a copy
   * (`zeroCopy`), also after the socket closed: from then on, lent parts may change. libzmq
   * lets go of a part once it has passed it to the system (or dropped it), which for a
   * request is before its reply can arrive. Checks every millisecond while it waits.
   *
   * @throws {ZmqError} `EAGAIN` when libzmq still holds some after `timeout` ms.
   */
  async released(options: { timeout?: number } = {}): Promise<void> {
    const timeout = checkTimeout(options.timeout ?? -1, "timeout");
    const deadline = toDeadline(timeout);
    while (!this.#zeroCopy.settled()) {
      if (performance.now() >= deadline) {
        throw new ZmqError(
          "EAGAIN",
          `Cannot release: libzmq still sends memory given without a copy after ${timeout} ms`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  /**
   * Receives a message only if one is already waiting: its parts, or null without waiting.
   * Also null while another send or receive waits on the socket (it gets the message first).
   *
   * @throws {ZmqError} `EBADF` when the socket is closed.
   */
  tryReceive(): Uint8Array[] | null {
    if (this.#closed) throw closedError("receive");
    if (this.#receiving || this.#waiters.size > 0 || this.#inFlight) return null;
    return this.#tryReceive(null);
  }

  /**
   * {@link Socket.tryReceive} without copying large parts: the waiting message as a
   * {@link LeasedMessage} (see {@link Socket.receiveLeased}), or null without waiting.
   *
   * @throws {ZmqError} `EBADF` when the socket is closed.
   */
  tryReceiveLeased(): LeasedMessage | null {
    if (this.#closed) throw closedError("receive");
    if (this.#receiving || this.#waiters.size > 0 || this.#inFlight) return null;
    const lease = new LeaseCollector(this.#leases);
    try {
      const parts = this.#tryReceive(lease);
      return parts && lease.finish(parts);
    } finally {
      lease.abandon(); // frees only what a failed receive took; finish() took the rest
    }
  }

  /**
   * Receives the next message without copying its large parts: they are views of libzmq's own
   * memory, valid until {@link LeasedMessage.release} (declare the result with `using`). Parts
   * under 32 KiB, and any part that would take the socket's leases past
   * {@link Socket.leaseBudget}, are copied as {@link Socket.receive} does.
   *
   * @throws {ZmqError} As {@link Socket.receive}.
   */
  async receiveLeased(options: OperationOptions = {}): Promise<LeasedMessage> {
    const lease = new LeaseCollector(this.#leases);
    try {
      return lease.finish(await this.#receive(options, lease));
    } catch (error) {
      lease.abandon();
      throw error;
    }
  }

  async #receive(options: OperationOptions, lease: LeaseCollector | null): Promise<Uint8Array[]> {
    if (this.#closed) throw closedError("receive");
    if (this.#receiving) {
      throw new ZmqError(
        "EBUSY",
        "Cannot receive: another receive is in progress on this socket; await it first",
      );
    }
    const timeout = checkTimeout(options.timeout ?? this.#receiveTimeout, "timeout");
    if (this.#waiters.size === 0 && !this.#inFlight) {
      const parts = this.#receiveInline(lease, timeout);
      if (parts) return parts;
    }
    this.#receiving = true;
    return await this.#await<Uint8Array[]>(PollEvent.IN, timeout, options.signal, {
      attempt: (resolve) => {
        const parts = this.#tryReceive(lease);
        return parts !== null && (resolve(parts), true);
      },
      expire: (_, reject) =>
        reject(new ZmqError("EAGAIN", `Cannot receive: no message arrived within ${timeout} ms`)),
      what: "receive",
      done: () => this.#receiving = false,
    });
  }

  /**
   * Waits until the socket can receive (`PollEvent.IN`) and/or send (`PollEvent.OUT`), or the
   * timeout passes.
   *
   * @param events `PollEvent.IN`, `PollEvent.OUT` or both OR-ed.
   * @param timeout Milliseconds; `-1` waits without limit, `0` only checks.
   * @returns The ready events (0 on timeout).
   */
  async poll(
    events: number,
    timeout: number,
    options: { signal?: AbortSignal } = {},
  ): Promise<number> {
    checkTimeout(timeout, "timeout");
    if (this.#closed) throw closedError("poll");
    const want = events & (PollEvent.IN | PollEvent.OUT);
    return await this.#await<number>(want, timeout, options.signal, {
      attempt: (resolve) => {
        const ready = this.#events() & want;
        return ready !== 0 && (resolve(ready), true);
      },
      expire: (resolve) => resolve(0),
      what: "poll",
      done: () => {},
    });
  }

  /** Receives messages until the socket closes. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array[]> {
    while (!this.#closed) {
      try {
        yield await this.receive();
      } catch (error) {
        if (this.#closed) return;
        throw error;
      }
    }
  }

  /**
   * Watches connection events (`zmq_socket_monitor`): accepted and closed connections, failed
   * handshakes (e.g. refused CURVE keys), and so on. Iterate the result; it ends when this
   * socket closes or the monitor is closed.
   *
   * @param events The events to watch, OR-ed {@link MonitorEvent} bits.
   */
  monitor(events: number = MonitorEvent.ALL): SocketMonitor {
    if (this.#closed) throw closedError("monitor");
    const endpoint = `inproc://netgear.monitor.${nextMonitorId++}`;
    // MONITOR_STOPPED always: libzmq sends it only when asked, and close() waits for it.
    const mask = events | MonitorEvent.MONITOR_STOPPED;
    if (zmq().zmq_socket_monitor(this.#handle, cString(endpoint), mask) !== 0) {
      throw lastError("Cannot monitor the socket");
    }
    const reader = new Socket("PAIR", { context: this.context });
    reader.linger = 0; // it only reads
    // libzmq sends events from its I/O thread with a blocking send: a full queue would stall
    // every socket of the context, so the queue has no bound (events are small, and read).
    reader.receiveHighWaterMark = 0;
    reader.connect(endpoint);
    return new SocketMonitor(reader, () => {
      // Stops the events at once while this socket is open; once it closed, libzmq stops them
      // itself, later, from its reaper thread.
      if (!this.#closed) zmq().zmq_socket_monitor(this.#handle, null, 0);
    });
  }

  /**
   * Closes the socket. A pending send or receive rejects with `EBADF` at once. Unsent messages
   * linger for {@link Socket.linger} milliseconds in libzmq's background. Safe to call twice.
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closed = true;
    this.#wake();
    this.#pump(); // fails the waiting operations now when nothing is in flight
    this.context.release(this);
    leaked.unregister(this);
    this.#closing = (async () => {
      while (this.#inFlight) await this.#inFlight;
      const lib = zmq();
      if (this.#lingerOnClose !== undefined) {
        lib.zmq_setsockopt(this.#handle, Opt.LINGER, new Int32Array([this.#lingerOnClose]), 4n);
      }
      lib.zmq_msg_close(this.#msg);
      lib.zmq_close(this.#handle);
      this.#zeroCopy.retire();
      if (this.#pipe) {
        lib.zmq_close(this.#pipe.reader);
        lib.zmq_close(this.#pipe.writer);
      }
    })();
    return this.#closing;
  }

  /** @internal Closes with linger 0 (used when the context ends). */
  closeNow(): Promise<void> {
    if (!this.#closed) this.#lingerOnClose = 0;
    return this.close();
  }

  /** @internal Closes at once while the process exits (see `Context`). */
  closeAtExit(force: boolean): boolean {
    if (this.#closed && this.#closing) return true;
    if (this.#inFlight && !force) return false;
    // Exit waits for lingering messages, but never without limit.
    const linger = this.#lingerOnClose ?? this.#written.get(Opt.LINGER) ?? 1000;
    this.#closed = true;
    this.#closing = Promise.resolve();
    leaked.unregister(this);
    const lib = zmq();
    if (linger < 0) lib.zmq_setsockopt(this.#handle, Opt.LINGER, new Int32Array([1000]), 4n);
    lib.zmq_msg_close(this.#msg);
    lib.zmq_close(this.#handle);
    if (this.#pipe) {
      lib.zmq_close(this.#pipe.reader);
      lib.zmq_close(this.#pipe.writer);
    }
    return true;
  }

  /** Same as {@link Socket.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Subscribes a SUB socket to messages starting with `prefix` (`""` for all). */
  subscribe(prefix: MessagePart = ""): void {
    this.#setBytes(Opt.SUBSCRIBE, toBytes(prefix));
  }

  /** Removes a subscription made with {@link Socket.subscribe}. */
  unsubscribe(prefix: MessagePart = ""): void {
    this.#setBytes(Opt.UNSUBSCRIBE, toBytes(prefix));
  }

  /** The address of the peer that sent the last received message, when
   * {@link Socket.recordPeerAddress} is on and the transport tells it (tcp). */
  get peerAddress(): string | undefined {
    return this.#peerAddress;
  }

  /**
   * The file descriptor of the connection the last received message came through
   * (`ZMQ_SRCFD`), when {@link Socket.recordPeerAddress} is on and the transport has one (tcp,
   * ipc); -1 otherwise. Monitor events name connections by the same descriptor; a descriptor
   * is reused once its connection closed.
   */
  get peerConnection(): number {
    return this.#peerConnection;
  }

  /** The endpoint last bound or connected, with wildcards resolved (`ZMQ_LAST_ENDPOINT`);
   * `""` before any. */
  get lastEndpoint(): string {
    return this.#lastEndpoint;
  }

  /**
   * Milliseconds a send or receive that cannot complete at once waits for the socket on the JS
   * thread, blocking the event loop, before it waits on the thread pool instead. Catches
   * replies and the next message of a stream without a thread hand-off (tens of microseconds
   * each way). After inline waits that timed out, the socket skips the next ones (doubling, up
   * to 64), so a socket whose peer is slow costs at most about 1 ms per 64 operations. `0`
   * turns inline waits off.
   * @default {1}
   */
  get inlineWait(): number {
    return this.#inlineWait;
  }
  set inlineWait(value: number) {
    if (!Number.isInteger(value) || value < 0 || value > 100) {
      throw new RangeError(
        `Cannot set inlineWait to ${value}: use whole milliseconds from 0 to 100 (0 turns it off)`,
      );
    }
    this.#inlineWait = value;
    this.#inlineSkip = 0;
    this.#inlineBackoff = 0;
  }

  /**
   * Most bytes the socket's unreleased {@link LeasedMessage}s may hold in libzmq's memory; past
   * it, {@link Socket.receiveLeased} copies parts instead of leasing them.
   * @default {67108864} (64 MiB)
   */
  get leaseBudget(): number {
    return this.#leases.limit;
  }
  set leaseBudget(value: number) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`Cannot set leaseBudget to ${value}: use a whole number of bytes >= 0`);
    }
    this.#leases.limit = value;
  }

  /** Bytes that unreleased {@link LeasedMessage}s of this socket hold (including pinned parts
   * whose buffers were transferred away). */
  get leasedBytes(): number {
    return this.#leases.held;
  }

  /** Milliseconds unsent messages are kept after close (`ZMQ_LINGER`); -1 without limit.
   * @default {1000} */
  get linger(): number {
    return this.#getInt(Opt.LINGER);
  }
  set linger(value: number) {
    this.#setInt(Opt.LINGER, value);
  }

  /** Most outgoing messages queued per peer before sends wait or drop (`ZMQ_SNDHWM`).
   * @default {1000} */
  get sendHighWaterMark(): number {
    return this.#getInt(Opt.SNDHWM);
  }
  set sendHighWaterMark(value: number) {
    this.#setInt(Opt.SNDHWM, value);
  }

  /** Most incoming messages queued per peer (`ZMQ_RCVHWM`). @default {1000} */
  get receiveHighWaterMark(): number {
    return this.#getInt(Opt.RCVHWM);
  }
  set receiveHighWaterMark(value: number) {
    this.#setInt(Opt.RCVHWM, value);
  }

  /** Default timeout of {@link Socket.send} in milliseconds (`ZMQ_SNDTIMEO`); -1 waits.
   * @default {-1} */
  get sendTimeout(): number {
    return this.#sendTimeout;
  }
  set sendTimeout(value: number) {
    this.#setInt(Opt.SNDTIMEO, checkTimeout(value, "sendTimeout"));
    this.#sendTimeout = value;
  }

  /** Default timeout of {@link Socket.receive} in milliseconds (`ZMQ_RCVTIMEO`); -1 waits.
   * @default {-1} */
  get receiveTimeout(): number {
    return this.#receiveTimeout;
  }
  set receiveTimeout(value: number) {
    this.#setInt(Opt.RCVTIMEO, checkTimeout(value, "receiveTimeout"));
    this.#receiveTimeout = value;
  }

  /** Keep only the newest incoming/outgoing message (`ZMQ_CONFLATE`); single-part only.
   * @default {false} */
  get conflate(): boolean {
    return this.#getBool(Opt.CONFLATE);
  }
  set conflate(value: boolean) {
    this.#setBool(Opt.CONFLATE, value);
  }

  /** Queue messages only on completed connections (`ZMQ_IMMEDIATE`). @default {false} */
  get immediate(): boolean {
    return this.#getBool(Opt.IMMEDIATE);
  }
  set immediate(value: boolean) {
    this.#setBool(Opt.IMMEDIATE, value);
  }

  /**
   * TCP keepalive probes (`ZMQ_TCP_KEEPALIVE`): `1` on, `0` off, `-1` the OS default. With
   * {@link Socket.tcpKeepaliveIdle}, a peer that vanished without closing its connection (power
   * cut, cable) is noticed by the kernel, with no traffic of libzmq's own. @default {-1}
   */
  get tcpKeepalive(): number {
    return this.#getInt(Opt.TCP_KEEPALIVE);
  }
  set tcpKeepalive(value: number) {
    this.#setInt(Opt.TCP_KEEPALIVE, value);
  }

  /** Seconds a connection stays idle before the first keepalive probe
   * (`ZMQ_TCP_KEEPALIVE_IDLE`); -1 is the OS default. @default {-1} */
  get tcpKeepaliveIdle(): number {
    return this.#getInt(Opt.TCP_KEEPALIVE_IDLE);
  }
  set tcpKeepaliveIdle(value: number) {
    this.#setInt(Opt.TCP_KEEPALIVE_IDLE, value);
  }

  /** Seconds between keepalive probes (`ZMQ_TCP_KEEPALIVE_INTVL`); -1 is the OS default.
   * @default {-1} */
  get tcpKeepaliveInterval(): number {
    return this.#getInt(Opt.TCP_KEEPALIVE_INTVL);
  }
  set tcpKeepaliveInterval(value: number) {
    this.#setInt(Opt.TCP_KEEPALIVE_INTVL, value);
  }

  /** Unanswered keepalive probes before the connection counts as dead
   * (`ZMQ_TCP_KEEPALIVE_CNT`); -1 is the OS default. @default {-1} */
  get tcpKeepaliveCount(): number {
    return this.#getInt(Opt.TCP_KEEPALIVE_CNT);
  }
  set tcpKeepaliveCount(value: number) {
    this.#setInt(Opt.TCP_KEEPALIVE_CNT, value);
  }

  /** Milliseconds before reconnecting (`ZMQ_RECONNECT_IVL`); -1 never reconnects. @default {100} */
  get reconnectInterval(): number {
    return this.#getInt(Opt.RECONNECT_IVL);
  }
  set reconnectInterval(value: number) {
    this.#setInt(Opt.RECONNECT_IVL, value);
  }

  /** Upper bound of the reconnect back-off in milliseconds (`ZMQ_RECONNECT_IVL_MAX`); 0 keeps
   * the interval fixed. @default {0} */
  get reconnectMaxInterval(): number {
    return this.#getInt(Opt.RECONNECT_IVL_MAX);
  }
  set reconnectMaxInterval(value: number) {
    this.#setInt(Opt.RECONNECT_IVL_MAX, value);
  }

  /** Let a REQ send again without a reply (`ZMQ_REQ_RELAXED`). @default {false} */
  get requestRelaxed(): boolean {
    return this.#written.get(Opt.REQ_RELAXED) === 1;
  }
  set requestRelaxed(value: boolean) {
    this.#setBool(Opt.REQ_RELAXED, value);
  }

  /** Tag requests so a REQ drops stale replies (`ZMQ_REQ_CORRELATE`). @default {false} */
  get requestCorrelate(): boolean {
    return this.#written.get(Opt.REQ_CORRELATE) === 1;
  }
  set requestCorrelate(value: boolean) {
    this.#setBool(Opt.REQ_CORRELATE, value);
  }

  /** Milliseconds between ZMTP heartbeats (`ZMQ_HEARTBEAT_IVL`); 0 is off. @default {0} */
  get heartbeatInterval(): number {
    return this.#getInt(Opt.HEARTBEAT_IVL);
  }
  set heartbeatInterval(value: number) {
    this.#setInt(Opt.HEARTBEAT_IVL, value);
  }

  /** Milliseconds without a heartbeat reply before the connection is dropped
   * (`ZMQ_HEARTBEAT_TIMEOUT`). @default {heartbeatInterval} */
  get heartbeatTimeout(): number {
    return this.#getInt(Opt.HEARTBEAT_TIMEOUT);
  }
  set heartbeatTimeout(value: number) {
    this.#setInt(Opt.HEARTBEAT_TIMEOUT, value);
  }

  /** Milliseconds the peer should wait for our heartbeats (`ZMQ_HEARTBEAT_TTL`, 100 ms units).
   * @default {0} */
  get heartbeatTimeToLive(): number {
    return this.#getInt(Opt.HEARTBEAT_TTL);
  }
  set heartbeatTimeToLive(value: number) {
    this.#setInt(Opt.HEARTBEAT_TTL, value);
  }

  /** Milliseconds a ZMTP handshake may take (`ZMQ_HANDSHAKE_IVL`); 0 without limit.
   * @default {30000} */
  get handshakeInterval(): number {
    return this.#getInt(Opt.HANDSHAKE_IVL);
  }
  set handshakeInterval(value: number) {
    this.#setInt(Opt.HANDSHAKE_IVL, value);
  }

  /** Kernel send buffer size in bytes (`ZMQ_SNDBUF`); -1 keeps the OS default. @default {-1} */
  get sendBufferSize(): number {
    return this.#getInt(Opt.SNDBUF);
  }
  set sendBufferSize(value: number) {
    this.#setInt(Opt.SNDBUF, value);
  }

  /** Kernel receive buffer size in bytes (`ZMQ_RCVBUF`); -1 keeps the OS default. @default {-1} */
  get receiveBufferSize(): number {
    return this.#getInt(Opt.RCVBUF);
  }
  set receiveBufferSize(value: number) {
    this.#setInt(Opt.RCVBUF, value);
  }

  /** Largest message accepted in bytes (`ZMQ_MAXMSGSIZE`); -1 without limit. A peer sending
   * more is disconnected. @default {-1} */
  get maxMessageSize(): number {
    const buf = new BigInt64Array(1);
    this.#getRaw(Opt.MAXMSGSIZE, new Uint8Array(buf.buffer));
    return Number(buf[0]);
  }
  set maxMessageSize(value: number) {
    if (!Number.isSafeInteger(value) || value < -1) {
      throw new RangeError(`Cannot set maxMessageSize to ${value}: use bytes >= 0, or -1`);
    }
    this.#setBytes(Opt.MAXMSGSIZE, new Uint8Array(new BigInt64Array([BigInt(value)]).buffer));
  }

  /** Accept IPv6 as well as IPv4 on tcp (`ZMQ_IPV6`). @default {false} */
  get ipv6(): boolean {
    return this.#getBool(Opt.IPV6);
  }
  set ipv6(value: boolean) {
    this.#setBool(Opt.IPV6, value);
  }

  /** Milliseconds a tcp connect may take (`ZMQ_CONNECT_TIMEOUT`); 0 is the OS default.
   * @default {0} */
  get connectTimeout(): number {
    return this.#getInt(Opt.CONNECT_TIMEOUT);
  }
  set connectTimeout(value: number) {
    this.#setInt(Opt.CONNECT_TIMEOUT, value);
  }

  /** The socket identity seen by ROUTER peers (`ZMQ_ROUTING_ID`), up to 255 bytes. */
  get routingId(): Uint8Array {
    const buf = new Uint8Array(255);
    return buf.slice(0, this.#getRaw(Opt.ROUTING_ID, buf));
  }
  set routingId(value: MessagePart) {
    this.#setBytes(Opt.ROUTING_ID, toBytes(value));
  }

  /** Pass subscription messages up to an XPUB even when repeated (`ZMQ_XPUB_VERBOSE`).
   * @default {false} */
  get xpubVerbose(): boolean {
    return this.#written.get(Opt.XPUB_VERBOSE) === 1;
  }
  set xpubVerbose(value: boolean) {
    this.#setBool(Opt.XPUB_VERBOSE, value);
  }

  /**
   * XPUB: pass every subscription and every unsubscription to the application
   * (`ZMQ_XPUB_VERBOSER`), also those of a peer whose connection ended, so that counting them
   * tells how many receivers are subscribed now. Write-only in libzmq. @default {false}
   */
  get xpubVerboser(): boolean {
    return this.#written.get(Opt.XPUB_VERBOSER) === 1;
  }
  set xpubVerboser(value: boolean) {
    this.#setBool(Opt.XPUB_VERBOSER, value);
  }

  /** Make an XPUB's sends wait (`EAGAIN`) instead of dropping at the high-water mark
   * (`ZMQ_XPUB_NODROP`). @default {false} */
  get xpubNoDrop(): boolean {
    return this.#written.get(Opt.XPUB_NODROP) === 1;
  }
  set xpubNoDrop(value: boolean) {
    this.#setBool(Opt.XPUB_NODROP, value);
  }

  /** Act as the CURVE server (`ZMQ_CURVE_SERVER`): needs {@link Socket.curveSecretKey}.
   * @default {false} */
  get curveServer(): boolean {
    return this.#getBool(Opt.CURVE_SERVER);
  }
  set curveServer(value: boolean) {
    this.#setBool(Opt.CURVE_SERVER, value);
  }

  /** This socket's CURVE public key, Z85 (40 chars) (`ZMQ_CURVE_PUBLICKEY`). */
  get curvePublicKey(): string {
    return this.#getString(Opt.CURVE_PUBLICKEY, 41);
  }
  set curvePublicKey(value: string) {
    this.#setCurveKey(Opt.CURVE_PUBLICKEY, value, "curvePublicKey");
  }

  /** This socket's CURVE secret key, Z85 (40 chars) (`ZMQ_CURVE_SECRETKEY`). */
  get curveSecretKey(): string {
    return this.#getString(Opt.CURVE_SECRETKEY, 41);
  }
  set curveSecretKey(value: string) {
    this.#setCurveKey(Opt.CURVE_SECRETKEY, value, "curveSecretKey");
  }

  /** The CURVE server's public key a client expects, Z85 (`ZMQ_CURVE_SERVERKEY`). */
  get curveServerKey(): string {
    return this.#getString(Opt.CURVE_SERVERKEY, 41);
  }
  set curveServerKey(value: string) {
    this.#setCurveKey(Opt.CURVE_SERVERKEY, value, "curveServerKey");
  }

  /** The ZAP domain sent to the authentication handler (`ZMQ_ZAP_DOMAIN`). @default {""} */
  get zapDomain(): string {
    return this.#getString(Opt.ZAP_DOMAIN, 256);
  }
  set zapDomain(value: string) {
    this.#setBytes(Opt.ZAP_DOMAIN, encoder.encode(value));
  }

  // ---- private: the native calls ----

  #endpointCall(
    what: string,
    endpoint: string,
    call: (handle: Deno.PointerObject, endpoint: Uint8Array<ArrayBuffer>) => number,
  ): void {
    if (typeof endpoint !== "string" || !endpoint.includes("://")) {
      throw new TypeError(
        `Cannot ${what} ${
          JSON.stringify(endpoint)
        }: use "tcp://<address>:<port>", "ipc://<path>" or "inproc://<name>"`,
      );
    }
    if (this.#closed) throw closedError(what);
    if (this.#inFlight) {
      throw new ZmqError(
        "EBUSY",
        `Cannot ${what} "${endpoint}" while a send or receive is waiting: ${what} before waiting, or await it first`,
      );
    }
    if (call(this.#handle, cString(endpoint)) !== 0) {
      throw lastError(
        `Cannot ${what} "${endpoint}"`,
        what === "bind"
          ? (code) => bindAdvice(code, endpoint, () => this.#getBool(Opt.IPV6))
          : undefined,
      );
    }
    this.#lastEndpoint = this.#getString(Opt.LAST_ENDPOINT, 1024);
  }

  /** Sends one part, without a copy when its memory was taken over. */
  #sendPart(part: Uint8Array, memory: ArrayBufferLike | undefined, flags: number): number {
    return memory
      ? this.#zeroCopy.send(this.#handle, part, memory, flags)
      : zmq().zmq_send(this.#handle, part, BigInt(part.byteLength), flags);
  }

  /**
   * A send that waits for room inside libzmq, on Deno's thread pool, in slices of at most
   * {@link PARKED_SEND_SLICE_MS}: for sockets whose readiness to send cannot be polled, where the
   * reactor could only try again every millisecond (which costs a waiting sender more CPU than
   * its sending). Only the first part waits there (libzmq takes the rest with it). It is the one
   * native call in flight; an abort, a close or the deadline is seen when its slice ends.
   * Returns true once sent; false when another operation came to wait on the socket (the
   * reactor then takes over, `#sending` still set); rejects like {@link Socket.send}.
   */
  async #sendParked(
    parts: Uint8Array[],
    memories: ArrayBufferLike[] | undefined,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<boolean> {
    const timeout = deadline - performance.now();
    try {
      for (;;) {
        if (this.#closed) throw closedError("send");
        signal?.throwIfAborted();
        if (this.#waiters.size > 0 || this.#inFlight) return false;
        const left = deadline - performance.now();
        if (left <= 0) {
          throw new ZmqError(
            "EAGAIN",
            `Cannot send: the peer took no message within ${Math.round(timeout)} ms`,
          );
        }
        const slice = Math.max(1, Math.min(PARKED_SEND_SLICE_MS, Math.ceil(left)));
        if (this.#written.get(Opt.SNDTIMEO) !== slice) this.#setInt(Opt.SNDTIMEO, slice);
        const first = parts[0]; // stays referenced until the call settles
        const call = zmq().zmq_send_wait(
          this.#handle,
          first,
          BigInt(first.byteLength),
          parts.length > 1 ? SNDMORE : 0,
        );
        this.#inFlight = call.then(() => {});
        this.#inFlightEvents = 0;
        this.#inFlightDeadline = -Infinity; // a newcomer waits for this slice's end
        let sent: number;
        try {
          sent = await call;
        } finally {
          this.#inFlight = null;
        }
        if (sent >= 0) {
          this.#sendRest(parts, memories);
          return true;
        }
        // The pool thread's errno is not ours to read: a send from here tells the reason
        // (EAGAIN: still no room; anything else throws).
        if (!this.#closed && this.#trySend(parts, memories)) return true;
      }
    } finally {
      this.#pump(); // operations that came meanwhile
    }
  }

  /** Sends now, or returns false; `block` lets libzmq wait for room up to `ZMQ_SNDTIMEO`. */
  #trySend(parts: Uint8Array[], memories?: ArrayBufferLike[], block = false): boolean {
    const last = parts.length - 1;
    const first = (block ? 0 : DONTWAIT) | (last === 0 ? 0 : SNDMORE);
    if (this.#sendPart(parts[0], memories?.[0], first) < 0) {
      // EINTR: a signal (a profiler's, say) cut the call short; like EAGAIN, try again later.
      if (isTransient(lastErrno())) return false;
      throw lastError(`Cannot send on a ${this.type} socket`, sendAdvice);
    }
    this.#sendRest(parts, memories);
    return true;
  }

  /**
   * Sends every part but the first, which libzmq took: it accepts a multipart message whole or
   * not at all, so once the first part is in, the rest cannot be refused (only interrupted).
   */
  #sendRest(parts: Uint8Array[], memories: ArrayBufferLike[] | undefined): void {
    const last = parts.length - 1;
    for (let i = 1; i <= last; i++) {
      const flags = i === last ? DONTWAIT : DONTWAIT | SNDMORE;
      if (retryInterrupted(() => this.#sendPart(parts[i], memories?.[i], flags)) < 0) {
        throw lastError(`Cannot send part ${i + 1} of ${last + 1}`);
      }
    }
  }

  /** Receives now, or returns null; `block` lets libzmq wait up to `ZMQ_RCVTIMEO`. */
  #tryReceive(lease: LeaseCollector | null, block = false): Uint8Array[] | null {
    const lib = zmq();
    const msg = this.#msg;
    let size = lib.zmq_msg_recv(msg, this.#handle, block ? 0 : DONTWAIT);
    if (size < 0) {
      if (isTransient(lastErrno())) return null; // EAGAIN, or EINTR: try again later
      throw lastError(`Cannot receive on a ${this.type} socket`, receiveAdvice);
    }
    if (this.recordPeerAddress) {
      this.#peerAddress = readCString(lib.zmq_msg_gets(msg, PEER_ADDRESS)) || undefined;
      this.#peerConnection = lib.zmq_msg_get(msg, MSG_SRCFD);
    }
    const parts: Uint8Array[] = [];
    for (;;) {
      const more = lib.zmq_msg_more(msg) !== 0; // read first: a lease moves the part out of msg
      parts.push(lease?.take(msg, size) ?? copyOut(lib.zmq_msg_data(msg), size));
      if (!more) return parts;
      // The remaining parts of a message arrive together with its first.
      size = retryInterrupted(() => lib.zmq_msg_recv(msg, this.#handle, DONTWAIT));
      if (size < 0) throw lastError(`Cannot receive part ${parts.length + 1}`);
    }
  }

  /**
   * Waits on the JS thread, up to {@link Socket.inlineWait} ms and never past `timeout`, for
   * `events`. Only called with nothing in flight, so the poll items are free.
   */
  #waitInline(events: number, timeout: number): boolean {
    const wait = this.#inlineBudget(timeout);
    if (wait <= 0) return false;
    const view = this.#itemsView;
    view.setInt16(POLL_ITEM.events, events, true);
    view.setInt16(POLL_ITEM.revents, 0, true);
    return this.#inlineOutcome(zmq().zmq_poll(this.#items, 1, BigInt(wait)) > 0);
  }

  /**
   * The inline wait of a send that cannot be polled for (see {@link Socket.#canPollOut}): a
   * send that blocks inside libzmq, up to the inline wait, which libzmq ends as soon as the
   * queue has room. Only called with nothing in flight.
   */
  #sendInline(parts: Uint8Array[], memories: ArrayBufferLike[] | undefined, timeout: number) {
    const wait = this.#inlineBudget(timeout);
    if (wait <= 0) return false;
    if (this.#written.get(Opt.SNDTIMEO) !== wait) this.#setInt(Opt.SNDTIMEO, wait);
    return this.#inlineOutcome(this.#trySend(parts, memories, true));
  }

  /**
   * Receives what is queued, else waits inline for a message: a receive that blocks inside
   * libzmq up to the inline wait (one native call, where a poll then a receive took three).
   * Only called with nothing in flight.
   */
  #receiveInline(lease: LeaseCollector | null, timeout: number): Uint8Array[] | null {
    const wait = this.#inlineBudget(timeout);
    if (wait <= 0) return this.#tryReceive(lease);
    if (this.#written.get(Opt.RCVTIMEO) !== wait) this.#setInt(Opt.RCVTIMEO, wait);
    const parts = this.#tryReceive(lease, true);
    this.#inlineOutcome(parts !== null);
    return parts;
  }

  /** How long an inline wait may block now: 0 while backing off, or when `timeout` is 0. */
  #inlineBudget(timeout: number): number {
    const wait = timeout < 0 ? this.#inlineWait : Math.min(this.#inlineWait, Math.floor(timeout));
    if (wait <= 0) return 0;
    if (this.#inlineSkip > 0) {
      this.#inlineSkip--;
      return 0;
    }
    return wait;
  }

  #inlineOutcome(ready: boolean): boolean {
    if (ready) {
      this.#inlineBackoff = 0;
      return true;
    }
    // The peer is slower than the inline wait: stop blocking the event loop for a while.
    this.#inlineBackoff = Math.min(INLINE_BACKOFF_MAX, this.#inlineBackoff * 2 || 1);
    this.#inlineSkip = this.#inlineBackoff;
    return false;
  }

  #events(): number {
    const view = this.#itemsView;
    view.setInt16(POLL_ITEM.events, PollEvent.IN | PollEvent.OUT, true);
    view.setInt16(POLL_ITEM.revents, 0, true);
    if (retryInterrupted(() => zmq().zmq_poll(this.#items, 1, 0n)) < 0) {
      throw lastError("Cannot poll the socket");
    }
    return view.getInt16(POLL_ITEM.revents, true);
  }

  /** Registers a waiting operation and lets the reactor run it. */
  #await<T>(
    events: number,
    timeout: number,
    signal: AbortSignal | undefined,
    hooks: Pick<Waiter<T>, "attempt" | "expire" | "what" | "done">,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        events,
        deadline: toDeadline(timeout),
        ...hooks,
        resolve: (value) => settle(() => resolve(value)),
        reject: (error) => settle(() => reject(error)),
      };
      const onAbort = () => waiter.reject(signal!.reason);
      const settle = (finish: () => void) => {
        if (!this.#waiters.delete(waiter as Waiter<unknown>)) return;
        signal?.removeEventListener("abort", onAbort);
        hooks.done();
        finish();
        this.#wake(); // the poll in flight may now wait for less
      };
      if (signal?.aborted) {
        hooks.done();
        return reject(signal.reason);
      }
      signal?.addEventListener("abort", onAbort);
      this.#waiters.add(waiter as Waiter<unknown>);
      this.#pump();
    });
  }

  /**
   * The socket's reactor. With no native call in flight, every waiting operation gets its try
   * (or its timeout, or the closed error); then, if any still waits, one poll starts for all of
   * them. When that poll ends, for whatever reason, the reactor runs again.
   */
  #pump(): void {
    if (this.#inFlight) {
      const { events, deadline } = this.#pollPlan(performance.now());
      // Restart the poll if it does not cover a newcomer.
      if ((events & ~this.#inFlightEvents) !== 0 || deadline < this.#inFlightDeadline) this.#wake();
      return;
    }
    const now = performance.now();
    for (const waiter of this.#waiters) {
      try {
        if (this.#closed) waiter.reject(closedError(waiter.what));
        else if (!waiter.attempt(waiter.resolve) && now >= waiter.deadline) {
          waiter.expire(waiter.resolve, waiter.reject);
        }
      } catch (error) {
        waiter.reject(error);
      }
    }
    if (this.#waiters.size === 0 || this.#closed) return;
    const pipe = this.#pipe ?? this.#openPipe();
    const { events, deadline } = this.#pollPlan(now);
    const view = this.#itemsView;
    view.setInt16(POLL_ITEM.events, events, true);
    view.setInt16(POLL_ITEM.revents, 0, true);
    view.setInt16(POLL_ITEM.size + POLL_ITEM.events, PollEvent.IN, true);
    view.setInt16(POLL_ITEM.size + POLL_ITEM.revents, 0, true);
    const timeout = deadline === Infinity ? -1 : Math.max(0, Math.ceil(deadline - now));
    this.#inFlightEvents = events;
    this.#inFlightDeadline = deadline;
    const items = this.#items; // stays referenced until the call settles
    this.#inFlight = zmq().zmq_poll_wait(items, 2, BigInt(timeout)).then(() => {
      this.#inFlight = null;
      drain(pipe.reader, this.#msg);
      this.#pump();
    });
  }

  /**
   * What the next poll waits for, and until when: the waiters' events and earliest deadline.
   * A send that cannot be polled for is tried again every UNPOLLABLE_SEND_RETRY_MS instead.
   */
  #pollPlan(now: number): { events: number; deadline: number } {
    let events = 0;
    let deadline = Infinity;
    for (const waiter of this.#waiters) {
      events |= waiter.events;
      deadline = Math.min(deadline, waiter.deadline);
    }
    if ((events & PollEvent.OUT) !== 0 && !this.#canPollOut()) {
      events &= ~PollEvent.OUT;
      deadline = Math.min(deadline, now + UNPOLLABLE_SEND_RETRY_MS);
    }
    return { events, deadline };
  }

  /** False where libzmq reports POLLOUT even when a send would fail (zeromq/libzmq#1597). */
  #canPollOut(): boolean {
    return !((this.type === "PUB" || this.type === "XPUB") && this.xpubNoDrop);
  }

  #wake(): void {
    if (this.#inFlight && this.#pipe) zmq().zmq_send(this.#pipe.writer, EMPTY, 0n, DONTWAIT);
  }

  #openPipe(): { reader: Deno.PointerObject; writer: Deno.PointerObject } {
    const lib = zmq();
    const endpoint = cString(`inproc://netgear.wake.${nextPipeId++}`);
    const reader = lib.zmq_socket(this.context.handle, SocketType.PAIR);
    const writer = lib.zmq_socket(this.context.handle, SocketType.PAIR);
    if (reader === null || writer === null) throw lastError("Cannot create the socket's wake pipe");
    const zero = new Int32Array([0]);
    for (const s of [reader, writer]) lib.zmq_setsockopt(s, Opt.LINGER, zero, 4n);
    if (lib.zmq_bind(reader, endpoint) !== 0 || lib.zmq_connect(writer, endpoint) !== 0) {
      throw lastError("Cannot connect the socket's wake pipe");
    }
    setPollSocket(this.#itemsView, 1, reader);
    this.#pipe = { reader, writer };
    return this.#pipe;
  }

  #setRaw(option: number, bytes: Uint8Array): void {
    if (this.#closed) throw closedError("set an option");
    if (this.#inFlight) {
      throw new ZmqError("EBUSY", "Cannot set a socket option while a send or receive is waiting");
    }
    if (zmq().zmq_setsockopt(this.#handle, option, bytes, BigInt(bytes.byteLength)) !== 0) {
      throw lastError(`Cannot set socket option ${option}`);
    }
  }

  #getRaw(option: number, out: Uint8Array): number {
    if (this.#closed) throw closedError("read an option");
    const size = new BigUint64Array([BigInt(out.byteLength)]);
    if (this.#inFlight) {
      throw new ZmqError("EBUSY", "Cannot read a socket option while a send or receive is waiting");
    }
    if (zmq().zmq_getsockopt(this.#handle, option, out, size) !== 0) {
      throw lastError(`Cannot read socket option ${option}`);
    }
    return Number(size[0]);
  }

  #setInt(option: number, value: number): void {
    if (!Number.isInteger(value) || value < -1 || value > 0x7fffffff) {
      throw new RangeError(`Cannot set socket option ${option} to ${value}: use an integer >= -1`);
    }
    this.#setRaw(option, new Uint8Array(new Int32Array([value]).buffer));
    this.#written.set(option, value);
  }

  #getInt(option: number): number {
    const buf = new Int32Array(1);
    this.#getRaw(option, new Uint8Array(buf.buffer));
    return buf[0];
  }

  #setBool(option: number, value: boolean): void {
    this.#setInt(option, value ? 1 : 0);
  }

  #getBool(option: number): boolean {
    return this.#getInt(option) !== 0;
  }

  #setBytes(option: number, bytes: Uint8Array): void {
    this.#setRaw(option, bytes);
  }

  #getString(option: number, capacity: number): string {
    const buf = new Uint8Array(capacity);
    const size = this.#getRaw(option, buf);
    const end = buf.subarray(0, size).indexOf(0);
    return decoder.decode(buf.subarray(0, end < 0 ? size : end));
  }

  #setCurveKey(option: number, key: string, name: string): void {
    if (typeof key !== "string" || key.length !== 40) {
      throw new TypeError(`Cannot set ${name}: use a 40-character Z85 key (see curveKeypair())`);
    }
    this.#setBytes(option, encoder.encode(key));
  }
}

/**
 * Connection events of one socket, from {@link Socket.monitor}. Async-iterable; ends when the
 * monitored socket closes or {@link SocketMonitor.close} is called.
 */
export class SocketMonitor implements AsyncIterable<MonitorEventRecord> {
  #reader: Socket;
  #stop: () => void;
  #closing: Promise<void> | undefined;

  /** @internal Use {@link Socket.monitor}. */
  constructor(reader: Socket, stop: () => void) {
    this.#reader = reader;
    this.#stop = stop;
  }

  /**
   * Stops watching. Until libzmq says it stopped (`MONITOR_STOPPED`, sent once the monitored
   * socket's close is done), it may still send events, and a send to a monitor that closed
   * before would block libzmq's I/O thread, and with it every socket of the context. So this
   * reads until then (at most 2 s). Safe to call twice.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#reader.closed) return;
      this.#stop();
      const deadline = performance.now() + 2000;
      try {
        for (;;) {
          const wait = Math.ceil(deadline - performance.now());
          if (wait <= 0) break;
          const event = toEvent(await this.#reader.receive({ timeout: wait }));
          if (event?.event === MonitorEvent.MONITOR_STOPPED) break;
        }
      } catch {
        // it timed out, or the context is ending: close anyway
      }
      await this.#reader.close();
    })();
    return this.#closing;
  }

  /** Same as {@link SocketMonitor.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * The events already queued, without waiting (at most `max`): for a reader that looks now and
   * then, so that no receive stays pending (a pending one keeps the process alive). Empty once
   * the monitor or its socket closed.
   */
  readQueued(max = 1000): MonitorEventRecord[] {
    const events: MonitorEventRecord[] = [];
    while (events.length < max && !this.#reader.closed) {
      const parts = this.#reader.tryReceive();
      if (parts === null) break;
      const event = toEvent(parts);
      if (event === null) continue;
      if (event.event === MonitorEvent.MONITOR_STOPPED) {
        void this.#reader.close();
        break;
      }
      events.push(event);
    }
    return events;
  }

  /** Yields events until the monitored socket or this monitor closes. */
  async *[Symbol.asyncIterator](): AsyncGenerator<MonitorEventRecord> {
    for await (const parts of this.#reader) {
      const event = toEvent(parts);
      if (event === null) continue;
      if (event.event === MonitorEvent.MONITOR_STOPPED) break;
      yield event;
    }
    await this.#reader.close();
  }
}

/** A monitor message (event number and value, then the endpoint) as an event; null if not one. */
function toEvent([head, endpoint]: Uint8Array[]): MonitorEventRecord | null {
  if (!head || head.byteLength < 6) return null;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const event = view.getUint16(0, true);
  return {
    event,
    name: EVENT_NAMES.get(event) ?? `EVENT_${event}`,
    value: view.getUint32(2, true),
    endpoint: endpoint ? decoder.decode(endpoint) : "",
  };
}

function sendAdvice(code: string): string | undefined {
  if (code === "EFSM") {
    return "a REQ must receive the reply before sending again, a REP must receive first";
  }
  if (code === "ENOTSUP") return "this socket type cannot send";
}

function receiveAdvice(code: string): string | undefined {
  if (code === "EFSM") {
    return "a REQ must send before receiving, a REP must reply before receiving again";
  }
  if (code === "ENOTSUP") return "this socket type cannot receive";
}

function toBytes(part: MessagePart): Uint8Array {
  if (typeof part === "string") return encoder.encode(part);
  if (part instanceof Uint8Array) return part;
  throw new TypeError(`Cannot send a part of type ${typeof part}: use a Uint8Array or a string`);
}

function toParts(message: Message): Uint8Array[] {
  if (typeof message === "string" || message instanceof Uint8Array) return [toBytes(message)];
  if (!Array.isArray(message) || message.length === 0) {
    throw new TypeError("Cannot send an empty message: give at least one part");
  }
  return message.map(toBytes);
}

/** The memories of the parts large enough to be sent without a copy. */
function lent(parts: Uint8Array[]): ArrayBufferLike[] {
  const memories: ArrayBufferLike[] = [];
  parts.forEach((part, i) => {
    if (part.byteLength >= ZERO_COPY_MIN_BYTES) memories[i] = part.buffer;
  });
  return memories;
}

/**
 * Takes over the memory of the large parts of a zero-copy send: transfers `ArrayBuffer`s (once
 * each, however many parts share one), shares `SharedArrayBuffer`s.
 */
function takeOver(parts: Uint8Array[]): [Uint8Array[], ArrayBufferLike[]] {
  // Read before any transfer: a view of a transferred buffer reads as empty.
  const spans = parts.map((part) => [part.byteOffset, part.byteLength]);
  const transferred = new Map<ArrayBufferLike, ArrayBuffer>();
  parts.forEach((part, i) => {
    const buffer = part.buffer;
    if (!(buffer instanceof ArrayBuffer) || transferred.has(buffer)) return;
    if (buffer.detached) {
      throw new TypeError(
        `Cannot send part ${i + 1} without a copy: its buffer was already transferred; ` +
          "send a fresh buffer, or a SharedArrayBuffer to send the same bytes again",
      );
    }
    if (part.byteLength >= ZERO_COPY_MIN_BYTES) transferred.set(buffer, buffer.transfer());
  });
  const memories: ArrayBufferLike[] = [];
  const taken = parts.map((part, i) => {
    const owned = transferred.get(part.buffer);
    const [offset, length] = spans[i];
    if (length >= ZERO_COPY_MIN_BYTES) memories[i] = owned ?? part.buffer;
    // Small parts over a transferred buffer move with it.
    return owned ? new Uint8Array(owned, offset, length) : part;
  });
  return [taken, memories];
}

function copyOut(data: Deno.PointerValue, size: number): Uint8Array {
  if (size === 0 || data === null) return new Uint8Array(0);
  // One copy, straight out of libzmq's buffer into memory V8 owns. The typed-array copy
  // constructor allocates without zero-filling first; `new Uint8Array(size)` + `set()` paid a
  // memset as large as the copy (perf: memset 25% of the receiver's user time, memmove 24%).
  return new Uint8Array(new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(data, size)));
}

/** Discards the wake-ups queued on a socket's pipe, using `msg` as scratch. */
function drain(reader: Deno.PointerObject, msg: Uint8Array): void {
  while (zmq().zmq_msg_recv(msg, reader, DONTWAIT) >= 0) { /* discard */ }
}

/**
 * The failures libzmq's send and receive report (zmq_msg_send(3), zmq_msg_recv(3), besides
 * EAGAIN and EINTR). errno is read by a second call, after the failed one: where it holds
 * anything else, something on this thread changed it in between (seen: ENOENT, in a busy
 * benchmark), and the call is treated as "not ready yet" and tried again, never as a failure.
 */
const SOCKET_FAILURES = new Set(["ENOTSUP", "EFSM", "ETERM", "ENOTSOCK", "EFAULT", "EHOSTUNREACH"]);

/** Whether a failed send or receive may simply be tried again: the socket was not ready, or a
 * signal cut the call short (or errno no longer tells, see {@link SOCKET_FAILURES}). */
function isTransient(errno: number): boolean {
  return !SOCKET_FAILURES.has(errorCode(errno));
}

/** Runs a libzmq call again while a signal interrupts it (a bounded number of times). */
function retryInterrupted(call: () => number): number {
  let result = call();
  for (let tries = 0; result < 0 && tries < 100 && errorCode(lastErrno()) === "EINTR"; tries++) {
    result = call();
  }
  return result;
}
