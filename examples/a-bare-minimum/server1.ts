/**
 * Scenario (a), Server-1: the docs page's "Bare-Minimum Usage". Frames from a capture source
 * (a webcam, file, stream or ffmpeg test pattern through FfmpegSource, the counterpart of
 * vidgear's CamGear; or the pure-TypeScript synthetic source) sent to the client over
 * Request/Reply (pattern 1).
 *
 *   deno task example:a:server1 [SOURCE] [--address 127.0.0.1] [--port 5566] [--frames N]
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
    program: `deno task example:a:server${name.at(-1)}`,
    summary: `Scenario (a) ${name}: frames from a capture source to the client (pattern 1).`,
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

    // Read frames until the source ends (null), --frames or --duration is reached, or Ctrl+C.
    for await (const frame of stream) {
      // {do something with the frame here}

      // Send the frame to the client.
      await server.send(frame, { signal: run.signal });
    }
    // Leaving closes the server (it tells the client it left), then the stream.
  });
}

if (import.meta.main) await main("Server-1", 5566);
