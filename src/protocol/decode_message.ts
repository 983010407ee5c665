/**
 * Decoding what a sender sends: frame messages and terminates, from untrusted bytes.
 *
 * @module
 */

import { ProtocolError } from "../errors.ts";
import {
  readCompression,
  readFrame,
  readHeader,
  readPattern,
  readPort,
  requireKeys,
} from "./_header.ts";
import type { Pattern } from "./frame_message.ts";
import type { FramePayload } from "./frame_payload.ts";
import type { HeaderFormat } from "./header_format.ts";

/** The header fields of a received frame message; the payload fields come with them. */
export interface FrameMessageHeader {
  /** Tells a frame message from a terminate. */
  readonly kind: "frame";
  /** The sender's self-declared port (multi-server senders), exactly as received. */
  readonly port?: string | number;
  /** The sender's message; `null` when the header has none. */
  readonly message: unknown;
  /** The sender's pattern, when the header names one of `"0"`, `"1"`, `"2"`. */
  readonly pattern?: Pattern;
  /** The header's encoding: answer in the same one. */
  readonly format: HeaderFormat;
  /**
   * When the sender says the frame was captured (its `capture_time` key, a key of ours), in
   * milliseconds since the Unix epoch; undefined when the header has none, or not a finite
   * number (a peer's odd value is ignored, not refused: the key is optional).
   */
  readonly captureTime?: number;
}

/**
 * A received frame message: a raw `frame` (a view of the received payload) or a `jpeg`
 * payload still to decode, with the header fields.
 */
export type FrameMessage = FrameMessageHeader & FramePayload;

/** A received terminate: the sender is closing. */
export interface TerminateMessage {
  /** Tells a terminate from a frame message. */
  readonly kind: "terminate";
  /** The port of the multi-server sender that is leaving, exactly as received. */
  readonly port?: string | number;
  /** The header's encoding. */
  readonly format: HeaderFormat;
}

/** Anything a sender sends. */
export type NetGearMessage = FrameMessage | TerminateMessage;

/**
 * Decodes a message from a sender, refusing anything malformed with a {@link ProtocolError}
 * whose `reason` a receiver can count.
 *
 * The header is JSON (Python peers included: `NaN`, `Infinity` and `-Infinity` are accepted) or
 * msgpack, told apart by its first byte. No size from the header is trusted: dtype and shape
 * are checked against the payload actually received before anything is built, and the
 * frame's data is a view of the payload, copied only if its offset is misaligned for the dtype.
 *
 * | problem | `reason` |
 * |---|---|
 * | not 1 part (terminate) or 2 parts (frame) | `bad-parts` |
 * | header neither a JSON object nor a msgpack map, malformed, nesting deeper than 256, a key of the wrong type | `bad-header` |
 * | `terminate_flag`, `compression`, or (raw frames) `dtype`/`shape` missing | `missing-key` |
 * | dtype unknown | `bad-dtype` |
 * | shape not 1 to 32 non-negative integers, or too many items | `bad-shape` |
 * | payload length ≠ product(shape) × item size | `size-mismatch` |
 * | `compression` neither `false` nor a valid settings object | `bad-compression` |
 *
 * @param parts The received message parts (without any REQ/REP envelope).
 * @returns The frame message or terminate.
 * @throws {ProtocolError} When the message is malformed.
 *
 * @example Decode a header as a Python peer writes it
 * ```ts
 * import { decodeMessage } from "./decode_message.ts";
 * const header = new TextEncoder().encode(
 *   '{"terminate_flag": false, "compression": false, "message": NaN, "pattern": "1", "dtype": "uint8", "shape": [2, 2]}',
 * );
 * const decoded = decodeMessage([header, new Uint8Array(4)]);
 * if (decoded.kind === "frame" && decoded.frame) {
 *   decoded.frame.shape; // [2, 2]
 *   decoded.message; // NaN
 * }
 * ```
 *
 * @example Refuse a payload that does not match its shape
 * ```ts
 * import { ProtocolError } from "../errors.ts";
 * import { decodeMessage } from "./decode_message.ts";
 * const header = new TextEncoder().encode(
 *   '{"terminate_flag": false, "compression": false, "dtype": "uint8", "shape": [480, 640]}',
 * );
 * try {
 *   decodeMessage([header, new Uint8Array(10)]);
 * } catch (error) {
 *   (error as ProtocolError).reason; // "size-mismatch"
 * }
 * ```
 */
export function decodeMessage(parts: readonly Uint8Array[]): NetGearMessage {
  if (parts.length !== 1 && parts.length !== 2) {
    throw new ProtocolError(
      "bad-parts",
      `Cannot decode a ${parts.length}-part message: a sender sends a 1-part terminate or a 2-part frame message`,
    );
  }
  const what = "the message header";
  const { header, format } = readHeader(parts[0], what, "bad-header");
  requireKeys(header, ["terminate_flag"], what);
  const terminate = header.terminate_flag;
  if (typeof terminate !== "boolean") {
    throw new ProtocolError(
      "bad-header",
      `Cannot decode ${what}: key "terminate_flag" must be true or false`,
    );
  }
  const port = readPort(header, what, "bad-header");
  if (terminate) {
    if (parts.length !== 1) {
      throw new ProtocolError(
        "bad-parts",
        `Cannot decode a terminate of ${parts.length} parts: a terminate has exactly 1 part`,
      );
    }
    return port === undefined ? { kind: "terminate", format } : { kind: "terminate", port, format };
  }
  if (parts.length !== 2) {
    throw new ProtocolError(
      "bad-parts",
      "Cannot decode a 1-part frame message: a frame message has a header and a payload part",
    );
  }
  requireKeys(header, ["compression"], what);
  const compression = readCompression(header.compression, what);
  const message = Object.hasOwn(header, "message") ? header.message : null;
  const pattern = readPattern(header.pattern);
  const captureSeconds = header.capture_time;
  const payload = parts[1];
  const base: FrameMessageHeader = {
    kind: "frame",
    ...(port === undefined ? {} : { port }),
    message,
    ...(pattern === undefined ? {} : { pattern }),
    format,
    ...(typeof captureSeconds === "number" && Number.isFinite(captureSeconds)
      ? { captureTime: captureSeconds * 1000 }
      : {}),
  };
  if (compression !== false) {
    return { ...base, jpeg: { bytes: payload, settings: compression } };
  }
  requireKeys(header, ["dtype", "shape"], what);
  return { ...base, frame: readFrame(header.dtype, header.shape, payload, "the frame") };
}
