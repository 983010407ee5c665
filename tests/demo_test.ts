// `deno task demo` as a user runs it: a subprocess with exactly the task's permissions, which
// prints the viewer's URL, writes montage snapshots and exits 0 after --duration, 130 after
// Ctrl+C. Progress goes to stderr, as the CLI's does.
import assert from "node:assert/strict";
import { freePort, within } from "./_endpoints.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const URL_LINE = /^Live view: (http:\/\/127\.0\.0\.1:\d+\/) /m;

/** The `deno run` flags of the demo task in deno.json, checked to be the whole command. */
async function demoTaskFlags(): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  const words = String(config.tasks.demo).split(/\s+/);
  assert.deepEqual(words.slice(0, 2), ["deno", "run"], "the demo task is a plain deno run");
  assert.equal(words.at(-1), "examples/demo.ts");
  const flags = words.slice(2, -1);
  assert.ok(flags.every((flag) => flag.startsWith("--allow-")), `only permissions: ${flags}`);
  assert.ok(!flags.includes("--allow-all") && !flags.includes("-A"));
  return flags;
}

/** The demo's command line, writing to a fresh folder under out/ (the task may write only there). */
async function demo(duration: number): Promise<{ command: Deno.Command; out: string }> {
  const out = `out/test-demo-${crypto.randomUUID().slice(0, 8)}`;
  const ports = `${freePort()},${freePort()}`;
  const args = [
    "run",
    ...await demoTaskFlags(),
    "examples/demo.ts",
    ...["--duration", String(duration), "--out", out, "--ports", ports, "--fps", "10"],
  ];
  const command = new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  });
  return { command, out };
}

/** The PNG snapshots written to `out` (each checked to be a PNG), then the folder removed. */
async function takeSnapshots(out: string): Promise<string[]> {
  const folder = `${ROOT}${out}`;
  try {
    const names = [];
    for await (const entry of Deno.readDir(folder)) names.push(entry.name);
    for (const name of names) {
      const bytes = await Deno.readFile(`${folder}/${name}`);
      assert.deepEqual([...bytes.subarray(0, 8)], PNG_SIGNATURE, `${name} is a PNG`);
    }
    return names.sort();
  } finally {
    await Deno.remove(folder, { recursive: true }).catch(() => {});
  }
}

Deno.test("deno task demo prints the viewer's URL, writes snapshots and ends by itself with 0", async () => {
  const { command, out } = await demo(3);
  const { code, stdout, stderr } = await within(command.output(), 60_000, "the demo");
  const text = new TextDecoder().decode(stderr);
  assert.equal(code, 0, `exit code; stderr:\n${text}`);
  assert.equal(new TextDecoder().decode(stdout), "");
  assert.match(text, URL_LINE);
  assert.match(text, /^done: \d+ snapshots in out\/test-demo-/m);
  const snapshots = await takeSnapshots(out);
  assert.ok(snapshots.length >= 1, `snapshots written: ${snapshots}`);
  assert.equal(snapshots[0], "montage-000001.png");
});

Deno.test("deno task demo ends a failure in one line: a taken port, a bad flag, a denied folder", async () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const run = async (args: string[]) => {
      const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
        args: ["run", ...await demoTaskFlags(), "examples/demo.ts", ...args],
        cwd: ROOT,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(stderr);
      return { code, stdout: new TextDecoder().decode(stdout), lines: text.trimEnd().split("\n") };
    };
    const [viewInUse, portInUse, badFlag, denied] = await within(
      Promise.all([
        run([`--view=127.0.0.1:${taken.addr.port}`, "--out", "out/test-demo-taken"]),
        run(["--ports", `${taken.addr.port},${freePort()}`, "--out", "out/test-demo-taken"]),
        run(["--duratoin", "3"]),
        run(["--out", "/tmp/netgear-demo-denied"]), // outside the task's --allow-write=out
      ]),
      60_000,
      "the demo's failures",
    );
    assert.equal(viewInUse.code, 1);
    assert.deepEqual(viewInUse.lines, [
      `deno task demo: Cannot serve the live view on 127.0.0.1:${taken.addr.port}: the port is ` +
      "in use by another program; pick another port, or 0 for any free one",
    ]);
    assert.equal(portInUse.code, 1);
    assert.match(
      portInUse.lines.at(-1)!,
      /^deno task demo: Cannot bind "tcp:\/\/127\.0\.0\.1:\d+": address already in use/,
    );
    assert.ok(portInUse.lines.every((line) => !/^\s+at /.test(line)), portInUse.lines.join("\n"));
    assert.equal(denied.code, 1);
    assert.equal(denied.lines.length, 1, denied.lines.join("\n"));
    assert.match(
      denied.lines[0],
      /^deno task demo: Requires write access to "\/tmp\/netgear-demo-denied"/,
    );
    assert.equal(badFlag.code, 2);
    assert.deepEqual(badFlag.lines, [
      'deno task demo: Unknown option "--duratoin": did you mean --duration?',
      'Run "deno task demo --help" for usage.',
    ]);
  } finally {
    taken.close();
    await Deno.remove(`${ROOT}out/test-demo-taken`, { recursive: true }).catch(() => {});
  }
});

Deno.test("deno task demo serves the live page while it runs and ends cleanly on Ctrl+C", async () => {
  const { command, out } = await demo(120);
  const child = command.spawn();
  const lines = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const stdout = new Response(child.stdout).text();
  try {
    // Wait (bounded) for the URL and a first snapshot.
    await within(
      (async () => {
        while (!/-> out\/test-demo-.*montage-000001\.png/.test(text)) {
          const { value, done } = await lines.read();
          if (done) throw new Error(`the demo ended early:\n${text}\n${await stdout}`);
          text += value;
        }
      })(),
      60_000,
      "the demo's first snapshot",
    );
    const url = URL_LINE.exec(text)![1];
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>NetGear demo<\/title>/);
  } finally {
    child.kill("SIGINT");
  }
  const status = await within(child.status, 30_000, "the demo's exit after SIGINT");
  for (let chunk = await lines.read(); !chunk.done; chunk = await lines.read()) text += chunk.value;
  assert.equal(status.code, 130, `exit code; stderr:\n${text}\nstdout:\n${await stdout}`);
  assert.match(text, /^done: \d+ snapshots in out\/test-demo-.*every server has gone$/m);
  assert.ok((await takeSnapshots(out)).length >= 1);
});
