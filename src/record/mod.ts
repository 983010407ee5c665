/**
 * Recording: each server's frames to its own video file, encoded by an ffmpeg subprocess
 * (H.264 in Matroska where ffmpeg has libx264), without ever holding up the stream.
 *
 * - {@linkcode Recorder}: `write(port, frame)` per received frame, `end(port)` when a server
 *   leaves, `close()` at the end; `stats` counts what was recorded and dropped.
 * - {@linkcode RecordError}: why a recording failed, with ffmpeg's own last lines.
 *
 * Needs ffmpeg and `--allow-run=ffmpeg --allow-write`.
 *
 * @example Record every server of a multi-server client
 * ```ts ignore
 * import { NetGear } from "../../mod.ts";
 * import { Recorder } from "./mod.ts";
 *
 * await using recorder = new Recorder({ directory: "recordings", segmentSeconds: 600 });
 * await using client = new NetGear({
 *   address: "127.0.0.1",
 *   port: [5566, 5567],
 *   pattern: 1,
 *   receiveMode: true,
 *   multiserverMode: true,
 *   onServerEvent: (event) => {
 *     if (event.type === "leave") void recorder.end(event.port);
 *   },
 * });
 * for await (const item of client) recorder.write(item.port, item.frame);
 * ```
 *
 * @module
 */

// The types the recorder's API names, so that its users need no second import.
export { type DType, DTYPE_SIZES, type Frame } from "../frame.ts";
export type { Port } from "../netgear/options.ts";
export { RecordError, type RecordErrorOptions } from "./record_error.ts";
export {
  Recorder,
  type RecorderOptions,
  type RecorderStats,
  type RecordEvent,
  type RecordingInfo,
  type WriteOptions,
} from "./recorder.ts";
