// The test runner behind `deno task test` and `deno task test:quick` (tests/run.ts is its entry
// point): it installs what the tests need, runs them, and ends with a summary that lists every
// skipped test with its reason. Everything it touches on the machine goes through `System`, so
// that tests/runner_test.ts can drive it with a fake one.

import { findChromium, SKIP_BROWSER } from "./_chromium.ts";
import { type SkipRecord, SKIPS_ENV } from "./_skip.ts";

/** The permissions and sanitizers every test file runs with (as `deno task test` always had). */
export const TEST_FLAGS: readonly string[] = [
  "--sanitize-ops",
  "--sanitize-resources",
  "--allow-ffi",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-run",
  "--allow-net=127.0.0.1,localhost,0.0.0.0",
  "--allow-sys",
];

/** The files run a second time on the npm zeromq package's libzmq (`NETGEAR_LIBZMQ=bundled`). */
export const BUNDLED_RERUN: readonly string[] = [
  "tests/zmq_socket_test.ts",
  "tests/zmq_library_test.ts",
  "tests/zmq_zero_copy_test.ts",
];

/**
 * What the quick tier leaves out, by file, and why: fault, soak, browser, example and other
 * whole-program runs, and anything else that takes over about 10 s here (`deno task test` lists
 * the slowest files in its summary).
 */
export const NOT_QUICK: Readonly<Record<string, string>> = {
  "tests/netgear_faults_test.ts": "fault injection",
  "tests/netgear_process_test.ts": "fault: server processes killed mid-stream",
  "tests/capture_reconnect_test.ts": "fault: cameras that drop and come back",
  "tests/netgear_slow_link_test.ts": "fault: a slow link in network namespaces",
  "tests/netgear_lifecycle_test.ts": "servers that come late or rarely: 10-25 s timelines",
  "tests/netgear_fuzz_test.ts": "fuzzing: tens of thousands of messages",
  "tests/netgear_multiserver_test.ts": "servers that leave or stay away: timeout timelines",
  "tests/netgear_live_test.ts": "live mode's rate control over seconds-long timelines",
  "tests/soak_test.ts": "soak",
  "tests/bench_smoke_test.ts": "a benchmark run",
  "tests/viewer_browser_test.ts": "browser",
  "tests/examples_test.ts": "example runs",
  "tests/demo_test.ts": "the demo's run",
  "tests/cli_test.ts": "CLI runs as subprocesses",
  "tests/cli_signals_test.ts": "Ctrl+C on whole CLI runs",
  "tests/record_test.ts": "recording runs with ffmpeg encoders",
  "tests/packaging_test.ts": "deno publish, compile and a consumer project",
};

/** How to tell that what a Debian package provides is on this machine. */
export type Probe =
  | { command: string }
  | { library: string }
  | { python: string }
  | { chromium: true };

/** A Debian/Ubuntu package some tests need. */
export interface SystemPackage {
  /** Its apt name (Debian's). */
  name: string;
  /** Its apt name on Ubuntu, where that differs. */
  ubuntuName?: string;
  /** What the tests use it for. */
  purpose: string;
  probe: Probe;
  /** Whether the test file (its path and source text) needs it. */
  neededBy(file: string, source: string): boolean;
}

function isRoot(): boolean {
  try {
    return Deno.uid() === 0;
  } catch {
    return false; // no --allow-sys: cannot tell
  }
}

/** Debian's Python, the one the interop tests run (it has pyzmq and numpy once installed). */
export const PYTHON = "/usr/bin/python3";

