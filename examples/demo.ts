/**
 * The NetGear demo: one multi-server client and two synthetic cameras on loopback, as in
 * vidgear's multi-server docs. The client builds a live montage of both servers, labels each
 * tile with the server's port, fps and last message, and writes a snapshot every second.
 *
 *   deno task demo [--duration 10] [--out out/demo] [--fps 15] [--pattern 1]
 *
 * It ends by itself after --duration seconds (the servers close, and the client ends once
 * both have gone), or on Ctrl+C.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { createFrame, type Frame, NetGear } from "../mod.ts";
import { SyntheticSource } from "../src/capture/mod.ts";
import { buildMontages, drawText, encodePng } from "../src/montage/mod.ts";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    out: { type: "string", default: "out/demo" },
    fps: { type: "string", default: "15" },
    pattern: { type: "string", default: "1" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log("Usage: deno task demo [--duration SECONDS] [--out DIR] [--fps N] [--pattern 1|2]");
  Deno.exit(0);
}
const duration = Number(values.duration);
const fps = Number(values.fps);
const pattern = Number(values.pattern) as 1 | 2;
if (!(duration > 0) || !(fps > 0) || (pattern !== 1 && pattern !== 2)) {
  console.error("Use a positive --duration and --fps, and --pattern 1 or 2");
  Deno.exit(2);
}

const address = "127.0.0.1";
const ports = [5566, 5567];
const [width, height] = [320, 240];
await Deno.mkdir(values.out, { recursive: true });

const client = new NetGear({
  address,
  port: ports,
  pattern,
  receiveMode: true,
  multiserverMode: true,
});
const stop = AbortSignal.timeout(duration * 1000);
Deno.addSignalListener("SIGINT", () => controller.abort());
const controller = new AbortController();
const signal = AbortSignal.any([stop, controller.signal]);

/** One camera host: a synthetic source streamed to the client with a message per frame. */
async function serve(port: number, name: string): Promise<void> {
  await using source = new SyntheticSource({ width, height, fps, name, signal });
  await using server = new NetGear({ address, port, pattern, multiserverMode: true });
  let n = 0;
  for await (const frame of source) {
    await server.send(frame, { message: `${name} frame ${n++}` });
  }
}

const servers = [serve(ports[0], "Server-1"), serve(ports[1], "Server-2")].map((p) =>
  p.catch((error) => signal.aborted || console.error(error))
);

// The client: keep each server's newest frame; once a second, write a labelled montage.
const latest = new Map<string, Frame>();
let snapshots = 0;
let lastSnapshot = performance.now();
console.log(
  `NetGear demo: client on ${address}:${ports.join(",")} (pattern ${pattern}), ${duration} s`,
);
for await (const { port, frame } of client) {
  latest.set(String(port), frame);
  if (performance.now() - lastSnapshot < 1000) continue;
  lastSnapshot = performance.now();
  const tiles = [...latest.entries()].map(([key, tile]) => {
    const info = client.servers.find((s) => String(s.port) === key);
    const labelled = createFrame(tile.data.slice(), tile.shape, tile.dtype);
    drawText(labelled, `${key}  ${info?.fps.toFixed(1)} fps  ${String(info?.lastMessage ?? "")}`, {
      x: 4,
      y: height - 14,
      scale: 1,
      background: [0, 0, 0],
    });
    return labelled;
  });
  const [montage] = buildMontages(tiles, [width, height], [2, 1]);
  const file = `${values.out}/montage-${String(snapshots++).padStart(3, "0")}.png`;
  await Deno.writeFile(file, await encodePng(montage));
  const status = client.servers.map((s) => `${s.port}: ${s.frames} frames ${s.fps.toFixed(1)} fps`)
    .join(" | ");
  console.log(`${status} -> ${file}`);
}
await Promise.all(servers);
await client.close();
console.log(`done: ${snapshots} snapshots in ${values.out}; every server has gone`);
