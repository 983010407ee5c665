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
 * Run it straight from its URL with the permissions of `deno task netgear`:
 * `deno run --allow-ffi --allow-read --allow-write --allow-run=ffmpeg --allow-env=… <url>/cli.ts`.
 *
 * @module
 */

import { main } from "./src/cli/main.ts";

export { main };
export type { CliContext } from "./src/cli/command.ts";

if (import.meta.main) Deno.exit(await main(Deno.args));
