// Headless chromium for the viewer tests: Debian's `chromium` driven by playwright-core.
// A browser is never downloaded.

import fs from "node:fs";
import type { Browser } from "playwright-core";
import { CHROMIUM_PATHS, findChromium, SKIP_BROWSER } from "./_chromium.ts";

// playwright-core probes /proc/sys/fs/binfmt_misc/WSLInterop with fs.existsSync when it loads.
// Deno lets only --allow-all read /proc and throws NotCapable there, where Node's existsSync
// never throws; restore Node's behaviour (false) so the tests run without --allow-all.
const existsSync = fs.existsSync;
fs.existsSync = (path: fs.PathLike): boolean => {
  try {
    return existsSync(path);
  } catch {
    return false;
  }
};
const { chromium } = await import("playwright-core");

export { CHROMIUM_PATHS, findChromium, SKIP_BROWSER };

/**
 * Launches headless chromium.
 *
 * @throws {Error} When none is installed, saying how to install it or skip these tests.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) {
    throw new Error(
      `Cannot find chromium (tried ${CHROMIUM_PATHS.join(", ")}): install it ` +
        "(Debian: apt-get install chromium), point CHROMIUM_PATH at it, " +
        "or set NETGEAR_SKIP_BROWSER=1 to skip the browser tests",
    );
  }
  // --no-sandbox: CI runs as root, where chromium's sandbox refuses to start.
  return await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox"] });
}
