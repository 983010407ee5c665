/**
 * `LeasedMessage`: a received message whose large parts are views of libzmq's own memory, so
 * receiving copies nothing. From {@link Socket.receiveLeased}.
 *
 * Safety: libzmq frees that memory when the lease is released, so release first detaches every
 * leased view (it reads as empty afterwards, never as freed memory). A leased part whose buffer
 * was transferred away (`postMessage` with a transfer list, `ArrayBuffer.prototype.transfer`)
 * may still be in use elsewhere: its memory is never freed, and stays counted against the
 * socket's lease budget, which bounds what leases can hold.
 *
 * @module
 */

import { zmq } from "./_native.ts";

/** Parts smaller than this are copied: a copy costs less than the lease's bookkeeping. */
export const LEASE_MIN_BYTES = 32 * 1024;
const MSG_T_SIZE = 64;

/** @internal How many bytes the leases of one socket hold, and how many they may. */
export interface LeaseBudget {
  /** Bytes of leased parts not released (pinned parts included). */
  held: number;
  /** Most bytes leases may hold; past it, parts are copied. */
  limit: number;
}

/** One leased part: its view and the `zmq_msg_t` that owns the memory under it. */
interface LeasedPart {
  view: Uint8Array;
  msg: Uint8Array<ArrayBuffer>;
  size: number;
}

/** What a lease must free; held by the finalizer too, so never by the lease alone. */
interface LeaseRecord {
  parts: LeasedPart[];
  budget: LeaseBudget;
}

const unreleased = new FinalizationRegistry<LeaseRecord>(free);

/** Frees a lease's memory, detaching each view first; transferred views are left pinned. */
function free(record: LeaseRecord): void {
  const lib = zmq();
  for (const { view, msg, size } of record.parts) {
    const buffer = view.buffer as ArrayBuffer;
    // Detached already: someone transferred it and may still read it, so the memory must live.
    if (buffer.detached) continue;
    buffer.transfer(0); // every view of this memory now reads as empty
    lib.zmq_msg_close(msg);
    record.budget.held -= size;
  }
  record.parts = [];
}

/**
 * A received message whose large parts (32 KiB and up) are views of libzmq's memory. Use the
 * parts, then call {@link LeasedMessage.release} (or declare it with `using`): until then
 * libzmq's memory stays allocated, counted against {@link Socket.leaseBudget}.
 *
 * After release, or once the lease itself is garbage-collected, the leased parts read as empty
 * (`byteLength` 0). Copy what must outlive the lease (`part.slice()`).
 *
 * @example Receive without copying
 * ```ts ignore
 * import { Socket } from "./mod.ts";
 * await using pull = new Socket("PULL");
 * pull.bind("tcp://127.0.0.1:*");
 * using message = await pull.receiveLeased();
 * const [header, frame] = message.parts; // frame is libzmq's buffer, not a copy
 * ```
 */
export class LeasedMessage implements Disposable {
  /** The message's parts, in order. */
  readonly parts: readonly Uint8Array[];
  #record: LeaseRecord | null;

  /** @internal Use {@link Socket.receiveLeased}. */
  constructor(parts: Uint8Array[], record: LeaseRecord | null) {
    this.parts = parts;
    this.#record = record;
    if (record) unreleased.register(this, record, this);
  }

  /** Whether {@link LeasedMessage.release} was called. */
  get released(): boolean {
    return this.#record === null;
  }

  /** Gives libzmq its memory back; the leased parts read as empty afterwards. Safe to repeat. */
  release(): void {
    const record = this.#record;
    if (!record) return;
    this.#record = null;
    unreleased.unregister(this);
    free(record);
  }

  /** Same as {@link LeasedMessage.release}. */
  [Symbol.dispose](): void {
    this.release();
  }
}

/** @internal Collects the parts of one message as they are received. */
export class LeaseCollector {
  #budget: LeaseBudget;
  #parts: LeasedPart[] = [];

  constructor(budget: LeaseBudget) {
    this.#budget = budget;
  }

  /**
   * Takes the part now in `msg`: moves it into a `zmq_msg_t` of its own and returns a view of
   * it, or returns `null` when the part is small or the budget is spent (copy it instead).
   */
  take(msg: Uint8Array, size: number): Uint8Array | null {
    if (size < LEASE_MIN_BYTES || this.#budget.held + size > this.#budget.limit) return null;
    const lib = zmq();
    const own = new Uint8Array(MSG_T_SIZE);
    lib.zmq_msg_init(own);
    lib.zmq_msg_move(own, msg);
    const data = lib.zmq_msg_data(own);
    if (data === null) {
      lib.zmq_msg_close(own);
      throw new Error(`libzmq gave no data for a part of ${size} bytes`);
    }
    const view = new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(data, size));
    this.#parts.push({ view, msg: own, size });
    this.#budget.held += size;
    return view;
  }

  /** The message, once every part is in. */
  finish(parts: Uint8Array[]): LeasedMessage {
    const record = this.#parts.length > 0 ? { parts: this.#parts, budget: this.#budget } : null;
    this.#parts = [];
    return new LeasedMessage(parts, record);
  }

  /** Frees what was taken of a message whose receive failed part-way. */
  abandon(): void {
    free({ parts: this.#parts, budget: this.#budget });
    this.#parts = [];
  }
}
