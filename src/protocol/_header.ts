// Header parts shared by messages and replies: reading untrusted headers and their keys,
// checking what our own encoders are asked to send, and writing the common pieces.

import {
  type DType,
  DTYPE_SIZES,
  type Frame,
  isDType,
  MAX_FRAME_ITEMS,
  shapeItems,
} from "../frame.ts";
import { ProtocolError, type ProtocolErrorReason } from "../errors.ts";
import { parseJson } from "./_json.ts";
import { decodeMsgpack } from "./_msgpack.ts";
import { preview } from "./_preview.ts";
import { detectHeaderFormat, type HeaderFormat, MAX_HEADER_DEPTH } from "./header_format.ts";
import { isJpegColorspace, JPEG_COLORSPACES } from "../codec/types.ts";
import type { JpegPayload, JpegSettings } from "./jpeg_settings.ts";

/** A parsed header: a plain object from JSON or msgpack. */
export type Header = Record<string, unknown>;

const DTYPE_NAMES = Object.keys(DTYPE_SIZES).join(", ");

// ---- Reading untrusted headers -------------------------------------------------------------

/**
 * Parses part 1 of a message or reply, JSON or msgpack by its first byte.
 *
 * @param what How messages name the part: `"the header"`, `"the reply"`.
 * @throws {ProtocolError} With `reason` when the bytes are not a JSON object or msgpack map.
 */
export function readHeader(
  part: Uint8Array,
  what: string,
  reason: ProtocolErrorReason,
): { header: Header; format: HeaderFormat } {
  const format = detectHeaderFormat(part);
  if (format === undefined) {
    const first = part.length === 0
      ? "it is empty"
      : `it starts with byte 0x${part[0].toString(16).padStart(2, "0")}`;
    throw new ProtocolError(
      reason,
      `Cannot decode ${what}: ${first}, which opens neither a JSON object nor a msgpack map; the peer must send a NetGear header`,
    );
  }
  let value: unknown;
  try {
    value = format === "json"
      ? parseJson(part, MAX_HEADER_DEPTH)
      : decodeMsgpack(part, MAX_HEADER_DEPTH);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ProtocolError(
      reason,
      `Cannot decode ${what} as ${
        format === "json" ? "JSON" : "msgpack"
      }: ${detail}; the peer must send a well-formed header`,
      { cause: error },
    );
  }
  if (!isPlainObject(value)) {
    throw new ProtocolError(
      reason,
      `Cannot decode ${what}: it is ${
        preview(value)
      }, not an object; the peer must send a NetGear header`,
    );
  }
  return { header: value, format };
}

