/**
 * NetGear for Deno: stream video frames, plus any data, from many servers (cameras) to one
 * client over ZeroMQ, wire-compatible with Python vidgear's NetGear.
 *
 * @example Build a frame
 * ```ts
 * import { createFrame } from "./mod.ts";
 * const frame = createFrame(new Uint8Array(480 * 640 * 3), [480, 640, 3]);
 * ```
 *
 * @module
 */

export {
  createFrame,
  type DType,
  DTYPE_SIZES,
  type Frame,
  frameByteLength,
  isDType,
  MAX_FRAME_ITEMS,
  shapeItems,
} from "./src/frame.ts";
export { NetGearError, ProtocolError, type ProtocolErrorReason } from "./src/errors.ts";
