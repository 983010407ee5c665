/**
 * Secure mode inside NetGear: loads the keys of the role from the key folder, puts CURVE on
 * every socket, and on a receiver runs the ZAP handler on a context of its own and counts the
 * connections it refuses.
 *
 * @module
 */

import { NetGearError } from "../errors.ts";
import {
  Context,
  libzmqInfo,
  MonitorEvent,
  type MonitorEventRecord,
  type Socket,
  zmqHas,
} from "../zmq/mod.ts";
import {
  generateKeys,
  keyFolder,
  readPublicKeys,
  ZapHandler,
  type ZapRequest,
} from "../secure/mod.ts";
import {
  isEmptyKeyFolder,
  type KeyFolder,
  readReceiverKeys,
  readSenderKeys,
} from "../secure/key_folder.ts";
import type { ResolvedOptions } from "./options.ts";

/**
 * Why a receiver refused a connection: `unknown-key` (IronHouse: the key is not in
 * public_keys), `address` (not on `allowedAddresses`), `plaintext` (the peer is not in secure
 * mode, or hung up during the handshake, which libzmq reports alike), `wrong-server-key` (the
 * peer does not hold this receiver's server key), `handshake` (any other failed handshake).
 */
export type RefusalReason =
  | "unknown-key"
  | "address"
  | "plaintext"
  | "wrong-server-key"
  | "handshake";

/** A connection a secure receiver refused. Peers retry, so one peer makes many. */
export interface Refusal {
  /** Why. */
  readonly reason: RefusalReason;
  /** The peer's IP address, when known (refusals by the ZAP handler). */
  readonly address?: string;
  /** The peer's public key, when known (refusals by the ZAP handler). */
  readonly publicKey?: string;
  /** This receiver's endpoint the peer reached, when known (failed handshakes). */
  readonly endpoint?: string;
}

/** What secure mode needs from its NetGear. */
export interface SecurityHooks {
  /** Logs a line (when logging is on). */
  log: (text: string) => void;
  /** Called for each refused connection. */
  onRefused?: (refusal: Refusal) => void;
}

const ZAP_DOMAIN = "netgear";
// libzmq's protocol error codes (zmq.h, ZMQ_PROTOCOL_ERROR_ZMTP_*).
const CRYPTOGRAPHIC = 0x11000001;
const MECHANISM_MISMATCH = 0x11000002;
// The errno of a failed handshake whose peer hung up (libzmq reports end of file as EPIPE).
const EPIPE = 32;
const LOG_EVERY_MS = 10_000;

/** Secure mode of one NetGear: CURVE settings for its sockets and, on a receiver, the ZAP side. */
export class Security {
  /** The context the NetGear's sockets use: a receiver's own (its ZAP handler's), else the default. */
  readonly context: Context | undefined;
  readonly #options: ResolvedOptions;
  readonly #hooks: SecurityHooks;
  readonly #keys: { publicKey: string; secretKey: string; serverKey?: string };
  readonly #allowedKeys: Set<string> | undefined;
  readonly #allowedAddresses: Set<string> | undefined;
  #zap: ZapHandler | undefined;
  #refused: Record<string, number> = {};
  #loggedAt = new Map<string, number>();
  #lastFailure: string | undefined;

