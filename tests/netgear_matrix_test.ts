// Every NetGear mode x pattern x transport, with 1, 2, 4 and 16 peers where the mode has many:
// frames of every dtype and several shapes arrive byte-exact, messages of every JSON type arrive
// equal, bidirectional replies carry the returnData of the recv() that returned their frame, and
// every receiver ends by itself once its senders closed. Then every refused combination, and a
// multi-server client restarted on the same ports.

import assert from "node:assert/strict";
import {
  createFrame,
  type DType,
  DTYPE_SIZES,
  type Frame,
  NetGear,
  NetGearError,
  type NetGearInit,
} from "../mod.ts";
import { libzmqInfo } from "../src/zmq/mod.ts";
import { delay, freePort, freePorts, type Transport, TRANSPORTS, within } from "./_endpoints.ts";

libzmqInfo(); // libzmq loads once per process, before the sanitizers watch

/** Frames of every dtype and several shapes: 1-D to 4-D, a single item, an empty one. */
const FRAME_SPECS: { dtype: DType; shape: number[] }[] = [
  { dtype: "uint8", shape: [6, 8, 3] },
  { dtype: "int8", shape: [5] },
  { dtype: "bool", shape: [2, 3] },
  { dtype: "uint16", shape: [3, 4] },
  { dtype: "int16", shape: [4, 4, 1] },
  { dtype: "float16", shape: [2, 2, 2] },
  { dtype: "uint32", shape: [7] },
  { dtype: "int32", shape: [1, 1] },
  { dtype: "float32", shape: [2, 3, 4] },
  { dtype: "uint64", shape: [3] },
  { dtype: "int64", shape: [2, 2] },
  { dtype: "float64", shape: [9] },
  { dtype: "uint8", shape: [0, 4] },
  { dtype: "uint16", shape: [2, 1, 2, 3] },
  { dtype: "uint8", shape: [120, 160, 3] },
];

/** Messages of every JSON type, nested and not, with non-ASCII text. */
const MESSAGES: unknown[] = [
  "I'm Server-1",
  "",
  'ünïcödé ✓ \u0000 "quoted" \\ /',
  0,
  -42,
  3.25,
  1e300,
  Number.MAX_SAFE_INTEGER,
  true,
  false,
  null,
  [],
  [1, "two", [3, [4]], { five: 5 }, null],
  {},
  { nested: { a: [1, 2], b: { c: null } }, "ü": "é", flag: false },
];

const DTYPES = Object.keys(DTYPE_SIZES) as DType[];
assert.ok(DTYPES.every((d) => FRAME_SPECS.some((s) => s.dtype === d)), "every dtype is covered");

/** The frame `k` of sender `s`: spec and bytes both depend on both. */
function frameFor(s: number, k: number): Frame {
  const { dtype, shape } = FRAME_SPECS[(s + k) % FRAME_SPECS.length];
  const data = new Uint8Array(shape.reduce((a, b) => a * b, 1) * DTYPE_SIZES[dtype]);
  for (let i = 0; i < data.length; i++) data[i] = (s * 37 + k * 11 + i * 7) % 256;
  return createFrame(data, shape, dtype);
}

function messageFor(s: number, k: number): unknown {
  return MESSAGES[(s + k) % MESSAGES.length];
}

/** What a bidirectional receiver answers from its `n`-th recv(): JSON values and a frame. */
function returnDataFor(receiver: number, n: number): unknown {
  const choices = [...MESSAGES, frameFor(100 + receiver, n)];
  return choices[(receiver * 3 + n) % choices.length];
}

function assertSameFrame(actual: Frame, expected: Frame, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  assert.equal(actual.dtype, expected.dtype, `${what}: dtype`);
  assert.deepEqual(actual.data, expected.data, `${what}: bytes`);
}

/** Compares a reply (JSON value or frame) with the returnData that produced it. */
function assertSameData(actual: unknown, expected: unknown, what: string): void {
  const isFrame = (v: unknown): v is Frame => typeof v === "object" && v !== null && "dtype" in v;
  if (isFrame(expected)) {
    assert.ok(isFrame(actual), `${what}: a frame came back`);
    assertSameFrame(actual, expected, what);
  } else assert.deepEqual(actual, expected, what);
}

