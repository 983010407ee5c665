// Skipping a test with its reason said, never silently: `ignore: skipIf(import.meta.url, why)`.
// Under `deno task test` (tests/run.ts) the reason is recorded in the file SKIPS_ENV names and
// printed in the run's summary; under a plain `deno test` it is printed as the file loads.

/** The environment variable naming the file (JSON lines) the runner reads the reasons from. */
export const SKIPS_ENV = "NETGEAR_TEST_SKIPS";

/** One recorded reason: the test file, as `deno test` names it (`./tests/x_test.ts`), and why. */
export interface SkipRecord {
  file: string;
  reason: string;
}

const said = new Set<string>();

/** The test file of `moduleUrl` as `deno test` names it: relative to the working folder. */
export function testFileName(moduleUrl: string): string {
  let base = new URL("../", import.meta.url).href; // the runner works from the repository root
  try {
    base = new URL(`${Deno.cwd().replace(/\/?$/, "/")}`, "file:///").href;
  } catch { /* no --allow-read: keep the root */ }
  return moduleUrl.startsWith(base) ? `./${moduleUrl.slice(base.length)}` : moduleUrl;
}

/**
 * The `ignore` option of `Deno.test` (or of a step): true when `reason` is given, which is
 * then recorded once for the runner's summary (and printed).
 *
 * @param moduleUrl The test file's `import.meta.url`.
 * @param reason Why the test cannot run here, or `undefined` when it can.
 * @returns Whether to ignore the test.
 */
export function skipIf(moduleUrl: string, reason: string | undefined): boolean {
  if (reason === undefined) return false;
  const record: SkipRecord = { file: testFileName(moduleUrl), reason };
  const key = JSON.stringify(record);
  if (said.has(key)) return true;
  said.add(key);
  const log = Deno.env.get(SKIPS_ENV);
  if (log) Deno.writeTextFileSync(log, `${key}\n`, { append: true });
  else console.warn(`${record.file}: skipping: ${reason}`);
  return true;
}
