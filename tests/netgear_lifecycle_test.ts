// The multi-server client as people run it, with default options and real server processes:
// servers started by hand long after the client, servers that send rarely, a server that never
// comes, a camera whose client dies, and peers that name ports nobody listed.

import assert from "node:assert/strict";
import { createFrame, NetGear, type NetGearItem, type ServerEvent } from "../mod.ts";
import { delay, freePorts, within } from "./_endpoints.ts";
import {
  drain,
  isServerFrame,
  multiServerClient,
  NetGearProcess,
  serverFrame,
} from "./_netgear_server.ts";
import { encodeFrameMessage, encodeTerminateMessage } from "../src/protocol/mod.ts";
import { libzmqInfo, Socket } from "../src/zmq/mod.ts";

libzmqInfo(); // libzmq loads once per process, before the sanitizers watch

/** A multi-server client on loopback with nothing but the options a user must give. */
function defaultClient(
  ports: number[],
  pattern: 1 | 2,
  events: (ServerEvent & { at: number })[] = [],
): NetGear {
  return multiServerClient(ports, pattern, {
    onServerEvent: (event) => events.push({ ...event, at: performance.now() }),
  });
}

/** Checks that `items` are exactly frames 0..count-1 of server `index`, in order. */
function assertStream(items: NetGearItem[], index: number, count: number): void {
  assert.equal(items.length, count, `server ${index}: frames`);
  items.forEach((item, i) => {
    assert.deepEqual(item.message, { index, i });
    assert.ok(isServerFrame(item.frame, index, i), `server ${index}: bytes of frame ${i}`);
  });
}

/** Starts a server process after `ms`; the returned handle is set once it started. */
function startLater(ms: number, start: () => NetGearProcess): {
  started: Promise<NetGearProcess>;
  timer: ReturnType<typeof setTimeout>;
} {
  let timer!: ReturnType<typeof setTimeout>;
  const started = new Promise<NetGearProcess>((resolve) => {
    timer = setTimeout(() => resolve(start()), ms);
  });
  return { started, timer };
}

async function lateServers(pattern: 1 | 2): Promise<void> {
  const ports = freePorts(2);
  const events: (ServerEvent & { at: number })[] = [];
  const client = defaultClient(ports, pattern, events);
  const t0 = performance.now();
  const receiving = drain(client);
  // A from 12 s for about 3 s; B from 20 s.
  const a = startLater(
    12_000,
    () => NetGearProcess.server({ port: ports[0], pattern, frames: 30, intervalMs: 100, index: 0 }),
  );
  const b = startLater(
    20_000,
    () => NetGearProcess.server({ port: ports[1], pattern, frames: 20, intervalMs: 100, index: 1 }),
  );
  const processes: NetGearProcess[] = [];
  try {
    await delay(8_000);
    // Long past the old 5 s: both still waited for.
    assert.deepEqual(client.servers.map((s) => s.state), ["waiting", "waiting"]);
    processes.push(await a.started);
    processes.push(await b.started);
    assert.equal(await processes[0].exitCode(30_000), 0, `pattern ${pattern}: server A`);
    const bExit = await processes[1].exitCode(30_000);
    const bClosedAt = processes[1].lines.find((l) => l.closed === true)?.at as number;
    assert.equal(bExit, 0, `pattern ${pattern}: server B`);
    const items = await within(receiving, 10_000, `pattern ${pattern}: the client's end`);
    const endedAt = performance.now();
    assertStream(items.filter((x) => x.item.port === ports[0]).map((x) => x.item), 0, 30);
    assertStream(items.filter((x) => x.item.port === ports[1]).map((x) => x.item), 1, 20);
    assert.ok(items[0].at - t0 >= 11_500, "no frame before A started");
    assert.ok(endedAt - bClosedAt < 3000, `ended ${(endedAt - bClosedAt).toFixed(0)} ms after B`);
    assert.deepEqual(
      events.map((e) => `${e.type}:${e.port}:${e.reason ?? ""}`),
      [
        `join:${ports[0]}:`,
        `leave:${ports[0]}:terminated`,
        `join:${ports[1]}:`,
        `leave:${ports[1]}:terminated`,
      ],
    );
    assert.ok(client.servers.every((s) => s.state === "gone" && s.goneReason === "terminated"));
  } finally {
    clearTimeout(a.timer);
    clearTimeout(b.timer);
    await client.close();
    await Promise.all(processes.map((p) => p.dispose()));
  }
}

