/**
 * The NetGear demo: one multi-server client and two synthetic cameras on loopback, as in
 * vidgear's multi-server docs, shown live in the browser (open the URL it prints) and saved
 * as a montage snapshot every second.
 *
 *   deno task demo [--duration 10] [--out out/demo] [--fps 15] [--pattern 1]
 *                  [--ports 5566,5567] [--view=HOST:PORT | --no-view]
 *
 * It ends by itself after --duration seconds (the servers close, and the client ends once
 * both have gone), or on Ctrl+C. It is `netgear demo`, the same command with the same flags;
 * the logic is `runDemo()` in src/demo.ts.
 *
 * @module
 */

import { runProgram } from "../src/cli/command.ts";
import { demoCommandAs } from "../src/cli/demo.ts";

await runProgram(demoCommandAs("deno task demo"));
