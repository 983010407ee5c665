/**
 * Wiring a NetGear client to a viewer: each received item becomes its server's tile, and
 * servers that leave lose theirs.
 *
 * @module
 */

import type { Frame } from "../frame.ts";
import type { FrameDisplay } from "../montage/snapshots.ts";

// The shapes below are what the viewer reads of a NetGear client, its items and its events:
// a `NetGear`, a `NetGearItem` and a `ServerEvent` fit them, and the viewer stays free of the
// NetGear layer (and of libzmq).

/** What {@linkcode watchClient} reads of a received item (a NetGear `NetGearItem`). */
export interface ReceivedItem {
  /** The sending server's port; `undefined` outside multi-server mode. */
  readonly port: number | string | undefined;
  /** The frame. */
  readonly frame: Frame;
  /** The data sent with it. */
  readonly message: unknown;
}

/** What {@linkcode watchClient} reads of one server (a NetGear `ServerInfo`). */
export interface ServerFigures {
  /** The server's port. */
  readonly port: number | string;
  /** `gone` removes its tile. */
  readonly state: string;
  /** Its recent frame rate. */
  readonly fps: number;
  /** Its address, when known; shown in the label. */
  readonly peerAddress?: string;
  /** How old its frames are on arrival, in ms (a NetGear `ServerInfo.frameAge`); shown in the
   * label when known. */
  readonly frameAge?: { readonly p50: number; readonly p99: number };
}

/** What {@linkcode watchClient} reads of the client (a `NetGear` receiver). */
export interface ClientFigures {
  /** Every server the client knows of. */
  readonly servers: readonly ServerFigures[];
}

/** A server joining or leaving (a NetGear `ServerEvent`). */
export interface ServerChange {
  /** `leave` removes the server's tile. */
  readonly type: string;
  /** The server's port. */
  readonly port: number | string;
}

/**
 * Shows one item a NetGear client received: the frame becomes the newest of its server's
 * tile (keyed by port; `"client"` outside multi-server mode), labelled with the port and the
 * server's address, with the client's fps figure and the item's message. Tiles of servers the
 * client counts as gone are removed. Call it for every item of the receive loop.
 *
 * A server that leaves while no other server sends is only noticed here on the next item; pass
 * {@linkcode removeOnLeave} as the client's `onServerEvent` to drop its tile at once.
 *
 * @param viewer The viewer (or other display) to update.
 * @param item What `client.recv()` (or the client's iterator) gave.
 * @param client The receiving NetGear, for its per-server figures.
 *
 * @example A multi-server client shown live
 * ```ts ignore
 * import { NetGear } from "../../mod.ts";
 * import { removeOnLeave, startViewer, watchClient } from "./mod.ts";
 *
 * await using viewer = await startViewer();
 * console.log(`live view: ${viewer.url}`);
 * await using client = new NetGear({
 *   address: "127.0.0.1", port: [5566, 5567], pattern: 1, receiveMode: true,
 *   multiserverMode: true, onServerEvent: removeOnLeave(viewer),
 * });
 * for await (const item of client) watchClient(viewer, item, client);
 * ```
 */
export function watchClient(
  viewer: Pick<FrameDisplay, "update" | "remove">,
  item: ReceivedItem,
  client: ClientFigures,
): void {
  const key = item.port ?? "client";
  let fps: number | undefined;
  let age: ServerFigures["frameAge"];
  let label = item.port === undefined ? "client" : `port ${item.port}`;
  for (const server of client.servers) {
    if (server.state === "gone") viewer.remove(server.port);
    else if (String(server.port) === String(key)) {
      fps = server.fps;
      age = server.frameAge;
      if (server.peerAddress) label += ` from ${server.peerAddress}`;
    }
  }
  if (age) label += ` · age ${Math.round(age.p50)} ms (p99 ${Math.round(age.p99)})`;
  viewer.update(key, item.frame, { message: item.message, fps, label });
}

/**
 * A NetGear `onServerEvent` callback that removes a server's tile as soon as it leaves.
 *
 * @param viewer The viewer whose tiles follow the client's servers.
 * @returns The callback for `new NetGear({ ..., onServerEvent })`.
 */
export function removeOnLeave(
  viewer: Pick<FrameDisplay, "remove">,
): (event: ServerChange) => void {
  return (event) => {
    if (event.type === "leave") viewer.remove(event.port);
  };
}
