/**
 * The NetGear wire protocol: encoding and decoding the messages Python vidgear's NetGear and
 * this library exchange, and validating untrusted input. Pure functions over byte parts; it
 * knows nothing of sockets.
 *
 * - Sender → receiver: {@link encodeFrameMessage}, {@link encodeTerminateMessage}, and
 *   {@link decodeMessage} on the other end.
 * - Receiver → sender: {@link encodeAckReply}, {@link encodeTerminateAck},
 *   {@link encodeDataReply}, {@link encodeArrayReply}, and {@link decodeReply} on the other end.
 *
 * Headers are JSON by default (what Python peers read and write) or, opt-in, msgpack, which
 * also carries binary data, typed arrays and bigints.
 *
 * @example A frame, there and back
 * ```ts
 * import { decodeMessage, encodeFrameMessage } from "./mod.ts";
 *
 * const frame = { shape: [480, 640, 3], dtype: "uint8" as const, data: new Uint8Array(921600) };
 * const parts = encodeFrameMessage({ frame, message: { camera: "porch" }, pattern: 1 });
 * const received = decodeMessage(parts);
 * if (received.kind === "frame" && received.frame) {
 *   received.frame.data === frame.data; // true: no copy
 *   received.message; // { camera: "porch" }
 * }
 * ```
 *
 * @module
 */

// Frame and colourspace types appear in this API: re-exported (the same bindings as their own
// modules export) so that it documents completely on its own.
export { type DType, DTYPE_SIZES, type Frame } from "../frame.ts";
export { JPEG_COLORSPACES, type JpegColorspace } from "../codec/types.ts";
export * from "./ack_reply.ts";
export * from "./data_reply.ts";
export * from "./decode_message.ts";
export * from "./decode_reply.ts";
export * from "./device_id.ts";
export * from "./frame_message.ts";
export * from "./frame_payload.ts";
export * from "./header_format.ts";
export * from "./jpeg_settings.ts";
export * from "./msgpack_extension.ts";
export * from "./python_type.ts";
export * from "./terminate_message.ts";
