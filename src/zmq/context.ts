/**
 * `Context`: a libzmq context, the owner of I/O threads and sockets.
 *
 * @module
 */

import { CtxOpt } from "./constants.ts";
import { lastError, zmq } from "./_native.ts";
import { ZmqError } from "./errors.ts";

/** Options of a new {@link Context}. */
export interface ContextOptions {
  /**
   * libzmq I/O threads (`ZMQ_IO_THREADS`). One thread moves about a gigabyte per second.
   * @default {1}
   */
  ioThreads?: number;
  /**
   * Most sockets the context may hold at once (`ZMQ_MAX_SOCKETS`). Each socket that waits
   * uses two more internally, to be woken.
   * @default {4096}
   */
  maxSockets?: number;
}

/** Anything a context closes when it ends: the sockets it owns. */
export interface ContextMember {
  /** Closes with linger 0. */
  closeNow(): Promise<void>;
  /**
   * Closes at once, from the process's `unload` event. Returns false, doing nothing, when a
   * native call of the socket is in flight, unless `force` is set.
   */
  closeAtExit(force: boolean): boolean;
}

const live = new Set<Context>();
let exitHookInstalled = false;

/**
 * Ends every live context when the process exits. Deno unloads libzmq at exit; were a context
 * still running, its I/O threads would then run unmapped code and crash the process.
 */
function endContextsAtExit(): void {
  for (const context of live) context.endAtExit();
}

/**
 * A libzmq context. Most code uses {@link Context.default}; a separate context isolates a group
 * of sockets (inproc endpoints are per context) and can be ended with every socket in it.
 *
 * @example Close a context and all its sockets
 * ```ts ignore
 * import { Context, Socket } from "./mod.ts";
 * const context = new Context();
 * const socket = new Socket("PULL", { context });
 * socket.bind("tcp://127.0.0.1:*");
 * await context.close(); // closes the socket too
 * ```
 */
export class Context {
  static #default: Context | undefined;
  #handle: Deno.PointerObject | null;
  #members = new Set<ContextMember>();
  #closing: Promise<void> | undefined;

  /** The process-wide shared context, created on first use. */
  static get default(): Context {
    if (!Context.#default || Context.#default.closed) Context.#default = new Context();
    return Context.#default;
  }

  /**
   * Creates a context.
   *
   * @throws {RangeError} When an option is out of range.
   * @throws {ZmqError} When libzmq cannot create it.
   */
  constructor(options: ContextOptions = {}) {
    const { ioThreads = 1, maxSockets = 4096 } = options;
    if (!Number.isInteger(ioThreads) || ioThreads < 0 || ioThreads > 64) {
      throw new RangeError(`Cannot create a context with ioThreads ${ioThreads}: use 0 to 64`);
    }
    if (!Number.isInteger(maxSockets) || maxSockets < 1) {
      throw new RangeError(`Cannot create a context with maxSockets ${maxSockets}: use 1 or more`);
    }
    const handle = zmq().zmq_ctx_new();
    if (handle === null) throw lastError("Cannot create a ZeroMQ context");
    this.#handle = handle;
    this.#set(CtxOpt.IO_THREADS, ioThreads);
    this.#set(CtxOpt.MAX_SOCKETS, maxSockets);
    live.add(this);
    if (!exitHookInstalled) {
      globalThis.addEventListener("unload", endContextsAtExit);
      exitHookInstalled = true;
    }
  }

  /** Whether {@link Context.close} was called. */
  get closed(): boolean {
    return this.#handle === null;
  }

  /**
   * How many sockets of this context are open (created and not yet closed), monitors' readers
   * included: a count that should stay flat in a long-running process.
   */
  get openSockets(): number {
    return this.#members.size;
  }

  /** @internal The native handle, for sockets of this context. */
  get handle(): Deno.PointerObject {
    if (this.#handle === null) {
      throw new ZmqError("ETERM", "Cannot use a closed context: create a new Context");
    }
    return this.#handle;
  }

  /** @internal Registers a socket so that {@link Context.close} closes it. */
  adopt(member: ContextMember): void {
    this.#members.add(member);
  }

  /** @internal Forgets a socket that closed itself. */
  release(member: ContextMember): void {
    this.#members.delete(member);
  }

  /**
   * Closes every socket of this context with linger 0, then ends the context. Safe to call
   * twice; never waits on unsent messages.
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    const handle = this.#handle;
    this.#handle = null;
    live.delete(this);
    this.#closing = (async () => {
      await Promise.all([...this.#members].map((member) => member.closeNow()));
      this.#members.clear();
      if (handle) await zmq().zmq_ctx_term(handle);
    })();
    return this.#closing;
  }

  /** @internal Ends the context synchronously while the process exits. */
  endAtExit(): void {
    const handle = this.#handle;
    if (handle === null) return;
    this.#handle = null;
    live.delete(this);
    const busy = [...this.#members].filter((member) => !member.closeAtExit(false));
    if (busy.length > 0) {
      // Make the waits in flight return (ETERM), give them a moment, then close their sockets.
      zmq().zmq_ctx_shutdown(handle);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      for (const member of busy) member.closeAtExit(true);
    }
    this.#members.clear();
    zmq().zmq_ctx_term_sync(handle);
  }

  /** Same as {@link Context.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #set(option: number, value: number): void {
    if (zmq().zmq_ctx_set(this.#handle, option, value) !== 0) {
      throw lastError(`Cannot set context option ${option} to ${value}`);
    }
  }
}
