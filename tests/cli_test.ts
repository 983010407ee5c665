// The `netgear` CLI, run as the user runs it: `cli.ts` in subprocesses with exactly the
// permissions of `deno task netgear`, real libzmq sockets on loopback, real ffmpeg.

import assert from "node:assert/strict";
import { freePort, freePorts, within } from "./_endpoints.ts";
import { CLI, Cli, PERMISSIONS, runCli } from "./_cli.ts";
import { serveRepo } from "./_serve_repo.ts";
import { skipIf } from "./_skip.ts";
import { StatusLine } from "../src/cli/status.ts";
import { VERSION } from "../src/cli/version.ts";

const ROOT = new URL("../", import.meta.url);
const CONFIG = JSON.parse(Deno.readTextFileSync(new URL("deno.json", ROOT))) as {
  version: string;
};

/** What `deno task compile` gave: a binary, a failure, or why it cannot run here. */
type CompileOutcome =
  | { binary: string; dir: string }
  | { failure: string }
  | { skip: string };

/**
 * `deno task compile`, into a temporary folder. It runs when the module loads, so that the
 * test can be ignored, with the reason printed, where Deno cannot download the runtime it
 * embeds (denort, from dl.deno.land), as on an offline machine.
 */
async function tryCompile(): Promise<CompileOutcome> {
  const dir = await Deno.makeTempDir({ prefix: "netgear-compile-" });
  const binary = `${dir}/netgear${Deno.build.os === "windows" ? ".exe" : ""}`;
  const { success, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "compile", "--output", binary],
    cwd: ROOT.pathname,
    env: { NO_COLOR: "1" },
    stdout: "null",
    stderr: "piped",
  }).output();
  if (success) return { binary, dir };
  await Deno.remove(dir, { recursive: true });
  const text = new TextDecoder().decode(stderr);
  const downloading = /dl\.deno\.land|denort/.test(text);
  const offline = /error sending request|dns error|failed to lookup|connection refused|timed out/i;
  if (!downloading || !offline.test(text)) return { failure: text };
  const line = text.split("\n").find((l) => offline.test(l))?.trim();
  return { skip: `deno compile cannot download its runtime (denort) here: ${line}` };
}

const COMPILED = await tryCompile();

/** One server of `recv --json`'s summary. */
interface ServerSummary {
  port: number;
  state: string;
  goneReason?: string;
  frames: number;
  bytes: number;
  fps: number;
  lastMessage: unknown;
}

interface RecvSummary {
  ports: number[];
  pattern: number;
  end: string;
  frames: number;
  drops: number;
  timeouts: number;
  snapshots?: number;
  servers: ServerSummary[];
}

Deno.test("netgear, send and recv --help exit 0 with usage and every option", async () => {
  const [top, send, recv, helpSend] = await Promise.all([
    runCli(["--help"]),
    runCli(["send", "--help"]),
    runCli(["recv", "-h"]),
    runCli(["help", "send"]),
  ]);
  for (const result of [top, send, recv, helpSend]) assert.equal(result.code, 0, result.stderr);
  assert.match(top.stdout, /^Usage: netgear <command>/);
  for (const command of ["send", "recv", "demo", "keys"]) {
    assert.match(top.stdout, new RegExp(`^  ${command} `, "m"));
  }
  assert.match(send.stdout, /^Usage: netgear send \[SOURCE\] \[options\]/);
  for (
    const flag of [
      "--address",
      "--port",
      "--pattern",
      "--message",
      "--frames",
      "--fps",
      "--size",
      "--jpeg[=QUALITY]",
      "--[no-]multiserver",
      "--logging",
    ]
  ) assert.ok(send.stdout.includes(flag), `send --help lacks ${flag}`);
  assert.match(recv.stdout, /^Usage: netgear recv \[options\]/);
  for (
    const flag of [
      "--ports",
      "--pattern",
      "--out",
      "--json",
      "--duration",
      "--liveness",
      "--[no-]view[=HOST:PORT]",
    ]
  ) {
    assert.ok(recv.stdout.includes(flag), `recv --help lacks ${flag}`);
  }
  assert.equal(helpSend.stdout, send.stdout);
});

