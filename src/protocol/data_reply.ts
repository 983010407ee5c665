/**
 * Encoding the JSON (or msgpack) replies of bidirectional and multi-client receivers.
 *
 * @module
 */

import { isFrameLike } from "./_frame_like.ts";
import { checkFormat, checkPort, compressionJson, payloadFields, shapeJson } from "./_header.ts";
import { stringifyJson } from "./_json_write.ts";
import { encodeMsgpack } from "./_msgpack.ts";
import { utf8Encoder } from "./_text.ts";
import type { FramePayload } from "./frame_payload.ts";
import type { HeaderFormat } from "./header_format.ts";
import { pythonTypeName } from "./python_type.ts";

/** Settings shared by data and array replies. */
export interface ReplyOptions {
  /**
   * Multi-client receivers only: the receiver's own port, exactly as the user gave it. It is
   * written as the first key. Leave it out otherwise.
   */
  readonly port?: string | number;
  /**
   * The reply's encoding: the format the sender addressed the receiver in.
   *
   * @default {"json"}
   */
  readonly headerFormat?: HeaderFormat;
}

/** Settings of a data reply. */
export interface DataReplyOptions extends ReplyOptions {
  /**
   * The return data. A frame (`shape`, `dtype`, `data`) gives an array reply, as with
   * {@link encodeArrayReply}; `undefined` is sent as `null` (`"NoneType"`).
   *
   * @default {null}
   */
  readonly data?: unknown;
}

const JSON_HINT =
  'the sender addressed this receiver in JSON, so return JSON-compatible data (Python peers read only JSON), or have our sender use headerFormat "msgpack"';

/**
 * Encodes a bidirectional or multi-client reply: one part
 * `{["port": …,] "return_type": <Python type name>, "data": <value>}`. With nothing to return it
 * is `{"return_type": "NoneType", "data": null}`. A frame as data gives the two-part array reply
 * of {@link encodeArrayReply}.
 *
 * @param options The data, the port (multi-client) and the format.
 * @returns The reply parts: one, or two for a frame.
 * @throws {TypeError} When the data cannot be carried in the format (JSON refuses bigints,
 * binary data, typed arrays, NaN and ±Infinity), or an option has the wrong type.
 *
 * @example Bidirectional and multi-client replies
 * ```ts
 * import { encodeDataReply } from "./data_reply.ts";
 * const text = (parts: Uint8Array[]) => new TextDecoder().decode(parts[0]);
 * text(encodeDataReply()); // '{"return_type":"NoneType","data":null}'
 * text(encodeDataReply({ data: "back", port: "5690" }));
 * // '{"port":"5690","return_type":"str","data":"back"}'
 * ```
 */
export function encodeDataReply(options: DataReplyOptions = {}): Uint8Array[] {
  const what = "the reply";
  const { data = null, port, headerFormat = "json" } = options;
  if (isFrameLike(data)) return encodeArrayReply({ frame: data, port, headerFormat });
  checkPort(port, what);
  const returnType = pythonTypeName(data);
  if (checkFormat(headerFormat, what) === "msgpack") {
    const header = port === undefined
      ? { return_type: returnType, data }
      : { port, return_type: returnType, data };
    return [encodeMsgpack(header, what)];
  }
  const json = (port === undefined ? "{" : `{"port":${JSON.stringify(port)},`) +
    `"return_type":"${returnType}","data":${stringifyJson(data, "the reply data", JSON_HINT)}}`;
  return [utf8Encoder.encode(json)];
}

/**
 * Encodes a reply whose return data is an array: part 1
 * `{["port": …,] "return_type": "ndarray", "compression": false | {...}, "array_dtype": …,
 * "array_shape": […], "data": null}`, part 2 the frame's bytes (not a copy) or the JPEG bytes
 * (then `array_dtype` and `array_shape` are `""`).
 *
 * @param options The frame or JPEG payload, the port (multi-client) and the format.
 * @returns The two reply parts.
 * @throws {TypeError} When neither or both payloads are given, or an option has the wrong type.
 * @throws {RangeError} When the frame's shape is invalid or disagrees with its byte length, or
 * the JPEG colorspace is unknown.
 *
 * @example Return an int16 array
 * ```ts
 * import { encodeArrayReply } from "./data_reply.ts";
 * const frame = { shape: [1, 2], dtype: "int16" as const, data: new Uint8Array([1, 0, 2, 0]) };
 * const [header, payload] = encodeArrayReply({ frame });
 * new TextDecoder().decode(header);
 * // '{"return_type":"ndarray","compression":false,"array_dtype":"int16","array_shape":[1,2],"data":null}'
 * payload === frame.data; // true
 * ```
 */
export function encodeArrayReply(options: FramePayload & ReplyOptions): Uint8Array[] {
  const what = "the array reply";
  const { port, headerFormat = "json" } = options;
  const fields = payloadFields(options.frame, options.jpeg, what);
  checkPort(port, what);
  if (checkFormat(headerFormat, what) === "msgpack") {
    const header: Record<string, unknown> = {};
    if (port !== undefined) header.port = port;
    header.return_type = "ndarray";
    header.compression = fields.compression;
    header.array_dtype = fields.dtype;
    header.array_shape = fields.shape;
    header.data = null;
    return [encodeMsgpack(header, what), fields.payload];
  }
  const json = (port === undefined ? "{" : `{"port":${JSON.stringify(port)},`) +
    `"return_type":"ndarray","compression":${
      compressionJson(fields.compression)
    },"array_dtype":"${fields.dtype}","array_shape":${shapeJson(fields.shape)},"data":null}`;
  return [utf8Encoder.encode(json), fields.payload];
}
