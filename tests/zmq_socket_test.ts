import assert from "node:assert/strict";
import {
  Context,
  libzmqInfo,
  MonitorEvent,
  PollEvent,
  Socket,
  type SocketTypeName,
  ZmqError,
} from "../src/zmq/mod.ts";
import { delay, TRANSPORTS, uniqueEndpoint, within } from "./_endpoints.ts";

const text = new TextDecoder();
const bytes = (s: string) => new TextEncoder().encode(s);
const strings = (parts: Uint8Array[]) => parts.map((p) => text.decode(p));
const libzmqSource = libzmqInfo().source;

/** Binds `a`, connects `b` to it, and returns both. */
function pair(a: SocketTypeName, b: SocketTypeName, transport: "tcp" | "ipc"): [Socket, Socket] {
  const bound = new Socket(a);
  bound.bind(uniqueEndpoint(transport));
  const connected = new Socket(b);
  connected.connect(bound.lastEndpoint);
  return [bound, connected];
}

async function closeAll(...sockets: Socket[]) {
  await Promise.all(sockets.map((s) => s.close()));
}

for (const transport of TRANSPORTS) {
  Deno.test(`[${libzmqSource}] ${transport}: PAIR sockets exchange messages both ways`, async () => {
    const [a, b] = pair("PAIR", "PAIR", transport);
    try {
      await b.send("to a");
      assert.deepEqual(strings(await a.receive({ timeout: 5000 })), ["to a"]);
      await a.send("to b");
      assert.deepEqual(strings(await b.receive({ timeout: 5000 })), ["to b"]);
    } finally {
      await closeAll(a, b);
    }
  });

  Deno.test(`[${libzmqSource}] ${transport}: REQ/REP round trips keep multipart order`, async () => {
    const [rep, req] = pair("REP", "REQ", transport);
    try {
      for (let i = 0; i < 20; i++) {
        await req.send([`header ${i}`, new Uint8Array([i, i + 1])]);
        const request = await rep.receive({ timeout: 5000 });
        assert.equal(text.decode(request[0]), `header ${i}`);
        assert.deepEqual([...request[1]], [i, i + 1]);
        await rep.send(["reply", String(i)]);
        assert.deepEqual(strings(await req.receive({ timeout: 5000 })), ["reply", String(i)]);
      }
    } finally {
      await closeAll(rep, req);
    }
  });

  Deno.test(`[${libzmqSource}] ${transport}: PUB/SUB delivers subscribed prefixes only`, async () => {
    const [sub, pub] = pair("SUB", "PUB", transport);
    try {
      sub.subscribe("cam");
      // Publish until the subscription has reached the publisher (slow joiner), bounded.
      let first: Uint8Array[] | undefined;
      for (let i = 0; i < 100 && !first; i++) {
        await pub.send(["other", "x"]);
        await pub.send(["cam1", "frame"]);
        if (await sub.poll(PollEvent.IN, 20)) first = await sub.receive();
      }
      assert.ok(first, "no message reached the subscriber");
      assert.deepEqual(strings(first), ["cam1", "frame"]);
      while (await sub.poll(PollEvent.IN, 50)) {
        assert.ok(text.decode((await sub.receive())[0]).startsWith("cam"));
      }
    } finally {
      await closeAll(sub, pub);
    }
  });

  Deno.test(`[${libzmqSource}] ${transport}: PUSH/PULL moves empty and 8 MB parts intact`, async () => {
    const [pull, push] = pair("PULL", "PUSH", transport);
    try {
      const big = new Uint8Array(8 * 1024 * 1024);
      for (let i = 0; i < big.length; i += 4093) big[i] = i % 251;
      await push.send([new Uint8Array(0), big, ""]);
      const parts = await pull.receive({ timeout: 10_000 });
      assert.equal(parts.length, 3);
      assert.equal(parts[0].byteLength, 0);
      assert.equal(parts[2].byteLength, 0);
      assert.deepEqual(parts[1], big);
    } finally {
      await closeAll(pull, push);
    }
  });

  Deno.test(`[${libzmqSource}] ${transport}: DEALER/ROUTER carry the routing id`, async () => {
    const [router, dealer] = pair("ROUTER", "DEALER", transport);
    try {
      await dealer.send(["hello"]);
      const [id, body] = await router.receive({ timeout: 5000 });
      assert.equal(text.decode(body), "hello");
      await router.send([id, "back"]);
      assert.deepEqual(strings(await dealer.receive({ timeout: 5000 })), ["back"]);
    } finally {
      await closeAll(router, dealer);
    }
  });

  Deno.test(`[${libzmqSource}] ${transport}: XPUB sees subscriptions from XSUB`, async () => {
    const [xpub, xsub] = pair("XPUB", "XSUB", transport);
    try {
      await xsub.send(new Uint8Array([1, ...bytes("topic")]));
      const [subscription] = await xpub.receive({ timeout: 5000 });
      assert.equal(subscription[0], 1);
      assert.equal(text.decode(subscription.subarray(1)), "topic");
      await xpub.send(["topic", "data"]);
      assert.deepEqual(strings(await xsub.receive({ timeout: 5000 })), ["topic", "data"]);
    } finally {
      await closeAll(xpub, xsub);
    }
  });
}

