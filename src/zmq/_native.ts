// Shared helpers over the raw symbols: C strings, errno mapping, poll item layout.

import { type Libzmq, libzmq } from "./_ffi.ts";
import { errorCode, ZmqError } from "./errors.ts";

const encoder = new TextEncoder();

/** The loaded symbols (loads libzmq on first use). */
export function zmq(): Libzmq {
  return libzmq().symbols;
}

/** Encodes a JS string as a NUL-terminated C string. */
export function cString(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text + "\0");
}

/** Reads a C string from a pointer, `""` for null. */
export function readCString(pointer: Deno.PointerValue): string {
  return pointer === null ? "" : new Deno.UnsafePointerView(pointer).getCString();
}

/** libzmq's errno of the last failed call on this thread. */
export function lastErrno(): number {
  return zmq().zmq_errno();
}

/** libzmq's own text for an errno. */
export function strerror(errno: number): string {
  return readCString(zmq().zmq_strerror(errno));
}

/** Builds a `ZmqError` for the last failed call: `"<what>: <libzmq text>[; <advice>]"`. */
export function lastError(what: string, advice?: (code: string) => string | undefined): ZmqError {
  const errno = lastErrno();
  const code = errorCode(errno);
  const hint = advice?.(code);
  return new ZmqError(code, `${what}: ${strerror(errno).toLowerCase()}${hint ? `; ${hint}` : ""}`);
}

/** Byte layout of `zmq_pollitem_t`: `{ void *socket; fd; short events; short revents; }`. */
export const POLL_ITEM = Deno.build.os === "windows"
  ? { size: 24, events: 16, revents: 18 }
  : { size: 16, events: 12, revents: 14 };

/** Writes a socket pointer into poll item `index` of `view`. */
export function setPollSocket(view: DataView, index: number, socket: Deno.PointerObject): void {
  view.setBigUint64(index * POLL_ITEM.size, BigInt(Deno.UnsafePointer.value(socket)), true);
}
