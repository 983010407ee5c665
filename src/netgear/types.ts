/**
 * What NetGear's receivers and senders hand out and take: items, per-call options, the server
 * table of a multi-server receiver, server events and counters.
 *
 * @module
 */

import type { Frame } from "../frame.ts";
import type { NetGearOptions, Port } from "./options.ts";
import type { Refusal } from "./secure.ts";

/**
 * What a receiver's `recv()` gives: the frame, the sender's message and (multi-server) its
 * port. A frame is a view of libzmq's memory, valid until `recv()` returns the next frame of the
 * same server, unless you `keep()` it. Disposable: releasing gives the memory back at once.
 */
export interface NetGearItem extends Disposable {
  /** The sending server's port, as it declared it (multi-server mode); `undefined` otherwise. */
  readonly port: Port | undefined;
  /** The frame: `shape`, `dtype` and the C-order bytes. */
  readonly frame: Frame;
  /** The data sent with the frame; `null` when none. */
  readonly message: unknown;
  /**
   * When the server says it captured the frame, in milliseconds since the Unix epoch (its
   * `Date.now()` clock); undefined when its header has no `capture_time` (vidgear servers).
   * `Date.now() - captureTime` is the frame's age only where both hosts' clocks are
   * synchronized (e.g. by NTP).
   */
  readonly captureTime: number | undefined;
  /**
   * Keeps the frame past its server's next frame: it stays valid until {@link release} (or
   * until the item is garbage-collected). For frames you hold longer, e.g. in a queue. Does
   * nothing with `zeroCopyReceive: false` (every frame is yours for good) or when the frame
   * is a copy anyway (JPEG-decoded, small, or past the lease budget).
   */
  keep(): void;
  /**
   * Gives the frame's memory back to libzmq now, after which the frame's data reads as empty
   * (never as another frame, never as freed memory). Safe to repeat; a no-op where the frame
   * is a copy.
   */
  release(): void;
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
  /**
   * When the frame was captured, in milliseconds since the Unix epoch (`Date.now()`), sent in
   * the header's `capture_time` key (ours; vidgear receivers ignore it) so that receivers can
   * tell the frame's age.
   * @default {the frame's own `captureTime` (frame sources set it), else the time of the call}
   */
  captureTime?: number;
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

/**
 * Why a server of a multi-server receiver is gone: it sent its terminate (`terminated`), its
 * connection was lost for longer than `livenessTimeout` (`timeout`), or it never joined within
 * `waitTimeout` (`never-joined`).
 */
export type GoneReason = "terminated" | "timeout" | "never-joined";

/** A multi-server receiver's view of one of its listed servers. */
export interface ServerInfo {
  /** The server's port, as the receiver listed it. */
  readonly port: Port;
  /** `waiting` (listed, not joined yet), `live`, or `gone`. */
  readonly state: "waiting" | "live" | "gone";
  /** Why it is gone. */
  readonly goneReason?: GoneReason;
  /** Whether a connection to its port is open now (as libzmq's socket monitor tells it). */
  readonly connected: boolean;
  /** The server's address as libzmq saw the connection (tcp), when known. */
  readonly peerAddress?: string;
  /** Frames received from it. */
  readonly frames: number;
  /** Payload bytes received from it. */
  readonly bytes: number;
  /** The last message it sent with a frame. */
  readonly lastMessage: unknown;
  /** When it last sent a frame (`Date.now()` milliseconds); the receiver's start if never. */
  readonly lastSeen: number;
  /** Its frame rate over the last 2 s, frames per second (0 once it stopped sending). */
  readonly fps: number;
  /** Its average frame rate from its first frame to its last. */
  readonly averageFps: number;
  /**
   * How old its frames were when `recv()` handed them to the application, over its frames of
   * the 2 s up to its latest one (a server that stopped keeps its last figures): the
   * receiver's clock less the capture time the server sent (its `capture_time` header key).
   * Meaningful only where the server's and the receiver's clocks are synchronized (e.g. by
   * NTP); a clock off by a second shifts every age by that second. Undefined until a frame
   * carried a capture time (vidgear servers send none).
   */
  readonly frameAge?: FrameAge;
}

/** Frame ages over a recent window, in milliseconds (see {@link ServerInfo.frameAge}). */
export interface FrameAge {
  /** The median age. */
  readonly p50: number;
  /** The 99th-percentile age. */
  readonly p99: number;
  /** How many frames the figures are taken over. */
  readonly frames: number;
}

/** A server joining or leaving a multi-server receiver. */
export interface ServerEvent {
  /** `join`: first frame (or first after being gone); `leave`: it is gone. */
  readonly type: "join" | "leave";
  /** The server's port, as the receiver listed it. */
  readonly port: Port;
  /** For `leave`: why. */
  readonly reason?: GoneReason;
}

/** Counters of a NetGear. */
export interface NetGearStats {
  /** Frames delivered to the application (receiver) or sent (sender). */
  readonly frames: number;
  /**
   * Messages dropped, by reason. A receiver: malformed ones by their `ProtocolError` reason,
   * `unlisted-port` for a multi-server message naming a port it did not list, `stale` for
   * frames replaced by newer ones in `delivery: "latest"`. A pattern-2 sender: `no-receiver`
   * for frames sent while no receiver was connected.
   */
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
  /** A sender with `live: true`: what its rate control chose last. */
  readonly live?: LiveRate;
}

/**
 * What a live sender's rate control chose (see `live` in the options): while its link is
 * congested it lowers the JPEG quality, down to 30, then sends fewer frames, down to one in 4;
 * after 2 s without congestion it raises them again, frame rate first.
 */
export interface LiveRate {
  /** The JPEG quality it encodes at now (the options' quality is the most it goes up to). */
  readonly quality: number;
  /** It sends one frame in this many (1: every frame); the others count as `skipped` drops. */
  readonly sendsOneIn: number;
  /**
   * How many times it found the link congested: pattern 2, a receiver's queue full (that
   * frame counts as a `congested` drop); patterns 0 and 1, a round trip that took most of the
   * time between two frames.
   */
  readonly congestion: number;
}

/** Constructor options: {@link NetGearOptions} plus the server-event callback. */
export interface NetGearInit extends NetGearOptions {
  /** Called when a server joins or leaves a multi-server receiver. */
  onServerEvent?: (event: ServerEvent) => void;
  /** Secure receiver: called for each refused connection. */
  onRefused?: (refusal: Refusal) => void;
}
