/**
 * Scenario (d), client: the docs page's "Using Multi-Servers Mode with Bidirectional Mode".
 * Every frame comes with its server's message, and the client answers each frame with data
 * of its own (any JSON value; here a text), which the server gets back from its `send()`.
 * The client writes each message on its frame and shows the frames as a montage labelled with
 * each server's port and fps (PNG files, once a second). It ends once every server is gone,
 * or on Ctrl+C.
 *
 *   deno task example:d:client [--address 127.0.0.1] [--ports 5566,5567] [--out DIR]
 *
 * @module
 */

import { NetGear } from "../../mod.ts";
import {
  clientSummary,
  MessagesByPort,
  messageText,
  MontageSnapshots,
  parseClientFlags,
  Printer,
  putMessage,
  stopSignals,
} from "../_shared.ts";

const flags = parseClientFlags(Deno.args, {
  task: "example:d:client",
  summary: "Scenario (d) client: frames and messages in, data back to every server (pattern 1).",
});
const print = new Printer(flags.json);
using signals = stopSignals(null);

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
});
const snapshots = await MontageSnapshots.open(flags.out, client, print);
const messages = new MessagesByPort();
const lastText = new Map<string, string>();
print.say(`Client on ${flags.address}, servers' ports ${flags.ports.join(", ")}; Ctrl+C to stop`);
print.record("ready", { address: flags.address, ports: flags.ports, pattern: 1 });

try {
  for (;;) {
    // Prepare the data to send back.
    const targetData = "Hi, I am a Client here.";

    // Receive a frame and its message from any server, and answer it with our data; null
    // once every server is gone.
    const data = await client.recv({ returnData: targetData, signal: signals.interrupt });
    if (data === null) break;
    const { port, frame, message } = data;

    // {do something with the extracted frame and data here}
    messages.add(port, message);
    const text = messageText(message);
    if (lastText.get(String(port)) !== text) print.say(`${port} says: ${text}`);
    lastText.set(String(port), text);

    // Let's display the extracted data on the extracted frame.
    putMessage(frame, message);

    // Keep it as its server's newest frame; the montage of all of them is written each second.
    await snapshots.update(port, frame);
  }
} catch (error) {
  if (!signals.interrupt.aborted) throw error;
}
await snapshots.write();
await client.close();
print.say(`Every server is gone (or Ctrl+C): ${client.stats.frames} frames received.`);
print.record("summary", clientSummary(client, snapshots, messages));
