/**
 * The sending end of NetGear (vidgear's "server"): connects, sends frames with their data, and
 * says goodbye with a terminate. Patterns 0 and 1 wait for each reply (Lazy Pirate: a reply
 * that does not come loses the frame and reconnects; a receiver that is connected but never
 * answers is given up on after `maxRetries`, one that is not there yet is waited for, frames
 * dropped at once meanwhile); pattern
 * 2 publishes, losslessly while a receiver is connected and dropping (counted) while none is.
 *
 * @module
 */

import type { Frame } from "../frame.ts";
import { NetGearError } from "../errors.ts";
import { MonitorEvent, type MonitorEventRecord, ZmqError } from "../zmq/mod.ts";
import {
  decodeReply,
  encodeFrameMessage,
  encodeTerminateMessage,
  type FramePayload,
} from "../protocol/mod.ts";
import { endpointOf, type ResolvedOptions } from "./options.ts";
import { PATTERNS } from "./patterns.ts";
import { Link } from "./_link.ts";
import { byeTopic, isFrame } from "./_wire.ts";
import { LiveRateControl } from "./_live.ts";
import type { ClientReply, NetGearInit, NetGearStats, SendOptions } from "./types.ts";

/** Pattern 2: the longest the first frames wait for the receivers' subscriptions. */
const SUBSCRIBE_WAIT_MS = 5000;
/** Pattern 2: while a receiver's queue is full, how often the sender checks it is still there. */
const PUBLISH_SLICE_MS = 100;
/** Patterns 0 and 1: how often the log says the receiver is still not there. */
const NO_RECEIVER_LOG_MS = 30_000;

/** A NetGear sender. Use it through {@link NetGear} without `receiveMode`. */
export class Sender {
  #link: Link;
  #closed = false;
  #busy = false;
  #frames = 0;
  #dropped: Record<string, number> = {};
  #timeouts = 0;
  #failures = 0;
  /** Pattern 2: receivers subscribed now (their subscriptions less their unsubscriptions). */
  #subscribed = 0;
  /** Pattern 2: the first wait for subscriptions ran out; sends no longer wait for them. */
  #subscribeWaitOver = false;
  /** Pattern 2: frames dropped since the last receiver left (for the log). */
  #droppedSinceLeft = 0;
  /** Live mode's rate control. */
  #live: LiveRateControl | undefined;
  /** Patterns 0 and 1: connections to a receiver open now (socket monitor). */
  #connections = 0;
  /** Patterns 0 and 1: a connection opened while the current request waited. */
  #connectedMeanwhile = false;
  /** Patterns 0 and 1: when the log last said no receiver is there (0: not since one was). */
  #noReceiverLoggedAt = 0;
  /**
   * Patterns 0 and 1: a request found no receiver, and no connection has opened since: frames
   * are dropped at once (the camera keeps its pace) until one does.
   */
  #awaitingReceiver = false;

  /**
   * Connects to the receiver (or, multi-client, to every receiver).
   *
   * @throws {NetGearError} When secure mode cannot start.
   * @throws {ZmqError} When an endpoint is invalid.
   */
  constructor(options: Readonly<ResolvedOptions>, init: Pick<NetGearInit, "onRefused">) {
    this.#link = new Link(options, {
      onRefused: init.onRefused,
      ...(options.pattern !== 2 ? { onConnection: (event) => this.#onConnection(event) } : {}),
    });
    if (options.live) this.#live = new LiveRateControl(options.jpeg!.quality);
  }

