// The soak tool (bench/soak.ts, `deno task soak`) in a short run: it streams, restarts servers,
// and its resource checks pass and report what they measured. Also the socket count it uses.

import assert from "node:assert/strict";
import { Context, libzmqInfo, Socket } from "../src/zmq/mod.ts";
import { within } from "./_endpoints.ts";

libzmqInfo(); // libzmq loads once per process, before the sanitizers watch

const SOAK = new URL("../bench/soak.ts", import.meta.url).pathname;

Deno.test("Context.openSockets counts the sockets created and not yet closed", async () => {
  const context = new Context();
  try {
    assert.equal(context.openSockets, 0);
    const sockets = [new Socket("PUB", { context }), new Socket("SUB", { context })];
    assert.equal(context.openSockets, 2);
    await sockets[0].close();
    assert.equal(context.openSockets, 1);
    await sockets[0].close(); // twice: still counted once
    assert.equal(context.openSockets, 1);
    await sockets[1].close();
    assert.equal(context.openSockets, 0);
  } finally {
    await context.close();
  }
});

Deno.test("a short soak (10 s, both patterns, servers restarting) passes and reports flat resources", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all", // Deno lists /proc/self/fd only with every permission
      SOAK,
      "--duration",
      "10",
      "--warmup",
      "3",
      "--restart-every",
      "1",
      "--servers",
      "3",
      "--json",
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const { code, stdout, stderr } = await within(child, 60_000, "the soak");
  const text = new TextDecoder().decode(stdout);
  const report = JSON.parse(text.trim().split("\n").at(-1)!);
  assert.deepEqual(report.failures, [], new TextDecoder().decode(stderr));
  assert.equal(code, 0);
  assert.ok(report.restarts >= 5, `restarts: ${report.restarts}`);
  assert.ok(report.frames > 100, `frames: ${report.frames}`);
  // Both at the start and the end of the soak: per pattern one client (its socket and its
  // connection monitor's) and three servers; a pattern-1 server monitors its connection too
  // (it waits for a receiver that is not there): 2 + 3 × 2 for pattern 1, 2 + 3 for pattern 2.
  assert.equal(report.start.sockets, 13);
  assert.equal(report.end.sockets, 13);
  assert.equal(report.after.sockets, 0);
  assert.ok(report.start.fds > 0, "fds were counted");
  assert.ok(report.end.t > report.start.t);
});

Deno.test("the soak refuses unknown arguments with the list of valid ones", async () => {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", SOAK, "--durtion", "5"],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(code, 2);
  assert.match(new TextDecoder().decode(stderr), /Unknown argument --durtion: use --duration/);
});
