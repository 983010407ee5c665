/**
 * Scenario (c), client: the docs page's "Using Multi-Servers Mode for Unidirectional Custom
 * Data Transfer". Every frame comes with its server's message (any JSON value; a text here).
 * The client writes each message on its frame, prints it when it changes, and shows the
 * frames live in the browser (the URL is printed at the start) and as a montage labelled with
 * each server's port and fps (PNG files, once a second). It ends once every server is gone,
 * or on Ctrl+C.
 *
 *   deno task example:c:client [--ports 5566,5567] [--out DIR] [--view=HOST:PORT | --no-view]
 *
 * @module
 */

import { NetGear } from "../../mod.ts";
import { drawText } from "../../src/montage/mod.ts";
import { clientProgram } from "../../cli.ts";

await clientProgram({
  program: "deno task example:c:client",
  summary: "Scenario (c) client: every server's frames, each with its message (pattern 1).",
  title: "Scenario (c) client",
  out: "out/example-c",
}, async (run) => {
  // Activate multi-server mode: one client, the list of every server's port.
  await using client = run.watch(
    new NetGear({
      address: run.settings.address,
      port: run.settings.ports,
      protocol: "tcp",
      pattern: 1,
      receiveMode: true,
      multiserverMode: true,
      livenessTimeout: run.settings.liveness,
      onServerEvent: run.onServerEvent, // a server that leaves loses its live tile at once
    }),
  );

  for (;;) {
    // Receive the next frame and its data from any server; null once every server is gone.
    const data = await client.recv({ signal: run.signal });
    if (data === null) break;
    const { frame, message } = data;

    // {do something with the extracted frame and data here}
    // Let's display the extracted data on the extracted frame (the docs' cv2.putText).
    drawText(frame, String(message), { x: 10, y: frame.shape[0] - 30, color: [0, 255, 0] });

    // Show it as its server's tile; its message is printed when it changes.
    run.show(data);
  }
});
