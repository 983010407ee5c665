// Ctrl+C as a terminal sends it: SIGINT to the whole foreground process group of a
// `deno task netgear ...` run. `deno task` hands its child that Ctrl+C a second time, at once;
// one Ctrl+C must still close cleanly (summary printed, terminate sent, exit code 130).

import assert from "node:assert/strict";
import { freePort } from "./_endpoints.ts";
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
