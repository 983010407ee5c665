/**
 * What a receiver and a sender share: the socket, opened and configured for the pattern and
 * the role, secure mode, the socket monitor, the JPEG codec, and logging.
 *
 * @module
 */

import type { Frame } from "../frame.ts";
import {
  MonitorEvent,
  type MonitorEventRecord,
  Socket,
  type SocketMonitor,
  tuneMemory,
} from "../zmq/mod.ts";
import type { JpegPayload } from "../protocol/mod.ts";
import type { JpegCodec } from "../codec/types.ts";
import { endpointOf, type ResolvedOptions } from "./options.ts";
import { configureSocket, PATTERNS } from "./patterns.ts";
import { type Refusal, Security } from "./secure.ts";

/** What a link tells its owner about the connections of its socket. */
export interface LinkHooks {
  /** Secure receiver: called for each refused connection. */
  onRefused?: (refusal: Refusal) => void;
  /**
   * A connection was accepted (`ACCEPTED`, a bound socket) or made (`CONNECTED`, a connecting
   * one), or it ended (`DISCONNECTED`).
   */
  onConnection?: (event: MonitorEventRecord) => void;
}

/** One NetGear end's socket and what goes with it. */
export class Link {
  /** The validated options. */
  readonly options: Readonly<ResolvedOptions>;
  /** Secure mode, when on. */
  readonly security: Security | undefined;
  #hooks: LinkHooks;
  #socket: Socket;
  /** The monitor of the socket now, read by {@link Link.readEvents}. */
  #monitor: SocketMonitor | undefined;
  #codec: Promise<JpegCodec> | undefined;
  #role: string;

  /**
   * Opens the socket: binds a receiver's ports, connects a sender's.
   *
   * @throws {NetGearError} When secure mode cannot start.
   * @throws {ZmqError} When binding fails (e.g. the port is in use).
   */
  constructor(options: Readonly<ResolvedOptions>, hooks: LinkHooks = {}) {
    this.options = options;
    this.#hooks = hooks;
    this.#role = options.receiveMode ? "client" : "server";
    if (options.tuneMemory) {
      const { applied, detail } = tuneMemory();
      this.log(`${applied ? "malloc tuned for large frames" : "malloc left as it is"}: ${detail}`);
    }
    if (options.secureMode !== 0) {
      this.security = new Security(options, { log: (text) => this.log(text), ...hooks });
    }
    try {
      this.#socket = this.#open();
    } catch (error) {
      this.security?.abort();
      throw error;
    }
  }

  /** The socket now (a reopen replaces it). */
  get socket(): Socket {
    return this.#socket;
  }

  /**
   * Reads the socket monitor's queued events and hands them on (secure mode's refusals, the
   * owner's connections). Read now and then rather than awaited, so that no receive is
   * pending on the monitor: a pending one would keep a program that never calls `close()`
   * from exiting.
   */
  readEvents(): void {
    const monitor = this.#monitor;
    if (!monitor) return;
    for (const event of monitor.readQueued()) {
      if (event.event & CONNECTIONS) this.#hooks.onConnection?.(event);
      else this.security?.handshakeEvent(event);
    }
  }

  /** Closes the socket at once and opens a new one in its place (Lazy Pirate, rebinding). */
  async reopen(options: { waitForRelease?: boolean } = {}): Promise<Socket> {
    const old = this.#socket;
    this.readEvents(); // what the old socket's monitor still tells
    void this.#monitor?.close();
    old.linger = 0;
    if (options.waitForRelease) {
      await old.close();
      // A lent frame may still be read by libzmq until then.
      await old.released({ timeout: 1000 }).catch(() => {});
    } else {
      void old.close();
    }
    this.#socket = this.#open();
    return this.#socket;
  }

  /** Closes the socket, the monitors, secure mode and the codec. */
  async close(): Promise<void> {
    await this.#socket.close();
    await this.#monitor?.close();
    await this.security?.close();
    if (this.#codec) (await this.#codec.catch(() => undefined))?.close();
  }

  /** Encodes an outgoing frame as JPEG, with the options' settings (and `quality`, if given). */
  async encodeJpeg(frame: Frame, quality?: number): Promise<JpegPayload> {
    const jpeg = this.options.jpeg!;
    const colorspace = frame.shape.length === 2 ? "GRAY" : jpeg.colorspace;
    const codec = await this.#jpegCodec();
    const bytes = codec.encode(frame, {
      quality: quality ?? jpeg.quality,
      colorspace,
      fastdct: jpeg.fastdct,
    });
    return { bytes, settings: { dct: jpeg.fastdct, ups: jpeg.fastupsample, colorspace } };
  }

  /** Decodes a JPEG payload into a frame. */
  async decodeJpeg(jpeg: JpegPayload): Promise<Frame> {
    const codec = await this.#jpegCodec();
    return codec.decode(jpeg.bytes, {
      colorspace: jpeg.settings.colorspace,
      fastdct: jpeg.settings.dct || this.options.jpegFastdct,
      fastupsample: jpeg.settings.ups || this.options.jpegFastupsample,
    });
  }

  /** Logs a line to stderr when `logging` is on. */
  log(text: string): void {
    if (this.options.logging) console.error(`[NetGear ${this.#role}] ${text}`);
  }

  #jpegCodec(): Promise<JpegCodec> {
    this.#codec ??= import("../codec/mod.ts").then(({ jpegCodec }) => jpegCodec());
    return this.#codec;
  }

  #open(): Socket {
    const o = this.options;
    const facts = PATTERNS[o.pattern];
    const type = o.receiveMode ? facts.receiverSocket : facts.senderSocket;
    const socket = new Socket(type, { context: this.security?.context });
    try {
      configureSocket(socket, o);
      this.security?.configure(socket);
      this.#watch(socket);
      for (const port of o.ports) {
        const endpoint = endpointOf(o, port, o.receiveMode);
        if (o.receiveMode) socket.bind(endpoint);
        else socket.connect(endpoint);
      }
    } catch (error) {
      void this.#monitor?.close();
      this.#monitor = undefined;
      void socket.close();
      throw error;
    }
    this.security?.start();
    return socket;
  }

  /** One monitor per socket (libzmq keeps one), read for secure mode and for connections. */
  #watch(socket: Socket): void {
    const connections = this.#hooks.onConnection ? CONNECTIONS : 0;
    const events = (this.security?.monitorEvents ?? 0) | connections;
    this.#monitor = events === 0 ? undefined : socket.monitor(events);
  }
}

/** The monitor events of connections opening and ending. */
const CONNECTIONS = MonitorEvent.ACCEPTED | MonitorEvent.CONNECTED | MonitorEvent.DISCONNECTED;
