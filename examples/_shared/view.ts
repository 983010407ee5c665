/**
 * The clients' live view: every server's frames in the browser ({@linkcode startViewer}),
 * where the docs' clients open a `cv2.imshow` window.
 *
 * @module
 */

import { startViewer, type Viewer } from "../../src/viewer/mod.ts";
import type { ClientFlags } from "./flags.ts";

/**
 * Starts the live view on 127.0.0.1 at `--view-port` (any free port by default), or nothing
 * with `--no-view`. Its page only ever listens on loopback, even when the client binds `*`:
 * it shows every camera to whoever reaches it.
 *
 * @param flags The client's flags.
 * @param title The page's title.
 * @returns The viewer (close it, or `await using`), or `undefined` with `--no-view`.
 * @throws {Error} When it cannot start (port taken, no JPEG codec, no net permission), naming
 *   the cause and `--no-view` as the way to go without it.
 */
export async function startLiveView(
  flags: ClientFlags,
  title: string,
): Promise<Viewer | undefined> {
  if (!flags.view) return undefined;
  try {
    return await startViewer({ port: flags.viewPort, title });
  } catch (error) {
    const where = flags.viewPort === 0 ? "" : ` on port ${flags.viewPort}`;
    throw new Error(
      `Cannot start the live view${where}; --view-port picks its port, --no-view goes without it`,
      { cause: error },
    );
  }
}
