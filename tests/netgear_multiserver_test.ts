import assert from "node:assert/strict";
import { createFrame, type Frame, NetGear, type ServerEvent } from "../mod.ts";
import { delay, freePort, freePorts, within } from "./_endpoints.ts";
import { libzmqInfo } from "../src/zmq/mod.ts";

libzmqInfo(); // libzmq loads once per process, before the sanitizers watch

/** A small deterministic frame for server `s`, frame `i`. */
function frameOf(s: number, i: number, shape = [4, 6, 3]): Frame {
  const data = new Uint8Array(shape.reduce((a, b) => a * b, 1));
  for (let k = 0; k < data.length; k++) data[k] = (s * 31 + i * 7 + k) % 256;
  return createFrame(data, shape);
}

Deno.test("multi-server bidirectional: each reply carries the returnData of the recv() that returned its frame", async () => {
  const ports = freePorts(2);
  const client = new NetGear({
    address: "127.0.0.1",
    port: ports,
    pattern: 1,
    receiveMode: true,
    multiserverMode: true,
    bidirectionalMode: true,
  });
  const replies: unknown[][] = [[], []];
  const serving = ports.map(async (port, s) => {
    const server = new NetGear({
      address: "127.0.0.1",
      port,
      pattern: 1,
      multiserverMode: true,
      bidirectionalMode: true,
    });
    for (let i = 0; i < 3; i++) {
      replies[s].push(await server.send(frameOf(s, i), { message: `s${s}f${i}` }));
    }
    await server.close();
  });
  let n = 0;
  for (;;) {
    const item = await within(client.recv({ returnData: { answer: n, to: "" } }), 10_000, "recv");
    if (item === null) break;
    n++;
  }
  await within(Promise.all(serving), 10_000, "servers");
  await client.close();
  assert.equal(n, 6);
  const all = replies.flat() as { answer: number }[];
  assert.deepEqual(all.map((r) => r.answer).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5]);
});

Deno.test("a listed server that never joins is waited for until waitTimeout, then counts as never-joined", async () => {
  const ports = freePorts(2);
  const events: ServerEvent[] = [];
  const client = new NetGear({
    address: "127.0.0.1",
    port: ports,
    pattern: 2,
    receiveMode: true,
    multiserverMode: true,
    livenessTimeout: 0.5,
    waitTimeout: 1.5,
    onServerEvent: (e) => events.push(e),
  });
  const started = performance.now();
  const receiving = client.recv(); // a SUB subscribes while it is being read
  const server = new NetGear({
    address: "127.0.0.1",
    port: ports[0],
    pattern: 2,
    multiserverMode: true,
  });
  await server.send(frameOf(0, 0));
  const first = await within(receiving, 5000, "first frame");
  assert.equal(first?.port, ports[0]);
  assert.equal(client.servers.find((s) => s.port === ports[1])?.state, "waiting");
  await server.close();
  assert.equal(await within(client.recv(), 5000, "end"), null);
  // The first server left by its terminate long before; the end waited for the second.
  assert.ok(performance.now() - started >= 1450, "the client ended before waitTimeout");
  await client.close();
  const silent = client.servers.find((s) => s.port === ports[1])!;
  assert.equal(silent.state, "gone");
  assert.equal(silent.goneReason, "never-joined");
  assert.deepEqual(
    events.map((e) => `${e.type}:${e.port}:${e.reason ?? ""}`).sort(),
    [
      `join:${ports[0]}:`,
      `leave:${ports[0]}:terminated`,
      `leave:${ports[1]}:never-joined`,
    ].sort(),
  );
});

Deno.test("a server that closes before sending any frame does not end the client for the others", async () => {
  const ports = freePorts(2);
  const client = new NetGear({
    address: "127.0.0.1",
    port: ports,
    pattern: 1,
    receiveMode: true,
    multiserverMode: true,
    // On a busy machine the early terminate may be gone before the client takes it (its
    // sender closes with linger 0 once the acknowledgement is late): never wait for it long.
    waitTimeout: 10,
  });
  const early = new NetGear({
    address: "127.0.0.1",
    port: ports[0],
    pattern: 1,
    multiserverMode: true,
  });
  await early.close(); // its terminate arrives first
  const late = new NetGear({
    address: "127.0.0.1",
    port: ports[1],
    pattern: 1,
    multiserverMode: true,
  });
  const sending = (async () => {
    for (let i = 0; i < 3; i++) await late.send(frameOf(1, i), { message: i });
    await late.close();
  })();
  const got: unknown[] = [];
  await within(
    (async () => {
      for await (const item of client) got.push(item.message);
    })(),
    20_000,
    "the client's end",
  );
  await within(sending, 10_000, "late server");
  await client.close();
  assert.deepEqual(got, [0, 1, 2]);
});

