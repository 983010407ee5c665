// Where the browser tests look for chromium. Apart from tests/_browser.ts (which loads
// playwright-core) so that the test runner can look before any npm package is installed.

/** Where chromium is looked for: `CHROMIUM_PATH` first, then the usual system names. */
export const CHROMIUM_PATHS: string[] = [
  Deno.env.get("CHROMIUM_PATH"),
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
].filter((path): path is string => !!path);

/** `NETGEAR_SKIP_BROWSER=1` skips the browser tests (e.g. on a machine without chromium). */
export const SKIP_BROWSER: boolean = Deno.env.get("NETGEAR_SKIP_BROWSER") === "1";

/** The first chromium executable found, or undefined. */
export function findChromium(): string | undefined {
  return CHROMIUM_PATHS.find((path) => {
    try {
      return Deno.statSync(path).isFile;
    } catch {
      return false;
    }
  });
}
