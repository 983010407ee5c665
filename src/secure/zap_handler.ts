/**
 * `ZapHandler`: a ZeroMQ authentication handler (ZAP 1.0, RFC 27) for one context. libzmq asks
 * it about every connection a CURVE server socket of that context accepts; it answers from the
 * `authorize` function it was given.
 *
 * @module
 */

import { NetGearError } from "../errors.ts";
import { type Context, Socket, z85Encode, ZmqError } from "../zmq/mod.ts";

/** The endpoint libzmq sends ZAP requests to, in each context. */
export const ZAP_ENDPOINT = "inproc://zeromq.zap.01";

/** One connection to authenticate, as libzmq describes it. */
export interface ZapRequest {
  /** The ZAP domain of the socket that accepted the connection (`ZMQ_ZAP_DOMAIN`). */
  readonly domain: string;
  /** The peer's IP address (tcp); `""` for ipc. */
  readonly address: string;
  /** The connection's routing id, if the peer set one. */
  readonly routingId: Uint8Array;
  /** `"NULL"`, `"PLAIN"` or `"CURVE"`. */
  readonly mechanism: string;
  /** CURVE: the peer's public key, 40 characters of Z85. */
  readonly publicKey?: string;
}

/** The answer to a {@link ZapRequest}. */
export type ZapVerdict =
  | { readonly allow: true; readonly userId?: string }
  | { readonly allow: false; readonly reason: string };

/** Options of a new {@link ZapHandler}. */
export interface ZapHandlerOptions {
  /** The context whose connections it authenticates. One handler per context. */
  context: Context;
  /**
   * Decides about one connection. It runs on the JS thread while the peer's handshake waits;
   * keep it quick. A throw refuses the connection (status 500).
   */
  authorize: (request: ZapRequest) => ZapVerdict;
  /**
   * Bind now but answer only after {@link ZapHandler.start}: requests wait meanwhile, and a
   * handler never started closes at once, with nothing in flight.
   * @default {false}
   */
  deferStart?: boolean;
}

const decoder = new TextDecoder();
const VERSION = "1.0";

/**
 * Answers libzmq's authentication requests for one context, from a REP socket bound at
 * `inproc://zeromq.zap.01`, until closed. Only CURVE server sockets (and sockets with a ZAP
 * domain) of that context ask it.
 *
 * @example Allow any CURVE key from 127.0.0.1
 * ```ts ignore
 * import { Context } from "../zmq/mod.ts";
 * import { ZapHandler } from "./zap_handler.ts";
 * const context = new Context();
 * const zap = new ZapHandler({
 *   context,
 *   authorize: ({ address }) =>
 *     address === "127.0.0.1" ? { allow: true } : { allow: false, reason: "address" },
 * });
 * // ... CURVE server sockets of `context` ...
 * await zap.close();
 * await context.close();
 * ```
 */
export class ZapHandler implements AsyncDisposable {
  #socket: Socket;
  #authorize: (request: ZapRequest) => ZapVerdict;
  #serving: Promise<void> | undefined;
  #answered = 0;

  /**
   * Binds the handler and starts answering.
   *
   * @throws {NetGearError} When the context already has a ZAP handler.
   */
  constructor(options: ZapHandlerOptions) {
    this.#authorize = options.authorize;
    const socket = new Socket("REP", { context: options.context });
    socket.linger = 0;
    try {
      socket.bind(ZAP_ENDPOINT);
    } catch (error) {
      void socket.close();
      if (error instanceof ZmqError && error.code === "EADDRINUSE") {
        throw new NetGearError(
          "Cannot start a ZAP handler: this context already has one; give each secure receiver its own context",
          { cause: error },
        );
      }
      throw error;
    }
    this.#socket = socket;
    if (!options.deferStart) this.start();
  }

  /** Starts answering (once; later calls do nothing). */
  start(): void {
    if (!this.#socket.closed) this.#serving ??= this.#serve();
  }

  /** Requests answered so far. */
  get answered(): number {
    return this.#answered;
  }

  async #serve(): Promise<void> {
    const socket = this.#socket;
    while (!socket.closed) {
      let request: Uint8Array[];
      try {
        request = await socket.receive();
      } catch {
        return; // closed, or the context ended
      }
      try {
        await socket.send(this.#answer(request), { timeout: 1000 });
        this.#answered++;
      } catch {
        if (socket.closed) return;
      }
    }
  }

  /** The reply frames: version, request id, status code, status text, user id, metadata. */
  #answer(parts: Uint8Array[]): (string | Uint8Array)[] {
    const requestId = parts[1] ?? new Uint8Array(0);
    const reply = (code: string, text: string, userId = "") => [
      VERSION,
      requestId,
      code,
      text,
      userId,
      new Uint8Array(0),
    ];
    if (parts.length < 6 || decoder.decode(parts[0]) !== VERSION) {
      return reply("500", "Malformed ZAP request");
    }
    const mechanism = decoder.decode(parts[5]);
    const key = parts[6];
    const request: ZapRequest = {
      domain: decoder.decode(parts[2]),
      address: decoder.decode(parts[3]),
      routingId: parts[4],
      mechanism,
      ...(mechanism === "CURVE" && key?.byteLength === 32 ? { publicKey: z85Encode(key) } : {}),
    };
    let verdict: ZapVerdict;
    try {
      verdict = this.#authorize(request);
    } catch (error) {
      return reply("500", `Internal error: ${(error as Error).message}`.slice(0, 255));
    }
    return verdict.allow
      ? reply("200", "OK", verdict.userId ?? request.publicKey ?? "")
      : reply("400", verdict.reason.slice(0, 255));
  }

  /** Stops answering; connections still waiting for an answer fail. Safe to call twice. */
  async close(): Promise<void> {
    await this.#socket.close();
    await this.#serving;
  }

  /** Same as {@link ZapHandler.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
