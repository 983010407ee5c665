// Interop with a Python vidgear peer (tests/interop/vidgear_peer.py, written from the spec):
// Python servers -> our client, and our servers -> Python client, over tcp (and one ipc case).
import assert from "node:assert/strict";
import { createFrame, NetGear, type NetGearItem } from "../mod.ts";
import { freePort, within } from "./_endpoints.ts";
import { skipIf } from "./_skip.ts";
import {
  formulaBytes,
  type PeerEvent,
  type PeerResult,
  PythonPeer,
  pythonPeerUnavailable,
  sha256Hex,
} from "./_python_peer.ts";
import { libzmqInfo } from "../src/zmq/mod.ts";

libzmqInfo(); // libzmq loads once per process, before the sanitizers watch

const ignore = skipIf(import.meta.url, pythonPeerUnavailable());

const SHAPE = [12, 16, 3];
const NBYTES = SHAPE[0] * SHAPE[1] * SHAPE[2];
const FRAMES = 5;
const ACK_MULTISERVER = "Termination signal successfully received at client!";
const ACK_PLAIN = "Termination signal successfully received at Client's end!";

type Protocol = "tcp" | "ipc";

function addressFor(protocol: Protocol): string {
  return protocol === "tcp"
    ? "127.0.0.1"
    : `${Deno.makeTempDirSync({ prefix: "netgear-interop-" })}/ng`;
}

function eventsOf(result: PeerResult, name: string): PeerEvent[] {
  return result.events.filter((e) => e.event === name);
}

function assertExitedOk(result: PeerResult, who: string): void {
  assert.equal(result.code, 0, `${who} exited with ${result.code}; stderr:\n${result.stderr}`);
  assert.equal(eventsOf(result, "error").length, 0, `${who} reported errors`);
}

/** Our receiver's loop: every item with its recv index `k`, until recv() gives null. */
function receiveAll(
  client: NetGear,
  returnData?: (k: number) => unknown,
): { items: (NetGearItem & { k: number })[]; done: Promise<void> } {
  const items: (NetGearItem & { k: number })[] = [];
  const done = (async () => {
    for (let k = 0;; k++) {
      const item = await client.recv({ returnData: returnData?.(k) });
      if (item === null) return;
      item.keep(); // checked after the run
      items.push({ ...item, k });
    }
  })();
  done.catch(() => {}); // awaited later; do not count as unhandled meanwhile
  return { items, done };
}

// ------------------------------------------------------------ Python servers -> our client

async function pythonServersToOurClient(
  pattern: 1 | 2,
  protocol: Protocol,
  bidirectional: boolean,
): Promise<void> {
  const address = addressFor(protocol);
  const ports = [freePort(), freePort()];
  const client = new NetGear({
    address,
    port: ports,
    protocol,
    pattern,
    receiveMode: true,
    multiserverMode: true,
    bidirectionalMode: bidirectional,
    requestTimeout: 4,
  });
  const returned = (k: number) => ({ got: `r${k}`, k });
  const { items, done } = receiveAll(client, bidirectional ? returned : undefined);
  const peers: PythonPeer[] = [];
  try {
    ports.forEach((port, s) => {
      peers.push(
        new PythonPeer([
          "server",
          "--pattern",
          String(pattern),
          "--protocol",
          protocol,
          "--address",
          address,
          "--multiserver",
          "--port",
          String(port),
          "--frames",
          String(FRAMES),
          "--shape",
          SHAPE.join(","),
          "--message-json",
          JSON.stringify({ cam: `S${s}`, n: "{i}" }),
          "--interval-ms",
          "30",
          "--timeout-s",
          "20",
          ...(s === 1 ? ["--port-as-int"] : []), // one sends its port as a number, one as text
          ...(bidirectional ? ["--bidirectional"] : []),
          // PUB: let our SUB join first, and let the terminate leave before the linger-0 close
          ...(pattern === 2 ? ["--startup-delay-ms", "800", "--terminate-grace-ms", "300"] : []),
        ]),
      );
    });
    const results = await Promise.all(peers.map((p) => p.finish(25_000)));
    await within(done, 10_000, "our client ending by itself");

    for (const [s, port] of ports.entries()) {
      const result = results[s];
      assertExitedOk(result, `Python server ${s}`);
      const declared = s === 1 ? port : String(port); // as the Python side sent it
      const mine = items.filter((item) => item.port === declared);
      assert.equal(mine.length, FRAMES, `frames from port ${port}`);
      const sent = eventsOf(result, "sent");
      assert.equal(sent.length, FRAMES);
      const replies = eventsOf(result, "reply");
      for (const [i, item] of mine.entries()) {
        assert.deepEqual(item.frame.shape, SHAPE);
        assert.equal(item.frame.dtype, "uint8");
        assert.deepEqual(item.frame.data, formulaBytes(i, port, NBYTES), `bytes of frame ${i}`);
        assert.equal(await sha256Hex(item.frame.data), sent[i].sha256);
        assert.deepEqual(item.message, { cam: `S${s}`, n: String(i) });
        if (bidirectional) {
          const reply = replies.find((r) => r.index === i);
          assert.ok(reply, `reply to frame ${i} of port ${port}`);
          assert.deepEqual(reply.returned, returned(item.k));
        }
      }
      if (pattern === 1) {
        assert.equal(replies.length, FRAMES);
        if (!bidirectional) {
          for (const r of replies) assert.match(String(r.raw), /^Data received on device: .+ !$/);
        }
        assert.equal(eventsOf(result, "done")[0].terminate_ack, ACK_MULTISERVER);
      }
    }
    assert.equal(items.length, 2 * FRAMES, "no frame from anywhere else");
  } finally {
    await Promise.all(peers.map((p) => p.kill()));
    await client.close();
    await done.catch(() => {});
  }
}