Deno.test("--version prints deno.json's version", async () => {
  assert.equal(VERSION, CONFIG.version);
  const { code, stdout } = await runCli(["--version"]);
  assert.equal(code, 0);
  assert.equal(stdout.trim(), `netgear ${CONFIG.version}`);
});

Deno.test("bad command lines exit 2 naming the mistake, before opening anything", async () => {
  const cases: [string[], RegExp][] = [
    [[], /^Usage: netgear <command>/],
    [["frobnicate"], /unknown command "frobnicate": use one of send, recv, demo, keys/],
    [["--verbose"], /unknown option "--verbose"/],
    [["sedn"], /unknown command "sedn": did you mean send\?/],
    [["--verison"], /unknown option "--verison": did you mean --version\?/],
    [["send", "--bogus"], /Unknown option "--bogus"[^]*netgear send --help/],
    [["send", "--port"], /Option "--port" needs a value/],
    [["send", "--port", "70000"], /--port "70000": use a port from 1 to 65535/],
    [["send", "--pattern", "3"], /--pattern "3": use 1 \(REQ\/REP\), 2 \(PUB\/SUB\)/],
    [["send", "--pattern", "0"], /--pattern 0 in multi-server mode/],
    [["send", "--size", "640"], /--size "640": give WIDTHxHEIGHT/],
    [["send", "--jpeg=5"], /--jpeg=5: give a quality from 10 to 100/],
    [["send", "--frames=-3"], /--frames "-3": use a whole number greater than 0/],
    [["send", "--frames", "-3"], /--frames "-3": use a whole number greater than 0/],
    [["send", "--fps", "--frames", "3"], /Option "--fps" needs a value, e\.g\. --fps RATE/],
    [["recv", "--port", "5566"], /Unknown option "--port": did you mean --ports\?/],
    [["recv", "--no-json"], /Unknown option "--no-json": --json is off unless given/],
    [["send", "--logging=yes"], /"--logging" is a switch and takes no value/],
    [["send", "--no-port"], /Unknown option "--no-port"/],
    [["send", "a.mp4", "b.mp4"], /Unexpected extra argument "b.mp4"/],
    [["recv", "--ports", "5566,x"], /"x" is not a port from 1 to 65535/],
    [["recv", "--ports", "5566,5566"], /list each port once/],
    [["recv", "--ports", "5566,5567", "--no-multiserver"], /without multi-server mode/],
    [["recv", "--duration", "0"], /--duration "0": use a number greater than 0/],
    [["recv", "--liveness", "soon"], /--liveness "soon": use a number of 0 or more/],
    [["recv", "--view=nowhere"], /--view=nowhere: give HOST:PORT/],
    [["recv", "extra"], /Unexpected argument "extra": this command takes only options/],
  ];
  const results = await Promise.all(cases.map(([args]) => runCli(args)));
  results.forEach((result, i) => {
    const [args, message] = cases[i];
    assert.equal(result.code, 2, `${args.join(" ")}: exit ${result.code}, ${result.stderr}`);
    assert.match(result.stderr, message, `${args.join(" ")}`);
    assert.equal(result.stdout, "", `${args.join(" ")} wrote to stdout`);
  });
});

