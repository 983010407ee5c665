// The test runner (tests/_runner.ts, `deno task test`): what it installs or asks for, in which
// order, and its summary. The machine is a fake `System` here: these tests must not install or
// remove packages on the machine that runs them. The skip records and the JUnit report come from
// a real `deno test` run of a small test file.

import assert from "node:assert/strict";
import {
  aptLine,
  BUNDLED_RERUN,
  neededPackages,
  NOT_QUICK,
  PACKAGES,
  parseJunit,
  parseSkips,
  type Probe,
  runTests,
  selectFiles,
  summarize,
  type System,
  TEST_FLAGS,
} from "./_runner.ts";
import { SKIPS_ENV } from "./_skip.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const ALL_NAMES = PACKAGES.map((pkg) => pkg.name);

/** A probe's package name. */
function packageOf(probe: Probe): string {
  const found = PACKAGES.find((pkg) => JSON.stringify(pkg.probe) === JSON.stringify(probe));
  assert.ok(found, JSON.stringify(probe));
  return found.name;
}

interface Ran {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

/** A machine with `installed` packages; `deno test` runs pass and leave a JUnit report. */
class FakeSystem implements System {
  readonly printed: string[] = [];
  readonly ran: Ran[] = [];
  readonly files = new Map<string, string>();
  readonly installed: Set<string>;
  aptExitCode = 0;

  constructor(installed: string[], readonly root: boolean, readonly apt: boolean) {
    this.installed = new Set(installed);
    // (Spelled in two pieces so that this file does not itself read as needing the Python peer.)
    this.files.set(
      "tests/a_test.ts",
      'import { x } from "./_python' + '_peer.ts"; // ffmpeg, libjpeg-turbo',
    );
    this.files.set("tests/b_test.ts", "plain");
    this.files.set("tests/zmq_socket_test.ts", "plain");
  }

  isRoot = () => this.root;
  hasCommand = (command: string) => command === "apt-get" && this.apt;
  probe = (probe: Probe) => Promise.resolve(this.installed.has(packageOf(probe)));

  run(command: string, args: string[], env?: Record<string, string>): Promise<number> {
    this.ran.push({ command, args, env });
    if (command === "apt-get" && args[0] === "install" && this.aptExitCode === 0) {
      for (const name of args.filter((arg) => !arg.startsWith("-")).slice(1)) {
        this.installed.add(name);
      }
    }
    if (command === "apt-get") return Promise.resolve(this.aptExitCode);
    if (args[0] === "test") {
      const junit = args.find((arg) => arg.startsWith("--junit-path="))!.split("=")[1];
      const cases = args.filter((arg) => arg.endsWith("_test.ts")).map((file) =>
        `<testcase name="t" classname="./${file}" time="1.5" line="3"></testcase>` +
        `<testcase name="t &gt; step" classname="./${file}" time="1.4" line="4"></testcase>` +
        `<testcase name="gone" classname="./${file}" line="9"><skipped/></testcase>`
      );
      this.files.set(junit, `<testsuites>${cases.join("")}</testsuites>`);
      const skips = env![SKIPS_ENV];
      const record = JSON.stringify({ file: "./tests/b_test.ts", reason: "no camera here" });
      this.files.set(skips, `${this.files.get(skips) ?? ""}${record}\n${record}\n`);
    }
    return Promise.resolve(0);
  }

  readText = (path: string) => this.files.get(path);
  print = (line: string) => void this.printed.push(line);

