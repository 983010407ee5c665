/**
 * Small facts of the wire that both ends need.
 *
 * @module
 */

import type { Frame } from "../frame.ts";
import type { Port } from "./options.ts";

/**
 * Pattern 2 over ipc: the subscription a receiver sends (and withdraws at once) once it has read
 * a sender's terminate, so that the sender closes only then. Over ipc, libzmq drops what is
 * still in the socket when the peer hangs up while the receiver's queue is full
 * (zeromq/libzmq#4660), which lingering cannot prevent. Tcp keeps that data readable.
 */
export function byeTopic(port: Port | undefined): Uint8Array {
  return new TextEncoder().encode(port === undefined ? "netgear/bye" : `netgear/bye/${port}`);
}

/** Whether a value is a frame (`{ shape, dtype, data }`). */
export function isFrame(value: unknown): value is Frame {
  return typeof value === "object" && value !== null && Array.isArray((value as Frame).shape) &&
    typeof (value as Frame).dtype === "string" && (value as Frame).data instanceof Uint8Array;
}