Deno.test("a receive times out with EAGAIN and the socket still works after", async () => {
  const [pull, push] = pair("PULL", "PUSH", "tcp");
  try {
    const started = performance.now();
    await assert.rejects(pull.receive({ timeout: 100 }), (e: unknown) => {
      assert.ok(e instanceof ZmqError);
      assert.equal(e.code, "EAGAIN");
      return true;
    });
    assert.ok(performance.now() - started >= 95);
    await push.send("after");
    assert.deepEqual(strings(await pull.receive({ timeout: 5000 })), ["after"]);
  } finally {
    await closeAll(pull, push);
  }
});

Deno.test("receiveTimeout is the default timeout of receive", async () => {
  await using pull = new Socket("PULL");
  pull.bind("tcp://127.0.0.1:*");
  pull.receiveTimeout = 50;
  assert.equal(pull.receiveTimeout, 50);
  await assert.rejects(pull.receive(), { code: "EAGAIN" });
});

Deno.test("an AbortSignal cancels a pending receive with its reason", async () => {
  await using pull = new Socket("PULL");
  pull.bind("tcp://127.0.0.1:*");
  const controller = new AbortController();
  const pending = pull.receive({ signal: controller.signal });
  setTimeout(() => controller.abort(new Error("stop waiting")), 30);
  await assert.rejects(pending, /stop waiting/);
  await assert.rejects(pull.receive({ signal: AbortSignal.timeout(20) }), { name: "TimeoutError" });
});

Deno.test("a second concurrent receive or send is refused with EBUSY", async () => {
  const [pull, push] = pair("PULL", "PUSH", "tcp");
  try {
    const first = pull.receive();
    await assert.rejects(pull.receive(), { code: "EBUSY" });
    await push.send("one");
    assert.deepEqual(strings(await first), ["one"]);
  } finally {
    await closeAll(pull, push);
  }
});

Deno.test("a send waits at the high-water mark and goes through once there is room", async () => {
  await using push = new Socket("PUSH");
  push.sendHighWaterMark = 1;
  push.bind("tcp://127.0.0.1:*");
  // No peer yet: PUSH queues nothing and a send must wait.
  await assert.rejects(push.send("x", { timeout: 50 }), { code: "EAGAIN" });
  const sending = push.send("late");
  await delay(20);
  await using pull = new Socket("PULL");
  pull.connect(push.lastEndpoint);
  await sending;
  assert.deepEqual(strings(await pull.receive({ timeout: 5000 })), ["late"]);
});

Deno.test("send and receive pending at once on one socket both complete", async () => {
  const [a, b] = pair("DEALER", "DEALER", "tcp");
  try {
    a.sendHighWaterMark = 1;
    const receiving = a.receive({ timeout: 5000 });
    await delay(10); // the receive is now waiting in the thread pool
    await a.send("while receiving", { timeout: 5000 });
    assert.deepEqual(strings(await b.receive({ timeout: 5000 })), ["while receiving"]);
    await b.send("answer");
    assert.deepEqual(strings(await receiving), ["answer"]);
  } finally {
    await closeAll(a, b);
  }
});

