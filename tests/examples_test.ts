// The four multi-server examples end to end: each scenario's client and two servers run as real
// `deno run` subprocesses on loopback, with exactly the permissions of their deno.json tasks,
// real libzmq, real ffmpeg test patterns and the synthetic source. Checks what the client got
// from each server (frames per port, messages), what the servers got back (bidirectional),
// the montage snapshot, the client's live view in the browser (its page, its tiles, a tile
// removed when its server leaves), and that every process exits 0 in bounded time.

import assert from "node:assert/strict";
import { delay, freePort, within } from "./_endpoints.ts";
import { PERMISSIONS } from "./_cli.ts";
import { jpegCodec } from "../src/codec/mod.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const CONFIG = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)) as {
  tasks: Record<string, string>;
};
/** Bound on one whole scenario (four deno start-ups and ffmpeg on a shared 2-core machine). */
const SCENARIO_MS = 60_000;
const FRAMES = [12, 8] as const;
const SIZE = ["--size", "160x120"];

/** A task's `deno run` flags and script, read from deno.json so the test cannot drift. */
function taskCommand(task: string): { flags: string[]; script: string } {
  const command = CONFIG.tasks[task];
  assert.ok(command, `deno.json has no task "${task}"`);
  const words = command.trim().split(/\s+/);
  assert.deepEqual(words.slice(0, 2), ["deno", "run"], `task "${task}" is not "deno run …"`);
  return { flags: words.slice(2, -1), script: words.at(-1)! };
}

/** One example script running as a subprocess, its stdout read as JSON lines. */
class ExampleProcess {
  readonly task: string;
  /** Every line of stdout. */
  readonly lines: string[] = [];
  /** The JSON lines of stdout. */
  readonly records: Record<string, unknown>[] = [];
  readonly ready: Promise<void>;
  readonly #child: Deno.ChildProcess;
  readonly #stdout: Promise<void>;
  readonly #stderr: Promise<string>;
  #markReady!: () => void;

