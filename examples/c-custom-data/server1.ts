/**
 * Scenario (c), Server-1: the docs page's "Using Multi-Servers Mode for Unidirectional Custom
 * Data Transfer". Frames from a capture source, each sent with a message (a text here; any
 * JSON value works) over Request/Reply (pattern 1).
 *
 *   deno task example:c:server1 [SOURCE] [--address 127.0.0.1] [--port 5566] [--frames N]
 *
 * It stops after --frames or --duration, at the end of the source, or on Ctrl+C.
 *
 * @module
 */

import { NetGear } from "../../mod.ts";
import { openSource } from "../../src/capture/mod.ts";
import { serverProgram } from "../../cli.ts";

/** Runs one server; Server-2 is the same program with another name and port. */
export async function main(name: string, port: number): Promise<void> {
  await serverProgram({
    program: `deno task example:c:server${name.at(-1)}`,
    summary: `Scenario (c) ${name}: frames, each with a message, to the client (pattern 1).`,
    name,
    port,
  }, async (run) => {
    // Open a suitable video stream (synthetic frames unless SOURCE says otherwise).
    await using stream = await openSource(run.settings.source, run.capture);

    // Activate multi-server mode; the port is how the client tells this server apart.
    await using server = run.watch(
      new NetGear({
        address: run.settings.address,
        port: run.settings.port,
        protocol: "tcp",
        pattern: 1,
        multiserverMode: true,
      }),
    );

    for await (const frame of stream) {
      // {do something with the frame and the data to send here}
      // Let's prepare a text string as data.
      const text = `I'm ${name} at Port: ${run.settings.port}`;

      // Send the frame and the data to the client.
      await server.send(frame, { message: text, signal: run.signal });
    }
    // Leaving closes the server (it tells the client it left), then the stream.
  });
}

if (import.meta.main) await main("Server-1", 5566);