Deno.test("close() during a pending receive rejects it promptly, 100 times over", async () => {
  for (let i = 0; i < 100; i++) {
    const socket = new Socket(i % 2 ? "PULL" : "SUB");
    socket.bind("tcp://127.0.0.1:*");
    const pending = socket.receive();
    if (i % 3 === 0) await delay(1);
    const started = performance.now();
    await socket.close();
    await assert.rejects(pending, (e: unknown) => e instanceof ZmqError && e.code === "EBADF");
    assert.ok(performance.now() - started < 250, `close took ${performance.now() - started} ms`);
  }
});

Deno.test("close() is idempotent and later calls fail with a clear error", async () => {
  const socket = new Socket("PUSH");
  await socket.close();
  await socket.close();
  assert.equal(socket.closed, true);
  await assert.rejects(socket.send("x"), /socket is closed/);
  assert.throws(() => socket.bind("tcp://127.0.0.1:*"), /socket is closed/);
});

Deno.test("200 sockets open, bind and close without leaking", async () => {
  const sockets: Socket[] = [];
  for (let i = 0; i < 200; i++) {
    const socket = new Socket(i % 2 ? "PUB" : "PULL");
    socket.bind("tcp://127.0.0.1:*");
    sockets.push(socket);
  }
  assert.equal(new Set(sockets.map((s) => s.lastEndpoint)).size, 200);
  await closeAll(...sockets);
  // The same again proves the ports and handles came back.
  for (let i = 0; i < 200; i++) {
    const socket = new Socket("PULL");
    socket.bind("tcp://127.0.0.1:*");
    await socket.close();
  }
});

Deno.test("binding a port in use says so and what to do", async () => {
  await using first = new Socket("PULL");
  first.bind("tcp://127.0.0.1:*");
  await using second = new Socket("PULL");
  assert.throws(() => second.bind(first.lastEndpoint), (e: unknown) => {
    assert.ok(e instanceof ZmqError);
    assert.equal(e.code, "EADDRINUSE");
    assert.match(
      e.message,
      /Cannot bind "tcp:\/\/127\.0\.0\.1:\d+": address already in use; pick another port/,
    );
    return true;
  });
});

Deno.test("malformed endpoints give clear errors", async () => {
  await using socket = new Socket("PULL");
  assert.throws(() => socket.bind("127.0.0.1:5555"), TypeError);
  assert.throws(() => socket.bind("tcp://127.0.0.1:notaport"), (e: unknown) => {
    assert.ok(e instanceof ZmqError);
    assert.equal(e.code, "EINVAL");
    assert.match(e.message, /use "tcp:\/\/<address>:<port>"/);
    return true;
  });
  assert.throws(() => socket.bind("bogus://x"), { code: "EPROTONOSUPPORT" });
  assert.throws(() => socket.connect("tcp://"), ZmqError);
});

Deno.test("binding an address this machine does not have names the address, not the form", async () => {
  await using socket = new Socket("PULL");
  assert.throws(() => socket.bind("tcp://not an ip:5566"), (e: unknown) => {
    assert.ok(e instanceof ZmqError);
    assert.equal(e.code, "ENODEV");
    assert.match(
      e.message,
      /^Cannot bind "tcp:\/\/not an ip:5566": .*; "not an ip" is not an address of this machine: use one of its IP addresses, an interface name, or "\*" for all$/,
    );
    assert.doesNotMatch(e.message, /<address>:<port>/);
    return true;
  });
  assert.throws(
    () => socket.bind("tcp://:5566"),
    /give an address before the port, e\.g\. "tcp:\/\/\*:5566"/,
  );
  // Without ZMQ_IPV6, libzmq cannot resolve an IPv6 literal either.
  assert.throws(
    () => socket.bind("tcp://[::1]:5566"),
    /"\[::1\]" is an IPv6 address: set the socket's ipv6 option to true/,
  );
});

Deno.test("unknown socket types and bad option values are refused", async () => {
  assert.throws(() => new Socket("NOPE" as SocketTypeName), /use one of PAIR, PUB/);
  await using socket = new Socket("REQ");
  assert.throws(() => (socket.linger = 1.5), RangeError);
  assert.throws(() => (socket.receiveTimeout = -7), RangeError);
  assert.throws(() => (socket.curveServerKey = "short"), TypeError);
  assert.throws(() => (socket.inlineWait = -1), /inlineWait/);
  assert.throws(() => (socket.inlineWait = 0.5), RangeError);
  await assert.rejects(socket.send([]), TypeError);
});