const RECEIVER = { address: "127.0.0.1", receiveMode: true };
const SENDER = { address: "127.0.0.1" };

type Mode = "plain" | "multiserver" | "multiclient";

interface Scenario {
  mode: Mode;
  pattern: 0 | 1 | 2;
  bidirectional: boolean;
  transport: Transport;
  /** Servers (multi-server), clients (multi-client), or 1. */
  peers: number;
}

function scenarios(): Scenario[] {
  const out: Scenario[] = [];
  for (const transport of TRANSPORTS) {
    for (const pattern of [0, 1, 2] as const) {
      for (const bidirectional of pattern === 2 ? [false] : [false, true]) {
        out.push({ mode: "plain", pattern, bidirectional, transport, peers: 1 });
        if (pattern === 0) continue;
        for (const mode of ["multiserver", "multiclient"] as const) {
          for (const peers of [1, 2, 4, 16]) {
            out.push({ mode, pattern, bidirectional, transport, peers });
          }
        }
      }
    }
  }
  return out;
}

function describe({ mode, pattern, bidirectional, transport, peers }: Scenario): string {
  const many = mode === "multiserver"
    ? ` ${peers} servers`
    : mode === "multiclient"
    ? ` ${peers} clients`
    : "";
  return `${mode}${bidirectional ? " bidirectional" : ""} pattern ${pattern}, ${transport},${many}`;
}

function addressFor(transport: Transport): string {
  return transport === "tcp"
    ? "127.0.0.1"
    : `${Deno.makeTempDirSync({ prefix: "netgear-matrix-" })}/sock`;
}

/** One received item and the returnData its recv() was given. */
interface Received {
  port: unknown;
  frame: Frame;
  message: unknown;
  returnData: unknown;
}

async function runScenario(scenario: Scenario): Promise<void> {
  const { mode, pattern, bidirectional, transport, peers } = scenario;
  const address = addressFor(transport);
  const ports = freePorts(peers);
  const common = { address, protocol: transport, pattern, bidirectionalMode: bidirectional };
  const receiverOptions: NetGearInit[] = mode === "multiclient"
    ? ports.map((port) => ({ ...common, port, receiveMode: true, multiclientMode: true }))
    : [{
      ...common,
      port: mode === "multiserver" ? ports : ports[0],
      receiveMode: true,
      multiserverMode: mode === "multiserver",
    }];
  const senderOptions: NetGearInit[] = mode === "multiserver"
    ? ports.map((port) => ({ ...common, port, multiserverMode: true }))
    : [{
      ...common,
      port: mode === "multiclient" ? ports : ports[0],
      multiclientMode: mode === "multiclient",
    }];
  const frames = FRAME_SPECS.length;

  const receivers = receiverOptions.map((o) => new NetGear(o));
  const received: Received[][] = receivers.map(() => []);
  const receiving = receivers.map(async (receiver, r) => {
    for (let n = 0; n < 10_000; n++) {
      const returnData = bidirectional ? returnDataFor(r, n) : undefined;
      const item = await receiver.recv({ returnData });
      if (item === null) return;
      item.keep(); // checked after the run, past each server's next frame
      received[r].push({ ...item, returnData });
    }
  });
  const replies: unknown[][] = senderOptions.map(() => []);
  const sending = senderOptions.map(async (options, s) => {
    const sender = new NetGear({ ...options, requestTimeout: 10 });
    try {
      for (let k = 0; k < frames; k++) {
        replies[s].push(await sender.send(frameFor(s, k), { message: messageFor(s, k) }));
      }
    } finally {
      await sender.close();
    }
  });
  try {
    await within(Promise.all(sending), 30_000, "senders");
    await within(Promise.all(receiving), 30_000, "receivers end by themselves");
  } finally {
    await Promise.all(receivers.map((r) => r.close()));
  }

  /** Checks that `items` are sender `s`'s frames `ks`, in order, with their replies. */
  const expectFrames = (items: Received[], s: number, ks: number[], what: string) => {
    assert.equal(items.length, ks.length, `${what}: frame count`);
    items.forEach((item, j) => {
      const k = ks[j];
      assertSameFrame(item.frame, frameFor(s, k), `${what} frame ${k}`);
      assert.deepEqual(item.message, messageFor(s, k), `${what} message ${k}`);
      if (!bidirectional) return;
      const reply = replies[s][k];
      const data = mode === "multiclient" ? (reply as { data: unknown }).data : reply;
      assertSameData(data, item.returnData, `${what} reply to frame ${k}`);
    });
  };
  const all = Array.from({ length: frames }, (_, k) => k);
  if (mode === "plain") expectFrames(received[0], 0, all, "receiver");
  if (mode === "multiserver") {
    ports.forEach((port, s) => {
      expectFrames(received[0].filter((x) => x.port === port), s, all, `server ${s}`);
    });
    assert.equal(received[0].length, peers * frames, "no frame from elsewhere");
    const info = receivers[0].servers;
    assert.ok(info.every((x) => x.state === "gone" && x.goneReason === "terminated"));
    assert.deepEqual(info.map((x) => x.frames), ports.map(() => frames));
  }
  if (mode === "multiclient") {
    ports.forEach((port, c) => {
      // Pattern 1 deals the frames out (send() says to whom); pattern 2 gives each client all.
      const ks = pattern === 2
        ? all
        : all.filter((k) => (replies[0][k] as { port: unknown }).port === port);
      expectFrames(received[c], 0, ks, `client ${c}`);
    });
  }
}

