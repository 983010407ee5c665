/**
 * Scenario (d), client: the docs page's "Using Multi-Servers Mode with Bidirectional Mode".
 * Every frame comes with its server's message, and the client answers each frame with data
 * of its own (any JSON value; a text here), which that server's `send()` returns. The client
 * writes each message on its frame, prints it when it changes, and shows the frames live in
 * the browser (the URL is printed at the start) and as a montage labelled with each server's
 * port and fps (PNG files, once a second). It ends once every server is gone, or on Ctrl+C.
 *
 *   deno task example:d:client [--ports 5566,5567] [--out DIR] [--view=HOST:PORT | --no-view]
 *
 * @module
 */

import { NetGear } from "../../mod.ts";
import { drawText } from "../../src/montage/mod.ts";
import { clientProgram } from "../../cli.ts";

await clientProgram({
  program: "deno task example:d:client",
  summary: "Scenario (d) client: frames and messages in, data back to every server (pattern 1).",
  title: "Scenario (d) client",
  out: "out/example-d",
}, async (run) => {
  // Activate both multi-server and bidirectional modes.
  await using client = run.watch(
    new NetGear({
      address: run.settings.address,
      port: run.settings.ports,
      protocol: "tcp",
      pattern: 1,
      receiveMode: true,
      multiserverMode: true,
      bidirectionalMode: true,
      livenessTimeout: run.settings.liveness,
      onServerEvent: run.onServerEvent, // a server that leaves loses its live tile at once
    }),
  );

  for (;;) {
    // Prepare the data to send back.
    const targetData = "Hi, I am a Client here.";

    // Receive a frame and its data from any server, and answer that server with our data;
    // null once every server is gone.
    const data = await client.recv({ returnData: targetData, signal: run.signal });
    if (data === null) break;
    const { frame, message } = data;

    // {do something with the extracted frame and data here}
    // Let's display the extracted data on the extracted frame (the docs' cv2.putText).
    drawText(frame, String(message), { x: 10, y: frame.shape[0] - 30, color: [0, 255, 0] });

    // Show it as its server's tile; its message is printed when it changes.
    run.show(data);
  }
});