  /** The commands run, as `command arg…` (deno's own path as `deno`). */
  commands(): string[] {
    return this.ran.map(({ command, args }) =>
      [command === Deno.execPath() ? "deno" : command, ...args].join(" ")
    );
  }
}

const CONTEXT = {
  allFiles: ["tests/b_test.ts", "tests/a_test.ts", "tests/zmq_socket_test.ts"],
  tempDir: "/tmp/x",
};

Deno.test("not root: it prints the exact apt line and stops before installing or testing", async () => {
  const system = new FakeSystem(["libzmq5"], false, true);
  assert.equal(await runTests([], system, CONTEXT), 1);
  assert.deepEqual(system.ran, []);
  const line = "sudo apt-get update && sudo apt-get install -y --no-install-recommends " +
    "ffmpeg libturbojpeg0 python3-zmq python3-numpy";
  assert.ok(system.printed.includes(`  ${line}`), system.printed.join("\n"));
  assert.match(system.printed[0], /missing: ffmpeg, libturbojpeg0, python3-zmq/);
  // What each missing package is for and which files need it.
  assert.ok(
    system.printed.some((l) => /python3-zmq: .*needed by 1 file\(s\): tests\/a_test/.test(l)),
  );
});

Deno.test("no apt-get: it stops with what to install, even as root", async () => {
  const system = new FakeSystem([], true, false);
  assert.equal(await runTests(["tests/b_test.ts"], system, CONTEXT), 1);
  assert.deepEqual(system.ran, []);
  assert.ok(system.printed.some((l) => l.startsWith("No apt-get here")));
  assert.ok(system.printed.includes(`  ${aptLine(["libzmq5"], true)}`), system.printed.join("\n"));
  assert.equal(
    aptLine(["libzmq5"], true),
    "apt-get update && apt-get install -y --no-install-recommends libzmq5",
  );
});

Deno.test("root with apt-get: it installs the missing packages, then runs the tests", async () => {
  const system = new FakeSystem(["libzmq5", "ffmpeg"], true, true);
  assert.equal(await runTests([], system, CONTEXT), 0);
  const commands = system.commands();
  assert.deepEqual(commands.slice(0, 3), [
    "apt-get update -q",
    "apt-get install -y -q --no-install-recommends libturbojpeg0 python3-zmq python3-numpy",
    "deno install",
  ]);
  assert.equal(system.ran[0].env?.DEBIAN_FRONTEND, "noninteractive");
  assert.match(commands[3], /^deno test --sanitize-ops .* tests\/a_test.ts tests\/b_test.ts/);
  assert.equal(system.ran.length, 5);
});

Deno.test("on Ubuntu, the apt line names Ubuntu's packages", async () => {
  const system = new FakeSystem(["libzmq5", "ffmpeg"], false, true);
  system.files.set("/etc/os-release", 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n');
  system.files.set("tests/b_test.ts", 'import { x } from "./_brow' + 'ser.ts"; // libjpeg-turbo');
  assert.equal(await runTests(["tests/b_test.ts"], system, CONTEXT), 1);
  const chromium = Deno.env.get("NETGEAR_SKIP_BROWSER") === "1" ? "" : " chromium-browser";
  const line =
    `sudo apt-get update && sudo apt-get install -y --no-install-recommends libturbojpeg${chromium}`;
  assert.ok(system.printed.includes(`  ${line}`), system.printed.join("\n"));
});

Deno.test("a failing apt-get stops the run before the tests", async () => {
  const system = new FakeSystem([], true, true);
  system.aptExitCode = 100;
  assert.equal(await runTests([], system, CONTEXT), 1);
  assert.deepEqual(system.commands(), ["apt-get update -q"]);
  assert.ok(system.printed.some((l) => l.startsWith("apt-get failed")));
});

Deno.test("everything installed: deno install, the tests, the bundled-libzmq rerun, a summary", async () => {
  const system = new FakeSystem(ALL_NAMES, false, true);
  assert.equal(await runTests([], system, CONTEXT), 0);
  const commands = system.commands();
  assert.equal(commands.length, 3);
  assert.equal(commands[0], "deno install");
  assert.equal(
    commands[1],
    `deno test ${TEST_FLAGS.join(" ")} --junit-path=/tmp/x/run-0.xml ` +
      "tests/a_test.ts tests/b_test.ts tests/zmq_socket_test.ts",
  );
  assert.equal(system.ran[1].env?.NETGEAR_LIBZMQ, undefined);
  assert.match(commands[2], /--junit-path=\/tmp\/x\/run-1.xml tests\/zmq_socket_test.ts$/);
  assert.equal(system.ran[2].env?.NETGEAR_LIBZMQ, "bundled");
  const summary = system.printed.slice(system.printed.indexOf("== summary"));
  assert.deepEqual(summary, [
    "== summary",
    "tests: 6 passed, 0 failed, 3 skipped (test cases, steps included); exit code 0",
    "libzmq socket tests on the bundled libzmq (NETGEAR_LIBZMQ=bundled): 2 passed, 0 failed, " +
    "1 skipped (test cases, steps included); exit code 0",
    // Steps are part of their test's time, not added again.
    "Slowest files: tests/zmq_socket_test.ts (3 s), tests/a_test.ts (2 s), tests/b_test.ts (2 s)",
    "Skipped (4):",
    "  ./tests/a_test.ts:9 gone",
    "    reason: none recorded: give one with skipIf() from tests/_skip.ts",
    "  ./tests/b_test.ts:9 gone",
    "    reason: no camera here",
    "  ./tests/zmq_socket_test.ts:9 gone",
    "  ./tests/zmq_socket_test.ts:9 gone",
    "    reason: none recorded: give one with skipIf() from tests/_skip.ts",
  ]);
});

Deno.test("Ctrl+C during the first run: no further run, the summary, exit code 130", async () => {
  const system = new FakeSystem(ALL_NAMES, true, true);
  const context = { ...CONTEXT, interrupted: () => system.ran.length >= 2 }; // after deno test
  assert.equal(await runTests([], system, context), 130);
  assert.deepEqual(system.commands().map((c) => c.split(" ").slice(0, 2).join(" ")), [
    "deno install",
    "deno test",
  ]);
  assert.ok(system.printed.includes("== summary"));
  assert.match(system.printed.at(-1)!, /^Interrupted \(Ctrl\+C\): the runs above are all that ran/);
});

Deno.test("the runner refuses an unknown option with its usage", async () => {
  const system = new FakeSystem(ALL_NAMES, true, true);
  assert.equal(await runTests(["--fast"], system, CONTEXT), 2);
  assert.deepEqual(system.ran, []);
  assert.match(system.printed[0], /^Unknown option --fast\n\nUsage: deno task test/);
});

Deno.test("the quick tier leaves out the slow files, which all exist", () => {
  const all = [...Deno.readDirSync(`${ROOT}tests`)].map((e) => `tests/${e.name}`)
    .filter((name) => name.endsWith("_test.ts"));
  for (const file of [...Object.keys(NOT_QUICK), ...BUNDLED_RERUN]) {
    assert.ok(all.includes(file), `${file} is not a test file`);
  }
  const quick = selectFiles({ quick: true, files: [] }, all);
  assert.ok(quick.length > 20 && quick.length < all.length);
  assert.ok(!quick.includes("tests/viewer_browser_test.ts"));
  assert.ok(quick.includes("tests/runner_test.ts"));
});

Deno.test("the repo's test files need what they use: Python peer, browser, ffmpeg", () => {
  const needs = neededPackages(
    [
      "tests/netgear_interop_test.ts",
      "tests/viewer_browser_test.ts",
      "tests/capture_ffmpeg_test.ts",
    ],
    (file) => Deno.readTextFileSync(`${ROOT}${file}`),
  );
  const by = Object.fromEntries(needs.map(({ pkg, files }) => [pkg.name, files.length]));
  assert.equal(by.libzmq5, 3);
  assert.equal(by["python3-zmq"], 1);
  assert.equal(by.ffmpeg, 1);
  if (Deno.env.get("NETGEAR_SKIP_BROWSER") !== "1") assert.equal(by.chromium, 1);
});

Deno.test("deno task test and test:quick run tests/run.ts", () => {
  const { tasks } = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`)) as {
    tasks: Record<string, string>;
  };
  assert.match(tasks.test, /^deno run (--allow-\S+ )+tests\/run\.ts$/);
  assert.equal(tasks["test:quick"], `${tasks.test} --quick`);
});

Deno.test("a real deno test run: skipIf records each reason once, and the summary lists it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "netgear-runner-" });
  try {
    const skipModule = new URL("./_skip.ts", import.meta.url).href;
    await Deno.writeTextFile(
      `${dir}/s_test.ts`,
      `import { skipIf } from "${skipModule}";
       const why = skipIf(import.meta.url, "no camera here");
       Deno.test({ name: "one", ignore: why, fn() {} });
       Deno.test({ name: "two", ignore: why, fn() {} });
       Deno.test({ name: "three", ignore: skipIf(import.meta.url, undefined), fn() {} });`,
    );
    const { code } = await new Deno.Command(Deno.execPath(), {
      args: ["test", "--no-lock", `--allow-env=${SKIPS_ENV}`, `--allow-read=${dir}`]
        .concat(`--allow-write=${dir}`)
        .concat([`--junit-path=${dir}/report.xml`, "s_test.ts"]),
      cwd: dir,
      env: { [SKIPS_ENV]: `${dir}/skips.jsonl`, NO_COLOR: "1" },
      stdout: "null",
      stderr: "null",
    }).output();
    assert.equal(code, 0);
    const cases = parseJunit(await Deno.readTextFile(`${dir}/report.xml`));
    assert.deepEqual(
      cases.map((c) => [c.file, c.name, c.outcome]),
      [
        ["./s_test.ts", "one", "skipped"],
        ["./s_test.ts", "two", "skipped"],
        ["./s_test.ts", "three", "passed"],
      ],
    );
    const skips = parseSkips(await Deno.readTextFile(`${dir}/skips.jsonl`));
    assert.deepEqual(skips, [{ file: "./s_test.ts", reason: "no camera here" }]);
    const summary = summarize([{ label: "t", code, cases }], skips);
    assert.deepEqual(summary.slice(2).filter((line) => !line.startsWith("Slowest files: ")), [
      "t: 1 passed, 0 failed, 2 skipped (test cases, steps included); exit code 0",
      "Skipped (2):",
      "  ./s_test.ts:3 one",
      "  ./s_test.ts:4 two",
      "    reason: no camera here",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
