/**
 * The NetGear error family: mode and protocol errors. Socket errors are `ZmqError` (from
 * `src/zmq/`); bad arguments are `TypeError`/`RangeError`.
 *
 * @module
 */

/** Base class of every NetGear mode or protocol error. */
export class NetGearError extends Error {
  /**
   * Creates the error.
   *
   * @param message What went wrong and what to do about it.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NetGearError";
  }
}

/** Why a peer's message was refused. */
export type ProtocolErrorReason =
  | "bad-parts"
  | "bad-header"
  | "missing-key"
  | "bad-dtype"
  | "bad-shape"
  | "size-mismatch"
  | "bad-compression"
  | "bad-reply";

/** A malformed message from a peer: counted and dropped by receivers, never fatal to them. */
export class ProtocolError extends NetGearError {
  /** A short machine-readable reason, used as the key of drop counters. */
  readonly reason: ProtocolErrorReason;

  /**
   * Creates the error.
   *
   * @param reason The machine-readable reason.
   * @param message The human-readable detail.
   * @param options Standard error options (`cause`).
   */
  constructor(reason: ProtocolErrorReason, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ProtocolError";
    this.reason = reason;
  }
}
