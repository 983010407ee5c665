// Ctrl+C as a terminal sends it: SIGINT to the whole foreground process group of a
// `deno task netgear ...` run (and of the demo's and the examples' tasks). `deno task` hands its child that Ctrl+C a second time, at once;
// one Ctrl+C must still close cleanly (summary printed, terminate sent, exit code 130).

import assert from "node:assert/strict";
import { freePort, freePorts } from "./_endpoints.ts";
import { Cli } from "./_cli.ts";

Deno.test("one Ctrl+C under deno task: recv closes, prints its JSON summary and exits 130", async () => {
  const port = freePort();
  const recv = new Cli(["recv", "--address=127.0.0.1", `--ports=${port}`, "--json"], {
    task: true,
  });
  const send = new Cli(["send", "--address=127.0.0.1", `--port=${port}`, "--size=64x48"], {
    task: true,
  });
  try {
    await recv.waitFor(/joined/);
    recv.ctrlC();
    const { code } = await recv.finish(20_000);
    assert.equal(code, 130, recv.stderr);
    assert.match(recv.stderr, /interrupted: closing/);
    const summary = JSON.parse(recv.stdout);
    assert.equal(summary.end, "interrupted");
    assert.equal(summary.servers[0].port, port);
    assert.ok(summary.servers[0].frames > 0);
  } finally {
    for (const run of [send, recv]) run.ctrlC();
    await Promise.allSettled([send.finish(5000), recv.finish(5000)]);
  }
});

Deno.test("one Ctrl+C under deno task: send sends its terminate (the client sees it leave) and exits 130", async () => {
  const port = freePort();
  const recv = new Cli(["recv", "--address=127.0.0.1", `--ports=${port}`, "--json"], {
    task: true,
  });
  const send = new Cli(["send", "--address=127.0.0.1", `--port=${port}`, "--size=64x48"], {
    task: true,
  });
  try {
    await recv.waitFor(/listening on/);
    await recv.waitFor(/joined/);
    send.ctrlC();
    assert.equal((await send.finish(20_000)).code, 130, send.stderr);
    // The client ends by itself: its only server said goodbye.
    assert.equal((await recv.finish(20_000)).code, 0, recv.stderr);
    const summary = JSON.parse(recv.stdout);
    assert.equal(summary.end, "servers-gone");
    assert.equal(summary.servers[0].goneReason, "terminated");
    assert.ok(summary.servers[0].frames > 0);
  } finally {
    for (const run of [send, recv]) run.ctrlC();
    await Promise.allSettled([send.finish(5000), recv.finish(5000)]);
  }
});

Deno.test("one Ctrl+C under deno task: an example server says goodbye, its client closes with a summary, both exit 130", async () => {
  const [port, absent] = freePorts(2);
  const out = `out/test-signals-${crypto.randomUUID().slice(0, 8)}`;
  // Server-2 never comes, and a long liveness: only Ctrl+C ends the client.
  const client = new Cli(
    ["--ports", `${port},${absent}`, "--out", out, "--liveness", "600", "--no-view", "--json"],
    { task: "example:c:client" },
  );
  const server = new Cli(["synthetic", "--port", String(port), "--size", "64x48"], {
    task: "example:c:server1",
  });
  try {
    await client.waitFor(/Client on/);
    await client.waitFor(new RegExp(`${port} says: I'm Server-1`));
    server.ctrlC();
    const served = await server.finish(20_000);
    assert.equal(served.code, 130, served.stderr);
    assert.match(served.stdout, /^Server-1: sent \d+ frames, 0 lost$/m);
    await client.waitFor(new RegExp(`^server ${port} left \\(terminated\\)$`, "m"));
    client.ctrlC();
    const received = await client.finish(20_000);
    assert.equal(received.code, 130, received.stderr);
    assert.match(received.stderr, /interrupted: closing/);
    // The client saw Server-1 say goodbye (its terminate), and kept waiting for Server-2.
    const { summary } = JSON.parse(received.stdout.trim().split("\n").at(-1)!);
    assert.deepEqual(
      summary.servers.map((s: { state: string; goneReason: string | null }) => [
        s.state,
        s.goneReason,
      ]),
      [["gone", "terminated"], ["waiting", null]],
    );
    assert.ok(summary.frames > 0);
    for (const run of [served, received]) {
      assert.ok(!/^\s+at /m.test(run.stderr), `no stack trace:\n${run.stderr}`);
    }
  } finally {
    for (const run of [server, client]) run.ctrlC();
    await Promise.allSettled([server.finish(5000), client.finish(5000)]);
    await Deno.remove(new URL(`../${out}`, import.meta.url), { recursive: true }).catch(() => {});
  }
});

Deno.test("one Ctrl+C under deno task: the demo closes its servers and client and exits 130", async () => {
  const out = `out/test-signals-demo-${crypto.randomUUID().slice(0, 8)}`;
  const demo = new Cli(["--duration", "120", "--out", out, "--ports", freePorts(2).join(",")], {
    task: "demo",
  });
  try {
    await demo.waitFor(/-> out\/test-signals-demo-\S+montage-000001\.png/);
    demo.ctrlC();
    const { code, stderr } = await demo.finish(30_000);
    assert.equal(code, 130, stderr);
    assert.match(stderr, /^done: \d+ snapshots in out\/\S+; every server has gone$/m);
    assert.ok(!/^\s+at /m.test(stderr), `no stack trace:\n${stderr}`);
  } finally {
    demo.ctrlC();
    await demo.finish(5000).catch(() => {});
    await Deno.remove(new URL(`../${out}`, import.meta.url), { recursive: true }).catch(() => {});
  }
});
