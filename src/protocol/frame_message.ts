/**
 * Encoding the frame message a sender ("server") sends: a header and a payload part.
 *
 * @module
 */

import { checkFormat, checkPort, compressionJson, payloadFields, shapeJson } from "./_header.ts";
import { stringifyJson } from "./_json_write.ts";
import { preview } from "./_preview.ts";
import { encodeMsgpack } from "./_msgpack.ts";
import { utf8Encoder } from "./_text.ts";
import type { FramePayload } from "./frame_payload.ts";
import type { HeaderFormat } from "./header_format.ts";

/** A NetGear messaging pattern: `0` PAIR, `1` REQ/REP, `2` PUB/SUB. */
export type Pattern = 0 | 1 | 2;

/** The header settings of a frame message. */
export interface FrameMessageOptions {
  /**
   * The message sent with the frame: any JSON value with the JSON header; with the msgpack
   * header also binary data (`Uint8Array`), typed arrays and bigints. `undefined` is sent as
   * `null`.
   *
   * @default {null}
   */
  readonly message?: unknown;
  /**
   * The sender's pattern, written as the string `"0"`, `"1"` or `"2"`.
   *
   * @default {0}
   */
  readonly pattern?: Pattern;
  /**
   * Multi-server senders only: the sender's own port, exactly as the user gave it (a string or
   * a number). It is written as the first header key. Leave it out otherwise.
   */
  readonly port?: string | number;
  /**
   * The header encoding. Python vidgear reads only `"json"`.
   *
   * @default {"json"}
   */
  readonly headerFormat?: HeaderFormat;
  /**
   * When the frame was captured, in milliseconds since the Unix epoch (`Date.now()`'s clock).
   * Written as the last header key, `capture_time`, in seconds (Python's `time.time()`); a key of
   * ours, which vidgear peers ignore. Left out when undefined.
   */
  readonly captureTime?: number;
}

const JSON_HINT =
  'use headerFormat "msgpack" to send binary data, typed arrays, bigints and non-finite numbers to our receivers, or convert the value';

/**
 * Encodes a frame message: part 1 is the header, part 2 is the payload.
 *
 * The JSON header has vidgear's key order: `port` (only when given), `terminate_flag`,
 * `compression`, `message`, `pattern`, `dtype`, `shape`, then ours, `capture_time` (only when
 * given). With a JPEG payload `dtype` and `shape`
 * are `""`. Part 2 is `frame.data` (or `jpeg.bytes`) itself, not a copy.
 *
 * @param options The payload (`frame` or `jpeg`) and the header settings.
 * @returns The two message parts.
 * @throws {TypeError} When the message cannot be carried in the header format (the JSON header
 * refuses bigints, binary data, typed arrays, NaN and ±Infinity), or an option has the wrong
 * type.
 * @throws {RangeError} When the frame's shape is invalid or disagrees with its byte length, the
 * pattern is not 0, 1 or 2, or the JPEG colorspace is unknown.
 *
 * @example A raw frame with a message, pattern 1
 * ```ts
 * import { encodeFrameMessage } from "./frame_message.ts";
 * const frame = { shape: [2, 3, 3], dtype: "uint8" as const, data: new Uint8Array(18) };
 * const [header, payload] = encodeFrameMessage({ frame, message: { a: 1 }, pattern: 1 });
 * new TextDecoder().decode(header);
 * // '{"terminate_flag":false,"compression":false,"message":{"a":1},"pattern":"1","dtype":"uint8","shape":[2,3,3]}'
 * payload === frame.data; // true
 * ```
 *
 * @example A JPEG payload from a multi-server sender
 * ```ts
 * import { DEFAULT_JPEG_SETTINGS } from "./jpeg_settings.ts";
 * import { encodeFrameMessage } from "./frame_message.ts";
 * const jpeg = { bytes: new Uint8Array([0xff, 0xd8, 0xff, 0xd9]), settings: DEFAULT_JPEG_SETTINGS };
 * const parts = encodeFrameMessage({ jpeg, port: 5566, pattern: 2 });
 * parts.length; // 2
 * ```
 */
export function encodeFrameMessage(options: FramePayload & FrameMessageOptions): Uint8Array[] {
  const what = "the frame message";
  const { message = null, pattern = 0, port, headerFormat = "json", captureTime } = options;
  const fields = payloadFields(options.frame, options.jpeg, what);
  if (pattern !== 0 && pattern !== 1 && pattern !== 2) {
    throw new RangeError(`Cannot encode ${what}: pattern ${preview(pattern)} is not 0, 1 or 2`);
  }
  checkPort(port, what);
  if (captureTime !== undefined && !Number.isFinite(captureTime)) {
    throw new RangeError(
      `Cannot encode ${what}: captureTime ${preview(captureTime)} is not a finite number`,
    );
  }
  if (checkFormat(headerFormat, what) === "msgpack") {
    const header: Record<string, unknown> = {};
    if (port !== undefined) header.port = port;
    header.terminate_flag = false;
    header.compression = fields.compression;
    header.message = message;
    header.pattern = String(pattern);
    header.dtype = fields.dtype;
    header.shape = fields.shape;
    if (captureTime !== undefined) header.capture_time = captureTime / 1000;
    return [encodeMsgpack(header, what), fields.payload];
  }
  const json = (port === undefined ? "{" : `{"port":${JSON.stringify(port)},`) +
    `"terminate_flag":false,"compression":${compressionJson(fields.compression)},"message":${
      stringifyJson(message, "the message", JSON_HINT)
    },"pattern":"${pattern}","dtype":"${fields.dtype}","shape":${shapeJson(fields.shape)}${
      captureTime === undefined ? "" : `,"capture_time":${captureTime / 1000}`
    }}`;
  return [utf8Encoder.encode(json), fields.payload];
}