  /**
   * Loads or makes the keys and, on a receiver, starts the ZAP handler.
   *
   * @throws {NetGearError} When libzmq lacks CURVE, or the key folder is unusable.
   */
  constructor(options: ResolvedOptions, hooks: SecurityHooks) {
    this.#options = options;
    this.#hooks = hooks;
    if (!zmqHas("curve")) {
      const { path, version } = libzmqInfo();
      throw new NetGearError(
        `Cannot use secure mode: the libzmq loaded from "${path}" (${
          version.join(".")
        }) was built without CURVE; install one built with libsodium (Debian/Ubuntu: libzmq5, macOS: brew install zeromq) or point NETGEAR_LIBZMQ at it`,
      );
    }
    const folder = this.#prepareFolder();
    if (options.receiveMode) {
      this.#keys = readOrExplain(folder, () => readReceiverKeys(folder));
      this.#allowedKeys = options.secureMode === 2
        ? new Set(readOrExplain(folder, () => readPublicKeys(folder.publicKeysDir)))
        : undefined;
      this.#allowedAddresses = options.allowedAddresses
        ? new Set(options.allowedAddresses)
        : undefined;
      this.context = new Context();
      try {
        this.#zap = new ZapHandler({
          context: this.context,
          authorize: (request) => this.#authorize(request),
          deferStart: true,
        });
      } catch (error) {
        void this.context.close();
        throw error;
      }
    } else {
      const { client, serverPublicKey } = readOrExplain(folder, () => readSenderKeys(folder));
      this.#keys = { ...client, serverKey: serverPublicKey };
      this.#allowedKeys = undefined;
      this.#allowedAddresses = undefined;
      this.context = undefined;
    }
  }

  /** Refused connections by reason (receiver). */
  get refused(): Readonly<Record<string, number>> {
    return { ...this.#refused };
  }

  /** The last failed handshake a sender saw, as advice for its timeout error. */
  get lastFailure(): string | undefined {
    return this.#lastFailure;
  }

  /** Sets a socket's CURVE options; call before it binds or connects. */
  configure(socket: Socket): void {
    socket.curveSecretKey = this.#keys.secretKey;
    socket.curvePublicKey = this.#keys.publicKey;
    if (this.#keys.serverKey === undefined) {
      socket.curveServer = true;
      socket.zapDomain = ZAP_DOMAIN;
    } else {
      socket.curveServerKey = this.#keys.serverKey;
    }
  }

  /**
   * The socket monitor events secure mode reads (see {@link Security.handshakeEvent}): failed
   * handshakes, and on a sender the successful ones too, so that an old failure does not
   * explain a later timeout.
   */
  get monitorEvents(): number {
    const failures = MonitorEvent.HANDSHAKE_FAILED_NO_DETAIL |
      MonitorEvent.HANDSHAKE_FAILED_PROTOCOL | MonitorEvent.HANDSHAKE_FAILED_AUTH;
    return this.#options.receiveMode ? failures : failures | MonitorEvent.HANDSHAKE_SUCCEEDED;
  }

  /** Starts the ZAP handler once the receiver's socket is bound. */
  start(): void {
    this.#zap?.start();
  }

  /**
   * Ends everything at once, synchronously: for a NetGear whose constructor fails before
   * {@link Security.start}, when nothing of it is in flight yet.
   */
  abort(): void {
    void this.#zap?.close();
    // Its sockets are idle, so the context's exit path ends it now rather than in the background.
    this.context?.endAtExit();
  }

  /** Stops the ZAP handler and the receiver's context. Safe to call twice. */
  async close(): Promise<void> {
    await this.#zap?.close();
    await this.context?.close();
  }

  /** Finds the key folder, making it where none exists (as vidgear does), or anew on request. */
  #prepareFolder(): KeyFolder {
    const o = this.#options;
    const location = o.certLocation;
    const folder = keyFolder(location);
    if (o.overwriteCert && o.receiveMode) {
      this.#hooks.log("overwriteCert is ignored on a receiver (as in vidgear): keys are kept");
    }
    if (o.overwriteCert && !o.receiveMode) {
      generateKeys(location, { overwrite: true });
      this.#hooks.log(`made new keys in ${folder.path}: copy this folder to the receiver`);
    } else if (isEmptyKeyFolder(folder)) {
      generateKeys(location);
      this.#hooks.log(`made new keys in ${folder.path}: copy this folder to every peer`);
    }
    return folder;
  }

  #authorize(request: ZapRequest): { allow: true } | { allow: false; reason: string } {
    const { address, publicKey } = request;
    let reason: RefusalReason | undefined;
    if (this.#allowedAddresses && !this.#allowedAddresses.has(address)) reason = "address";
    else if (request.mechanism !== "CURVE" || publicKey === undefined) reason = "plaintext";
    else if (this.#allowedKeys && !this.#allowedKeys.has(publicKey)) reason = "unknown-key";
    if (reason === undefined) return { allow: true };
    this.#refuse({ reason, address, ...(publicKey ? { publicKey } : {}) });
    return { allow: false, reason };
  }

  /** Reads one of the {@link Security.monitorEvents} of the NetGear's socket. */
  handshakeEvent({ event, value, endpoint }: MonitorEventRecord): void {
    if (!this.#options.receiveMode) {
      this.#lastFailure = event === MonitorEvent.HANDSHAKE_SUCCEEDED
        ? undefined
        : event === MonitorEvent.HANDSHAKE_FAILED_AUTH
        ? "the receiver refused this server's key or address"
        : value === MECHANISM_MISMATCH
        ? "the receiver is not in secure mode"
        : "the secure handshake failed; does public_keys/server.key hold the receiver's key?";
      return;
    }
    if (event === MonitorEvent.HANDSHAKE_FAILED_AUTH) return; // the ZAP handler counted it
    this.#refuse({ reason: handshakeRefusal(event, value), endpoint });
  }

  #refuse(refusal: Refusal): void {
    const count = (this.#refused[refusal.reason] ?? 0) + 1;
    this.#refused[refusal.reason] = count;
    // Refused peers retry every few hundred milliseconds: log each kind now and then only.
    const who = `${refusal.reason} ${refusal.address ?? refusal.endpoint ?? ""}`;
    const now = performance.now();
    if (now - (this.#loggedAt.get(who) ?? -Infinity) >= LOG_EVERY_MS) {
      this.#loggedAt.set(who, now);
      const from = refusal.address ? ` from ${refusal.address}` : "";
      const key = refusal.publicKey ? ` (key ${refusal.publicKey})` : "";
      const at = refusal.endpoint ? ` at ${refusal.endpoint}` : "";
      this.#hooks.log(
        `refused a connection${from}${at}${key}: ${
          ADVICE[refusal.reason]
        } (${count} ${refusal.reason} so far)`,
      );
    }
    this.#hooks.onRefused?.(refusal);
  }
}