Deno.test("socket options read back what was written", async () => {
  await using socket = new Socket("REQ");
  socket.linger = 0;
  socket.sendHighWaterMark = 7;
  socket.receiveHighWaterMark = 9;
  socket.immediate = true;
  socket.reconnectInterval = 250;
  socket.reconnectMaxInterval = 1000;
  socket.requestRelaxed = true;
  socket.requestCorrelate = true;
  socket.heartbeatInterval = 500;
  socket.heartbeatTimeout = 1500;
  socket.heartbeatTimeToLive = 2000;
  socket.maxMessageSize = 1 << 20;
  socket.routingId = "camera-1";
  socket.zapDomain = "netgear";
  socket.conflate = false;
  assert.deepEqual(
    [
      socket.linger,
      socket.sendHighWaterMark,
      socket.receiveHighWaterMark,
      socket.immediate,
      socket.reconnectInterval,
      socket.reconnectMaxInterval,
      socket.requestRelaxed,
      socket.requestCorrelate,
      socket.heartbeatInterval,
      socket.heartbeatTimeout,
      socket.heartbeatTimeToLive,
      socket.maxMessageSize,
      text.decode(socket.routingId),
      socket.zapDomain,
    ],
    [0, 7, 9, true, 250, 1000, true, true, 500, 1500, 2000, 1 << 20, "camera-1", "netgear"],
  );
});

Deno.test("with inline waits off or on, round trips work and timeouts hold", async () => {
  for (const inlineWait of [0, 1, 5]) {
    const [rep, req] = pair("REP", "REQ", "tcp");
    try {
      rep.inlineWait = req.inlineWait = inlineWait;
      assert.equal(req.inlineWait, inlineWait);
      // The peer is in this process, so every inline wait here times out and backs off.
      for (let i = 0; i < 30; i++) {
        await req.send(String(i));
        assert.deepEqual(strings(await rep.receive({ timeout: 5000 })), [String(i)]);
        await rep.send(`re ${i}`);
        assert.deepEqual(strings(await req.receive({ timeout: 5000 })), [`re ${i}`]);
      }
      const started = performance.now();
      await assert.rejects(rep.receive({ timeout: 0 }), { code: "EAGAIN" });
      assert.ok(performance.now() - started < 1000);
    } finally {
      await closeAll(rep, req);
    }
  }
});

Deno.test("poll reports readiness and times out with 0", async () => {
  const [pull, push] = pair("PULL", "PUSH", "tcp");
  try {
    assert.equal(await pull.poll(PollEvent.IN, 30), 0);
    await push.send("x");
    assert.equal(await pull.poll(PollEvent.IN, 5000), PollEvent.IN);
    assert.equal(await push.poll(PollEvent.OUT, 0), PollEvent.OUT);
  } finally {
    await closeAll(pull, push);
  }
});

Deno.test("async iteration yields messages and ends when the socket closes", async () => {
  const [pull, push] = pair("PULL", "PUSH", "tcp");
  for (let i = 0; i < 3; i++) await push.send(String(i));
  const seen: string[] = [];
  for await (const [part] of pull) {
    seen.push(text.decode(part));
    if (seen.length === 3) setTimeout(() => pull.close(), 10);
  }
  assert.deepEqual(seen, ["0", "1", "2"]);
  await push.close();
});

Deno.test("the monitor reports accepted and closed connections with the endpoint", async () => {
  await using rep = new Socket("REP");
  rep.bind("tcp://127.0.0.1:*");
  const monitor = rep.monitor(MonitorEvent.ACCEPTED | MonitorEvent.DISCONNECTED);
  const req = new Socket("REQ");
  req.connect(rep.lastEndpoint);
  const events: string[] = [];
  const watching = (async () => {
    for await (const event of monitor) {
      events.push(event.name);
      assert.match(event.endpoint, /^tcp:\/\/127\.0\.0\.1:\d+$/);
      if (event.name === "DISCONNECTED") break;
    }
  })();
  await req.send("hi");
  await rep.receive({ timeout: 5000 });
  await req.close();
  await within(watching, 5000, "monitor");
  await monitor.close();
  assert.deepEqual(events, ["ACCEPTED", "DISCONNECTED"]);
});

