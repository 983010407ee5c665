/**
 * Scenario (d), Server-1: the docs page's "Using Multi-Servers Mode with Bidirectional Mode".
 * Frames from a capture source, each sent with a message over Request/Reply (pattern 1, the
 * only pattern bidirectional mode works with); each `send()` returns the client's data, which
 * the server prints when it changes and counts.
 *
 *   deno task example:d:server1 [SOURCE] [--address 127.0.0.1] [--port 5566] [--frames N]
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
    program: `deno task example:d:server${name.at(-1)}`,
    summary: `Scenario (d) ${name}: frames and messages to the client, its data back (pattern 1).`,
    name,
    port,
  }, async (run) => {
    // Open a suitable video stream (synthetic frames unless SOURCE says otherwise).
    await using stream = await openSource(run.settings.source, run.capture);

    // Activate both multi-server and bidirectional modes.
    await using server = run.watch(
      new NetGear({
        address: run.settings.address,
        port: run.settings.port,
        protocol: "tcp",
        pattern: 1,
        multiserverMode: true,
        bidirectionalMode: true,
      }),
    );

    for await (const frame of stream) {
      // {do something with the frame and the data to send here}
      // Let's prepare a text string as data.
      const targetData = `I'm ${name} at Port: ${run.settings.port}`;

      // Send the frame and the data, and receive the client's data.
      const recvData = await server.send(frame, { message: targetData, signal: run.signal });

      // Print the data just received from the client (when it changes: it comes every frame).
      if (recvData !== undefined && recvData !== null) run.replied(recvData);
    }
    // Leaving closes the server (it tells the client it left), then the stream.
  });
}

if (import.meta.main) await main("Server-1", 5566);
