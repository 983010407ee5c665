/**
 * The facts of each NetGear pattern, in one table: socket types, replies, heartbeats and
 * queue sizes. A new pattern is a new row here, not a branch in the receiver and the sender.
 *
 * @module
 */

import type { SocketTypeName } from "../zmq/mod.ts";
import type { Socket } from "../zmq/mod.ts";
import type { Pattern, ResolvedOptions } from "./options.ts";

/** What one pattern means for its two ends. */
export interface PatternFacts {
  /** The receiver's socket type (it binds). */
  readonly receiverSocket: SocketTypeName;
  /** The sender's socket type (it connects). */
  readonly senderSocket: SocketTypeName;
  /** The receiver answers every message (a frame, a malformed one, a terminate). */
  readonly replies: boolean;
  /** The receiver acknowledges a terminate (vidgear's exact strings). */
  readonly acksTerminate: boolean;
  /**
   * ZMTP heartbeats (1 s, dead after 3 s without traffic) on the receiver and on the sender,
   * so that a peer gone without closing its connection is dropped. Only where that end's
   * input never stalls on a full queue: there libzmq 4.3 cannot read the heartbeat in time and
   * aborts the process (zeromq/libzmq#4364, #3937).
   */
  readonly heartbeats: { readonly receiver: boolean; readonly sender: boolean };
  /**
   * The receiver asks the kernel for TCP keepalive probes instead: the way to notice a peer
   * gone without closing its connection where heartbeats are unsafe. It works while the
   * receiver has nothing unacknowledged to send, which holds for a SUB.
   */
  readonly keepalive: boolean;
}

/** Every pattern's facts, by pattern number. */
export const PATTERNS: Readonly<Record<Pattern, PatternFacts>> = {
  0: {
    receiverSocket: "PAIR",
    senderSocket: "PAIR",
    replies: true,
    acksTerminate: false,
    // A PAIR receiver's input stalls when the application is slow: no heartbeat there.
    heartbeats: { receiver: false, sender: true },
    keepalive: false,
  },
  1: {
    receiverSocket: "REP",
    senderSocket: "REQ",
    replies: true,
    acksTerminate: true,
    // A REQ has one request out at a time, so a REP's input never stalls: both ends can beat.
    heartbeats: { receiver: true, sender: true },
    keepalive: false,
  },
  2: {
    receiverSocket: "SUB",
    // XPUB looks like PUB to a (Python) SUB, and tells the sender who is subscribed.
    senderSocket: "XPUB",
    replies: false,
    acksTerminate: false,
    // A slow SUB's input stalls on its full queue (heartbeats abort libzmq 4.3 there), and
    // the XPUB's beats would be read by that SUB.
    heartbeats: { receiver: false, sender: false },
    keepalive: true,
  },
};

/** Frames a lossless pattern-2 receiver queues per server (libzmq's receive high-water mark). */
const SUB_QUEUE = 4;
/** `delivery: "latest"`: just enough to keep the newest frame coming while one is read. */
const SUB_QUEUE_LATEST = 2;
/** Frames a pattern-2 sender queues per receiver before it waits. */
const PUB_QUEUE = 16;
/** Live mode: frames a pattern-2 sender queues per receiver before it finds the link congested. */
const PUB_QUEUE_LIVE = 2;
/** Live mode: the kernel's send buffer of a pattern-2 sender, in bytes (libzmq's `ZMQ_SNDBUF`). */
const PUB_BUFFER_LIVE = 64 * 1024;

/**
 * Sets a fresh NetGear socket's options for its pattern and role; call before it binds or
 * connects.
 */
export function configureSocket(socket: Socket, options: ResolvedOptions): void {
  const facts = PATTERNS[options.pattern];
  const receiver = options.receiveMode;
  socket.linger = 1000;
  if (receiver ? facts.heartbeats.receiver : facts.heartbeats.sender) {
    socket.heartbeatInterval = 1000;
    socket.heartbeatTimeout = 3000;
  }
  if (receiver && facts.keepalive && options.protocol === "tcp") {
    socket.tcpKeepalive = 1;
    socket.tcpKeepaliveIdle = 2;
    socket.tcpKeepaliveInterval = 1;
    socket.tcpKeepaliveCount = 3;
  }
  if (receiver && options.maxMessageSize !== undefined) {
    socket.maxMessageSize = options.maxMessageSize;
  }
  switch (socket.type) {
    case "REQ":
      socket.requestRelaxed = true;
      socket.requestCorrelate = true;
      break;
    case "SUB":
      socket.receiveHighWaterMark = options.delivery === "latest" ? SUB_QUEUE_LATEST : SUB_QUEUE;
      socket.subscribe("");
      break;
    case "XPUB":
      socket.sendHighWaterMark = options.live ? PUB_QUEUE_LIVE : PUB_QUEUE;
      // Live: a short queue, so that a frame never waits long behind others on a slow link.
      if (options.live && options.protocol === "tcp") socket.sendBufferSize = PUB_BUFFER_LIVE;
      // Wait instead of dropping while a receiver's queue is full (lossless)...
      socket.xpubNoDrop = true;
      // ...but only for receivers that are connected: a receiver's queue ends with its
      // connection, so a sender whose receiver is gone never waits on it.
      socket.immediate = true;
      // Every subscription and unsubscription, also of ended connections, so that counting
      // them tells how many receivers are there now.
      socket.xpubVerbose = true;
      socket.xpubVerboser = true;
      break;
  }
  if (receiver && options.multiserverMode) socket.recordPeerAddress = true;
}