Deno.test("servers started by hand 12 s and 20 s after a default client: every frame arrives, and the client ends once the last has left (patterns 1 and 2)", async () => {
  await Promise.all([lateServers(1), lateServers(2)]);
});

async function rareServer(pattern: 1 | 2): Promise<void> {
  const [port] = freePorts(1);
  const client = defaultClient([port], pattern);
  const receiving = drain(client);
  const server = NetGearProcess.server({ port, pattern, frames: 3, intervalMs: 8000, index: 0 });
  try {
    await server.waitFor(() => server.sent >= 1, 15_000, "the first frame");
    await delay(6000); // longer than the liveness timeout, shorter than the next frame
    const [info] = client.servers;
    assert.equal(info.state, "live", `pattern ${pattern}: a connected, silent server is live`);
    assert.equal(info.connected, true);
    assert.equal(server.sent, 1);
    assert.equal(await server.exitCode(30_000), 0);
    const items = await within(receiving, 10_000, "the client's end");
    assertStream(items.map((x) => x.item), 0, 3);
    assert.equal(client.servers[0].goneReason, "terminated");
  } finally {
    await client.close();
    await server.dispose();
  }
}

async function absentServer(pattern: 1 | 2): Promise<void> {
  const [port] = freePorts(1);
  const client = defaultClient([port], pattern);
  try {
    const started = performance.now();
    const stopped = await client.recv({ signal: AbortSignal.timeout(7000) }).then(
      () => "ended by itself",
      (error) => (error as Error).name,
    );
    assert.equal(stopped, "TimeoutError", `pattern ${pattern}: only the signal ended the wait`);
    assert.ok(performance.now() - started >= 6900);
    assert.equal(client.servers[0].state, "waiting");
  } finally {
    await client.close();
  }
}

Deno.test("a server sending one frame every 8 s stays live; a server that never comes is waited for until a signal ends the wait", async () => {
  await Promise.all([rareServer(1), rareServer(2), absentServer(1), absentServer(2)]);
});

Deno.test("a pattern-2 camera whose client is SIGKILLed keeps its pace, drops and counts, then streams to the client restarted on its port", async () => {
  const [port] = freePorts(1);
  let client = NetGearProcess.client({ ports: [port], pattern: 2, livenessTimeout: 5 });
  const server = NetGearProcess.server({ port, pattern: 2, frames: 150, intervalMs: 30, index: 0 });
  let restarted: NetGearProcess | undefined;
  try {
    await client.ready();
    await client.waitFor(() => client.items().length >= 20, 15_000, "the first frames");
    client.kill();
    const killedAt = performance.now();
    await client.dispose();
    await delay(1500);
    restarted = NetGearProcess.client({ ports: [port], pattern: 2, livenessTimeout: 5 });
    client = restarted;
    // The camera finishes at its pace: 150 frames of 30 ms, not stuck on the dead client.
    assert.equal(await server.exitCode(30_000), 0);
    const lines = server.lines.filter((l) => "sent" in l);
    assert.equal(lines.length, 150);
    const last = lines.at(-1)!.at as number;
    assert.ok(last - killedAt < 15_000, `the last frame ${(last - killedAt).toFixed(0)} ms after`);
    // Some frames went to nobody (dropped), and the restarted client got the later ones.
    assert.ok(lines.some((l) => l.acked === false), "frames sent while no client was there");
    await restarted.waitFor(() => restarted!.lines.some((l) => l.end === true), 15_000, "end");
    const items = restarted.items();
    assert.ok(items.length >= 5, `the restarted client got ${items.length} frames`);
    assert.ok(items.every((x) => x.exact && x.i >= 20));
    assert.equal(await restarted.exitCode(), 0);
  } finally {
    await client.dispose();
    await server.dispose();
  }
});

Deno.test("a pattern-2 sender with no receiver at all drops (counted) instead of waiting", async () => {
  const [port] = freePorts(1);
  const sender = new NetGear({
    address: "127.0.0.1",
    port,
    pattern: 2,
    multiserverMode: true,
    requestTimeout: 0.5,
  });
  try {
    const started = performance.now();
    for (let i = 0; i < 40; i++) await sender.send(serverFrame(0, i));
    assert.ok(performance.now() - started < 5000, "40 frames to nobody do not wait");
    assert.equal(sender.stats.dropped["no-receiver"], 40);
    assert.equal(sender.stats.frames, 0);
  } finally {
    await sender.close();
  }
});