/** Every system package the tests use; each test file needs the ones whose `neededBy` holds. */
export const PACKAGES: readonly SystemPackage[] = [
  {
    name: "libzmq5",
    purpose: "the system libzmq, which every test file loads first",
    probe: { library: "libzmq.so.5" },
    neededBy: () => true,
  },
  {
    name: "ffmpeg",
    purpose: "capture from test patterns (capture, CLI and example tests)",
    probe: { command: "ffmpeg" },
    neededBy: (_file, source) => /\bffmpeg\b|testsrc|\.\/_cli\.ts|"example:/.test(source),
  },
  {
    name: "libturbojpeg0",
    ubuntuName: "libturbojpeg",
    purpose: "libjpeg-turbo, the fast JPEG codec",
    probe: { library: "libturbojpeg.so.0" },
    neededBy: (_file, source) => /libjpeg-turbo|"example:/.test(source),
  },
  {
    name: "python3-zmq",
    purpose: "pyzmq, for the vidgear-wire Python peer",
    probe: { python: "zmq" },
    neededBy: (_file, source) => /from "\.\/_python_peer\.ts"/.test(source),
  },
  {
    name: "python3-numpy",
    purpose: "numpy, for the vidgear-wire Python peer",
    probe: { python: "numpy" },
    neededBy: (_file, source) => /from "\.\/_python_peer\.ts"/.test(source),
  },
  {
    name: "iproute2",
    purpose: "ip and tc, for the slow-link test's network namespaces (root only)",
    probe: { command: "tc" },
    // Without root the test skips (namespaces need it), so only root needs the package.
    neededBy: (_file, source) => isRoot() && /from "\.\/_slow_link\.ts"/.test(source),
  },
  {
    name: "chromium",
    ubuntuName: "chromium-browser", // a snap there
    purpose: "the live viewer's browser tests (NETGEAR_SKIP_BROWSER=1 skips them)",
    probe: { chromium: true },
    neededBy: (_file, source) => !SKIP_BROWSER && /from "\.\/_browser\.ts"/.test(source),
  },
];

/** Everything the runner does to the machine. */
export interface System {
  /** Whether this process runs as root. */
  isRoot(): boolean;
  /** Whether `command` is an executable on PATH. */
  hasCommand(command: string): boolean;
  /** Whether what `probe` looks for is here. */
  probe(probe: Probe): Promise<boolean>;
  /** Runs a command (its output shown as it comes) and returns its exit code. */
  run(command: string, args: string[], env?: Record<string, string>): Promise<number>;
  /** Reads a text file, or undefined when it is not there. */
  readText(path: string): string | undefined;
  /** Prints a line. */
  print(line: string): void;
}

/** The packages `files` need (each with the files needing it), in {@linkcode PACKAGES} order. */
export function neededPackages(
  files: readonly string[],
  sourceOf: (file: string) => string,
): { pkg: SystemPackage; files: string[] }[] {
  const needs = PACKAGES.map((pkg) => ({ pkg, files: [] as string[] }));
  for (const file of files) {
    const source = sourceOf(file);
    for (const need of needs) if (need.pkg.neededBy(file, source)) need.files.push(file);
  }
  return needs.filter((need) => need.files.length > 0);
}

/** The apt command line that installs `names`, with `sudo` when not root. */
export function aptLine(names: readonly string[], root: boolean): string {
  const sudo = root ? "" : "sudo ";
  return `${sudo}apt-get update && ${sudo}apt-get install -y --no-install-recommends ` +
    names.join(" ");
}

/**
 * Makes sure every needed package is here: installs the missing ones with apt-get when root on
 * a machine that has it; otherwise prints the exact line to run and returns false at once.
 */
