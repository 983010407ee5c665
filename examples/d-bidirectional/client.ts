/**
 * Scenario (d), client: the docs page's "Using Multi-Servers Mode with Bidirectional Mode".
 * Every frame comes with its server's message, and the client answers each frame with data
 * of its own (any JSON value; a text here), which that server's `send()` returns. The client
 * writes each message on its frame, prints it when it changes, and shows the frames live in
 * the browser (the URL is printed at the start) and as a montage labelled with each server's
 * port and fps (PNG files, once a second). It ends once every server is gone, or on Ctrl+C.
 *
 *   deno task example:d:client [--address 127.0.0.1] [--ports 5566,5567] [--out DIR]
 *     [--view-port N | --no-view]
 *
 * @module
 */

import { NetGear } from "../../mod.ts";
import { removeOnLeave } from "../../src/viewer/mod.ts";
import { ClientRun, parseClientFlags, putMessage, startLiveView } from "../_shared/mod.ts";

const flags = parseClientFlags(
  Deno.args,
  "d",
  "Scenario (d) client: frames and messages in, data back to every server (pattern 1).",
);

// Show every server's frames live in the browser (startViewer), where the docs open a
// cv2.imshow window; --no-view leaves only the PNG snapshots.
await using viewer = await startLiveView(flags, "Scenario (d) client");

// Activate both multi-server and bidirectional modes.
const client = new NetGear({
  address: flags.address,
  port: flags.ports,
  protocol: "tcp",
  pattern: 1,
  receiveMode: true,
  multiserverMode: true,
  bidirectionalMode: true,
  livenessTimeout: flags.liveness,
  // A server that leaves loses its live tile at once.
  onServerEvent: viewer && removeOnLeave(viewer),
});
using run = await ClientRun.start(flags, client, viewer);

try {
  for (;;) {
    // Prepare the data to send back.
    const targetData = "Hi, I am a Client here.";

    // Receive a frame and its data from any server, and answer that server with our data;
    // null once every server is gone.
    const data = await client.recv({ returnData: targetData, signal: run.interrupt });
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
