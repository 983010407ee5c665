/**
 * Decoding what a receiver answers, from untrusted bytes.
 *
 * @module
 */

import { ProtocolError } from "../errors.ts";
import {
  asBadReply,
  readCompression,
  readFrame,
  readHeader,
  readPort,
  requireKeys,
} from "./_header.ts";
import { utf8Decoder } from "./_text.ts";
import type { FramePayload } from "./frame_payload.ts";
import { detectHeaderFormat, type HeaderFormat } from "./header_format.ts";

/** A plain-text reply: a frame acknowledgement or a terminate ack. */
export interface TextReply {
  /** Tells the reply kinds apart. */
  readonly kind: "text";
  /** The text, e.g. `Data received on device: AB12CD34 !`. */
  readonly text: string;
}

/** A bidirectional or multi-client reply carrying a value. */
export interface DataReply {
  /** Tells the reply kinds apart. */
  readonly kind: "data";
  /** The multi-client receiver's own port, exactly as received. */
  readonly port?: string | number;
  /** The Python type name of `data` (`"str"`, `"dict"`, `"NoneType"`, …), as received. */
  readonly returnType: string;
  /** The returned value. */
  readonly data: unknown;
  /** The reply's encoding. */
  readonly format: HeaderFormat;
}

/** The header fields of a reply carrying an array; the payload fields come with them. */
export interface ArrayReplyHeader {
  /** Tells the reply kinds apart. */
  readonly kind: "array";
  /** The multi-client receiver's own port, exactly as received. */
  readonly port?: string | number;
  /** The reply's encoding. */
  readonly format: HeaderFormat;
}

/** A reply carrying an array: a raw `frame` (a view of part 2) or a `jpeg` payload. */
export type ArrayReply = ArrayReplyHeader & FramePayload;

/** Anything a receiver answers with. */
export type Reply = TextReply | DataReply | ArrayReply;

/**
 * Decodes a receiver's reply. A single part that opens neither a JSON object nor a msgpack map
 * is text; otherwise the header must be a well-formed `{"return_type": …, "data": …}` (one
 * part), or an `"ndarray"` header plus its payload (two parts), checked as strictly as frame
 * messages are.
 *
 * @param parts The received reply parts (without any REQ/REP envelope).
 * @returns The text, data or array reply.
 * @throws {ProtocolError} With reason `"bad-reply"` when the reply is malformed; the message
 * says what was wrong.
 *
 * @example Text and data replies
 * ```ts
 * import { decodeReply } from "./decode_reply.ts";
 * const bytes = (text: string) => new TextEncoder().encode(text);
 * decodeReply([bytes("Data received on device: AB12CD34 !")]);
 * // { kind: "text", text: "Data received on device: AB12CD34 !" }
 * decodeReply([bytes('{"port": "5690", "return_type": "str", "data": "back"}')]);
 * // { kind: "data", port: "5690", returnType: "str", data: "back", format: "json" }
 * ```
 */
export function decodeReply(parts: readonly Uint8Array[]): Reply {
  if (parts.length !== 1 && parts.length !== 2) {
    throw new ProtocolError(
      "bad-reply",
      `Cannot decode a ${parts.length}-part reply: a receiver answers with 1 part, or 2 for an array`,
    );
  }
  const what = "the reply";
  if (detectHeaderFormat(parts[0]) === undefined) {
    if (parts.length !== 1) {
      throw new ProtocolError(
        "bad-reply",
        "Cannot decode a 2-part reply whose first part is not a header: only array replies have 2 parts",
      );
    }
    try {
      return { kind: "text", text: utf8Decoder.decode(parts[0]) };
    } catch (error) {
      throw new ProtocolError(
        "bad-reply",
        "Cannot decode the text reply: it is not valid UTF-8",
        { cause: error },
      );
    }
  }
  try {
    const { header, format } = readHeader(parts[0], what, "bad-reply");
    requireKeys(header, ["return_type"], what, "bad-reply");
    const returnType = header.return_type;
    if (typeof returnType !== "string") {
      throw new ProtocolError(
        "bad-reply",
        `Cannot decode ${what}: key "return_type" must be a Python type name string`,
      );
    }
    const port = readPort(header, what, "bad-reply");
    const portField = port === undefined ? {} : { port };
    if (returnType !== "ndarray") {
      if (parts.length !== 1) {
        throw new ProtocolError(
          "bad-reply",
          `Cannot decode a 2-part reply of return_type "${returnType}": only "ndarray" replies have 2 parts`,
        );
      }
      requireKeys(header, ["data"], what, "bad-reply");
      return { kind: "data", ...portField, returnType, data: header.data, format };
    }
    if (parts.length !== 2) {
      throw new ProtocolError(
        "bad-reply",
        'Cannot decode a 1-part reply of return_type "ndarray": the array travels in a second part',
      );
    }
    requireKeys(header, ["compression"], what, "bad-reply");
    const compression = readCompression(header.compression, what);
    if (compression !== false) {
      return {
        kind: "array",
        ...portField,
        format,
        jpeg: { bytes: parts[1], settings: compression },
      };
    }
    requireKeys(header, ["array_dtype", "array_shape"], what, "bad-reply");
    const frame = readFrame(header.array_dtype, header.array_shape, parts[1], "the array reply", [
      "array_dtype",
      "array_shape",
    ]);
    return { kind: "array", ...portField, format, frame };
  } catch (error) {
    return asBadReply(error);
  }
}