export async function ensurePackages(
  needed: { pkg: SystemPackage; files: string[] }[],
  system: System,
): Promise<boolean> {
  const missing = [];
  for (const need of needed) if (!await system.probe(need.pkg.probe)) missing.push(need);
  if (missing.length === 0) return true;
  const osRelease = system.readText("/etc/os-release") ?? "";
  const ubuntu = /^(ID|ID_LIKE)=.*\bubuntu\b/m.test(osRelease);
  const names = missing.map((m) => ubuntu ? m.pkg.ubuntuName ?? m.pkg.name : m.pkg.name);
  system.print(`The tests need system packages that are missing: ${names.join(", ")}`);
  for (const { pkg, files } of missing) {
    const some = files.length > 3 ? `${files.slice(0, 3).join(", ")}, …` : files.join(", ");
    system.print(`  ${pkg.name}: ${pkg.purpose}; needed by ${files.length} file(s): ${some}`);
  }
  const root = system.isRoot();
  const apt = system.hasCommand("apt-get");
  if (!root || !apt) {
    system.print(
      apt
        ? "Not root, so not installing them. Run:"
        : "No apt-get here: install what these Debian packages provide; on Debian/Ubuntu:",
    );
    system.print(`  ${aptLine(names, root)}`);
    system.print("then run the tests again.");
    return false;
  }
  system.print(`Installing them: ${aptLine(names, true)}`);
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const install = ["install", "-y", "-q", "--no-install-recommends", ...names];
  if (
    await system.run("apt-get", ["update", "-q"], env) !== 0 ||
    await system.run("apt-get", install, env) !== 0
  ) {
    system.print(`apt-get failed; install them by hand: ${aptLine(names, true)}`);
    return false;
  }
  const still = [];
  for (const { pkg } of missing) if (!await system.probe(pkg.probe)) still.push(pkg.name);
  if (still.length > 0) {
    system.print(`Installed, but still not usable here: ${still.join(", ")}`);
    return false;
  }
  return true;
}

/** One test case of a JUnit report (steps are cases too, named `parent > step`). */
export interface TestCase {
  file: string;
  name: string;
  line: number;
  /** Seconds. */
  time: number;
  outcome: "passed" | "failed" | "skipped";
}

const XML_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
};

function unescapeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => XML_ENTITIES[name]);
}

/** The test cases of a JUnit report written by `deno test --junit-path`. */
export function parseJunit(xml: string): TestCase[] {
  const cases: TestCase[] = [];
  for (const [, attributes, body] of xml.matchAll(/<testcase\b([^>]*)>([\s\S]*?)<\/testcase>/g)) {
    const attribute = (name: string) =>
      unescapeXml(attributes.match(new RegExp(`\\b${name}="([^"]*)"`))?.[1] ?? "");
    cases.push({
      file: attribute("classname"),
      name: attribute("name"),
      line: Number(attribute("line")) || 0,
      time: Number(attribute("time")) || 0,
      outcome: /<(failure|error)\b/.test(body)
        ? "failed"
        : /<skipped\b/.test(body)
        ? "skipped"
        : "passed",
    });
  }
  return cases;
}

/** The recorded reasons (JSON lines of {@linkcode SkipRecord}), each once. */
export function parseSkips(text: string): SkipRecord[] {
  const seen = new Map<string, SkipRecord>();
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const record = JSON.parse(line) as SkipRecord;
    seen.set(`${record.file}\n${record.reason}`, record);
  }
  return [...seen.values()];
}

/** One `deno test` run of the runner, once it has ended. */
export interface RunResult {
  label: string;
  code: number;
  /** Undefined when the run left no JUnit report (it ended before writing one). */
  cases: TestCase[] | undefined;
}

/** The summary's lines: counts per run, failures, and every skipped test with its reason. */
export function summarize(runs: readonly RunResult[], skips: readonly SkipRecord[]): string[] {
  const lines = ["", "== summary"];
  const skipped: TestCase[] = [];
  const failed: TestCase[] = [];
  for (const { label, code, cases } of runs) {
    if (cases === undefined) {
      lines.push(`${label}: exit code ${code}, no JUnit report (the run ended early)`);
      continue;
    }
    const count = (outcome: TestCase["outcome"]) =>
      cases.filter((c) => c.outcome === outcome).length;
    lines.push(
      `${label}: ${count("passed")} passed, ${count("failed")} failed, ${count("skipped")} ` +
        `skipped (test cases, steps included); exit code ${code}`,
    );
    skipped.push(...cases.filter((c) => c.outcome === "skipped"));
    failed.push(...cases.filter((c) => c.outcome === "failed"));
  }
  const slowest = slowestFiles(runs.flatMap((run) => run.cases ?? []), 5);
  if (slowest.length > 0) lines.push(`Slowest files: ${slowest.join(", ")}`);
  if (failed.length > 0) {
    lines.push(`Failed (${failed.length}):`);
    for (const c of failed) lines.push(`  ${c.file}:${c.line} ${c.name}`);
  }
  // A reason recorded by a file without a skipped test (a module-level check) is listed too.
  const files = new Set([...skipped.map((c) => c.file), ...skips.map((s) => s.file)]);
  if (files.size > 0) lines.push(`Skipped (${skipped.length}):`);
  for (const file of [...files].sort()) {
    const reasons = skips.filter((s) => s.file === file).map((s) => s.reason);
    for (const c of skipped.filter((c) => c.file === file)) {
      lines.push(`  ${file}:${c.line} ${c.name}`);
    }
    if (reasons.length === 0) {
      lines.push("    reason: none recorded: give one with skipIf() from tests/_skip.ts");
    }
    for (const reason of reasons) lines.push(`    reason: ${reason}`);
  }
  return lines;
}