Deno.test("keys makes a vidgear key folder once, keeps it, and replaces it with --overwrite", async () => {
  const base = await Deno.makeTempDir({ prefix: "netgear-cli-keys-" });
  try {
    const first = await runCli(["keys", base, "--json"]);
    assert.equal(first.code, 0, first.stderr);
    const made = JSON.parse(first.stdout);
    assert.equal(made.generated, true);
    assert.equal(made.path, `${base}/.vidgear/keys`);
    for (
      const file of [
        "public_keys/server.key",
        "public_keys/client.key",
        "private_keys/server.key_secret",
        "private_keys/client.key_secret",
      ]
    ) {
      assert.ok(Deno.statSync(`${made.path}/${file}`).isFile, file);
    }
    const again = JSON.parse((await runCli(["keys", base, "--json"])).stdout);
    assert.equal(again.generated, false);
    assert.equal(again.serverPublicKey, made.serverPublicKey);
    const replaced = await runCli(["keys", base, "--overwrite"]);
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.match(replaced.stdout, /^made: /);
    assert.doesNotMatch(
      replaced.stdout,
      new RegExp(made.serverPublicKey.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")),
    );
    const missing = await runCli(["keys", `${base}/nowhere`]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no such folder; create it first/);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("send and recv stream in secure mode with keys from netgear keys, and refuse a plaintext sender", async () => {
  const base = await Deno.makeTempDir({ prefix: "netgear-cli-secure-" });
  try {
    assert.equal((await runCli(["keys", base])).code, 0);
    const [port, plainPort] = freePorts(2);
    const secure = ["--secure=2", `--keys=${base}`, "--address=127.0.0.1"];
    const recv = new Cli([
      "recv",
      `--ports=${port},${plainPort}`,
      "--json",
      "--wait=8", // the plaintext sender never joins
      ...secure,
    ]);
    await recv.waitFor(/listening on/);
    const [sent, plain] = await Promise.all([
      runCli(["send", `--port=${port}`, "--frames=10", "--size=64x48", "--no-realtime", ...secure]),
      runCli(
        ["send", `--port=${plainPort}`, "--frames=1", "--size=64x48", "--address=127.0.0.1"],
        60_000,
      ),
    ]);
    assert.equal(sent.code, 0, sent.stderr);
    assert.equal(plain.code, 1, "a plaintext sender gets no answer from a secure receiver");
    assert.match(plain.stderr, /no frame reached a receiver/);
    const result = await recv.finish();
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout) as RecvSummary & { refused: Record<string, number> };
    assert.equal(summary.servers.find((s) => s.port === port)?.frames, 10);
    assert.equal(summary.servers.find((s) => s.port === plainPort)?.frames, 0);
    const refused = Object.values(summary.refused).reduce((a, b) => a + b, 0);
    assert.ok(refused >= 1, `refused: ${JSON.stringify(summary.refused)}`);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("demo streams two synthetic servers, prints the live page's URL, writes snapshots and exits 0", async () => {
  const out = await Deno.makeTempDir({ prefix: "netgear-cli-demo-" });
  try {
    const ports = freePorts(2).join(",");
    const demo = await runCli([
      "demo",
      "--duration=2",
      `--out=${out}`,
      `--ports=${ports}`,
      "--fps=10",
    ]);
    assert.equal(demo.code, 0, demo.stderr);
    assert.match(demo.stderr, /Live view: http:\/\/127\.0\.0\.1:\d+\//);
    assert.match(demo.stderr, /every server has gone/);
    const pngs = [...Deno.readDirSync(out)].filter((entry) => entry.name.endsWith(".png"));
    assert.ok(pngs.length >= 1, `snapshots in ${out}: ${pngs.length}`);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("recv --view serves the live page at the URL it prints", async () => {
  const [port] = freePorts(1);
  const recv = new Cli([
    "recv",
    "--address=127.0.0.1",
    `--ports=${port}`,
    "--view",
    "--duration=20",
  ]);
  try {
    await recv.waitFor(/Live view: http:\/\/127\.0\.0\.1:\d+\//);
    const url = /Live view: (\S+)/.exec(recv.stderr)![1];
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);
    assert.match(await page.text(), /<html/i);
  } finally {
    recv.kill("SIGINT");
  }
  const result = await recv.finish();
  assert.equal(result.code, 130, result.stderr);
});

/** Plain status lines of `recv` (stderr is a pipe here, not a terminal). */
const RECV_STATUS =
  /^\d+: (waiting|gone|live|[\d.]+ fps(, age \d+\/\d+ ms)?) \(\d+\) \| .*\d+ dropped$/m;

/**
 * Two senders (synthetic and ffmpeg testsrc) stream to one `recv --json`; returns the summary
 * and recv's stderr.
 */
async function sendToRecv(
  pattern: 1 | 2,
  recvExtra: string[] = [],
): Promise<{ summary: RecvSummary; stderr: string; ports: number[] }> {
  const ports = freePorts(2);
  const frames = 30;
  const recv = new Cli([
    "recv",
    "--address=127.0.0.1",
    `--ports=${ports.join(",")}`,
    `--pattern=${pattern}`,
    "--json",
    "--liveness=60",
    "--duration=90",
    ...recvExtra,
  ]);
  try {
    await recv.waitFor(/listening on/);
    const common = ["--address=127.0.0.1", `--pattern=${pattern}`, `--frames=${frames}`];
    const senders = [
      new Cli([
        "send",
        "synthetic",
        ...common,
        `--port=${ports[0]}`,
        "--size=160x120",
        "--fps=15",
        "--message=synthetic {n}",
      ]),
      new Cli([
        "send",
        "testsrc",
        ...common,
        `--port=${ports[1]}`,
        "--size=160x120",
        "--fps=15",
        "--message=testsrc {n}",
        "--jpeg=80",
      ]),
    ];
    for (const sender of senders) {
      const { code, stderr } = await sender.finish();
      assert.equal(code, 0, stderr);
      assert.match(stderr, new RegExp(`done: ${frames} frames sent, 0 lost`));
    }
  } catch (error) {
    recv.kill("SIGKILL"); // it would wait out --liveness for senders that failed
    await recv.finish().catch(() => {});
    throw error;
  }
  const { code, stdout, stderr } = await recv.finish();
  assert.equal(code, 0, stderr);
  return { summary: JSON.parse(stdout), stderr, ports };
}

function checkSummary(summary: RecvSummary, ports: number[], pattern: number): void {
  assert.deepEqual(summary.ports, ports);
  assert.equal(summary.pattern, pattern);
  assert.equal(summary.end, "servers-gone");
  assert.equal(summary.frames, 60);
  assert.equal(summary.drops, 0);
  assert.equal(summary.timeouts, 0);
  const [synthetic, testsrc] = summary.servers;
  for (
    const [server, port, name] of [[synthetic, ports[0], "synthetic"], [
      testsrc,
      ports[1],
      "testsrc",
    ]] as const
  ) {
    assert.equal(server.port, port);
    assert.equal(server.frames, 30, `${name} frames`);
    assert.equal(server.bytes, 30 * 160 * 120 * 3, `${name} bytes`);
    assert.equal(server.lastMessage, `${name} 29`);
    assert.equal(server.state, "gone");
    assert.equal(server.goneReason, "terminated");
    assert.ok(server.fps > 0, `${name} fps ${server.fps}`);
  }
}

Deno.test("send synthetic and testsrc to recv --json over pattern 1: every frame and message per port, plain status lines", async () => {
  const { summary, stderr, ports } = await sendToRecv(1);
  checkSummary(summary, ports, 1);
  assert.match(stderr, RECV_STATUS, `no status line in:\n${stderr}`);
  assert.ok(!stderr.includes("\x1b["), "terminal escapes written to a pipe");
  assert.match(stderr, new RegExp(`server ${ports[0]} joined`));
  assert.match(stderr, new RegExp(`server ${ports[1]} left \\(terminated\\)`));
  // Both are paced at 15 fps: the summary's average, and the status line's recent rate
  // mid-stream. The band (±20%) tells pacing from none (hundreds of fps) or another rate, and
  // leaves room for a busy machine's timers.
  const paced = (fps: number) => fps >= 12 && fps <= 18;
  for (const server of summary.servers) {
    assert.ok(paced(server.fps), `port ${server.port}: ${server.fps} fps`);
  }
  const rates = [...stderr.matchAll(/(\d+): ([\d.]+) fps \((\d+)\)/g)]
    .filter((m) => Number(m[3]) >= 16 && Number(m[3]) < 30) // a second in, not yet done
    .map((m) => Number(m[2]));
  assert.ok(rates.every(paced), `status line rates: ${rates}`);
});

Deno.test("send to recv over pattern 2 with --out: every frame per port, and montage PNGs of both servers", async () => {
  const out = await Deno.makeTempDir({ prefix: "netgear-cli-" });
  try {
    const { summary, stderr, ports } = await sendToRecv(2, [
      `--out=${out}/snapshots`,
      "--tile=200x150",
    ]);
    checkSummary(summary, ports, 2);
    assert.match(stderr, RECV_STATUS);
    const files = [...Deno.readDirSync(`${out}/snapshots`)].map((e) => e.name).sort();
    assert.ok(files.length >= 1, "no snapshot written");
    assert.equal(summary.snapshots, files.length);
    assert.match(files[0], /^montage-\d{6}\.png$/);
    const png = Deno.readFileSync(`${out}/snapshots/${files.at(-1)}`);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const header = new DataView(png.buffer, png.byteOffset + 16, 8);
    // Two 200x150 tiles side by side.
    assert.deepEqual([header.getUint32(0), header.getUint32(4)], [400, 150]);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("Ctrl+C ends recv cleanly with exit 130 and its summary; --duration ends it with 0", async () => {
  const [portA, portB] = freePorts(2);
  const interrupted = new Cli(["recv", "--address=127.0.0.1", `--ports=${portA}`, "--json"]);
  await interrupted.waitFor(/listening on/);
  interrupted.kill("SIGINT");
  const timed = new Cli([
    "recv",
    "--address=127.0.0.1",
    `--ports=${portB}`,
    "--pattern=2",
    "--duration=1",
    "--json",
  ]);
  const [a, b] = [await interrupted.finish(), await timed.finish()];
  assert.equal(a.code, 130, a.stderr);
  assert.match(a.stderr, /interrupted: closing/);
  assert.equal((JSON.parse(a.stdout) as RecvSummary).end, "interrupted");
  assert.equal(b.code, 0, b.stderr);
  const summary = JSON.parse(b.stdout) as RecvSummary;
  assert.equal(summary.end, "duration");
  assert.equal(summary.servers[0].state, "waiting");
});

Deno.test("send --duration ends by itself with 0 after its terminate, on 127.0.0.1 by default", async () => {
  const port = freePort();
  // Neither end names an address: both default to 127.0.0.1.
  const recv = new Cli(["recv", `--ports=${port}`, "--json"]);
  await recv.waitFor(/listening on tcp:\/\/127\.0\.0\.1:/);
  const send = await runCli(["send", `--port=${port}`, "--duration=1", "--size=64x48", "-q"]);
  assert.equal(send.code, 0, send.stderr);
  assert.match(send.stderr, /to tcp:\/\/127\.0\.0\.1:\d+ .*\n.*done: \d+ frames sent, 0 lost/);
  const { code, stdout } = await recv.finish();
  assert.equal(code, 0);
  const summary = JSON.parse(stdout) as RecvSummary;
  assert.equal(summary.end, "servers-gone");
  assert.equal(summary.servers[0].goneReason, "terminated");
  assert.ok(summary.servers[0].frames > 0);
});

Deno.test("send with no receiver says it waits for one, keeps going, and ends saying no frame arrived", async () => {
  const port = freePort();
  // Pattern 1: the first frame waits requestTimeout (4 s) for a reply, then frames are dropped
  // at once while nobody is there; the status line (a line a second on a pipe) says so.
  const send = await runCli(["send", `--port=${port}`, "--duration=6", "--size=64x48"], 30_000);
  assert.equal(send.code, 1, send.stderr);
  assert.match(send.stderr, new RegExp(`no receiver at tcp://127\\.0\\.0\\.1:${port} yet`));
  const done = /done: (\d+) frames sent, (\d+) lost/.exec(send.stderr);
  assert.ok(done && Number(done[1]) > 10 && done[1] === done[2], send.stderr);
  assert.match(send.stderr, /no frame reached a receiver/);
});

Deno.test("Ctrl+C ends send with exit 130 after its terminate: the client sees it leave", async () => {
  const port = freePort();
  const recv = new Cli([
    "recv",
    "--address=127.0.0.1",
    `--ports=${port}`,
    "--json",
    "--liveness=60",
    "--duration=90",
  ]);
  await recv.waitFor(/listening on/);
  const send = new Cli([
    "send",
    "--address=127.0.0.1",
    `--port=${port}`,
    "--size=64x48",
    "--fps=20",
  ]);
  try {
    await recv.waitFor(new RegExp(`server ${port} joined`));
  } finally {
    send.kill("SIGINT");
  }
  const sent = await send.finish();
  assert.equal(sent.code, 130, sent.stderr);
  assert.match(sent.stderr, /interrupted: \d+ frames sent/);
  const received = await recv.finish();
  assert.equal(received.code, 0, received.stderr);
  const summary = JSON.parse(received.stdout) as RecvSummary;
  assert.equal(summary.end, "servers-gone");
  assert.equal(summary.servers[0].goneReason, "terminated");
  assert.ok(summary.servers[0].frames > 0);
});

Deno.test("a missing source fails with exit 1 and ffmpeg's reason", async () => {
  const { code, stderr } = await runCli([
    "send",
    "/nonexistent/clip.mp4",
    "--port",
    String(freePort()),
  ]);
  assert.equal(code, 1);
  assert.match(stderr, /netgear send: .*No such file or directory/s);
});

/** util-linux `script`, which runs a command in a pseudo-terminal, when installed. */
const SCRIPT = ["/usr/bin/script", "/bin/script"].find((path) => {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
});

Deno.test({
  name: "on a terminal, recv's status line is redrawn in place",
  ignore: skipIf(
    import.meta.url,
    Deno.build.os !== "linux"
      ? "a pseudo-terminal through script(1) is tried on Linux only"
      : SCRIPT === undefined
      ? "no script(1) (util-linux) to give recv a terminal"
      : undefined,
  ),
  async fn() {
    const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
    const command = [Deno.execPath(), "run", ...PERMISSIONS, CLI, "recv", "--address=127.0.0.1"]
      .concat([`--ports=${freePort()}`, "--duration=1.5"]).map(quote).join(" ");
    const { code, stdout } = await within(
      new Deno.Command(SCRIPT!, {
        args: ["-qec", command, "/dev/null"],
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output(),
      60_000,
      "recv in a pseudo-terminal",
    );
    const text = new TextDecoder().decode(stdout);
    assert.equal(code, 0, text);
    const erase = "\r\x1b[2K"; // back to the line's start, then clear it
    assert.ok(text.includes(`${erase}${text.match(/\d+: waiting \(0\) \| 0 dropped/)?.[0]}`), text);
    // Redrawn in place: no status line of its own is ended by a newline.
    assert.doesNotMatch(text, /^\d+: waiting \(0\) \| 0 dropped\r?$/m);
  },
});

Deno.test("the status line rewrites itself in place on a terminal, and prints lines elsewhere", () => {
  let written = "";
  let n = 0;
  const terminal = new StatusLine(() => `status ${++n}`, {
    terminal: true,
    write: (text) => written += text,
    columns: () => 12,
  });
  terminal.update();
  terminal.update();
  terminal.print("server 5566 joined");
  terminal.update();
  terminal.stop();
  assert.equal(
    written,
    "\r\x1b[2Kstatus 1\r\x1b[2Kstatus 2\r\x1b[2Kserver 5566 joined\n\r\x1b[2Kstatus 3\n",
  );

  written = "";
  const long = new StatusLine(() => "a very long status line", {
    terminal: true,
    write: (text) => written += text,
    columns: () => 12,
  });
  long.update();
  long.stop();
  assert.equal(written, "\r\x1b[2Ka very lon…\n");

  written = "";
  const plain = new StatusLine(() => "5566: 15.0 fps (30)", {
    terminal: false,
    write: (text) => written += text,
  });
  plain.update();
  plain.print("server 5566 left");
  plain.update();
  plain.stop();
  assert.equal(written, "5566: 15.0 fps (30)\nserver 5566 left\n5566: 15.0 fps (30)\n");
});

Deno.test({
  name: "deno task compile builds a netgear executable whose --help works",
  ignore: skipIf(import.meta.url, "skip" in COMPILED ? COMPILED.skip : undefined),
  async fn() {
    if ("failure" in COMPILED) assert.fail(`deno compile failed:\n${COMPILED.failure}`);
    if (!("binary" in COMPILED)) return;
    try {
      const { code, stdout } = await new Deno.Command(COMPILED.binary, { args: ["--help"] })
        .output();
      assert.equal(code, 0);
      assert.match(new TextDecoder().decode(stdout), /^Usage: netgear <command>/);
      // The libzmq builds it embeds load (keys calls zmq_curve_keypair).
      const keys = await new Deno.Command(COMPILED.binary, {
        args: ["keys", COMPILED.dir],
        env: { NETGEAR_LIBZMQ: "bundled" },
        stdout: "null",
        stderr: "piped",
      }).output();
      assert.equal(keys.code, 0, new TextDecoder().decode(keys.stderr));
    } finally {
      await Deno.remove(COMPILED.dir, { recursive: true });
    }
  },
});

Deno.test("cli.ts runs from a URL, with no config or import map of ours", async () => {
  await using server = serveRepo();
  const { code, stdout, stderr } = await new Cli(["send", "--help"], {
    runArgs: ["--no-config", `--allow-import=${server.host}`, `--reload=${server.origin}`],
    script: `${server.origin}/cli.ts`,
  }).finish();
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^Usage: netgear send/);
});
