import assert from "node:assert/strict";
import { Cli } from "./_cli.ts";
import { freePorts } from "./_endpoints.ts";
import type { RecvSummary } from "../src/cli/recv.ts";

Deno.test("send --live to recv --live: frames from both, each server's frame age in the status line and --json, the rate control's choices in send's report", async () => {
  const ports = freePorts(2);
  const frames = 60;
  const recv = new Cli([
    "recv",
    "--address=127.0.0.1",
    `--ports=${ports.join(",")}`,
    "--pattern=2",
    "--live",
    "--json",
    "--liveness=60",
    "--duration=90",
  ]);
  try {
    await recv.waitFor(/listening on/);
    const senders = ports.map((port) =>
      new Cli([
        "send",
        "synthetic",
        "--address=127.0.0.1",
        "--pattern=2",
        `--port=${port}`,
        `--frames=${frames}`,
        "--size=320x240",
        "--fps=20",
        "--live",
      ])
    );
    for (const sender of senders) {
      const { code, stderr } = await sender.finish();
      assert.equal(code, 0, stderr);
      assert.match(stderr, /live: quality \d+/, `the rate control's report in:\n${stderr}`);
    }
  } catch (error) {
    recv.kill("SIGKILL");
    await recv.finish().catch(() => {});
    throw error;
  }
  const { code, stdout, stderr } = await recv.finish();
  assert.equal(code, 0, stderr);
  const summary: RecvSummary = JSON.parse(stdout);
  assert.equal(summary.end, "servers-gone");
  for (const server of summary.servers) {
    assert.ok(server.frames > 0, `frames from ${server.port}`);
    assert.ok(server.frameAge, `frame age of ${server.port} in --json`);
    assert.ok(server.frameAge.p50 >= 0 && server.frameAge.p99 >= server.frameAge.p50);
    assert.ok(server.frameAge.frames > 0);
  }
  assert.match(stderr, /\d+: [\d.]+ fps, age \d+\/\d+ ms \(\d+\)/, `status lines:\n${stderr}`);
});
