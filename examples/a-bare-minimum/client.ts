/**
 * Scenario (a), client: the docs page's "Bare-Minimum Usage". One client receives frames from
 * every server over Request/Reply (pattern 1) and shows them live in the browser (a tile per
 * server, with its port, address and fps; the URL is printed at the start), and as a montage
 * of the same tiles written as PNG files once a second. It ends by itself once every server
 * is gone, or on Ctrl+C.
 *
 *   deno task example:a:client [--ports 5566,5567] [--out DIR] [--view=HOST:PORT | --no-view]
 *
 * @module
 */

import { NetGear } from "../../mod.ts";
import { clientProgram } from "../../cli.ts";

await clientProgram({
  program: "deno task example:a:client",
  summary: "Scenario (a) client: a live montage of every server's frames (pattern 1).",
  title: "Scenario (a) client",
  out: "out/example-a",
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
    // Receive the next frame from any server; null once every server is gone.
    const data = await client.recv({ signal: run.signal });
    if (data === null) break;

    // {do something with the extracted frame here}

    // Show it as its server's tile: live in the browser, and in the montage snapshots (where
    // the docs call build_montages and cv2.imshow).
    run.show(data);
  }
});
