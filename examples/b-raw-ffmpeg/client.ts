/**
 * Scenario (b), client: the docs page's "Bare-Minimum Usage with OpenCV". Scenario (a)'s
 * client over Publish/Subscribe (pattern 2): the servers publish without waiting for a reply.
 * It shows every server's frames live in the browser (the URL is printed at the start) and as a
 * montage labelled with each server's port and fps, written as PNG files once a second, and
 * ends once every server is gone, or on Ctrl+C.
 *
 *   deno task example:b:client [--address 127.0.0.1] [--ports 5566,5567] [--out DIR]
 *     [--view-port N | --no-view]
 *
 * @module
 */

import { NetGear } from "../../mod.ts";
import { removeOnLeave } from "../../src/viewer/mod.ts";
import { ClientRun, parseClientFlags, startLiveView } from "../_shared/mod.ts";

const flags = parseClientFlags(
  Deno.args,
  "b",
  "Scenario (b) client: a live montage of every server's frames (pattern 2).",
);

// Show every server's frames live in the browser (startViewer), where the docs open a
// cv2.imshow window; --no-view leaves only the PNG snapshots.
await using viewer = await startLiveView(flags, "Scenario (b) client");

// Activate multi-server mode over Publish/Subscribe: this end subscribes to every server.
const client = new NetGear({
  address: flags.address,
  port: flags.ports,
  protocol: "tcp",
  pattern: 2,
  receiveMode: true,
  multiserverMode: true,
  livenessTimeout: flags.liveness,
  // A server that leaves loses its live tile at once.
  onServerEvent: viewer && removeOnLeave(viewer),
});
using run = await ClientRun.start(flags, client, viewer);

try {
  for (;;) {
    // Receive the next frame from any server; null once every server is gone.
    const data = await client.recv({ signal: run.interrupt });
    if (data === null) break;
    const { port, frame, message } = data;

    // {do something with the extracted frame here}

    // Keep it as its server's newest frame, for the montage.
    await run.show(port, frame, message);
  }
} catch (error) {
  if (!run.interrupted) throw error;
}
await run.finish();
