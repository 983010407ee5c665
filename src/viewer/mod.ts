/**
 * The live viewer: a page served on localhost (Deno.serve) that shows every server's newest
 * frame as a tile, with its port, fps and last message, and follows servers as they join and
 * leave. One self-contained page, no external asset; frames go to it as JPEG over one
 * WebSocket, encoded at most `maxFps` times a second and only while a page is open.
 *
 * Frames are uint8 BGR (vidgear's default), RGB (`channelOrder: "rgb"`), BGRA/RGBA or gray.
 * Anything else is dropped, counted in `viewer.stats` and named on its tile.
 *
 * Run with `--allow-net=127.0.0.1 --allow-ffi --allow-read --allow-env` (the net permission
 * for the page, the rest for the JPEG codec).
 *
 * @example A NetGear client's servers, live in the browser
 * ```ts ignore
 * import { NetGear } from "../../mod.ts";
 * import { removeOnLeave, startViewer, watchClient } from "./mod.ts";
 *
 * await using viewer = await startViewer({ title: "cameras" });
 * console.log(`open ${viewer.url}`);
 * await using client = new NetGear({
 *   address: "127.0.0.1", port: [5566, 5567], pattern: 1, receiveMode: true,
 *   multiserverMode: true, onServerEvent: removeOnLeave(viewer),
 * });
 * for await (const item of client) watchClient(viewer, item, client);
 * ```
 *
 * @module
 */

// The frame vocabulary, so that this entry point stands alone.
export { createFrame, type DType, DTYPE_SIZES, type Frame } from "../frame.ts";
export type { ChannelOrder } from "../montage/color.ts";
export {
  type DisplayInfo,
  type FrameDisplay,
  SnapshotWriter,
  type SnapshotWriterOptions,
} from "../montage/snapshots.ts";
export {
  startViewer,
  type TileInfo,
  Viewer,
  type ViewerOptions,
  type ViewerStats,
} from "./viewer.ts";
export {
  type ClientFigures,
  type ReceivedItem,
  removeOnLeave,
  type ServerChange,
  type ServerFigures,
  watchClient,
} from "./watch_client.ts";