/** The `count` files that took longest (steps not counted twice), as `file (N s)`. */
export function slowestFiles(cases: readonly TestCase[], count: number): string[] {
  const seconds = new Map<string, number>();
  const names = new Set(cases.map((c) => `${c.file}\n${c.name}`));
  for (const c of cases) {
    const parts = c.name.split(" > ");
    const step = parts.slice(1).some((_, i) =>
      names.has(`${c.file}\n${parts.slice(0, i + 1).join(" > ")}`)
    );
    if (!step) seconds.set(c.file, (seconds.get(c.file) ?? 0) + c.time);
  }
  return [...seconds].sort((a, b) => b[1] - a[1]).slice(0, count)
    .map(([file, s]) => `${file.replace(/^\.\//, "")} (${Math.round(s)} s)`);
}

/** What the command line asked for. */
export interface RunnerOptions {
  quick: boolean;
  /** Test files named on the command line (all `tests/*_test.ts` when empty). */
  files: string[];
}

/** The usage text. */
export const USAGE = `Usage: deno task test [--quick] [tests/<name>_test.ts …]

Installs the system packages the chosen tests need (apt-get, as root; otherwise prints the
line to run and stops), runs \`deno install\`, runs the tests with the permissions below,
runs the libzmq socket tests again on the npm zeromq package's libzmq, and ends with a summary
that lists each skipped test with its reason.

  --quick   leave out the slow files (faults, soak, browser, examples, demo): the edit-test loop

Tests run as: deno test ${TEST_FLAGS.join(" ")} <files>`;

