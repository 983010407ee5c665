import assert from "node:assert/strict";
import { createFrame, type Frame, NetGear, NetGearError, type ServerEvent } from "../mod.ts";
import { freePort, TRANSPORTS, within } from "./_endpoints.ts";
import { libzmqInfo } from "../src/zmq/mod.ts";

libzmqInfo(); // libzmq loads once per process, before the sanitizers watch

/** A small deterministic frame for server `s`, frame `i`. */
function frameOf(s: number, i: number, shape = [4, 6, 3]): Frame {
  const data = new Uint8Array(shape.reduce((a, b) => a * b, 1));
  for (let k = 0; k < data.length; k++) data[k] = (s * 31 + i * 7 + k) % 256;
  return createFrame(data, shape);
}

function addressFor(transport: "tcp" | "ipc"): string {
  return transport === "tcp"
    ? "127.0.0.1"
    : `${Deno.makeTempDirSync({ prefix: "netgear-ms-" })}/sock`;
}

for (const transport of TRANSPORTS) {
  for (const pattern of [1, 2] as const) {
    for (const servers of [1, 2, 4, 16]) {
      Deno.test(`multi-server pattern ${pattern}, ${transport}, ${servers} servers: every frame and message arrives, then the client ends`, async () => {
        const address = addressFor(transport);
        const ports = Array.from({ length: servers }, () => freePort());
        const events: ServerEvent[] = [];
        const client = new NetGear({
          address,
          port: ports,
          protocol: transport,
          pattern,
          receiveMode: true,
          multiserverMode: true,
          onServerEvent: (e) => events.push(e),
        });
        const perServer = 5;
        const received = new Map<string, { frames: Frame[]; messages: unknown[] }>();
        const receiving = (async () => {
          for await (const { port, frame, message } of client) {
            const entry = received.get(String(port)) ?? { frames: [], messages: [] };
            entry.frames.push(frame);
            entry.messages.push(message);
            received.set(String(port), entry);
          }
        })();
        const sending = ports.map(async (port, s) => {
          const server = new NetGear({
            address,
            port,
            protocol: transport,
            pattern,
            multiserverMode: true,
            requestTimeout: 5,
          });
          for (let i = 0; i < perServer; i++) {
            await server.send(frameOf(s, i), {
              message: { server: s, i, text: `I'm Server-${s}` },
            });
          }
          await server.close();
        });
        try {
          await within(Promise.all(sending), 20_000, "servers");
          await within(receiving, 20_000, "client");
        } finally {
          await client.close();
        }
        assert.equal(received.size, servers);
        ports.forEach((port, s) => {
          const entry = received.get(String(port))!;
          assert.equal(entry.frames.length, perServer, `server ${s} frames`);
          entry.frames.forEach((f, i) => assert.deepEqual(f.data, frameOf(s, i).data));
          assert.deepEqual(entry.messages.map((m) => (m as { i: number }).i), [0, 1, 2, 3, 4]);
          assert.equal((entry.messages[0] as { text: string }).text, `I'm Server-${s}`);
        });
        assert.equal(events.filter((e) => e.type === "join").length, servers);
        assert.ok(events.filter((e) => e.type === "leave").every((e) => e.reason === "terminated"));
        assert.ok(client.servers.every((s) => s.state === "gone" && s.frames === perServer));
      });
    }
  }
}

Deno.test("multi-server bidirectional: each reply carries the returnData of the recv() that returned its frame", async () => {
  const ports = [freePort(), freePort()];
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

Deno.test("a multi-server client with a silent server ends after the liveness timeout", async () => {
  const ports = [freePort(), freePort()];
  const events: ServerEvent[] = [];
  const client = new NetGear({
    address: "127.0.0.1",
    port: ports,
    pattern: 2,
    receiveMode: true,
    multiserverMode: true,
    livenessTimeout: 0.5,
    onServerEvent: (e) => events.push(e),
  });
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
  await server.close();
  assert.equal(await within(client.recv(), 5000, "end"), null);
  await client.close();
  const silent = client.servers.find((s) => s.port === ports[1])!;
  assert.equal(silent.state, "gone");
  assert.equal(silent.goneReason, "timeout");
  assert.deepEqual(
    events.map((e) => `${e.type}:${e.port}:${e.reason ?? ""}`).sort(),
    [
      `join:${ports[0]}:`,
      `leave:${ports[0]}:terminated`,
      `leave:${ports[1]}:timeout`,
    ].sort(),
  );
});

Deno.test("a server that closes before sending any frame does not end the client for the others", async () => {
  const ports = [freePort(), freePort()];
  const client = new NetGear({
    address: "127.0.0.1",
    port: ports,
    pattern: 1,
    receiveMode: true,
    multiserverMode: true,
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
  for await (const item of client) got.push(item.message);
  await within(sending, 10_000, "late server");
  await client.close();
  assert.deepEqual(got, [0, 1, 2]);
});

Deno.test("refused combinations say what to do", () => {
  const base = { address: "127.0.0.1", receiveMode: true };
  assert.throws(
    () => new NetGear({ ...base, port: [5566], pattern: 0, multiserverMode: true }),
    (e: unknown) =>
      e instanceof NetGearError && /use pattern 1 \(REQ\/REP\) or 2 \(PUB\/SUB\)/.test(e.message),
  );
  assert.throws(
    () =>
      new NetGear({
        ...base,
        port: [5566],
        pattern: 1,
        multiserverMode: true,
        multiclientMode: true,
      }),
    /Cannot enable multiserverMode and multiclientMode together/,
  );
  assert.throws(
    () => new NetGear({ ...base, port: 5566, pattern: 1, multiserverMode: true }),
    /without a list of ports/,
  );
  assert.throws(
    () => new NetGear({ ...base, pattern: 1, multiserverMode: true }),
    /without a list of ports/,
  );
  assert.throws(
    () =>
      new NetGear({ address: "127.0.0.1", port: [5566, 5567], pattern: 1, multiserverMode: true }),
    /takes one port/,
  );
  assert.throws(
    () => new NetGear({ ...base, port: 5566, pattern: 2, bidirectionalMode: true }),
    /bidirectionalMode with pattern 2/,
  );
  assert.throws(
    () => new NetGear({ ...base, port: 5566, bogus: 1 } as never),
    /Unknown NetGear option "bogus": use one of address, port/,
  );
  assert.throws(() => new NetGear({ ...base, port: 5566, pattern: 3 as never }), RangeError);
  assert.throws(
    () => new NetGear({ port: 5566, receive_mode: "yes" } as never),
    /it takes a boolean/,
  );
  assert.throws(
    () => new NetGear({ ...base, port: 5566, receive_mode: true } as never),
    /given twice/,
  );
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

Deno.test("send() on a receiver and recv() on a sender are refused", async () => {
  const port = freePort();
  const client = new NetGear({ address: "127.0.0.1", port, pattern: 1, receiveMode: true });
  const server = new NetGear({
    address: "127.0.0.1",
    port,
    pattern: 1,
    requestTimeout: 0.3,
    maxRetries: 1,
  });
  await assert.rejects(client.send(frameOf(0, 0)), /Cannot send\(\) on a receiver/);
  await assert.rejects(server.recv(), /Cannot recv\(\) on a sender/);
  await server.close();
  await client.close();
});
