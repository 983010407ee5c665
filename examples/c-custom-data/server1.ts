/**
 * Scenario (c), Server-1: the docs page's "Using Multi-Servers Mode for Unidirectional Custom
 * Data Transfer". Frames from a capture source, each sent with a message (a text here; any
 * JSON value works) over Request/Reply (pattern 1).
 *
 *   deno task example:c:server1 [--source /dev/video0] [--address 127.0.0.1] [--port 5566]
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
    "c",
    name,
    defaultPort,
    `Scenario (c) ${name}: frames, each with a message, to the client (pattern 1).`,
  );
  using run = new ServerRun(flags, name);

  // Open a suitable video stream (the ffmpeg test pattern unless --source says otherwise).
  await using stream = await openSource(flags, name, run.stop);

  // Activate multi-server mode; the port is how the client tells this server apart.
  await using server = new NetGear({
    address: flags.address,
    port: flags.port,
    protocol: "tcp",
    pattern: 1,
    multiserverMode: true,
  });
  run.started();

  try {
    for (let frame = await stream.read(); frame !== null; frame = await stream.read()) {
      // {do something with the frame and the data to send here}
      // Let's prepare a text string as data.
      const text = `I'm ${name} at Port: ${flags.port}`;

      // Send the frame and the data to the client.
      await server.send(frame, { message: text, signal: run.interrupt });
    }
  } catch (error) {
    if (!run.interrupted) throw error;
  }
  run.finished(server);
  // Leaving the function closes the server (it tells the client it left), then the stream.
}

if (import.meta.main) await main("Server-1", 5566);
