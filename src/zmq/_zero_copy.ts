// Zero-copy sends: libzmq reads a large part straight from JS memory (zmq_msg_init_data), and
// that memory stays referenced from JS until libzmq has let go of it.
//
// Knowing when libzmq lets go: a free function would run on libzmq's I/O thread, where no JS
// may run. Instead the socket keeps its own copy of each such message (zmq_msg_copy shares the
// content and counts references) and reads the count: once only our copy holds the content,
// libzmq is done with the memory. libzmq counts only when the message has a free function
// (without one it makes a "constant" message and copies just the pointer), so the free function
// given is one of libzmq's own that ignores its arguments (see freeNothingFunction). The count's place in libzmq's content_t ({ data, size, ffn,
// hint, refcnt }, unchanged from 4.2 to 4.3.5) is checked on every message against the data
// pointer, size and count we know; a libzmq laid out otherwise gets copying sends.

import { freeNothingFunction } from "./_ffi.ts";
import { zmq } from "./_native.ts";

/** Parts smaller than this are copied: libzmq copies small messages anyway. */
export const ZERO_COPY_MIN_BYTES = 32 * 1024;
const MSG_T_SIZE = 64;
const CONTENT_OFFSET = 8; // lmsg: { metadata_t *metadata; content_t *content; … }
const SIZE_OFFSET = 8;
const REFCNT_OFFSET = 32;

interface Pending {
  /** Set once libzmq has let go and our copy is closed. */
  done?: boolean;
  /** Our copy of the message, holding one reference to its content. */
  keep: Uint8Array<ArrayBuffer>;
  content: Deno.PointerObject;
  /** The JS memory libzmq reads; referenced here so that it outlives libzmq's use. */
  memory: ArrayBufferLike;
}

/** Messages of closed sockets that libzmq may still be sending (linger). */
const orphans: Pending[] = [];

function contentOf(msg: Uint8Array<ArrayBuffer>): Deno.PointerObject | null {
  const address = new DataView(msg.buffer).getBigUint64(CONTENT_OFFSET, true);
  return Deno.UnsafePointer.create(address);
}

/** Frees `pending` if libzmq has let go of it (only our copy holds the content). */
function finish(pending: Pending): boolean {
  if (new Deno.UnsafePointerView(pending.content).getInt32(REFCNT_OFFSET) !== 1) return false;
  zmq().zmq_msg_close(pending.keep);
  pending.done = true;
  return true;
}

/** Frees the finished messages at the head of `list` (sent in order); returns how many are left. */
function sweep(list: Pending[]): number {
  let done = 0;
  while (done < list.length && finish(list[done])) done++;
  list.splice(0, done);
  return list.length;
}

/** Frees every finished message of `list`, in any order (closed sockets' messages). */
function sweepAll(list: Pending[]): void {
  const left = list.filter((pending) => !finish(pending));
  list.splice(0, list.length, ...left);
}

/** @internal The zero-copy sends of one socket still held by libzmq. */
export class ZeroCopySends {
  #pending: Pending[] = [];
  /** What libzmq still held when the socket closed (swept with the orphans). */
  #retired: Pending[] = [];

  /**
   * Sends `part` (over `memory`) without copying it, like `zmq_send(socket, part, flags)`:
   * returns the size sent, or -1 with libzmq's errno set. Falls back to a copying `zmq_send`
   * when libzmq's message layout is not the one known.
   */
  send(
    socket: Deno.PointerObject,
    part: Uint8Array,
    memory: ArrayBufferLike,
    flags: number,
  ): number {
    const lib = zmq();
    this.sweep();
    const size = part.byteLength;
    const free = freeNothingFunction();
    if (free === null) return lib.zmq_send(socket, part, BigInt(size), flags);
    const data = Deno.UnsafePointer.of(part as Uint8Array<ArrayBuffer>);
    const msg = new Uint8Array(MSG_T_SIZE);
    const keep = new Uint8Array(MSG_T_SIZE);
    lib.zmq_msg_init_data(msg, data, BigInt(size), free, null);
    lib.zmq_msg_init(keep);
    lib.zmq_msg_copy(keep, msg);
    const content = contentOf(keep);
    if (!content || !isKnownLayout(content, data, size)) {
      lib.zmq_msg_close(msg);
      lib.zmq_msg_close(keep);
      return lib.zmq_send(socket, part, BigInt(size), flags);
    }
    const sent = lib.zmq_msg_send(msg, socket, flags);
    if (sent < 0) {
      // Not taken (EAGAIN, …): both references are ours; closing them leaves errno alone.
      lib.zmq_msg_close(msg);
      lib.zmq_msg_close(keep);
      return sent;
    }
    this.#pending.push({ keep, content, memory });
    return sent;
  }

  /** Frees the messages libzmq is done with. */
  sweep(): void {
    sweep(this.#pending);
    if (orphans.length > 0) sweepAll(orphans);
  }

  /** The socket closed: what libzmq still sends is swept by other sockets from now on. */
  retire(): void {
    if (sweep(this.#pending) > 0) {
      orphans.push(...this.#pending);
      this.#retired = this.#pending;
    }
    this.#pending = [];
  }

  /** Whether libzmq holds none of this socket's memory any more. */
  settled(): boolean {
    this.sweep();
    if (this.#pending.length > 0) return false;
    this.#retired = this.#retired.filter((pending) => !pending.done);
    return this.#retired.length === 0;
  }
}

function isKnownLayout(content: Deno.PointerObject, data: Deno.PointerValue, size: number) {
  const view = new Deno.UnsafePointerView(content);
  return view.getBigUint64(0) === BigInt(Deno.UnsafePointer.value(data)) &&
    view.getBigUint64(SIZE_OFFSET) === BigInt(size) &&
    view.getInt32(REFCNT_OFFSET) === 2;
}
