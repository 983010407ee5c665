/**
 * NetGear for Deno: stream video frames, plus any data, from many servers (cameras) to one
 * client over ZeroMQ, wire-compatible with Python vidgear's NetGear.
 *
 * @example A multi-server client collecting frames from its servers
 * ```ts ignore
 * import { NetGear } from "./mod.ts";
 * const client = new NetGear({
 *   address: "127.0.0.1", port: [5566, 5567], pattern: 1, receiveMode: true, multiserverMode: true,
 * });
 * for await (const { port, frame, message } of client) {
 *   console.log(port, frame.shape, message);
 * } // ends once every server has gone
 * await client.close();
 * ```
 *
 * @example A server sending frames with data
 * ```ts ignore
 * import { createFrame, NetGear } from "./mod.ts";
 * await using server = new NetGear({ address: "127.0.0.1", port: 5566, pattern: 1, multiserverMode: true });
 * const frame = createFrame(new Uint8Array(480 * 640 * 3), [480, 640, 3]);
 * await server.send(frame, { message: "I'm Server-1" });
 * ```
 *
 * @module
 */

export * from "./src/netgear/mod.ts";

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
export { type MemoryTuning, type MemoryTuningOptions, tuneMemory } from "./src/zmq/memory.ts";
export { NetGearError, ProtocolError, type ProtocolErrorReason } from "./src/errors.ts";
