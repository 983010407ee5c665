/**
 * Scenario (b), client: the docs page's "Bare-Minimum Usage with OpenCV". Scenario (a)'s
 * client over Publish/Subscribe (pattern 2): the servers publish without waiting for a reply.
 * It shows every server's frames as a live montage, labelled with each server's port and fps
 * and written as PNG files once a second, and ends once every server is gone, or on Ctrl+C.
 *
 *   deno task example:b:client [--address 127.0.0.1] [--ports 5566,5567] [--out DIR]
 *
 * @module
 */

import { NetGear } from "../../mod.ts";
import { ClientRun, parseClientFlags } from "../_shared/mod.ts";

const flags = parseClientFlags(
  Deno.args,
  "b",
  "Scenario (b) client: a live montage of every server's frames (pattern 2).",
);

// Activate multi-server mode over Publish/Subscribe: this end subscribes to every server.
const client = new NetGear({
  address: flags.address,
  port: flags.ports,
  protocol: "tcp",
  pattern: 2,
  receiveMode: true,
  multiserverMode: true,
  livenessTimeout: flags.liveness,
});
using run = await ClientRun.start(flags, client);

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
