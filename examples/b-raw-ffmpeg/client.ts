/**
 * Scenario (b), client: the docs page's "Bare-Minimum Usage with OpenCV". Scenario (a)'s
 * client over Publish/Subscribe (pattern 2): the servers publish without waiting for a reply.
 * It shows every server's frames live in the browser (the URL is printed at the start) and as
 * a montage written as PNG files once a second, and ends once every server is gone, or on
 * Ctrl+C.
 *
 *   deno task example:b:client [--ports 5566,5567] [--out DIR] [--view=HOST:PORT | --no-view]
 *
 * @module
 */

import { NetGear } from "../../mod.ts";
import { clientProgram } from "../../cli.ts";

await clientProgram({
  program: "deno task example:b:client",
  summary: "Scenario (b) client: a live montage of every server's frames (pattern 2).",
  title: "Scenario (b) client",
  out: "out/example-b",
}, async (run) => {
  // Activate multi-server mode over Publish/Subscribe: this end subscribes to every server.
  await using client = run.watch(
    new NetGear({
      address: run.settings.address,
      port: run.settings.ports,
      protocol: "tcp",
      pattern: 2,
      receiveMode: true,
      multiserverMode: true,
      livenessTimeout: run.settings.liveness,
      onServerEvent: run.onServerEvent, // a server that leaves loses its live tile at once
    }),
  );

  for (;;) {
    // Receive the next frame from any server; null once every server is gone.
    const data = await client.recv({ signal: run.signal });
    if (data === null) break;

    // {do something with the extracted frame here}

    // Show it as its server's tile: live in the browser, and in the montage snapshots.
    run.show(data);
  }
});