  /**
   * Starts `task`'s script with `args` and `--json`, with the task's permissions less
   * `withoutFlag` when given, and `env` added to the environment.
   */
  constructor(task: string, args: string[], withoutFlag?: string, env?: Record<string, string>) {
    this.task = task;
    const { flags, script } = taskCommand(task);
    this.ready = new Promise((resolve) => this.#markReady = resolve);
    this.#child = new Deno.Command(Deno.execPath(), {
      args: ["run", ...flags.filter((flag) => flag !== withoutFlag), script, ...args, "--json"],
      cwd: ROOT, // the tasks' relative permissions (--allow-write=out) are from the root
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#stdout = this.#readStdout();
    this.#stderr = new Response(this.#child.stderr).text();
  }

  async #readStdout(): Promise<void> {
    let buffered = "";
    for await (const chunk of this.#child.stdout.pipeThrough(new TextDecoderStream())) {
      buffered += chunk;
      for (let newline; (newline = buffered.indexOf("\n")) >= 0;) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        this.lines.push(line);
        if (!line.startsWith("{")) continue; // --help text
        const record = JSON.parse(line);
        this.records.push(record);
        if ("ready" in record) this.#markReady();
      }
    }
  }

  /** The `summary` record, once the process has ended. */
  summary<T>(): T {
    const record = this.records.find((r) => "summary" in r);
    assert.ok(record, `${this.task} printed no summary`);
    return record.summary as T;
  }

  /** Waits for the end; returns the exit code and what the process wrote to stderr. */
  async finished(): Promise<{ code: number; stderr: string }> {
    const [status, , stderr] = await Promise.all([this.#child.status, this.#stdout, this.#stderr]);
    return { code: status.code, stderr };
  }

  /** The `ready` record (once {@linkcode ready} has resolved). */
  readyRecord<T>(): T {
    const record = this.records.find((r) => "ready" in r);
    assert.ok(record, `${this.task} printed no ready record`);
    return record.ready as T;
  }

  /** Waits for the `ready` record; throws with stderr if the process ends before it. */
  async started(): Promise<void> {
    await Promise.race([
      this.ready,
      this.finished().then(({ code, stderr }) => {
        throw new Error(`${this.task} ended (${code}) before it was ready:\n${stderr}`);
      }),
    ]);
  }

  /** Sends SIGINT, as Ctrl+C in a terminal does. */
  interrupt(): void {
    this.#child.kill("SIGINT");
  }

  /** Ends the process if it still runs (cleanup after a failure). */
  kill(): void {
    try {
      this.#child.kill("SIGKILL");
    } catch { /* already ended */ }
  }
}

interface ClientSummary {
  frames: number;
  dropped: Record<string, number>;
  snapshots: number;
  servers: {
    port: number;
    state: string;
    goneReason: string | null;
    frames: number;
    messages: Record<string, number>;
  }[];
}

/** What a client's `ready` record says. */
interface ClientReady {
  ports: number[];
  /** The live view's URL; absent with `--no-view`. */
  view?: string;
}

interface ServerSummary {
  port: number;
  sent: number;
  replies?: Record<string, number>;
}

/** Two distinct free ports. */
function twoPorts(): [number, number] {
  for (let i = 0; i < 20; i++) {
    const [a, b] = [freePort(), freePort()];
    if (a !== b) return [a, b];
  }
  throw new Error("Could not find two distinct free ports");
}

/**
 * Runs scenario `letter`: the client first (until it listens), then both servers with
 * `FRAMES[i]` frames each from `sources[i]`. Returns the summaries once every process has
 * exited 0, and the first montage file's bytes.
 */
async function runScenario(
  letter: "a" | "b" | "c" | "d",
  sources: [string, string],
): Promise<{
  ports: [number, number];
  client: ClientSummary;
  servers: ServerSummary[];
  png: Uint8Array;
  /** The live view's URL, its page as fetched while the scenario ran, and the client's stderr. */
  view: { url: string; page: string; stderr: string };
}> {
  const ports = twoPorts();
  const out = `out/test-examples-${letter}-${crypto.randomUUID()}`;
  const processes: ExampleProcess[] = [];
  try {
    return await within(
      (async () => {
        const client = new ExampleProcess(`example:${letter}:client`, [
          ...["--ports", ports.join(","), "--out", out, "--liveness", "30"],
        ]);
        processes.push(client);
        // The client must listen first: a Request/Reply server's first frame would otherwise
        // wait out its reply timeout, and a publisher's first frames would have no subscriber.
        await client.started();
        const url = client.readyRecord<ClientReady>().view;
        assert.ok(url, `${client.task} has no live view`);
        const page = await (await fetch(url)).text();
        const servers = [0, 1].map((i) => {
          const server = new ExampleProcess(`example:${letter}:server${i + 1}`, [
            ...[sources[i], "--port", String(ports[i])],
            ...["--frames", String(FRAMES[i]), "--no-realtime", ...SIZE],
          ]);
          processes.push(server);
          return server;
        });
        const errors = [];
        for (const process of processes) {
          const { code, stderr } = await process.finished();
          assert.equal(code, 0, `${process.task} exited with ${code}:\n${stderr}`);
          errors.push(stderr);
        }
        const png = await Deno.readFile(`${ROOT}${out}/montage-000001.png`);
        return {
          ports,
          client: client.summary<ClientSummary>(),
          servers: servers.map((s) => s.summary<ServerSummary>()),
          png,
          view: { url, page, stderr: errors[0] },
        };
      })(),
      SCENARIO_MS,
      `scenario (${letter})`,
    );
  } finally {
    for (const process of processes) process.kill();
    await Promise.allSettled(processes.map((p) => p.finished()));
    await Deno.remove(`${ROOT}${out}`, { recursive: true }).catch(() => {});
  }
}

/**
 * Checks what every scenario shares: frames per port, clean leaves, servers' counts, PNG, and
 * the live view's URL (printed for people too) and page.
 */
function checkDelivery(
  letter: "a" | "b" | "c" | "d",
  result: Awaited<ReturnType<typeof runScenario>>,
): void {
  const { ports, client, servers, png, view } = result;
  assert.match(view.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.ok(view.stderr.includes(`Live view: ${view.url}`), view.stderr);
  assert.ok(view.page.includes(`<title>Scenario (${letter}) client</title>`), view.page);
  assert.deepEqual(
    client.servers.map((s) => [s.port, s.frames, s.state, s.goneReason]),
    ports.map((port, i) => [port, FRAMES[i], "gone", "terminated"]),
  );
  assert.equal(client.frames, FRAMES[0] + FRAMES[1]);
  assert.deepEqual(client.dropped, {});
  assert.deepEqual(servers.map((s) => [s.port, s.sent]), ports.map((p, i) => [p, FRAMES[i]]));
  assert.ok(client.snapshots >= 1);
  // A PNG of two 320×240 tiles (--tile's default) side by side: the signature, then IHDR's
  // width and height.
  assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
  const header = new DataView(png.buffer, png.byteOffset + 16, 8);
  assert.deepEqual([header.getUint32(0), header.getUint32(4)], [640, 240]);
}

Deno.test("example tasks grant only named permissions, each scoped but FFI", () => {
  const tasks = Object.keys(CONFIG.tasks).filter((name) => name.startsWith("example:"));
  assert.equal(tasks.length, 12);
  for (const task of tasks) {
    for (const flag of taskCommand(task).flags) {
      assert.ok(flag.startsWith("--allow-"), `${task}: "${flag}" is not a named permission`);
      assert.notEqual(flag, "--allow-all", task);
      // libzmq is opened by name through the system loader, which a path-scoped
      // --allow-ffi cannot match (see docs/examples.md); everything else names its scope.
      if (flag !== "--allow-ffi") assert.match(flag, /^--allow-[a-z]+=\S+$/, `${task}: ${flag}`);
    }
  }
});

Deno.test("example (a): a capture-source client and servers, pattern 1", async () => {
  checkDelivery("a", await runScenario("a", ["testsrc", "synthetic"]));
});

Deno.test("example (b): raw ffmpeg frames over publish/subscribe, pattern 2", async () => {
  checkDelivery("b", await runScenario("b", ["testsrc", "smptebars"]));
});

Deno.test("example (c): every frame carries its server's message to the client", async () => {
  const result = await runScenario("c", ["synthetic", "testsrc2"]);
  checkDelivery("c", result);
  assert.deepEqual(
    result.client.servers.map((s) => s.messages),
    [0, 1].map((i) => ({ [`I'm Server-${i + 1} at Port: ${result.ports[i]}`]: FRAMES[i] })),
  );
});

Deno.test("example (d): the client's data comes back to each server with every frame", async () => {
  const result = await runScenario("d", ["testsrc", "synthetic"]);
  checkDelivery("d", result);
  assert.deepEqual(
    result.client.servers.map((s) => s.messages),
    [0, 1].map((i) => ({ [`I'm Server-${i + 1} at Port: ${result.ports[i]}`]: FRAMES[i] })),
  );
  assert.deepEqual(
    result.servers.map((s) => s.replies),
    FRAMES.map((frames) => ({ "Hi, I am a Client here.": frames })),
  );
});

/** What the live view's `/state.json` says of each tile. */
interface ViewState {
  title: string;
  tiles: { key: string; label: string; fps: number; message: string; frames: number }[];
}

/** The live view's `/state.json`. */
async function viewState(url: string): Promise<ViewState> {
  const response = await fetch(new URL("state.json", url));
  assert.equal(response.status, 200);
  return await response.json();
}

/** Polls the live view (at most `SCENARIO_MS`) until `ok` holds for its state; returns it. */
async function viewStateWhen(
  url: string,
  ok: (state: ViewState) => boolean,
  what: string,
): Promise<ViewState> {
  return await within(
    (async () => {
      for (let i = 0; i < 600; i++) {
        const state = await viewState(url);
        if (ok(state)) return state;
        await delay(100);
      }
      throw new Error(`The live view never showed ${what}`);
    })(),
    SCENARIO_MS,
    `live view: ${what}`,
  );
}

Deno.test("the client's live view shows a server's frames with its message, and drops it when it leaves", async () => {
  const ports = twoPorts();
  const viewPort = freePort();
  const out = `out/test-examples-view-${crypto.randomUUID()}`;
  // Only Server-1 comes: once it has left, no item arrives, so only the client's
  // onServerEvent (removeOnLeave) can take its tile away.
  // A liveness longer than the polls' bound: the absent Server-2 must not end the client first.
  const client = new ExampleProcess("example:c:client", [
    ...["--ports", ports.join(","), "--out", out, "--liveness", String(SCENARIO_MS / 1000 * 3)],
    `--view=127.0.0.1:${viewPort}`,
  ]);
  const server = new ExampleProcess("example:c:server1", [
    ...["synthetic", "--port", String(ports[0]), "--frames", "100000", ...SIZE],
  ]);
  const processes = [client, server];
  try {
    await within(client.started(), SCENARIO_MS, "client start");
    const url = client.readyRecord<ClientReady>().view;
    assert.equal(url, `http://127.0.0.1:${viewPort}/`);
    await within(server.started(), SCENARIO_MS, "server start");

    const message = `I'm Server-1 at Port: ${ports[0]}`;
    const shown = await viewStateWhen(
      url,
      (state) => state.tiles.some((tile) => tile.frames >= 5 && tile.fps > 0),
      "Server-1's tile",
    );
    assert.equal(shown.title, "Scenario (c) client");
    assert.deepEqual(
      shown.tiles.map(({ key, message }) => ({ key, message })),
      [{ key: String(ports[0]), message }],
    );
    // The server's address joins the label once the client knows it (and the frames' age, when
    // the server stamps them).
    assert.match(
      shown.tiles[0].label,
      new RegExp(`^port ${ports[0]}( from 127\\.0\\.0\\.1)?( · age .*)?$`),
    );
    // The tile's newest frame, JPEG-encoded by the client under its task's permissions.
    const tile = await fetch(new URL(`tiles/${ports[0]}.jpg`, url));
    assert.equal(tile.headers.get("content-type"), "image/jpeg");
    const jpeg = new Uint8Array(await tile.arrayBuffer());
    assert.deepEqual([...jpeg.subarray(0, 3)], [0xff, 0xd8, 0xff]);

    server.interrupt(); // Ctrl+C: Server-1 says goodbye
    const serverEnd = await within(server.finished(), SCENARIO_MS, "server end");
    assert.equal(serverEnd.code, 130, serverEnd.stderr);
    await viewStateWhen(url, (state) => state.tiles.length === 0, "no tile once Server-1 left");

    client.interrupt(); // Server-2 never came: Ctrl+C ends the client
    const clientEnd = await within(client.finished(), SCENARIO_MS, "client end");
    assert.equal(clientEnd.code, 130, clientEnd.stderr);
    assert.ok(!/^\s+at /m.test(clientEnd.stderr), `no stack trace:\n${clientEnd.stderr}`);
    assert.ok(clientEnd.stderr.includes(`Live view: ${url}`), clientEnd.stderr);
    await assert.rejects(fetch(url), TypeError, "the live view closes with the client");
  } finally {
    for (const process of processes) process.kill();
    await Promise.allSettled(processes.map((p) => p.finished()));
    await Deno.remove(`${ROOT}${out}`, { recursive: true }).catch(() => {});
  }
});

/** The luma component's sampling factors in a baseline JPEG's frame header: 0x11 for 4:4:4. */
function lumaSampling(jpeg: Uint8Array): number {
  for (let i = 2; i + 9 < jpeg.length;) {
    assert.equal(jpeg[i], 0xff, `no JPEG marker at byte ${i}`);
    const marker = jpeg[i + 1];
    if (marker === 0xc0) return jpeg[i + 11]; // SOF0: length, precision, h, w, n, then Y's id
    i += 2 + ((jpeg[i + 2] << 8) | jpeg[i + 3]);
  }
  throw new Error("no baseline frame header (SOF0) in the JPEG");
}

Deno.test("without libturbojpeg, a client starts under its task's permissions and its live view encodes JPEG", async () => {
  // NETGEAR_LIBTURBOJPEG naming no file stands for a machine without libturbojpeg0: the codec
  // falls back to imagescript, whose wasm decoder must load without --allow-read.
  const ports = twoPorts();
  const viewPort = freePort();
  const out = `out/test-examples-imagescript-${crypto.randomUUID()}`;
  const client = new ExampleProcess(
    "example:c:client",
    [...["--ports", ports.join(","), "--out", out, "--liveness", String(SCENARIO_MS / 1000 * 3)]]
      .concat([`--view=127.0.0.1:${viewPort}`]),
    undefined,
    { NETGEAR_LIBTURBOJPEG: "/nonexistent/libturbojpeg.so.0" },
  );
  const server = new ExampleProcess("example:c:server1", [
    ...["synthetic", "--port", String(ports[0]), "--frames", "100000", ...SIZE],
  ]);
  const processes = [client, server];
  try {
    await within(client.started(), SCENARIO_MS, "client start");
    const url = client.readyRecord<ClientReady>().view!;
    await within(server.started(), SCENARIO_MS, "server start");
    await viewStateWhen(url, (state) => state.tiles.some((t) => t.frames >= 2), "a frame");
    const tile = await fetch(new URL(`tiles/${ports[0]}.jpg`, url));
    assert.equal(tile.status, 200);
    const jpeg = new Uint8Array(await tile.arrayBuffer());
    assert.deepEqual([...jpeg.subarray(0, 3)], [0xff, 0xd8, 0xff]);
    // imagescript writes 4:4:4; libjpeg-turbo would have written the viewer's 4:2:2 (0x21).
    assert.equal(lumaSampling(jpeg), 0x11);
    using codec = await jpegCodec({ prefer: "imagescript" });
    assert.deepEqual(codec.decode(jpeg).shape, [120, 160, 3]);

    server.interrupt();
    client.interrupt();
    for (const process of processes) {
      const { code, stderr } = await within(process.finished(), SCENARIO_MS, process.task);
      assert.equal(code, 130, `${process.task}:\n${stderr}`);
    }
  } finally {
    for (const process of processes) process.kill();
    await Promise.allSettled(processes.map((p) => p.finished()));
    await Deno.remove(`${ROOT}${out}`, { recursive: true }).catch(() => {});
  }
});

Deno.test("--no-view runs a client without the live view (and without a net permission)", async () => {
  const ports = twoPorts();
  const out = `out/test-examples-no-view-${crypto.randomUUID()}`;
  const client = new ExampleProcess(
    "example:a:client",
    ["--ports", ports.join(","), "--out", out, "--liveness", "30", "--no-view"],
    "--allow-net=127.0.0.1",
  );
  try {
    await within(client.started(), SCENARIO_MS, "client start");
    assert.equal(client.readyRecord<ClientReady>().view, undefined);
    client.interrupt();
    const { code, stderr } = await within(client.finished(), SCENARIO_MS, "client end");
    assert.equal(code, 130, stderr);
    assert.ok(!stderr.includes("Live view"), stderr);
  } finally {
    client.kill();
    await client.finished().catch(() => {});
    await Deno.remove(`${ROOT}${out}`, { recursive: true }).catch(() => {});
  }
});

Deno.test("each permission of the example tasks is needed: without it a script fails at start", async () => {
  const out = `out/test-examples-permissions-${crypto.randomUUID()}`;
  // Fresh ports for each run: the runs go in parallel, and a client that fails late has bound.
  const args = (role: string) =>
    role === "client"
      ? ["--ports", twoPorts().join(","), "--out", out, "--liveness", "1"]
      : ["testsrc", "--port", String(freePort()), "--frames", "1", ...SIZE];
  const runs: { process: ExampleProcess; flag: string }[] = [];
  try {
    for (const task of ["example:a:client", "example:a:server1", "example:b:server1"]) {
      for (const flag of taskCommand(task).flags) {
        // A server reads only NETGEAR_LIBZMQ, and only to let users point at a libzmq; denied
        // without a terminal it counts as unset, in a terminal Deno would prompt for it.
        if (task.includes("server") && flag.startsWith("--allow-env=")) continue;
        const role = task.endsWith("client") ? "client" : "server";
        runs.push({ process: new ExampleProcess(task, args(role), flag), flag });
      }
    }
    assert.equal(runs.length, 8);
    const results = await within(
      Promise.all(runs.map(({ process }) => process.finished())),
      SCENARIO_MS,
      "scripts without a permission",
    );
    results.forEach(({ code, stderr }, i) => {
      const { process, flag } = runs[i];
      const kind = flag.match(/^--allow-([a-z]+)/)![1];
      assert.equal(code, 1, `${process.task} without ${flag} exited with ${code}:\n${stderr}`);
      assert.match(
        stderr,
        new RegExp(`Requires ${kind} access`),
        `${process.task} without ${flag}:\n${stderr}`,
      );
    });
  } finally {
    for (const { process } of runs) process.kill();
    await Promise.allSettled(runs.map(({ process }) => process.finished()));
    await Deno.remove(`${ROOT}${out}`, { recursive: true }).catch(() => {});
  }
});

Deno.test("every example script explains itself with --help, and refuses a bad flag", async () => {
  const tasks = Object.keys(CONFIG.tasks).filter((name) => name.startsWith("example:"));
  const help = tasks.map((task) => new ExampleProcess(task, ["--help"]));
  const bad = new ExampleProcess("example:c:server1", ["--frames", "many"]);
  try {
    const results = await within(
      Promise.all([...help, bad].map((process) => process.finished())),
      SCENARIO_MS,
      "--help",
    );
    help.forEach((process, i) => {
      assert.equal(results[i].code, 0, process.task);
      const args = process.task.endsWith("client") ? "" : " [SOURCE]";
      assert.ok(
        process.lines.includes(`Usage: deno task ${process.task}${args} [options]`),
        `${process.task}:\n${process.lines.join("\n")}`,
      );
    });
    assert.equal(results.at(-1)!.code, 2);
    assert.equal(
      results.at(-1)!.stderr,
      'deno task example:c:server1: Cannot use --frames "many": use a whole number greater ' +
        'than 0\nRun "deno task example:c:server1 --help" for usage.\n',
    );
  } finally {
    for (const process of [...help, bad]) process.kill();
    await Promise.allSettled([...help, bad].map((process) => process.finished()));
  }
});

/** A program with the shared grammar: the CLI, the demo task or an example task. */
function grammarRun(program: string, args: string[]): Promise<Deno.CommandOutput> {
  const [command, flags, script] = program.startsWith("netgear ")
    ? [[program.split(" ")[1]], PERMISSIONS, "cli.ts"]
    : [
      [],
      taskCommand(program.replace("deno task ", "")).flags,
      taskCommand(program.replace("deno task ", "")).script,
    ];
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, script, ...command, ...args],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
}

/** The help entry of `flag` in a program's `--help`, its wrapped lines joined, spaces collapsed. */
function helpLine(help: string, flag: string): string {
  const lines = help.split("\n");
  const start = lines.findIndex((l) =>
    /^ {2}(-\w, | {4})--/.test(l) && l.trimStart().replace(/^-\w, /, "").startsWith(flag)
  );
  assert.ok(start >= 0, `no ${flag} in:\n${help}`);
  let end = start + 1;
  while (end < lines.length && /^ {8,}\S/.test(lines[end])) end++;
  return lines.slice(start, end).join(" ").trim().replace(/\s+/g, " ");
}

Deno.test("the CLI, the demo and the examples share one grammar: flags, help lines, errors, exit 2", async () => {
  const clients = ["netgear recv", "deno task demo", "deno task example:a:client"];
  const servers = ["netgear send", "deno task example:d:server2"];
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  const cases: [string, string[], RegExp][] = [
    ...clients.map((p): [string, string[], RegExp] => [
      p,
      ["--port", "5566"],
      /Unknown option "--port": did you mean --ports\?/,
    ]),
    ...clients.map((p): [string, string[], RegExp] => [
      p,
      ["--ports", "5566,x"],
      /Cannot use --ports "5566,x": "x" is not a port from 1 to 65535/,
    ]),
    ...clients.map((p): [string, string[], RegExp] => [
      p,
      ["--view=nowhere"],
      /Cannot use --view=nowhere: give HOST:PORT/,
    ]),
    ...servers.map((p): [string, string[], RegExp] => [
      p,
      ["--fps", "--size", "640x480"],
      /Option "--fps" needs a value, e\.g\. --fps RATE/,
    ]),
    ...servers.map((p): [string, string[], RegExp] => [
      p,
      ["--realtme"],
      /Unknown option "--realtme": did you mean --realtime\?/,
    ]),
    ...servers.map((p): [string, string[], RegExp] => [
      p,
      ["--size", "640"],
      /Cannot use --size "640": give WIDTHxHEIGHT in pixels/,
    ]),
  ];
  const helps = [...clients, ...servers];
  const [results, helpResults] = await within(
    Promise.all([
      Promise.all(cases.map(([program, args]) => grammarRun(program, args))),
      Promise.all(helps.map((program) => grammarRun(program, ["--help"]))),
    ]),
    SCENARIO_MS,
    "the programs' command lines",
  );
  results.forEach((result, i) => {
    const [program, args, message] = cases[i];
    const stderr = decode(result.stderr);
    const what = `${program} ${args.join(" ")}`;
    assert.equal(result.code, 2, `${what}: exit ${result.code}\n${stderr}`);
    // One line naming the program and the mistake, one pointing at --help: nothing else.
    const lines = stderr.trimEnd().split("\n");
    assert.equal(lines.length, 2, `${what}:\n${stderr}`);
    assert.ok(lines[0].startsWith(`${program}: `), `${what}:\n${stderr}`);
    assert.match(lines[0], message, what);
    assert.equal(lines[1], `Run "${program} --help" for usage.`, what);
    assert.equal(decode(result.stdout), "", `${what} wrote to stdout`);
  });
  const help = Object.fromEntries(helps.map((p, i) => [p, decode(helpResults[i].stdout)]));
  for (const program of helps) assert.equal(helpResults[helps.indexOf(program)].code, 0, program);
  // The same flag has the same help line everywhere it is taken.
  for (const flag of ["--address", "--ports", "--tile", "--liveness"]) {
    const lines = ["netgear recv", "deno task example:a:client"].map((p) =>
      helpLine(help[p], flag)
    );
    assert.equal(lines[0], lines[1], flag);
  }
  for (const flag of ["--port ", "--frames", "--duration", "--fps", "--size", "--[no-]realtime"]) {
    const lines = servers.map((p) => helpLine(help[p], flag));
    assert.equal(
      lines[0].replace(/\(default \d+\)$/, ""),
      lines[1].replace(/\(default \d+\)$/, ""),
      flag,
    );
  }
  for (const program of clients) {
    assert.match(helpLine(help[program], "--[no-]view"), /^--\[no-\]view\[=HOST:PORT\] /);
  }
  // Each flag is listed once.
  for (const program of helps) {
    const flags = help[program].match(/^ {2}(?:-\w, | {4})(--\S+)/gm) ?? [];
    assert.equal(new Set(flags).size, flags.length, `${program} lists a flag twice`);
  }
});

Deno.test("an example ends a failure in one line: a taken live-view port, a taken port, a missing file", async () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = taken.addr.port;
  const out = `out/test-examples-failures-${crypto.randomUUID()}`;
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes).trimEnd().split("\n");
  const run = (task: string, args: string[]) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", ...taskCommand(task).flags, taskCommand(task).script, ...args],
      cwd: ROOT,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  try {
    const [view, bind, file] = await within(
      Promise.all([
        run("example:a:client", ["--view=127.0.0.1:" + port, "--out", out]),
        run("example:a:client", ["--ports", String(port), "--out", out, "--no-view"]),
        run("example:a:server1", ["missing-clip.mp4", "--port", String(freePort())]),
      ]),
      SCENARIO_MS,
      "the failing examples",
    );
    assert.equal(view.code, 1);
    assert.deepEqual(decode(view.stderr), [
      `deno task example:a:client: Cannot serve the live view on 127.0.0.1:${port}: the port is ` +
      "in use by another program; --view=127.0.0.1:0 takes any free port, --no-view goes without",
    ]);
    assert.equal(bind.code, 1);
    assert.deepEqual(decode(bind.stderr), [
      `deno task example:a:client: Cannot bind "tcp://127.0.0.1:${port}": address already in ` +
      "use; pick another port or close the other receiver",
    ]);
    assert.equal(file.code, 1);
    const lines = decode(file.stderr);
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(
      lines[0],
      /^deno task example:a:server1: Cannot capture from file "missing-clip\.mp4"/,
    );
  } finally {
    taken.close();
    await Deno.remove(`${ROOT}${out}`, { recursive: true }).catch(() => {});
  }
});
