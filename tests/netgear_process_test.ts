// Multi-server NetGear with its servers in child processes: a server killed mid-stream, many
// short runs that must always end by themselves, and a server that leaves before any frame.

import assert from "node:assert/strict";
import { NetGear, type NetGearItem, type ServerEvent } from "../mod.ts";
import { freePorts, within } from "./_endpoints.ts";
import { drain, NetGearProcess, serverFrame } from "./_netgear_server.ts";
import { libzmqInfo } from "../src/zmq/mod.ts";

libzmqInfo(); // libzmq loads once per process, before the sanitizers watch

function assertFrames(items: NetGearItem[], index: number, count: number): void {
  assert.equal(items.length, count, `server ${index}: frame count`);
  items.forEach(({ frame, message }, i) => {
    assert.deepEqual(message, { index, i }, `server ${index}: message ${i}`);
    assert.deepEqual(frame.shape, [4, 6, 3]);
    assert.deepEqual(frame.data, serverFrame(index, i).data, `server ${index}: frame ${i} bytes`);
  });
}

Deno.test("pattern 1, two server processes, one SIGKILLed mid-stream: it times out, the other goes on, the client ends", async () => {
  const ports = freePorts(2);
  const victim = NetGearProcess.server({
    port: ports[0],
    pattern: 1,
    frames: 500,
    intervalMs: 20,
    index: 0,
  });
  const survivor = NetGearProcess.server({
    port: ports[1],
    pattern: 1,
    frames: 40,
    intervalMs: 50,
    index: 1,
  });
  let client: NetGear | undefined;
  try {
    await Promise.all([victim.ready(), survivor.ready()]);
    const events: (ServerEvent & { at: number })[] = [];
    client = new NetGear({
      address: "127.0.0.1",
      port: ports,
      pattern: 1,
      receiveMode: true,
      multiserverMode: true,
      livenessTimeout: 1,
      onServerEvent: (e) => events.push({ ...e, at: performance.now() }),
    });
    const receiving = drain(client);
    await victim.waitFor(() => victim.sent >= 5, 10_000, "victim's first frames");
    victim.kill();
    const killedAt = performance.now();
    const items = await within(receiving, 20_000, "client end");

    const fromVictim = items.filter((x) => x.item.port === ports[0]).map((x) => x.item);
    const fromSurvivor = items.filter((x) => x.item.port === ports[1]);
    // The victim's frames that arrived are intact and in order (one more than it printed is ok).
    assert.ok(fromVictim.length >= 5, `victim frames: ${fromVictim.length}`);
    assertFrames(fromVictim, 0, fromVictim.length);
    // Every survivor frame arrived, many of them after the kill.
    assertFrames(fromSurvivor.map((x) => x.item), 1, 40);
    assert.ok(fromSurvivor.filter((x) => x.at > killedAt).length >= 10);
    assert.equal(await survivor.exitCode(), 0);

    const leave = events.find((e) => e.type === "leave" && e.port === ports[0]);
    assert.equal(leave?.reason, "timeout");
    const late = leave!.at - killedAt;
    assert.ok(late < 1000 + 700, `victim marked gone ${late.toFixed(0)} ms after the kill`);
    const [victimInfo, survivorInfo] = ports.map((p) => client!.servers.find((s) => s.port === p)!);
    assert.equal(victimInfo.state, "gone");
    assert.equal(victimInfo.goneReason, "timeout");
    assert.equal(survivorInfo.state, "gone");
    assert.equal(survivorInfo.goneReason, "terminated");
    assert.equal(survivorInfo.frames, 40);
    assert.equal(await within(client.recv(), 1000, "recv after end"), null);
  } finally {
    await client?.close();
    await victim.dispose();
    await survivor.dispose();
  }
});

Deno.test("pattern 2, two server processes that close normally: the client ends by itself, 20 times", async () => {
  for (let round = 0; round < 20; round++) {
    const ports = freePorts(2);
    const servers = ports.map((port, s) =>
      NetGearProcess.server({ port, pattern: 2, frames: 3, intervalMs: 0, index: s })
    );
    let client: NetGear | undefined;
    try {
      await Promise.all(servers.map((s) => s.ready()));
      client = new NetGear({
        address: "127.0.0.1",
        port: ports,
        pattern: 2,
        receiveMode: true,
        multiserverMode: true,
        livenessTimeout: 3,
      });
      const items = (await within(drain(client), 15_000, `round ${round}: client end`))
        .map((x) => x.item);
      ports.forEach((port, s) => assertFrames(items.filter((x) => x.port === port), s, 3));
      for (const server of servers) assert.equal(await server.exitCode(), 0, `round ${round}`);
      for (const info of client.servers) {
        assert.equal(info.state, "gone", `round ${round}`);
        assert.equal(info.frames, 3, `round ${round}`);
      }
    } finally {
      await client?.close();
      for (const server of servers) await server.dispose();
    }
  }
});

for (const pattern of [1, 2] as const) {
  Deno.test(`pattern ${pattern}: a server process that closes before any frame does not disturb the other`, async () => {
    const ports = freePorts(2);
    const early = NetGearProcess.server({
      port: ports[0],
      pattern,
      frames: 0,
      intervalMs: 0,
      index: 0,
    });
    const other = NetGearProcess.server({
      port: ports[1],
      pattern,
      frames: 5,
      intervalMs: 30,
      index: 1,
    });
    let client: NetGear | undefined;
    try {
      await Promise.all([early.ready(), other.ready()]);
      client = new NetGear({
        address: "127.0.0.1",
        port: ports,
        pattern,
        receiveMode: true,
        multiserverMode: true,
        livenessTimeout: 2,
        // Over PUB/SUB the early terminate may reach nobody: the client would wait for it.
        waitTimeout: 3,
      });
      const items = (await within(drain(client), 15_000, "client end")).map((x) => x.item);
      assert.ok(items.every((x) => x.port === ports[1]));
      assertFrames(items, 1, 5);
      assert.equal(await early.exitCode(), 0);
      assert.equal(await other.exitCode(), 0);
      const [earlyInfo, otherInfo] = ports.map((p) => client!.servers.find((s) => s.port === p)!);
      assert.equal(earlyInfo.state, "gone");
      assert.equal(earlyInfo.frames, 0);
      // Pattern 1 delivers the early terminate; over PUB/SUB it may be lost (no subscriber yet).
      if (pattern === 1) assert.equal(earlyInfo.goneReason, "terminated");
      else assert.match(earlyInfo.goneReason!, /^(terminated|never-joined)$/);
      assert.equal(otherInfo.goneReason, "terminated");
      assert.equal(otherInfo.frames, 5);
    } finally {
      await client?.close();
      await early.dispose();
      await other.dispose();
    }
  });
}
