/**
 * The NetGear demo: one multi-server client and two synthetic cameras on loopback, as in
 * vidgear's multi-server docs, shown live in the browser (open the URL it prints) and saved
 * as a montage snapshot every second.
 *
 *   deno task demo [--duration 10] [--out out/demo] [--fps 15] [--pattern 1]
 *                  [--ports 5566,5567] [--view-port 0] [--no-view]
 *
 * It ends by itself after --duration seconds (the servers close, and the client ends once
 * both have gone), or on Ctrl+C. The logic is `runDemo()` in src/demo.ts.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { runDemo } from "../src/demo.ts";

const USAGE = `Usage: deno task demo [options]

  --duration SECONDS   how long the servers stream (default 10)
  --out DIR            where montage snapshots go (default out/demo)
  --fps N              frames per second of each camera (default 15)
  --pattern 1|2        REQ/REP or PUB/SUB (default 1)
  --ports A,B          the two servers' ports (default 5566,5567)
  --view-port N        the live viewer's port (default 0: any free one)
  --no-view            no live viewer`;

let values;
try {
  ({ values } = parseArgs({
    options: {
      duration: { type: "string", default: "10" },
      out: { type: "string", default: "out/demo" },
      fps: { type: "string", default: "15" },
      pattern: { type: "string", default: "1" },
      ports: { type: "string", default: "5566,5567" },
      "view-port": { type: "string", default: "0" },
      "no-view": { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
  }));
} catch (error) {
  console.error(`${(error as Error).message}\n\n${USAGE}`);
  Deno.exit(2);
}
if (values.help) {
  console.log(USAGE);
  Deno.exit(0);
}

// Ctrl+C ends the demo the same way --duration does: servers close, the client drains.
const interrupt = new AbortController();
const onInterrupt = () => interrupt.abort();
Deno.addSignalListener("SIGINT", onInterrupt);
try {
  const [first, second] = values.ports.split(",").map(Number);
  await runDemo({
    duration: Number(values.duration),
    out: values.out,
    fps: Number(values.fps),
    pattern: Number(values.pattern) as 1 | 2,
    ports: [first, second],
    viewPort: values["no-view"] ? false : Number(values["view-port"]),
    signal: interrupt.signal,
  });
} catch (error) {
  if (!(error instanceof RangeError || error instanceof TypeError)) throw error;
  console.error(`${error.message}\n\n${USAGE}`);
  Deno.exitCode = 2;
} finally {
  Deno.removeSignalListener("SIGINT", onInterrupt);
}
