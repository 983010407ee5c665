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
import { openSource, parseServerFlags, Printer, stopSignals } from "../_shared.ts";

/** Runs one server; Server-2 is the same program with another name and port. */
export async function main(name: string, defaultPort: number): Promise<void> {
  const task = `example:c:${name.toLowerCase().replace("-", "")}`;
  const flags = parseServerFlags(Deno.args, {
    task,
    defaultPort,
    summary: `Scenario (c) ${name}: frames and a message with each to the client (pattern 1).`,
  });
  const print = new Printer(flags.json);
  using signals = stopSignals(flags.duration);

  // Open a suitable video stream (the ffmpeg test pattern unless --source says otherwise).
  await using stream = await openSource(flags, name, signals.stop);

  // Activate multi-server mode; the port is how the client tells this server apart.
  await using server = new NetGear({
    address: flags.address,
    port: flags.port,
    protocol: "tcp",
    pattern: 1,
    multiserverMode: true,
  });
  print.say(`${name}: ${flags.source} -> ${flags.address}:${flags.port}; Ctrl+C to stop`);
  print.record("ready", { port: flags.port, source: flags.source });

  try {
    for (let frame = await stream.read(); frame !== null; frame = await stream.read()) {
      // {do something with the frame and the data to send here}

      // Let's prepare a text string as data.
      const text = `I'm ${name} at Port: ${flags.port}`;

      // Send the frame and the data to the client.
      await server.send(frame, { message: text, signal: signals.interrupt });
    }
  } catch (error) {
    if (!signals.interrupt.aborted) throw error;
  }
  print.say(`${name}: sent ${server.stats.frames} frames; closing`);
  print.record("summary", {
    port: flags.port,
    sent: server.stats.frames,
    lost: server.stats.timeouts,
  });
  // Leaving the function closes the server (it tells the client it left), then the stream.
}

if (import.meta.main) await main("Server-1", 5566);