Deno.test({
  name: "interop: 2 Python servers -> our multi-server client, pattern 1, tcp",
  ignore,
  fn: () => pythonServersToOurClient(1, "tcp", false),
});

Deno.test({
  name: "interop: 2 Python servers -> our multi-server client, pattern 1, ipc",
  ignore,
  fn: () => pythonServersToOurClient(1, "ipc", false),
});

Deno.test({
  name: "interop: 2 Python PUB servers -> our multi-server SUB client, pattern 2, tcp",
  ignore,
  fn: () => pythonServersToOurClient(2, "tcp", false),
});

Deno.test({
  name: "interop: 2 Python servers -> our multi-server bidirectional client, pattern 1, tcp",
  ignore,
  fn: () => pythonServersToOurClient(1, "tcp", true),
});

// ------------------------------------------------------------ our servers -> Python client

function ourFrame(i: number, seed: number) {
  return createFrame(formulaBytes(i, seed, NBYTES), SHAPE);
}

async function ourServersToPythonClient(pattern: 1 | 2): Promise<void> {
  const ports = [freePort(), freePort()];
  const peer = new PythonPeer([
    "client",
    "--pattern",
    String(pattern),
    "--multiserver",
    "--ports",
    ports.join(","),
    "--timeout-s",
    "20",
  ]);
  const servers: NetGear[] = [];
  try {
    await peer.waitFor("ready", 10_000);
    for (const port of ports) {
      servers.push(
        new NetGear({
          address: "127.0.0.1",
          port,
          pattern,
          multiserverMode: true,
          requestTimeout: 4,
        }),
      );
    }
    await within(
      Promise.all(servers.map(async (server, s) => {
        for (let i = 0; i < FRAMES; i++) {
          await server.send(ourFrame(i, ports[s]), { message: { cam: `D${s}`, n: i } });
          // PUB never blocks: pace the frames for the Python SUB (RCVHWM=1)
          if (pattern === 2) await new Promise((r) => setTimeout(r, 40));
        }
        await server.close();
      })),
      20_000,
      "our servers sending",
    );
    const result = await peer.finish(20_000);
    assertExitedOk(result, "Python client");
    const frames = eventsOf(result, "frame");
    for (const [s, port] of ports.entries()) {
      const mine = frames.filter((f) => f.port === port);
      assert.equal(mine.length, FRAMES, `frames from port ${port}`);
      for (const [i, f] of mine.entries()) {
        assert.equal(f.index, i);
        assert.equal(f.verified, true);
        assert.equal(f.size_ok, true);
        assert.equal(f.formula_index, i);
        assert.equal(f.sha256, await sha256Hex(formulaBytes(i, port, NBYTES)));
        assert.deepEqual(f.message, { cam: `D${s}`, n: i });
        assert.equal(f.dtype, "uint8");
        assert.deepEqual(f.shape, SHAPE);
        // Our capture_time key went over the wire, and the Python client, reading only the keys
        // it knows (as vidgear does), took the frame all the same.
        const header = JSON.parse(String(f.header));
        assert.equal(typeof header.capture_time, "number", "capture_time in the header");
        assert.ok(Math.abs(header.capture_time * 1000 - Date.now()) < 60_000);
      }
    }
    const done = eventsOf(result, "done")[0];
    assert.equal(done.reason, "all-terminated");
    assert.deepEqual([...(done.terminated as number[])].sort(), [...ports].sort());
    assert.deepEqual(done.frames, { [ports[0]]: FRAMES, [ports[1]]: FRAMES });
    const terminates = eventsOf(result, "terminate");
    assert.ok(terminates.every((t) => t.known === true));
  } finally {
    await peer.kill();
    await Promise.all(servers.map((s) => s.close()));
  }
}