Deno.test("a monitor's readQueued() takes what is queued without waiting", async () => {
  await using rep = new Socket("REP");
  const monitor = rep.monitor(MonitorEvent.ACCEPTED | MonitorEvent.DISCONNECTED);
  rep.bind("tcp://127.0.0.1:*");
  assert.deepEqual(monitor.readQueued(), []);
  const req = new Socket("REQ");
  req.connect(rep.lastEndpoint);
  await req.send("hi");
  await rep.receive({ timeout: 5000 }); // the connection was accepted before its message
  assert.deepEqual(monitor.readQueued().map((e) => e.name), ["ACCEPTED"]);
  await req.close();
  await monitor.close();
});

Deno.test("peerAddress tells who sent the last message over tcp", async () => {
  const [pull, push] = pair("PULL", "PUSH", "tcp");
  try {
    pull.recordPeerAddress = true;
    await push.send("x");
    await pull.receive({ timeout: 5000 });
    assert.equal(pull.peerAddress, "127.0.0.1");
  } finally {
    await closeAll(pull, push);
  }
});

Deno.test("closing a context closes its sockets and never hangs on unsent messages", async () => {
  const context = new Context();
  const push = new Socket("PUSH", { context });
  push.linger = -1; // would wait forever for a peer that never comes
  push.connect("tcp://127.0.0.1:9"); // nobody listens there
  await push.send("stuck", { timeout: 100 }).catch(() => {});
  const pull = new Socket("PULL", { context });
  pull.bind("tcp://127.0.0.1:*");
  const pending = pull.receive().catch((error) => error);
  const started = performance.now();
  await context.close();
  assert.ok(performance.now() - started < 1000);
  assert.equal(push.closed, true);
  assert.equal(pull.closed, true);
  assert.equal((await pending).code, "EBADF");
  assert.throws(() => new Socket("PAIR", { context }), { code: "ETERM" });
  await context.close();
});

Deno.test("a lossless XPUB send waits for room without spinning, and goes out once there is", async () => {
  // libzmq reports POLLOUT on an XPUB with xpubNoDrop even when its queue is full
  // (zeromq/libzmq#1597): a send waiting on poll would spin through a core.
  const endpoint = `inproc://xpub-nodrop-${crypto.randomUUID()}`;
  await using xpub = new Socket("XPUB");
  xpub.sendHighWaterMark = 1;
  xpub.xpubNoDrop = true;
  xpub.bind(endpoint);
  await using sub = new Socket("SUB");
  sub.receiveHighWaterMark = 1;
  sub.connect(endpoint);
  sub.subscribe();
  assert.deepEqual(strings(await xpub.receive({ timeout: 2000 })), ["\x01"]);
  let queued = 0;
  for (; queued < 100; queued++) {
    const ok = await xpub.send(bytes(`m${queued}`), { timeout: 0 }).then(() => true, () => false);
    if (!ok) break;
  }
  assert.ok(queued >= 1 && queued < 100, `the queue took ${queued} messages`);
  const { cpuUsage } = await import("node:process");
  const before = cpuUsage();
  const pending = xpub.send(bytes("last"), { timeout: 5000 });
  pending.catch(() => {}); // awaited below; a failed assertion closes the socket under it
  await delay(400);
  const used = cpuUsage(before);
  const cpuMs = (used.user + used.system) / 1000;
  assert.ok(cpuMs < 200, `waiting 400 ms for room took ${cpuMs.toFixed(0)} ms of CPU`);
  const received: string[] = [];
  for (let i = 0; i <= queued; i++) received.push(...strings(await sub.receive({ timeout: 2000 })));
  await pending;
  assert.deepEqual(received, [...Array.from({ length: queued }, (_, i) => `m${i}`), "last"]);
});

