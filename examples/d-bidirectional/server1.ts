/**
 * Scenario (d), Server-1: the docs page's "Using Multi-Servers Mode with Bidirectional Mode".
 * Frames from a capture source, each sent with a message over Request/Reply (pattern 1, the
 * only pattern bidirectional mode works with); each `send()` returns the client's data, which
 * the server prints when it changes and counts.
 *
 *   deno task example:d:server1 [--source /dev/video0] [--address 127.0.0.1] [--port 5566]
 *
 * It stops after --frames or --duration, at the end of the source, or on Ctrl+C.
 *
 * @module
 */

import { NetGear } from "../../mod.ts";
import { openSource, parseServerFlags, ServerRun } from "../_shared/mod.ts";

/** Runs one server; Server-2 is the same program with another name and port. */
export async function main(name: string, defaultPort: number): Promise<void> {
  const flags = parseServerFlags(
    Deno.args,
    "d",
    name,
    defaultPort,
    `Scenario (d) ${name}: frames and messages to the client, its data back (pattern 1).`,
  );
  using run = new ServerRun(flags, name);

  // Open a suitable video stream (the ffmpeg test pattern unless --source says otherwise).
  await using stream = await openSource(flags, name, run.stop);

  // Activate both multi-server and bidirectional modes.
  await using server = new NetGear({
    address: flags.address,
    port: flags.port,
    protocol: "tcp",
    pattern: 1,
    multiserverMode: true,
    bidirectionalMode: true,
  });
  run.started();

  try {
    for (let frame = await stream.read(); frame !== null; frame = await stream.read()) {
      // {do something with the frame and the data to send here}
      // Let's prepare a text string as data.
      const targetData = `I'm ${name} at Port: ${flags.port}`;

      // Send the frame and the data, and receive the client's data.
      const recvData = await server.send(frame, { message: targetData, signal: run.interrupt });

      // Print the data just received from the client (when it changes: it comes every frame).
      if (recvData !== undefined && recvData !== null) run.replied(recvData);
    }
  } catch (error) {
    if (!run.interrupted) throw error;
  }
  run.finished(server);
  // Leaving the function closes the server (it tells the client it left), then the stream.
}

if (import.meta.main) await main("Server-1", 5566);
