// Ctrl+C as a terminal sends it: SIGINT to the whole foreground process group of a
// `deno task netgear ...` run. `deno task` hands its child that Ctrl+C a second time, at once;
// one Ctrl+C must still close cleanly (summary printed, terminate sent, exit code 130).

import assert from "node:assert/strict";
import { delay, freePort, within } from "./_endpoints.ts";

const ROOT = new URL("../", import.meta.url).pathname;

/** A `deno task netgear ...` run in a process group of its own (as a terminal's job is). */
class TaskRun {
  stdout = "";
  stderr = "";
  readonly #child: Deno.ChildProcess;
  readonly #done: Promise<number>;

  constructor(args: string[]) {
    this.#child = new Deno.Command("setsid", {
      args: [Deno.execPath(), "task", "--quiet", "netgear", ...args],
      cwd: ROOT,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const collect = async (
      stream: ReadableStream<Uint8Array<ArrayBuffer>>,
      key: "stdout" | "stderr",
    ) => {
      for await (const text of stream.pipeThrough(new TextDecoderStream())) this[key] += text;
    };
    const reading = Promise.all([
      collect(this.#child.stdout, "stdout"),
      collect(this.#child.stderr, "stderr"),
    ]);
    this.#done = Promise.all([this.#child.status, reading]).then(([status]) => status.code);
  }

  /** Waits (bounded) until stderr matches. */
  async waitFor(pattern: RegExp, ms = 20_000): Promise<void> {
    const deadline = performance.now() + ms;
    while (!pattern.test(this.stderr)) {
      if (performance.now() > deadline) {
        throw new Error(`no ${pattern} within ${ms} ms; stderr: ${this.stderr}`);
      }
      await delay(20);
    }
  }

  /** Ctrl+C: SIGINT to every process of the group (`setsid` made the task its leader). */
  ctrlC(): void {
    Deno.kill(-this.#child.pid, "SIGINT"); // a negative pid: the process group
  }

  /** Waits (bounded) for the exit code; kills the group if it hangs. */
  async finish(ms = 20_000): Promise<number> {
    try {
      return await within(this.#done, ms, "the task's end");
    } catch (error) {
      Deno.kill(-this.#child.pid, "SIGKILL");
      await this.#done;
      throw error;
    }
  }
}

Deno.test("one Ctrl+C under deno task: recv closes, prints its JSON summary and exits 130", async () => {
  const port = freePort();
  const recv = new TaskRun(["recv", "--address=127.0.0.1", `--ports=${port}`, "--json"]);
  const send = new TaskRun(["send", "--address=127.0.0.1", `--port=${port}`, "--size=64x48"]);
  try {
    await recv.waitFor(/joined/);
    recv.ctrlC();
    const code = await recv.finish();
    assert.equal(code, 130, recv.stderr);
    assert.match(recv.stderr, /interrupted: closing/);
    const summary = JSON.parse(recv.stdout);
    assert.equal(summary.end, "interrupted");
    assert.equal(summary.servers[0].port, port);
    assert.ok(summary.servers[0].frames > 0);
  } finally {
    for (const run of [send, recv]) {
      try {
        run.ctrlC();
      } catch {
        // it ended already
      }
    }
    await Promise.allSettled([send.finish(5000), recv.finish(5000)]);
  }
});

Deno.test("one Ctrl+C under deno task: send sends its terminate (the client sees it leave) and exits 130", async () => {
  const port = freePort();
  const recv = new TaskRun(["recv", "--address=127.0.0.1", `--ports=${port}`, "--json"]);
  const send = new TaskRun(["send", "--address=127.0.0.1", `--port=${port}`, "--size=64x48"]);
  try {
    await recv.waitFor(/listening on/);
    await recv.waitFor(/joined/);
    send.ctrlC();
    assert.equal(await send.finish(), 130, send.stderr);
    // The client ends by itself: its only server said goodbye.
    assert.equal(await recv.finish(), 0, recv.stderr);
    const summary = JSON.parse(recv.stdout);
    assert.equal(summary.end, "servers-gone");
    assert.equal(summary.servers[0].goneReason, "terminated");
    assert.ok(summary.servers[0].frames > 0);
  } finally {
    for (const run of [send, recv]) {
      try {
        run.ctrlC();
      } catch {
        // it ended already
      }
    }
    await Promise.allSettled([send.finish(5000), recv.finish(5000)]);
  }
});
