/**
 * Scenario (a), client: the docs page's "Bare-Minimum Usage". One client receives frames from
 * every server (Request/Reply, pattern 1) and shows them as a montage labelled with each
 * server's port and fps, written as PNG files once a second. It ends by itself once every
 * server is gone, or on Ctrl+C.
 *
 *   deno task example:a:client [--address 127.0.0.1] [--ports 5566,5567] [--out DIR]
 *
 * @module
 */

import { NetGear } from "../../mod.ts";
import {
  clientSummary,
  MontageSnapshots,
  parseClientFlags,
  Printer,
  stopSignals,
} from "../_shared.ts";

const flags = parseClientFlags(Deno.args, {
  task: "example:a:client",
  summary: "Scenario (a) client: a live montage of every server's frames (pattern 1).",
});
const print = new Printer(flags.json);
using signals = stopSignals(null);

// Activate multi-server mode: one client, one port per server.
const client = new NetGear({
  address: flags.address,
  port: flags.ports,
  protocol: "tcp",
  pattern: 1,
  receiveMode: true,
  multiserverMode: true,
  livenessTimeout: flags.liveness,
});
const snapshots = await MontageSnapshots.open(flags.out, client, print);
print.say(`Client on ${flags.address}, servers' ports ${flags.ports.join(", ")}; Ctrl+C to stop`);
print.record("ready", { address: flags.address, ports: flags.ports, pattern: 1 });

try {
  for (;;) {
    // Receive the next frame from any server; null once every server is gone.
    const data = await client.recv({ signal: signals.interrupt });
    if (data === null) break;
    const { port, frame } = data;

    // {do something with the extracted frame here}

    // Keep it as its server's newest frame; the montage of all of them is written each second.
    await snapshots.update(port, frame);
  }
} catch (error) {
  if (!signals.interrupt.aborted) throw error;
}
await snapshots.write();
await client.close();
print.say(`Every server is gone (or Ctrl+C): ${client.stats.frames} frames received.`);
print.record("summary", clientSummary(client, snapshots));