Deno.test("20,000 frames and terminates naming unlisted ports are dropped, counted and answered; the server table and the listed streams do not change", async () => {
  const ports = freePorts(2);
  const client = defaultClient(ports, 1);
  const receiving = drain(client);
  const rogue = new Socket("REQ");
  rogue.connect(`tcp://127.0.0.1:${ports[1]}`);
  const server = new NetGear({
    address: "127.0.0.1",
    port: ports[0],
    pattern: 1,
    multiserverMode: true,
  });
  try {
    const flooding = (async () => {
      const tiny = createFrame(new Uint8Array(3), [1, 1, 3]);
      for (let i = 0; i < 20_000; i++) {
        const port = 1000 + (i % 10_000); // 10,000 ports nobody listed (listed ones are ephemeral)
        await rogue.send(encodeFrameMessage({ frame: tiny, message: i, pattern: 1, port }));
        await rogue.receive({ timeout: 5000 }); // every one is answered
      }
      // A terminate naming an unlisted port ends nothing either.
      await rogue.send(encodeTerminateMessage({ port: 12_345 }));
      await rogue.receive({ timeout: 5000 });
    })();
    const streaming = (async () => {
      for (let i = 0; i < 50; i++) {
        await server.send(serverFrame(0, i), { message: { index: 0, i } });
      }
    })();
    await within(Promise.all([flooding, streaming]), 120_000, "the flood and the stream");
    assert.equal(client.servers.length, 2);
    assert.deepEqual(client.servers.map((s) => s.state), ["live", "waiting"]);
    assert.equal(client.stats.dropped["unlisted-port"], 20_001);
    await server.close();
    // The second listed server never came: the client waits for it; close() ends the wait.
    await delay(300);
    await client.close();
    const items = await within(receiving, 5000, "the client's end");
    assertStream(items.map((x) => x.item), 0, 50);
  } finally {
    await rogue.close();
    await server.close();
    await client.close();
  }
});

Deno.test("maxMessageSize: a larger message costs the sender its connection; smaller ones arrive", async () => {
  const [port] = freePorts(1);
  const client = new NetGear({
    address: "127.0.0.1",
    port: [port],
    pattern: 1,
    receiveMode: true,
    multiserverMode: true,
    maxMessageSize: 4096,
  });
  const server = new NetGear({
    address: "127.0.0.1",
    port,
    pattern: 1,
    multiserverMode: true,
    requestTimeout: 0.5,
  });
  try {
    const receiving = client.recv();
    const big = createFrame(new Uint8Array(8192), [8192]);
    assert.equal(await server.send(big), undefined);
    assert.equal(server.stats.timeouts, 1, "the big frame got no reply");
    const small = createFrame(new Uint8Array(1024).fill(7), [1024]);
    await server.send(small);
    const item = await within(receiving, 5000, "the small frame");
    assert.deepEqual(item?.frame.data, small.data);
  } finally {
    await server.close();
    await client.close();
  }
});

Deno.test("a terminate naming a listed server through another server's connection ends nothing", async () => {
  for (const pattern of [1, 2] as const) {
    const ports = freePorts(2);
    const client = multiServerClient(ports, pattern);
    const receiving = drain(client);
    const server = new NetGear({
      address: "127.0.0.1",
      port: ports[0],
      pattern,
      multiserverMode: true,
    });
    // A peer on the second server's port, claiming to be the first.
    const rogue = new Socket(pattern === 1 ? "REQ" : "PUB");
    rogue.connect(`tcp://127.0.0.1:${ports[1]}`);
    try {
      await server.send(serverFrame(0, 0), { message: { index: 0, i: 0 } });
      for (let n = 0; n < 200 && client.stats.dropped["port-mismatch"] === undefined; n++) {
        // Pattern 2: resent until the SUB has taken the rogue's connection in.
        await rogue.send(encodeTerminateMessage({ port: ports[0] }));
        if (pattern === 1) await rogue.receive({ timeout: 5000 }); // answered, not wedged
        else await delay(20);
      }
      assert.ok(client.stats.dropped["port-mismatch"] >= 1, `pattern ${pattern}: counted`);
      assert.equal(client.servers[0].state, "live", `pattern ${pattern}: not ended by the rogue`);
      await server.send(serverFrame(0, 1), { message: { index: 0, i: 1 } });
      await server.close();
      await delay(300);
      assert.equal(client.servers[0].goneReason, "terminated");
      await client.close(); // the second server never came
      const items = await within(receiving, 5000, "the client's end");
      assertStream(items.map((x) => x.item), 0, 2);
    } finally {
      await rogue.close();
      await server.close();
      await client.close();
    }
  }
});