for (const scenario of scenarios()) {
  Deno.test(`${describe(scenario)}: every frame byte-exact with its message, then the end`, () =>
    runScenario(scenario));
}

Deno.test("multi-client pattern 2: the first frame leaves once every client subscribed, not after the subscription wait (5 s) runs out", async () => {
  const ports = freePorts(3);
  const clients = ports.map((port) =>
    new NetGear({ ...RECEIVER, port, pattern: 2, multiclientMode: true })
  );
  const server = new NetGear({ ...SENDER, port: ports, pattern: 2, multiclientMode: true });
  try {
    const first = clients.map((c) => c.recv()); // a SUB subscribes while it is read
    // Three subscriptions to the same topic: all must count, not only the first.
    await within(server.send(frameFor(0, 0), { message: 0 }), 4000, "the first send");
    for (const item of await within(Promise.all(first), 5000, "first frames")) {
      assert.equal(item?.message, 0);
    }
  } finally {
    await server.close();
    await Promise.all(clients.map((c) => c.close()));
  }
});

// ------------------------------------------------------------------ refused

/** Every combination the docs page (or our stricter options) refuses, and what it must say. */
const REFUSED: { what: string; options: Record<string, unknown>; error: RegExp }[] = [
  ...[true, false].flatMap((receiveMode) =>
    (["multiserverMode", "multiclientMode"] as const).map((multi) => ({
      what: `pattern 0 with ${multi} (${receiveMode ? "receiver" : "sender"})`,
      options: { address: "127.0.0.1", receiveMode, port: [5566], pattern: 0, [multi]: true },
      error: /Cannot use pattern 0 with .*: use pattern 1 \(REQ\/REP\) or 2 \(PUB\/SUB\)/,
    }))
  ),
  ...[true, false].map((receiveMode) => ({
    what: `multiserverMode with multiclientMode (${receiveMode ? "receiver" : "sender"})`,
    options: {
      ...SENDER,
      receiveMode,
      port: [5566],
      pattern: 1,
      multiserverMode: true,
      multiclientMode: true,
    },
    error: /Cannot enable multiserverMode and multiclientMode together: choose one/,
  })),
  ...[5566, "5566", undefined, []].map((port) => ({
    what: `a multi-server client with port ${JSON.stringify(port)}`,
    options: { ...RECEIVER, port, pattern: 1, multiserverMode: true },
    error: /Cannot start a multi-server client without a list of ports/,
  })),
  ...[5566, undefined].map((port) => ({
    what: `a multi-client server with port ${JSON.stringify(port)}`,
    options: { ...SENDER, port, pattern: 2, multiclientMode: true },
    error: /Cannot start a multi-client server without a list of ports/,
  })),
  {
    what: "a multi-server server with a list of ports",
    options: { ...SENDER, port: [5566, 5567], pattern: 1, multiserverMode: true },
    error: /A multi-server server takes one port/,
  },
  {
    what: "a multi-client client with a list of ports",
    options: { ...RECEIVER, port: [5566, 5567], pattern: 1, multiclientMode: true },
    error: /A multi-client client takes one port/,
  },
  {
    what: "a plain NetGear with a list of ports",
    options: { ...RECEIVER, port: [5566], pattern: 1 },
    error: /NetGear takes one port/,
  },
  ...(["multiserverMode", "multiclientMode"] as const).map((multi) => ({
    what: `a ${multi} ${multi === "multiserverMode" ? "server" : "client"} without its port`,
    options: {
      address: "127.0.0.1",
      receiveMode: multi === "multiclientMode",
      pattern: 1,
      [multi]: true,
    },
    error: /without its own port: pass e\.g\. port: 5566/,
  })),
  ...[{}, { multiserverMode: true, port: [5566] }, { multiclientMode: true, port: 5566 }].map((
    mode,
  ) => ({
    what: `bidirectionalMode with pattern 2 ${JSON.stringify(mode)}`,
    options: { ...RECEIVER, port: 5566, ...mode, pattern: 2, bidirectionalMode: true },
    error: /Cannot use bidirectionalMode with pattern 2 \(PUB\/SUB has no replies\)/,
  })),
  {
    what: "a port list with a port twice",
    options: { ...RECEIVER, port: [5566, "5566"], pattern: 1, multiserverMode: true },
    error: /ports must differ/,
  },
  ...[0, 70000, 1.5, "55x", -1].map((port) => ({
    what: `port ${JSON.stringify(port)}`,
    options: { ...RECEIVER, port, pattern: 1 },
    error: /use an integer from 1 to 65535/,
  })),
  ...[3, -1, "1"].map((pattern) => ({
    what: `pattern ${JSON.stringify(pattern)}`,
    options: { ...RECEIVER, port: 5566, pattern },
    error: /use 0 \(PAIR\), 1 \(REQ\/REP\) or 2 \(PUB\/SUB\)/,
  })),
  {
    what: "protocol udp",
    options: { ...RECEIVER, port: 5566, protocol: "udp" },
    error: /use "tcp" or "ipc"/,
  },
  {
    what: "subscriberTimeout with pattern 1",
    options: { ...RECEIVER, port: 5566, pattern: 1, subscriberTimeout: 1 },
    error: /it applies to pattern 2/,
  },
  {
    what: "an unknown option",
    options: { ...RECEIVER, port: 5566, bogus: 1 },
    error: /Unknown NetGear option "bogus": use one of address, port/,
  },
  {
    what: "an option of the wrong type",
    options: { port: 5566, receive_mode: "yes" },
    error: /it takes a boolean/,
  },
  {
    what: "an option given twice (camelCase and snake_case)",
    options: { ...RECEIVER, port: 5566, receive_mode: true },
    error: /given twice/,
  },
  {
    what: "a negative requestTimeout",
    options: { ...SENDER, port: 5566, pattern: 1, requestTimeout: -1 },
    error: /Cannot use requestTimeout -1/,
  },
  {
    what: "an unknown delivery",
    options: { ...RECEIVER, port: [5566], pattern: 2, multiserverMode: true, delivery: "all" },
    error: /use "lossless" or "latest"/,
  },
];

