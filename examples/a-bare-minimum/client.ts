/**
 * Scenario (a), client: the docs page's "Bare-Minimum Usage". One client receives frames from
 * every server over Request/Reply (pattern 1) and shows them live in the browser (a tile per
 * server, with its port and fps; the URL is printed at the start), and as a montage labelled
 * with each server's port and fps, written as PNG files once a second. It ends by itself once
 * every server is gone, or on Ctrl+C.
 *
 *   deno task example:a:client [--address 127.0.0.1] [--ports 5566,5567] [--out DIR]
 *     [--view-port N | --no-view]
 *
 * @module
 */

import { NetGear } from "../../mod.ts";
import { removeOnLeave } from "../../src/viewer/mod.ts";
import { ClientRun, parseClientFlags, startLiveView } from "../_shared/mod.ts";

const flags = parseClientFlags(
  Deno.args,
  "a",
  "Scenario (a) client: a live montage of every server's frames (pattern 1).",
);

// Show every server's frames live in the browser (startViewer), where the docs open a
// cv2.imshow window; --no-view leaves only the PNG snapshots.
await using viewer = await startLiveView(flags, "Scenario (a) client");

// Activate multi-server mode: one client, the list of every server's port.
const client = new NetGear({
  address: flags.address,
  port: flags.ports,
  protocol: "tcp",
  pattern: 1,
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