  /** Counters. */
  get stats(): NetGearStats {
    return {
      frames: this.#frames,
      dropped: { ...this.#dropped },
      timeouts: this.#timeouts,
      rebinds: 0,
      leasedBytes: 0,
      refused: {},
      ...(this.#live ? { live: this.#live.rate } : {}),
    };
  }

  /** See {@link NetGear.send}. */
  async send(frame: Frame, options: SendOptions = {}): Promise<unknown> {
    const o = this.#link.options;
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
      const live = this.#live;
      if (live && !live.admit(performance.now())) {
        this.#drop("skipped");
        return undefined;
      }
      const payload: FramePayload = o.jpeg
        ? { jpeg: await this.#link.encodeJpeg(frame, live?.quality) }
        : { frame };
      const parts = encodeFrameMessage({
        ...payload,
        message: options.message ?? null,
        pattern: o.pattern,
        port: o.multiserverMode ? o.ports[0] : undefined,
        headerFormat: o.headerFormat,
        captureTime: options.captureTime ?? frame.captureTime ?? Date.now(),
      });
      if (o.pattern === 2) {
        if (live) await this.#publishLive(parts, live, options.signal);
        else await this.#publish(parts, options.signal);
        return undefined;
      }
      if (!live) return await this.#request(parts, options.signal);
      const startedAt = performance.now();
      const reply = await this.#request(parts, options.signal);
      live.roundTrip(startedAt, performance.now());
      return reply;
    } finally {
      this.#busy = false;
    }
  }

  /**
   * Sends the terminate (waiting briefly for the receiver's acknowledgement in pattern 1) so
   * the receiver knows this server left, then closes. Safe to call twice.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const socket = this.#link.socket;
    if (!socket.closed) {
      const o = this.#link.options;
      const terminate = encodeTerminateMessage({
        port: o.multiserverMode ? o.ports[0] : undefined,
        headerFormat: o.headerFormat,
      });
      const ackWait = Math.max(200, o.requestTimeoutMs / 5);
      const copies = o.multiclientMode ? o.ports.length : 1;
      const acks = PATTERNS[o.pattern].acksTerminate;
      // Pattern 1 has its acknowledgement; pattern 2 over ipc waits (up to requestTimeout, at
      // least the 1 s it would otherwise linger) until its receivers read everything it sent.
      // Otherwise patterns 0 and 2 linger, so the terminate still leaves after close.
      let acknowledged = false;
      try {
        const byeDeadline = performance.now() + Math.max(1000, o.requestTimeoutMs);
        for (let i = 0; i < copies; i++) {
          await socket.send(terminate, { timeout: ackWait });
          if (acks) await socket.receive({ timeout: ackWait });
        }
        if (o.pattern === 2 && o.protocol === "ipc") {
          this.#countSubscriptions();
          acknowledged = await this.#awaitByes(copies, byeDeadline);
          if (!acknowledged) this.#link.log("no bye from the receivers: closing anyway");
        }
      } catch (error) {
        this.#link.log(`terminate not acknowledged: ${(error as Error).message}`);
      }
      try {
        socket.linger = acks || acknowledged ? 0 : 1000;
      } catch {
        // A send() still waits on the socket (EBUSY): it closes with the linger it has.
      }
    }
    await this.#link.close();
  }

  /** Lazy Pirate: send, wait for the reply, and on silence start over with a fresh socket. */
  async #request(parts: Uint8Array[], signal: AbortSignal | undefined): Promise<unknown> {
    const o = this.#link.options;
    const socket = this.#link.socket;
    this.#link.readEvents();
    if (this.#awaitingReceiver && this.#connections === 0) {
      this.#drop("no-receiver");
      return undefined;
    }
    this.#connectedMeanwhile = false;
    // The frame goes out from its own memory, uncopied; send() returns only once libzmq has
    // let go of it (by the reply, in practice), so the caller may then reuse it.
    // A request that no receiver took (none connected, or a handshake refused) is a timeout
    // like a reply that never came; a REQ that sent nothing must not wait for a reply (EFSM).
    const unsent = await socket.send(parts, {
      timeout: o.requestTimeoutMs,
      signal,
      zeroCopy: "lend",
    }).then(() => undefined, (error) => {
      if (!(error instanceof ZmqError && error.code === "EAGAIN")) throw error;
      return error;
    });
    let reply: Uint8Array[];
    try {
      if (unsent) throw unsent;
      reply = await socket.receive({ timeout: o.requestTimeoutMs, signal });
      await socket.released({ timeout: o.requestTimeoutMs });
    } catch (error) {
      if (!(error instanceof ZmqError && error.code === "EAGAIN")) throw error;
      this.#link.readEvents();
      const refused = this.#link.security?.lastFailure !== undefined;
      if (this.#connections === 0 && !this.#connectedMeanwhile && !refused) {
        // Nobody to answer: a receiver not started yet, or gone and not back. Wait for it as
        // long as it takes (people start programs by hand), losing frames meanwhile. (One
        // that is connected but silent, or refuses this server's handshake, is a failure.)
        this.#drop("no-receiver");
        const now = performance.now();
        if (now - this.#noReceiverLoggedAt >= NO_RECEIVER_LOG_MS) {
          this.#noReceiverLoggedAt = now;
          this.#link.log(
            `no receiver at ${endpointOf(o, o.ports[0], false)} yet: waiting for one, ` +
              `frames are lost until it answers`,
          );
        }
        await this.#link.reopen({ waitForRelease: true });
        this.#connections = 0;
        this.#awaitingReceiver = true;
        return undefined;
      }
      this.#timeouts++;
      this.#failures++;
      if (this.#failures >= o.maxRetries) {
        this.#link.readEvents(); // a failed secure handshake explains the silence
        throw new NetGearError(
          `No reply from the receiver at ${
            endpointOf(o, o.ports[0], false)
          } after ${this.#failures} tries of ${o.requestTimeoutMs / 1000} s: ${
            this.#link.security?.lastFailure ??
              `something there takes the connection but does not answer: is it a NetGear receiver of pattern ${o.pattern}, and not stopped?`
          }`,
        );
      }
      this.#link.log(
        `no reply within ${
          o.requestTimeoutMs / 1000
        } s: frame lost, reconnecting (${this.#failures}/${o.maxRetries})`,
      );
      await this.#link.reopen({ waitForRelease: true });
      this.#connections = 0;
      return undefined;
    }
    this.#failures = 0;
    this.#noReceiverLoggedAt = 0;
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
      data = decoded.frame ?? (await this.#link.decodeJpeg(decoded.jpeg!));
    } else this.#drop("bad-reply", `expected a JSON reply, got "${decoded.text}"`);
    if (o.multiclientMode) {
      return {
        port: decoded.kind === "text" ? undefined : decoded.port,
        data,
      } satisfies ClientReply;
    }
    return data;
  }

  /**
   * Pattern 2: publishes, waiting while a connected receiver's queue is full (lossless), and
   * drops the frame (counted) while no receiver is connected, so a camera keeps its pace.
   */
  async #publish(parts: Uint8Array[], signal: AbortSignal | undefined): Promise<void> {
    await this.#awaitSubscribers(signal);
    const socket = this.#link.socket;
    for (;;) {
      if (this.#subscribed <= 0) {
        this.#drop("no-receiver");
        if (this.#droppedSinceLeft++ === 0) {
          this.#link.log("no receiver connected: dropping frames until one subscribes");
        }
        return;
      }
      try {
        await socket.send(parts, { timeout: PUBLISH_SLICE_MS, signal });
        this.#frames++;
        return;
      } catch (error) {
        if (!(error instanceof ZmqError && error.code === "EAGAIN")) throw error;
      }
      this.#countSubscriptions(); // is the receiver that keeps us waiting still there?
    }
  }

  /**
   * Pattern 2, live mode: publishes without waiting; a frame that finds a receiver's queue full
   * is dropped (counted) and tells the rate control the link is congested.
   */
  async #publishLive(
    parts: Uint8Array[],
    live: LiveRateControl,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    await this.#awaitSubscribers(signal);
    if (this.#subscribed <= 0) return await this.#publish(parts, signal); // drops, logged
    try {
      await this.#link.socket.send(parts, { timeout: 0, signal });
      this.#frames++;
    } catch (error) {
      if (!(error instanceof ZmqError && error.code === "EAGAIN")) throw error;
      live.congested(performance.now());
      this.#drop("congested");
      this.#countSubscriptions(); // is the receiver that is behind still there?
    }
  }

  /**
   * Pattern 2: the first frames wait (never longer than `requestTimeout`) until the receivers'
   * subscriptions arrive (at most 5 s), so that a receiver started first misses nothing (the
   * slow joiner).
   * Later sends only read the (un)subscriptions already queued.
   */
  async #awaitSubscribers(signal: AbortSignal | undefined): Promise<void> {
    const o = this.#link.options;
    const wanted = o.ports.length;
    const deadline = performance.now() + Math.min(SUBSCRIBE_WAIT_MS, o.requestTimeoutMs);
    while (!this.#subscribeWaitOver && this.#subscribed < wanted) {
      const waitMs = deadline - performance.now();
      let parts: Uint8Array[] | null = null;
      try {
        if (waitMs > 0) {
          parts = await this.#link.socket.receive({ timeout: Math.ceil(waitMs), signal });
        }
      } catch (error) {
        if (!(error instanceof ZmqError && error.code === "EAGAIN")) throw error;
      }
      if (parts === null) {
        this.#link.log(
          `only ${this.#subscribed} of ${wanted} receivers subscribed; sending anyway`,
        );
        break;
      }
      this.#countSubscription(parts);
    }
    this.#subscribeWaitOver = true; // wait no more
    this.#countSubscriptions();
  }

  /** Pattern 2: reads the (un)subscriptions already queued. */
  #countSubscriptions(): void {
    const socket = this.#link.socket;
    for (let i = 0; i < 1000; i++) {
      const parts = socket.tryReceive();
      if (parts === null) return;
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
      const before = this.#subscribed;
      if (part[0] === 1) this.#subscribed++;
      else if (part[0] === 0) this.#subscribed = Math.max(0, this.#subscribed - 1);
      if (before === 0 && this.#subscribed > 0 && this.#droppedSinceLeft > 0) {
        this.#link.log(
          `a receiver subscribed: sending again (${this.#droppedSinceLeft} frames dropped meanwhile)`,
        );
        this.#droppedSinceLeft = 0;
      }
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
    const o = this.#link.options;
    const socket = this.#link.socket;
    const bye = byeTopic(o.multiserverMode ? o.ports[0] : undefined);
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

  /** Patterns 0 and 1: a connection to a receiver opened or ended (socket monitor). */
  #onConnection(event: MonitorEventRecord): void {
    if (event.event === MonitorEvent.CONNECTED) {
      this.#connections++;
      this.#connectedMeanwhile = true;
      this.#awaitingReceiver = false;
    } else if (event.event === MonitorEvent.DISCONNECTED) {
      this.#connections = Math.max(0, this.#connections - 1);
    }
  }

  #drop(reason: string, detail?: string): void {
    this.#dropped[reason] = (this.#dropped[reason] ?? 0) + 1;
    if (detail) this.#link.log(`dropped (${reason}): ${detail}`);
  }
}