/** A lossless XPUB whose one subscriber's queue is full: its next send must wait. */
async function fullLosslessXpub(): Promise<{ xpub: Socket; sub: Socket; queued: number }> {
  const endpoint = `inproc://xpub-full-${crypto.randomUUID()}`;
  const xpub = new Socket("XPUB");
  xpub.sendHighWaterMark = 1;
  xpub.xpubNoDrop = true;
  xpub.bind(endpoint);
  const sub = new Socket("SUB");
  sub.receiveHighWaterMark = 1;
  sub.connect(endpoint);
  sub.subscribe();
  assert.deepEqual(strings(await xpub.receive({ timeout: 2000 })), ["\x01"]);
  let queued = 0;
  while (
    queued < 100 &&
    await xpub.send(bytes(`m${queued}`), { timeout: 0 }).then(() => true, () => false)
  ) {
    queued++;
  }
  assert.ok(queued >= 1 && queued < 100, `the queue took ${queued} messages`);
  return { xpub, sub, queued };
}

Deno.test("a lossless XPUB send waiting for room ends promptly on close, abort or timeout", async () => {
  for (const end of ["close", "abort", "timeout"] as const) {
    const { xpub, sub } = await fullLosslessXpub();
    try {
      const controller = new AbortController();
      const started = performance.now();
      const pending = xpub.send([bytes("head"), bytes("body")], {
        timeout: end === "timeout" ? 150 : 10_000,
        signal: controller.signal,
      });
      await delay(100);
      if (end === "close") await xpub.close();
      if (end === "abort") controller.abort(new Error("stop waiting"));
      const error = await pending.then(() => undefined, (e) => e);
      const waited = performance.now() - started;
      if (end === "abort") assert.equal((error as Error).message, "stop waiting");
      else {
        assert.ok(error instanceof ZmqError, `${end}: ${error}`);
        assert.equal(error.code, end === "close" ? "EBADF" : "EAGAIN");
      }
      assert.ok(waited < 1500, `${end} ended the wait after ${waited.toFixed(0)} ms`);
      if (end !== "close") {
        // The socket still works: the subscriber drains, and a send goes out whole.
        while (sub.tryReceive() !== null || await sub.poll(PollEvent.IN, 50)) { /* drain */ }
        await xpub.send([bytes("after"), bytes(end)], { timeout: 2000 });
        assert.deepEqual(strings(await sub.receive({ timeout: 2000 })), ["after", end]);
      }
    } finally {
      await closeAll(xpub, sub);
    }
  }
});

Deno.test("a receive that comes while a lossless XPUB send waits for room completes too", async () => {
  const { xpub, sub, queued } = await fullLosslessXpub();
  try {
    const sending = xpub.send(bytes("last"), { timeout: 5000 });
    await delay(50);
    // A second subscriber's subscription reaches the XPUB while its send waits.
    const late = new Socket("SUB");
    late.connect(xpub.lastEndpoint);
    late.subscribe("x");
    const subscription = await within(xpub.receive({ timeout: 3000 }), 4000, "the receive");
    assert.deepEqual(strings(subscription), ["\x01x"]);
    const received: string[] = [];
    for (let i = 0; i <= queued; i++) {
      received.push(...strings(await sub.receive({ timeout: 2000 })));
    }
    await within(sending, 4000, "the send");
    assert.deepEqual(received.at(-1), "last");
    await late.close();
  } finally {
    await closeAll(xpub, sub);
  }
});

Deno.test("tryReceive takes a message already queued and never waits", async () => {
  const [pull, push] = pair("PULL", "PUSH", "tcp");
  try {
    assert.equal(pull.tryReceive(), null);
    await push.send(["a", "b"]);
    let parts: Uint8Array[] | null = null;
    for (let i = 0; i < 200 && parts === null; i++) {
      await delay(5);
      parts = pull.tryReceive();
    }
    assert.deepEqual(strings(parts!), ["a", "b"]);
    assert.equal(pull.tryReceive(), null);
    // A receive already waiting gets the next message first.
    const waiting = pull.receive({ timeout: 2000 });
    assert.equal(pull.tryReceive(), null);
    await push.send("c");
    assert.deepEqual(strings(await waiting), ["c"]);
  } finally {
    await closeAll(pull, push);
  }
  assert.throws(() => pull.tryReceive(), (e) => e instanceof ZmqError && e.code === "EBADF");
});