for (const { what, options, error } of REFUSED) {
  Deno.test(`refused: ${what}`, () => {
    assert.throws(
      () => new NetGear(options as NetGearInit),
      (e: unknown) => {
        assert.ok(e instanceof Error, `${e}`);
        assert.match(e.message, error);
        return true;
      },
    );
  });
}

/** The modes in which send() on a receiver and recv() on a sender are refused at call time
 * (ports are taken when the test runs: a port found free long before may be taken since). */
const ROLES: {
  what: string;
  receiver: (port: number) => NetGearInit;
  sender: (port: number) => NetGearInit;
}[] = [
  0,
  1,
  2,
].flatMap((pattern) => {
  const p = pattern as 0 | 1 | 2;
  const plain = {
    what: `plain pattern ${p}`,
    receiver: (port: number) => ({ ...RECEIVER, port, pattern: p }),
    sender: (port: number) => ({ ...SENDER, port, pattern: p }),
  };
  if (p === 0) return [plain];
  return [plain, {
    what: `multi-server pattern ${p}`,
    receiver: (port: number) => ({ ...RECEIVER, port: [port], pattern: p, multiserverMode: true }),
    sender: (port: number) => ({ ...SENDER, port, pattern: p, multiserverMode: true }),
  }, {
    what: `multi-client pattern ${p}`,
    receiver: (port: number) => ({ ...RECEIVER, port, pattern: p, multiclientMode: true }),
    sender: (port: number) => ({ ...SENDER, port: [port], pattern: p, multiclientMode: true }),
  }];
});

