/**
 * The `netgear` command line: `netgear send` streams frames from a camera, file, URL, ffmpeg
 * pattern or synthetic source to a NetGear client; `netgear recv` receives from many servers
 * with a live status, montage snapshots and a summary.
 *
 * ```sh
 * deno task netgear recv --ports 5566,5567 --out snapshots
 * deno task netgear send --port 5566 --message "I'm Server-1"
 * deno task netgear send testsrc --port 5567
 * ```
 *
 * Install it as a `netgear` command (from JSR once published, a URL of this repo, or a checkout's
 * `cli.ts`, which works offline), with the permissions it needs:
 *
 * ```sh
 * deno install -g -n netgear --allow-ffi --allow-read --allow-write --allow-run=ffmpeg \
 *   --allow-net=127.0.0.1,localhost --allow-env jsr:@netgear/netgear/cli
 * ```
 *
 * or run it straight from its URL, with no import map: `deno run <the same flags> <url>/cli.ts`.
 *
 * {@linkcode clientProgram} and {@linkcode serverProgram} give a receive or send loop of your
 * own the same flags, help, errors, exit codes, Ctrl+C handling and display (live page,
 * montage snapshots) as `netgear recv` and `netgear send`; the examples are written with them.
 *
 * @module
 */

import { main } from "./src/cli/main.ts";

export { main };
export type { CliContext } from "./src/cli/command.ts";
// Your own client or server loop with the same grammar and display (the examples use them).
export * from "./src/cli/programs.ts";

if (import.meta.main) Deno.exit(await main(Deno.args));