/** Parses the runner's arguments; a string is a usage error. */
export function parseArgs(args: readonly string[]): RunnerOptions | string {
  const options: RunnerOptions = { quick: false, files: [] };
  for (const arg of args) {
    if (arg === "--quick") options.quick = true;
    else if (arg.startsWith("-")) return `Unknown option ${arg}`;
    else options.files.push(arg.replace(/^\.\//, ""));
  }
  return options;
}

/** The files to run: those named, else every `tests/*_test.ts` (less the slow ones if quick). */
export function selectFiles(options: RunnerOptions, all: readonly string[]): string[] {
  const files = options.files.length > 0 ? options.files : [...all].sort();
  return options.quick ? files.filter((file) => !(file in NOT_QUICK)) : files;
}

/** What {@linkcode runTests} needs besides the {@linkcode System}. */
export interface RunnerContext {
  /** Every `tests/*_test.ts`, relative to the repository root. */
  allFiles: string[];
  /** A fresh temporary folder for the JUnit reports and the skip records. */
  tempDir: string;
  /** Whether Ctrl+C came: no further run starts, the summary covers what ran. */
  interrupted?: () => boolean;
}

/**
 * Runs the tests as `options` asks: packages, `deno install`, the runs, the summary.
 *
 * @returns The exit code: 0 when every run passed, 2 for a usage error, else 1.
 */
export async function runTests(
  args: readonly string[],
  system: System,
  context: RunnerContext,
): Promise<number> {
  const options = parseArgs(args);
  if (typeof options === "string") {
    system.print(`${options}\n\n${USAGE}`);
    return 2;
  }
  const files = selectFiles(options, context.allFiles);
  if (files.length === 0) {
    system.print("No test files to run");
    return 2;
  }
  if (options.quick) {
    const left = Object.keys(NOT_QUICK).filter((file) => !files.includes(file));
    system.print(`Quick: leaving out ${left.map((f) => f.replace(/^tests\//, "")).join(", ")}`);
  }
  const needed = neededPackages(files, (file) => system.readText(file) ?? "");
  if (!await ensurePackages(needed, system)) return 1;
  if (await system.run(Deno.execPath(), ["install"]) !== 0) {
    system.print("deno install failed: the npm packages the tests import are not available");
    return 1;
  }
  const skipLog = `${context.tempDir}/skips.jsonl`;
  const bundled = BUNDLED_RERUN.filter((file) => files.includes(file));
  const plan = [{ label: options.quick ? "quick tests" : "tests", env: {}, files }];
  if (bundled.length > 0) {
    const label = "libzmq socket tests on the bundled libzmq (NETGEAR_LIBZMQ=bundled)";
    plan.push({ label, env: { NETGEAR_LIBZMQ: "bundled" }, files: bundled });
  }
  const runs: RunResult[] = [];
  for (const [i, run] of plan.entries()) {
    if (context.interrupted?.()) break;
    const junit = `${context.tempDir}/run-${i}.xml`;
    system.print(`== ${run.label}: deno test ${TEST_FLAGS.join(" ")} <${run.files.length} files>`);
    const code = await system.run(
      Deno.execPath(),
      ["test", ...TEST_FLAGS, `--junit-path=${junit}`, ...run.files],
      { ...run.env, [SKIPS_ENV]: skipLog },
    );
    const xml = system.readText(junit);
    runs.push({ label: run.label, code, cases: xml === undefined ? undefined : parseJunit(xml) });
  }
  for (const line of summarize(runs, parseSkips(system.readText(skipLog) ?? ""))) {
    system.print(line);
  }
  if (context.interrupted?.()) {
    system.print(
      "Interrupted (Ctrl+C): the runs above are all that ran, the last one cut short " +
        "(its unfinished tests show as failed or skipped)",
    );
    return 130;
  }
  return runs.every((run) => run.code === 0) ? 0 : 1;
}

/** The real machine, with the repository root as the working folder of every command. */
export function realSystem(root: string): System {
  const pathDirs = (Deno.env.get("PATH") ?? "").split(":").filter((dir) => dir !== "");
  const isExecutable = (path: string) => {
    try {
      const info = Deno.statSync(path);
      return info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0;
    } catch {
      return false;
    }
  };
  const quiet = async (command: string, args: string[]) => {
    try {
      const { success } = await new Deno.Command(command, {
        args,
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).output();
      return success;
    } catch {
      return false;
    }
  };
  return {
    isRoot: () => Deno.uid() === 0,
    hasCommand: (command) => pathDirs.some((dir) => isExecutable(`${dir}/${command}`)),
    probe(probe) {
      if ("command" in probe) {
        return Promise.resolve(pathDirs.some((dir) => isExecutable(`${dir}/${probe.command}`)));
      }
      if ("library" in probe) {
        try {
          Deno.dlopen(probe.library, {}).close();
          return Promise.resolve(true);
        } catch {
          return Promise.resolve(false);
        }
      }
      if ("python" in probe) return quiet(PYTHON, ["-c", `import ${probe.python}`]);
      return Promise.resolve(findChromium() !== undefined);
    },
    async run(command, args, env) {
      const child = new Deno.Command(command, {
        args,
        env,
        cwd: root,
        stdin: "inherit",
        stdout: "inherit",
        stderr: "inherit",
      }).spawn();
      return (await child.status).code;
    },
    readText(path) {
      try {
        return Deno.readTextFileSync(path.startsWith("/") ? path : `${root}/${path}`);
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return undefined;
        throw error;
      }
    },
    print: (line) => console.log(line),
  };
}