/**
 * Why a receiver's handshake failed; libzmq reports one failure per connection.
 *
 * A peer not in secure mode is refused by whichever end reads the other's greeting first, as
 * both check the mechanism: a race on every connection. When the receiver wins, it reports the
 * mismatch. When the peer wins, the peer hangs up before its own mechanism reaches the receiver,
 * which reports only the hang-up (`NO_DETAIL`, EPIPE), and that is every plaintext socket's last
 * connection, since libzmq reconnects after a hang-up but not after a mismatch. So a hang-up
 * counts as `plaintext` too. A receiver cannot tell it from any other peer that hangs up
 * mid-handshake (a port probe, a process ended then), which counts so as well; refused secure
 * peers never hang up first: the receiver finds the wrong server key, the ZAP handler the rest.
 */
function handshakeRefusal(event: number, value: number): RefusalReason {
  if (event === MonitorEvent.HANDSHAKE_FAILED_PROTOCOL) {
    if (value === MECHANISM_MISMATCH) return "plaintext";
    if (value === CRYPTOGRAPHIC) return "wrong-server-key";
    return "handshake";
  }
  return value === EPIPE ? "plaintext" : "handshake";
}

const ADVICE: Record<RefusalReason, string> = {
  "unknown-key": "its key is not in public_keys (IronHouse)",
  address: "its address is not on allowedAddresses",
  plaintext: "it is not in secure mode (or it hung up during the handshake)",
  "wrong-server-key": "it does not hold this receiver's server key",
  handshake: "the secure handshake failed",
};

/** Runs a key-folder read, turning a missing file into advice. */
function readOrExplain<T>(folder: KeyFolder, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new NetGearError(
        `Cannot start secure mode: the key folder "${folder.path}" is incomplete (${
          (error as Error).message
        }); copy the complete folder from the receiver, or make one with generateKeys() (a sender may pass overwriteCert: true)`,
        { cause: error },
      );
    }
    throw error;
  }
}
