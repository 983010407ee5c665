/**
 * ZeroMQ for Deno, through FFI to libzmq: contexts, sockets of every classic type, multipart
 * messages, polling, socket options as typed properties, CURVE keys.
 *
 * libzmq is found in this order: the `NETGEAR_LIBZMQ` environment variable (a file path, or
 * `bundled`), the OS library names (`libzmq.so.5`, `libzmq.dylib`, `libzmq.dll`, …), then the
 * copy inside the npm `zeromq` package's native addon.
 *
 * @example Push and pull over loopback
 * ```ts ignore
 * import { Socket } from "./mod.ts";
 * await using pull = new Socket("PULL");
 * pull.bind("tcp://127.0.0.1:*");
 * await using push = new Socket("PUSH");
 * push.connect(pull.lastEndpoint);
 * await push.send(["header", new Uint8Array([1, 2, 3])]);
 * const [header, body] = await pull.receive();
 * ```
 *
 * @module
 */

export { Context, type ContextOptions } from "./context.ts";
export { LeasedMessage } from "./lease.ts";
export {
  type Message,
  type MessagePart,
  type MonitorEventRecord,
  type OperationOptions,
  type SendOptions,
  Socket,
  SocketMonitor,
  type SocketOptions,
} from "./socket.ts";
export { MonitorEvent, PollEvent, SocketType, type SocketTypeName } from "./constants.ts";
export { ZmqError } from "./errors.ts";
export { type CurveKeyPair, curveKeyPair, curvePublicKey, z85Decode, z85Encode } from "./curve.ts";
export { type LibzmqInfo, libzmqInfo, zmqHas, zmqVersion } from "./library.ts";
export { type MemoryTuning, type MemoryTuningOptions, tuneMemory } from "./memory.ts";