function isPlainObject(value: unknown): value is Header {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Reads an optional `port`: a string or a number, kept exactly as received. */
export function readPort(
  header: Header,
  what: string,
  reason: ProtocolErrorReason,
): string | number | undefined {
  if (!Object.hasOwn(header, "port")) return undefined;
  const port = header.port;
  if (typeof port === "string" || (typeof port === "number" && Number.isFinite(port))) return port;
  throw new ProtocolError(
    reason,
    `Cannot decode ${what}: key "port" holds ${preview(port)}; a port is a string or a number`,
  );
}

/** Reads `compression`: `false`, or the JPEG settings object. */
export function readCompression(value: unknown, what: string): false | JpegSettings {
  if (value === false) return false;
  if (isPlainObject(value)) {
    const { dct, ups, colorspace } = value;
    if (typeof dct === "boolean" && typeof ups === "boolean" && isJpegColorspace(colorspace)) {
      return { dct, ups, colorspace };
    }
  }
  throw new ProtocolError(
    "bad-compression",
    `Cannot decode ${what}: key "compression" holds ${
      preview(value)
    }; it must be false or {"dct": bool, "ups": bool, "colorspace": one of ${
      JPEG_COLORSPACES.join(", ")
    }}`,
  );
}

/** Throws a `missing-key` error unless `header` has all `keys`. */
export function requireKeys(
  header: Header,
  keys: readonly string[],
  what: string,
  reason: ProtocolErrorReason = "missing-key",
): void {
  for (const key of keys) {
    if (!Object.hasOwn(header, key)) {
      throw new ProtocolError(
        reason,
        `Cannot decode ${what}: key "${key}" is missing; the peer must send every NetGear header key`,
      );
    }
  }
}

/**
 * Builds a frame over `payload` after checking `dtype` and `shape` against its length. The data
 * is a view of `payload`; it is copied only when its offset is not aligned for the dtype.
 *
 * @param keys The header keys naming dtype and shape, for messages.
 */
export function readFrame(
  dtype: unknown,
  shape: unknown,
  payload: Uint8Array,
  what: string,
  keys: readonly [string, string] = ["dtype", "shape"],
): Frame {
  if (!isDType(dtype)) {
    throw new ProtocolError(
      "bad-dtype",
      `Cannot decode ${what}: key "${keys[0]}" holds ${
        preview(dtype)
      }; the dtype must be one of ${DTYPE_NAMES}`,
    );
  }
  const items = shapeItems(shape);
  if (items === undefined) {
    throw new ProtocolError(
      "bad-shape",
      `Cannot decode ${what}: key "${keys[1]}" holds ${
        preview(shape)
      }; a shape is 1 to 32 non-negative integers holding at most ${MAX_FRAME_ITEMS} items`,
    );
  }
  const size = DTYPE_SIZES[dtype];
  if (payload.byteLength !== items * size) {
    throw new ProtocolError(
      "size-mismatch",
      `Cannot decode ${what}: a ${dtype} frame of shape ${preview(shape)} needs ${
        items * size
      } bytes, but the payload holds ${payload.byteLength}; the peer must send dtype, shape and bytes that agree`,
    );
  }
  const data = payload.byteOffset % size === 0 ? payload : payload.slice();
  return { shape: shape as number[], dtype, data };
}

/** Reads an optional `pattern`: `"0"`, `"1"`, `"2"` (or the numbers), else `undefined`. */
export function readPattern(value: unknown): 0 | 1 | 2 | undefined {
  switch (value) {
    case "0":
    case 0:
      return 0;
    case "1":
    case 1:
      return 1;
    case "2":
    case 2:
      return 2;
    default:
      return undefined;
  }
}

/** Re-raises a protocol error from a reply as `bad-reply`, keeping its detail. */
export function asBadReply(error: unknown): never {
  if (error instanceof ProtocolError && error.reason !== "bad-reply") {
    throw new ProtocolError("bad-reply", error.message, { cause: error });
  }
  throw error;
}

// ---- Checking and writing what we send -----------------------------------------------------

/** What a frame or a JPEG payload contributes to a header. */
export interface PayloadFields {
  readonly compression: false | JpegSettings;
  readonly dtype: DType | "";
  readonly shape: readonly number[] | "";
  readonly payload: Uint8Array;
}

/**
 * Checks the frame or JPEG payload a caller asks us to send and returns its header fields.
 *
 * @throws {TypeError} When neither or both are given, or a value has the wrong type.
 * @throws {RangeError} When a frame's shape is invalid or disagrees with its byte length.
 */
export function payloadFields(
  frame: Frame | undefined,
  jpeg: JpegPayload | undefined,
  what: string,
): PayloadFields {
  if ((frame === undefined) === (jpeg === undefined)) {
    throw new TypeError(`Cannot encode ${what}: pass exactly one of "frame" and "jpeg"`);
  }
  if (frame !== undefined) {
    const { dtype, shape, data } = frame;
    if (!isDType(dtype)) {
      throw new TypeError(
        `Cannot encode ${what}: frame dtype ${
          preview(dtype)
        } is unknown; use one of ${DTYPE_NAMES}`,
      );
    }
    if (!(data instanceof Uint8Array)) {
      throw new TypeError(
        `Cannot encode ${what}: frame data is ${preview(data)}; it must be a Uint8Array`,
      );
    }
    const items = shapeItems(shape);
    if (items === undefined) {
      throw new RangeError(
        `Cannot encode ${what}: frame shape ${
          preview(shape)
        } is invalid; use 1 to 32 non-negative integers`,
      );
    }
    if (items * DTYPE_SIZES[dtype] !== data.byteLength) {
      throw new RangeError(
        `Cannot encode ${what}: a ${dtype} frame of shape ${preview(shape)} needs ${
          items * DTYPE_SIZES[dtype]
        } bytes, but its data holds ${data.byteLength}; fix the shape or the data`,
      );
    }
    return { compression: false, dtype, shape, payload: data };
  }
  const { bytes, settings } = jpeg!;
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(
      `Cannot encode ${what}: JPEG bytes are ${preview(bytes)}; they must be a Uint8Array`,
    );
  }
  const { dct, ups, colorspace } = settings ?? {};
  if (typeof dct !== "boolean" || typeof ups !== "boolean") {
    throw new TypeError(
      `Cannot encode ${what}: JPEG settings "dct" and "ups" must be booleans, got ${
        preview(dct)
      } and ${preview(ups)}`,
    );
  }
  if (!isJpegColorspace(colorspace)) {
    throw new RangeError(
      `Cannot encode ${what}: JPEG colorspace ${preview(colorspace)} is unknown; use one of ${
        JPEG_COLORSPACES.join(", ")
      }`,
    );
  }
  return { compression: { dct, ups, colorspace }, dtype: "", shape: "", payload: bytes };
}

/** Checks an optional port to write. */
export function checkPort(port: unknown, what: string): void {
  if (port === undefined || typeof port === "string") return;
  if (typeof port === "number" && Number.isFinite(port)) return;
  throw new TypeError(
    `Cannot encode ${what}: port ${
      preview(port)
    } must be a string or a number, as the user gave it`,
  );
}

/** Checks a header format option. */
export function checkFormat(format: unknown, what: string): HeaderFormat {
  if (format === "json" || format === "msgpack") return format;
  throw new TypeError(
    `Cannot encode ${what}: header format ${preview(format)} is unknown; use "json" or "msgpack"`,
  );
}

/** The JSON text of a `compression` value. */
export function compressionJson(compression: false | JpegSettings): string {
  return compression === false
    ? "false"
    : `{"dct":${compression.dct},"ups":${compression.ups},"colorspace":"${compression.colorspace}"}`;
}

/** The JSON text of a validated shape (or `""`). */
export function shapeJson(shape: readonly number[] | ""): string {
  return shape === "" ? '""' : `[${shape.join(",")}]`;
}
