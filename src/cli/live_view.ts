/**
 * The live page of the CLI's clients (`netgear recv --view`, the examples), started with the
 * flags' words in its errors.
 *
 * @module
 */

import { startViewer, type Viewer } from "../viewer/mod.ts";

/** The line every client program prints when its live page is up: recv, the demo, the examples. */
export function liveViewLine(url: string): string {
  return `Live view: ${url} (open it in a browser)`;
}

/**
 * Starts the live page where `view` says, or nothing. A taken port fails with what to do,
 * in the grammar's words (`--view=HOST:PORT`, `--no-view`).
 */
export async function startLiveView(
  view: { hostname: string; port: number } | undefined,
  title: string,
): Promise<Viewer | undefined> {
  if (view === undefined) return undefined;
  try {
    return await startViewer({ ...view, title });
  } catch (error) {
    if (!(error instanceof Deno.errors.AddrInUse)) throw error;
    throw new Deno.errors.AddrInUse(
      `${error.message.replace(/; pick another.*$/, "")}; --view=${view.hostname}:0 takes ` +
        "any free port, --no-view goes without",
    );
  }
}
