// `deno task test` and `deno task test:quick`: see tests/_runner.ts, and `--help`.

import { realSystem, runTests, USAGE } from "./_runner.ts";

if (Deno.args.includes("--help") || Deno.args.includes("-h")) {
  console.log(USAGE);
  Deno.exit(0);
}

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const allFiles = [...Deno.readDirSync(`${root}/tests`)]
  .filter((entry) => entry.isFile && entry.name.endsWith("_test.ts"))
  .map((entry) => `tests/${entry.name}`);
const tempDir = Deno.makeTempDirSync({ prefix: "netgear-test-run-" });
// Ctrl+C reaches the running `deno test` too (it ends it); this process then prints the summary
// of what ran, starts nothing more, and cleans up.
let interrupted = false;
Deno.addSignalListener("SIGINT", () => interrupted = true);
try {
  Deno.exitCode = await runTests(Deno.args, realSystem(root), {
    allFiles,
    tempDir,
    interrupted: () => interrupted,
  });
} finally {
  Deno.removeSync(tempDir, { recursive: true });
}