for (const { what, receiver, sender } of ROLES) {
  Deno.test(`refused at call time, ${what}: send() on a receiver, recv() on a sender`, async () => {
    const port = freePort();
    const client = new NetGear(receiver(port));
    const server = new NetGear({ ...sender(port), requestTimeout: 0.2 });
    try {
      await assert.rejects(client.send(frameFor(0, 0)), (e: unknown) => {
        assert.ok(e instanceof NetGearError);
        assert.match(
          e.message,
          /Cannot send\(\) on a receiver: create the NetGear without receiveMode/,
        );
        return true;
      });
      await assert.rejects(server.recv(), (e: unknown) => {
        assert.ok(e instanceof NetGearError);
        assert.match(
          e.message,
          /Cannot recv\(\) on a sender: create the NetGear with receiveMode: true/,
        );
        return true;
      });
    } finally {
      await server.close();
      await client.close();
    }
  });
}

// ------------------------------------------------------------------ restart

for (const transport of TRANSPORTS) {
  Deno.test(`multi-server pattern 1, ${transport}: a client closed and started again on the same ports; its servers resume by themselves, every acknowledged frame arrives once`, async () => {
    const address = addressFor(transport);
    const ports = freePorts(3);
    const clientOptions = {
      address,
      protocol: transport,
      port: ports,
      pattern: 1 as const,
      receiveMode: true,
      multiserverMode: true,
    };
    const acked: number[][] = ports.map(() => []);
    let stop = false;
    const sending = ports.map(async (port, s) => {
      const server = new NetGear({
        address,
        protocol: transport,
        port,
        pattern: 1,
        multiserverMode: true,
        requestTimeout: 0.3,
        maxRetries: 1000,
      });
      try {
        for (let k = 0; k < 5000 && !stop; k++) {
          const before = server.stats.frames;
          await server.send(frameFor(s, k), { message: { s, k } });
          if (server.stats.frames > before) acked[s].push(k);
          await delay(5);
        }
      } finally {
        await server.close();
      }
    });
    const got: number[][] = ports.map(() => []);
    /** Receives until every server has delivered `n` more frames to this client. */
    const receiveSome = async (client: NetGear, n: number) => {
      const base = got.map((g) => g.length);
      for (let i = 0; i < 10_000 && got.some((g, s) => g.length < base[s] + n); i++) {
        const item = await within(client.recv(), 10_000, "recv");
        assert.ok(item, "the client ended early");
        const { s, k } = item.message as { s: number; k: number };
        assertSameFrame(item.frame, frameFor(s, k), `server ${s} frame ${k}`);
        got[s].push(k);
      }
    };
    try {
      for (let round = 0; round < 3; round++) {
        const client = new NetGear(clientOptions);
        try {
          await receiveSome(client, 5);
        } finally {
          await client.close();
        }
        await delay(200);
      }
      const last = new NetGear(clientOptions);
      try {
        await receiveSome(last, 5);
        stop = true;
        for (let i = 0; i < 10_000; i++) {
          const item = await within(last.recv(), 10_000, "recv until the end");
          if (item === null) break;
          const { s, k } = item.message as { s: number; k: number };
          got[s].push(k);
        }
        await within(Promise.all(sending), 10_000, "servers");
      } finally {
        await last.close();
      }
      ports.forEach((_, s) => {
        assert.equal(new Set(got[s]).size, got[s].length, `server ${s}: a frame came twice`);
        const missing = acked[s].filter((k) => !got[s].includes(k));
        assert.deepEqual(missing, [], `server ${s}: acknowledged, never delivered`);
      });
    } finally {
      stop = true;
      await Promise.allSettled(sending);
    }
  });
}