Deno.test({
  name: "interop: 2 of our servers -> Python multi-server client, pattern 1, tcp",
  ignore,
  fn: () => ourServersToPythonClient(1),
});

Deno.test({
  name: "interop: 2 of our PUB servers -> Python multi-server SUB client, pattern 2, tcp",
  ignore,
  fn: () => ourServersToPythonClient(2),
});

// ------------------------------------------------------------ plain mode, both directions

async function ourServerToPythonClient(pattern: 0 | 1, bidirectional: boolean): Promise<void> {
  const port = freePort();
  const peer = new PythonPeer([
    "client",
    "--pattern",
    String(pattern),
    "--ports",
    String(port),
    "--timeout-s",
    "20",
    ...(bidirectional ? ["--bidirectional", "--return-json", JSON.stringify({ ok: "r{i}" })] : []),
  ]);
  let server: NetGear | undefined;
  try {
    await peer.waitFor("ready", 10_000);
    server = new NetGear({
      address: "127.0.0.1",
      port,
      pattern,
      bidirectionalMode: bidirectional,
      requestTimeout: 4,
    });
    const answers: unknown[] = [];
    for (let i = 0; i < FRAMES; i++) {
      answers.push(
        await within(
          server.send(ourFrame(i, port), { message: `frame ${i}` }),
          10_000,
          `send ${i}`,
        ),
      );
    }
    await within(server.close(), 10_000, "our server's close");
    if (bidirectional) {
      assert.deepEqual(answers, Array.from({ length: FRAMES }, (_, i) => ({ ok: `r${i}` })));
    } else {
      assert.deepEqual(answers, Array(FRAMES).fill(undefined));
    }
    const result = await peer.finish(20_000);
    assertExitedOk(result, "Python client");
    const frames = eventsOf(result, "frame");
    assert.equal(frames.length, FRAMES);
    for (const [i, f] of frames.entries()) {
      assert.equal(f.port, null);
      assert.equal(f.verified, true);
      assert.equal(f.formula_index, i);
      assert.equal(f.sha256, await sha256Hex(formulaBytes(i, port, NBYTES)));
      assert.equal(f.message, `frame ${i}`);
    }
    const done = eventsOf(result, "done")[0];
    assert.equal(done.reason, "terminated");
    assert.equal(done.frames_total, FRAMES);
  } finally {
    await peer.kill();
    await server?.close();
  }
}

async function pythonServerToOurClient(pattern: 0 | 1): Promise<void> {
  const port = freePort();
  const client = new NetGear({
    address: "127.0.0.1",
    port,
    pattern,
    receiveMode: true,
    requestTimeout: 4,
  });
  const { items, done } = receiveAll(client);
  const peer = new PythonPeer([
    "server",
    "--pattern",
    String(pattern),
    "--port",
    String(port),
    "--frames",
    String(FRAMES),
    "--shape",
    SHAPE.join(","),
    "--message-json",
    JSON.stringify({ text: "hello {i}", list: [1, 2.5, null, true] }),
    "--timeout-s",
    "20",
    // PAIR has no ack: let the terminate leave before the linger-0 close
    ...(pattern === 0 ? ["--terminate-grace-ms", "300"] : []),
  ]);
  try {
    const result = await peer.finish(25_000);
    await within(done, 10_000, "our client ending by itself");
    assertExitedOk(result, "Python server");
    assert.equal(items.length, FRAMES);
    const sent = eventsOf(result, "sent");
    for (const [i, item] of items.entries()) {
      assert.equal(item.port, undefined);
      assert.deepEqual(item.frame.shape, SHAPE);
      assert.deepEqual(item.frame.data, formulaBytes(i, port, NBYTES));
      assert.equal(await sha256Hex(item.frame.data), sent[i].sha256);
      assert.deepEqual(item.message, { text: `hello ${i}`, list: [1, 2.5, null, true] });
    }
    const replies = eventsOf(result, "reply");
    assert.equal(replies.length, FRAMES);
    for (const r of replies) assert.match(String(r.raw), /^Data received on device: .+ !$/);
    if (pattern === 1) assert.equal(eventsOf(result, "done")[0].terminate_ack, ACK_PLAIN);
  } finally {
    await peer.kill();
    await client.close();
    await done.catch(() => {});
  }
}

Deno.test({
  name: "interop: bidirectional: our server -> Python client, pattern 1, send() returns its data",
  ignore,
  fn: () => ourServerToPythonClient(1, true),
});

for (const pattern of [0, 1] as const) {
  Deno.test({
    name: `interop: plain pattern ${pattern}: Python server -> our client, tcp`,
    ignore,
    fn: () => pythonServerToOurClient(pattern),
  });
  Deno.test({
    name: `interop: plain pattern ${pattern}: our server -> Python client, tcp`,
    ignore,
    fn: () => ourServerToPythonClient(pattern, false),
  });
}