Deno.test("multi-server pattern 2 over ipc: servers that close while the client's queue is full lose nothing", async () => {
  // Over ipc, libzmq drops what is still in the socket when a sender hangs up while the
  // receiver's queue is full (zeromq/libzmq#4660): the servers wait for the client's bye.
  const ports = freePorts(8);
  const address = `${Deno.makeTempDirSync({ prefix: "netgear-bye-" })}/sock`;
  const common = { address, protocol: "ipc", pattern: 2, multiserverMode: true } as const;
  const client = new NetGear({ ...common, port: ports, receiveMode: true });
  const frames = 15;
  const serving = ports.map(async (port, s) => {
    const server = new NetGear({ ...common, port, requestTimeout: 5 });
    for (let i = 0; i < frames; i++) {
      await server.send(frameOf(s, i, [120, 160, 3]), { message: i });
    }
    await server.close();
  });
  const got = new Map<unknown, number[]>(ports.map((port) => [port, []]));
  await within(
    (async () => {
      for await (using item of client) {
        assert.deepEqual(
          item.frame.data,
          frameOf(ports.indexOf(item.port as number), item.message as number, [120, 160, 3]).data,
        );
        got.get(item.port)!.push(item.message as number);
        await delay(5); // a slow client: its queue stays full, the servers wait on it
      }
    })(),
    20_000,
    "client",
  );
  await within(Promise.all(serving), 20_000, "servers");
  await client.close();
  const all = Array.from({ length: frames }, (_, i) => i);
  for (const port of ports) assert.deepEqual(got.get(port), all, `server ${port}`);
  assert.ok(client.servers.every((x) => x.goneReason === "terminated"));
});

Deno.test("snake_case options are accepted as aliases", async () => {
  const port = freePort();
  const client = new NetGear(
    {
      address: "127.0.0.1",
      port: [port],
      pattern: 2,
      receive_mode: true,
      multiserver_mode: true,
    } as never,
  );
  assert.equal(client.options.receiveMode, true);
  assert.equal(client.options.multiserverMode, true);
  await client.close();
});

Deno.test("clients closed one after another leave the shared context working: each next client gets its servers' frames", async () => {
  // Each client watches its socket's connections. libzmq sends those events from its I/O
  // thread with a blocking send; a monitor closed before libzmq stopped sending to it hung
  // that thread, and with it every later socket of the default context.
  for (let round = 0; round < 4; round++) {
    const ports = freePorts(4);
    const client = new NetGear({
      address: "127.0.0.1",
      port: ports,
      pattern: 1,
      receiveMode: true,
      multiserverMode: true,
    });
    const servers = ports.map((port) =>
      new NetGear({ address: "127.0.0.1", port, pattern: 1, multiserverMode: true })
    );
    let received = 0;
    const receiving = (async () => {
      for await (const _ of client) received++;
    })();
    try {
      await within(
        Promise.all(servers.map((server, s) => server.send(frameOf(s, round)))),
        5000,
        `round ${round}: replies`,
      );
      for (let n = 0; n < 500 && received < 4; n++) await delay(10);
      assert.equal(received, 4, `round ${round}: frames`);
      assert.ok(client.servers.every((s) => s.state === "live" && s.connected));
    } finally {
      await Promise.all(servers.map((server) => server.close()));
      await client.close(); // while a recv() waits
      await receiving;
    }
  }
});

Deno.test("client.servers gives the recent frame rate: a 15 fps server reads 14-16, a burst does not spike it, a stopped one falls to 0", async () => {
  const [port] = freePorts(1);
  const client = new NetGear({
    address: "127.0.0.1",
    port: [port],
    pattern: 1,
    receiveMode: true,
    multiserverMode: true,
  });
  const server = new NetGear({ address: "127.0.0.1", port, pattern: 1, multiserverMode: true });
  let received = 0;
  const receiving = (async () => {
    for await (const _ of client) received++;
  })();
  try {
    const start = performance.now();
    for (let i = 0; i < 45; i++) {
      await delay(Math.max(0, start + i * (1000 / 15) - performance.now())); // on a schedule
      await server.send(frameOf(0, i));
    }
    const [paced] = client.servers;
    assert.ok(paced.fps >= 14 && paced.fps <= 16, `fps ${paced.fps}`);
    assert.ok(paced.averageFps >= 14 && paced.averageFps <= 16, `average ${paced.averageFps}`);
    for (let i = 0; i < 10; i++) await server.send(frameOf(0, 100 + i)); // a burst
    const [burst] = client.servers;
    assert.ok(burst.fps < 25, `after a burst of 10: ${burst.fps}`);
    await delay(2200);
    assert.equal(client.servers[0].fps, 0);
    assert.equal(client.servers[0].state, "live", "silent, still connected");
  } finally {
    await server.close();
    await within(receiving, 5000, "the client's end");
    await client.close();
  }
  assert.equal(received, 55);
});
