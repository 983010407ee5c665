/**
 * Scenario (a), Server-1: the docs page's "Bare-Minimum Usage". Frames from a capture source
 * (FfmpegSource, the counterpart of vidgear's CamGear: a webcam, file, stream or test pattern;
 * or the pure-TypeScript SyntheticSource) sent to the client over Request/Reply (pattern 1).
 *
 *   deno task example:a:server1 [--source /dev/video0] [--address 127.0.0.1] [--port 5566]
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
    "a",
    name,
    defaultPort,
    `Scenario (a) ${name}: frames from a capture source to the client (pattern 1).`,
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
    // Read frames until the source ends (null), --frames or --duration is reached, or Ctrl+C.
    for (let frame = await stream.read(); frame !== null; frame = await stream.read()) {
      // {do something with the frame here}

      // Send the frame to the client.
      await server.send(frame, { signal: run.interrupt });
    }
  } catch (error) {
    if (!run.interrupted) throw error;
  }
  run.finished(server);
  // Leaving the function closes the server (it tells the client it left), then the stream.
}

if (import.meta.main) await main("Server-1", 5566);
