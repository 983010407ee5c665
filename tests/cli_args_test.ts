// The command-line parser every netgear program shares (src/cli/args.ts), in-process: values,
// defaults, the value that may be left out (--view), negation, and each mistake's message.
import assert from "node:assert/strict";
import {
  formatOptions,
  HELP_OPTION,
  nearest,
  type OptionSpec,
  parseCommandLine,
  UsageError,
} from "../src/cli/args.ts";
import { PORTS_OPTION, REALTIME_OPTION, viewOption } from "../src/cli/shared_options.ts";
import { viewValue } from "../src/cli/values.ts";

const OPTIONS: OptionSpec[] = [
  PORTS_OPTION,
  REALTIME_OPTION,
  viewOption(true),
  { name: "fps", type: "string", value: "RATE", description: "Frame rate" },
  { name: "jpeg", type: "string", value: "QUALITY", bare: "90", description: "JPEG" },
  { name: "quiet", type: "boolean", short: "q", description: "No status line" },
  HELP_OPTION,
];

const parse = (...args: string[]) => parseCommandLine(args, OPTIONS, 1);

Deno.test("parseCommandLine() reads values, defaults, switches, negations and positionals", () => {
  assert.deepEqual(parse().values, {
    ports: "5566,5567",
    realtime: true,
    view: "127.0.0.1:0",
    fps: undefined,
    jpeg: undefined,
    quiet: undefined,
    help: undefined,
  });
  const { values, positionals } = parse(
    "testsrc",
    "--ports=1,2",
    "--fps",
    "-5", // a negative number is a value, not a flag
    "--no-realtime",
    "--jpeg",
    "-q",
  );
  assert.deepEqual(positionals, ["testsrc"]);
  assert.equal(values.ports, "1,2");
  assert.equal(values.fps, "-5");
  assert.equal(values.realtime, false);
  assert.equal(values.jpeg, "90");
  assert.equal(values.quiet, true);
  assert.equal(parse("--jpeg=70").values.jpeg, "70");
  assert.deepEqual(parse("--", "--fps").positionals, ["--fps"]);
  assert.equal(parse("--fps", "1", "--fps", "2").values.fps, "2", "the last one wins");
});

Deno.test("--view takes HOST:PORT, stands alone for any free port, and --no-view turns it off", () => {
  assert.deepEqual(viewValue(parse().values.view), { hostname: "127.0.0.1", port: 0 });
  assert.deepEqual(viewValue(parse("--view").values.view), { hostname: "127.0.0.1", port: 0 });
  assert.deepEqual(viewValue(parse("--view=0.0.0.0:8080").values.view), {
    hostname: "0.0.0.0",
    port: 8080,
  });
  assert.equal(viewValue(parse("--no-view").values.view), undefined);
  assert.throws(() => viewValue(parse("--view=8080").values.view), /give HOST:PORT/);
});

Deno.test("parseCommandLine() names each mistake, with the nearest valid flag", () => {
  const cases: [string[], string][] = [
    [["--port", "1"], 'Unknown option "--port": did you mean --ports?'],
    [["--realtme"], 'Unknown option "--realtme": did you mean --realtime?'],
    [["--no-veiw"], 'Unknown option "--no-veiw": did you mean --no-view?'],
    [["--no-quiet"], 'Unknown option "--no-quiet": --quiet is off unless given'],
    [["--no-fps"], 'Unknown option "--no-fps"'],
    [["--frobnicate"], 'Unknown option "--frobnicate"'],
    [["-x"], 'Unknown option "-x"'],
    [["--fps"], 'Option "--fps" needs a value, e.g. --fps RATE'],
    [["--fps", "--quiet"], 'Option "--fps" needs a value, e.g. --fps RATE'],
    [["--quiet=yes"], 'Option "--quiet" is a switch and takes no value'],
    [["--no-view=1"], 'Option "--no-view" takes no value'],
    [["a", "b"], 'Unexpected extra argument "b": give at most 1'],
  ];
  for (const [args, message] of cases) {
    assert.throws(() => parse(...args), (error: unknown) => {
      assert.ok(error instanceof UsageError, args.join(" "));
      assert.equal(error.message, message, args.join(" "));
      return true;
    });
  }
});

Deno.test("nearest() suggests a close spelling or the only completion, else nothing", () => {
  assert.equal(nearest("sedn", ["send", "recv", "demo", "keys"]), "send");
  assert.equal(nearest("--por", ["--ports", "--pattern"]), "--ports");
  assert.equal(nearest("--xyzzy", ["--ports", "--pattern"]), undefined);
});

Deno.test("formatOptions() lists each flag once, aligned, wrapped at 100 columns", () => {
  const help = formatOptions(OPTIONS);
  const lines = help.split("\n");
  assert.ok(lines.every((line) => line.length <= 100), help);
  assert.match(help, /^ {6}--\[no-\]view\[=HOST:PORT\] +Serve the live montage/m);
  assert.match(help, /^ {2}-q, --quiet +No status line$/m);
  assert.match(help, /^ {6}--jpeg\[=QUALITY\] +JPEG$/m);
  const flags = help.match(/^ {2}(?:-\w, | {4})(--\S+)/gm)!;
  assert.equal(flags.length, OPTIONS.length);
});
