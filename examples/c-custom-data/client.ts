/**
 * Scenario (c), client: the docs page's "Using Multi-Servers Mode for Unidirectional Custom
 * Data Transfer". Every frame comes with its server's message (any JSON value; a text here).
 * The client writes each message on its frame, prints it when it changes, and shows the
 * frames live in the browser (the URL is printed at the start) and as a montage labelled with
 * each server's port and fps (PNG files, once a second). It ends once every server is gone,
 * or on Ctrl+C.
 *
 *   deno task example:c:client [--address 127.0.0.1] [--ports 5566,5567] [--out DIR]
 *     [--view-port N | --no-view]
 *
 * @module
 */

import { NetGear } from "../../mod.ts";
import { removeOnLeave } from "../../src/viewer/mod.ts";
import { ClientRun, parseClientFlags, putMessage, startLiveView } from "../_shared/mod.ts";

const flags = parseClientFlags(
  Deno.args,
  "c",
  "Scenario (c) client: every server's frames, each with its message (pattern 1).",
);

// Show every server's frames live in the browser (startViewer), where the docs open a
// cv2.imshow window; --no-view leaves only the PNG snapshots.
await using viewer = await startLiveView(flags, "Scenario (c) client");

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
    // Receive the next frame and its data from any server; null once every server is gone.
    const data = await client.recv({ signal: run.interrupt });
    if (data === null) break;
    const { port, frame, message } = data;

    // {do something with the extracted frame and data here}
    // Let's display the extracted data on the extracted frame.
    putMessage(frame, message);

    // Keep it as its server's newest frame, for the montage; print the data when it changes.
    await run.show(port, frame, message);
  }
} catch (error) {
  if (!run.interrupted) throw error;
}
await run.finish();
