import assert from "node:assert/strict";
import { createFrame, type DType, type Frame, NetGear, NetGearError } from "../mod.ts";
import { libzmqInfo, Socket } from "../src/zmq/mod.ts";
import { freePort, freePorts, within } from "./_endpoints.ts";
import { jpegCodec } from "../src/codec/mod.ts";

libzmqInfo(); // libzmq and libjpeg-turbo load once per process, before the sanitizers watch
(await jpegCodec()).close();

function frameOf(dtype: DType, shape: number[], seed: number): Frame {
  const size = shape.reduce((a, b) => a * b, 1) *
    ({ uint8: 1, int16: 2, float32: 4, float64: 8 } as Record<string, number>)[dtype];
  const data = new Uint8Array(size);
  for (let k = 0; k < size; k++) data[k] = (seed * 13 + k * 7) % 251;
  return createFrame(data, shape, dtype);
}

Deno.test("bidirectional pattern 0: send() returns the receiver's data, frames included", async () => {
  const port = freePort();
  const client = new NetGear({
    address: "127.0.0.1",
    port,
    pattern: 0,
    receiveMode: true,
    bidirectionalMode: true,
  });
  const server = new NetGear({ address: "127.0.0.1", port, pattern: 0, bidirectionalMode: true });
  const answer = frameOf("int16", [2, 2], 9);
  const replying = (async () => {
    await client.recv({ returnData: { ok: 1 } });
    await client.recv({ returnData: answer });
  })();
  assert.deepEqual(await server.send(frameOf("uint8", [2, 2], 1)), { ok: 1 });
  const back = await server.send(frameOf("uint8", [2, 2], 2)) as Frame;
  assert.deepEqual([back.shape, back.dtype, back.data], [answer.shape, answer.dtype, answer.data]);
  await within(replying, 5000, "replies");
  await server.close();
  await client.close();
});

Deno.test("multi-client pattern 1: requests go round-robin and send() says which client answered", async () => {
  const ports = freePorts(2);
  const clients = ports.map((port) =>
    new NetGear({
      address: "127.0.0.1",
      port,
      pattern: 1,
      receiveMode: true,
      multiclientMode: true,
      bidirectionalMode: true,
    })
  );
  const server = new NetGear({
    address: "127.0.0.1",
    port: ports,
    pattern: 1,
    multiclientMode: true,
    bidirectionalMode: true,
  });
  const serving = clients.map(async (client, c) => {
    const seen: unknown[] = [];
    for (;;) {
      const item = await client.recv({ returnData: `from client ${c}` });
      if (item === null) return seen;
      seen.push(item.message);
    }
  });
  const replies = [];
  for (let i = 0; i < 4; i++) {
    replies.push(await server.send(frameOf("uint8", [2, 2], i), { message: i }));
  }
  await server.close();
  const seen = await within(Promise.all(serving), 10_000, "clients");
  await Promise.all(clients.map((c) => c.close()));
  assert.deepEqual(seen.map((s) => s.length), [2, 2]);
  for (const reply of replies as { port: number; data: string }[]) {
    assert.ok(ports.includes(reply.port));
    assert.equal(reply.data, `from client ${ports.indexOf(reply.port)}`);
  }
});

Deno.test("JPEG compression: the receiver decodes whatever its own setting", async () => {
  const port = freePort();
  const client = new NetGear({ address: "127.0.0.1", port, pattern: 1, receiveMode: true });
  const server = new NetGear({
    address: "127.0.0.1",
    port,
    pattern: 1,
    jpegCompression: true,
    jpegCompressionQuality: 95,
  });
  const data = new Uint8Array(32 * 48 * 3);
  for (let y = 0; y < 32; y++) {
    for (let x = 0; x < 48; x++) data.set([x * 5, y * 7, 120], (y * 48 + x) * 3);
  }
  const receiving = client.recv();
  await server.send(createFrame(data, [32, 48, 3]), { message: "jpeg" });
  const item = await within(receiving, 5000, "jpeg frame");
  await server.close();
  await client.close();
  assert.deepEqual(item?.frame.shape, [32, 48, 3]);
  let error = 0;
  for (let k = 0; k < data.length; k++) error += Math.abs(item!.frame.data[k] - data[k]);
  assert.ok(error / data.length < 6, `mean error ${error / data.length}`);
  assert.equal(item?.message, "jpeg");
});

Deno.test("msgpack headers carry binary data and typed arrays in the message", async () => {
  const port = freePort();
  const client = new NetGear({ address: "127.0.0.1", port, pattern: 2, receiveMode: true });
  const server = new NetGear({ address: "127.0.0.1", port, pattern: 2, headerFormat: "msgpack" });
  const receiving = client.recv();
  const message = {
    blob: new Uint8Array([0, 255, 7]),
    depth: new Float32Array([1.5, -2]),
    when: 5,
  };
  await server.send(frameOf("uint8", [2, 2], 1), { message });
  const item = await within(receiving, 5000, "msgpack frame");
  await server.close();
  await client.close();
  assert.deepEqual(item?.message, message);
});

Deno.test("a pattern-1 sender waits for a receiver not started yet, losing frames (counted), and streams once it starts", async () => {
  const port = freePort();
  const server = new NetGear({
    address: "127.0.0.1",
    port,
    pattern: 1,
    requestTimeout: 0.2,
    maxRetries: 2,
  });
  // The first send times out: nobody there. Then frames are dropped at once (the camera keeps
  // its pace), none counted against maxRetries.
  let started = performance.now();
  assert.equal(await server.send(frameOf("uint8", [2], 0)), undefined);
  assert.ok(performance.now() - started >= 150, "the first send waits for a reply");
  started = performance.now();
  for (let i = 1; i < 50; i++) assert.equal(await server.send(frameOf("uint8", [2], i)), undefined);
  assert.ok(performance.now() - started < 2000, "the others are dropped at once");
  assert.equal(server.stats.dropped["no-receiver"], 50);
  assert.equal(server.stats.timeouts, 0);
  const client = new NetGear({ address: "127.0.0.1", port, pattern: 1, receiveMode: true });
  const receiving = client.recv();
  // Once the connection is made, a frame goes through (bounded: 5 s).
  let seed = 50;
  for (; performance.now() - started < 5000; seed++) {
    await server.send(frameOf("uint8", [2], seed));
    if (server.stats.frames > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(server.stats.frames, 1);
  const item = await within(receiving, 5000, "recv");
  assert.deepEqual(item?.frame.data, frameOf("uint8", [2], seed).data); // the one answered
  await client.close();
  // Gone again: waiting again, with no error.
  for (let i = 0; i < 3; i++) assert.equal(await server.send(frameOf("uint8", [2], i)), undefined);
  assert.ok(server.stats.dropped["no-receiver"] >= 53);
  assert.equal(server.stats.timeouts, 0);
  await server.close();
});

Deno.test("a pattern-1 sender gives up on a receiver that is connected but never answers, after maxRetries; a reply resets the count", async () => {
  // A ROUTER takes the connection and the requests like a REP, and answers only when told.
  await using router = new Socket("ROUTER");
  router.bind("tcp://127.0.0.1:0");
  const port = Number(router.lastEndpoint.split(":").at(-1));
  const server = new NetGear({
    address: "127.0.0.1",
    port,
    pattern: 1,
    requestTimeout: 0.3,
    maxRetries: 2,
  });
  const answerNext = async () => {
    const parts = await router.receive({ timeout: 5000 });
    const envelope = parts.slice(0, parts.findIndex((part) => part.length === 0) + 1);
    await router.send([...envelope, new TextEncoder().encode('"ok"')]);
  };
  assert.equal(await server.send(frameOf("uint8", [2], 0)), undefined); // 1 of 2
  const answering = answerNext(); // takes the first request, still queued
  const answered = answerNext();
  await answering.catch(() => {});
  assert.equal(await server.send(frameOf("uint8", [2], 1)), undefined); // answered: count reset
  await answered;
  assert.equal(server.stats.frames, 1);
  assert.equal(await server.send(frameOf("uint8", [2], 2)), undefined); // 1 of 2
  await assert.rejects(
    server.send(frameOf("uint8", [2], 3)),
    (e: unknown) =>
      e instanceof NetGearError &&
      /No reply from the receiver at tcp:\/\/127\.0\.0\.1:\d+ after 2 tries/.test(e.message),
  );
  assert.equal(server.stats.timeouts, 3);
  assert.equal(server.stats.dropped["no-receiver"] ?? 0, 0);
  await server.close();
});

Deno.test("a pattern-2 receiver with subscriberTimeout ends after that much silence", async () => {
  const client = new NetGear({
    address: "127.0.0.1",
    port: freePort(),
    pattern: 2,
    receiveMode: true,
    subscriberTimeout: 0.3,
  });
  const started = performance.now();
  assert.equal(await within(client.recv(), 5000, "recv"), null);
  assert.ok(performance.now() - started >= 290);
  await client.close();
});

Deno.test("pattern 2 over ipc, once the subscription wait ran out: a late receiver gets frames at once, and close() does not wait for a receiver that never came", async () => {
  const address = `${Deno.makeTempDirSync({ prefix: "netgear-late-" })}/sock`;
  const [alone, joined] = freePorts(2);
  const common = { address, protocol: "ipc", pattern: 2, requestTimeout: 10 } as const;
  const lonely = new NetGear({ ...common, port: alone });
  const sender = new NetGear({ ...common, port: joined });
  // Nobody subscribes within the 5 s wait: both frames go anyway (to nobody).
  await within(
    Promise.all([
      lonely.send(frameOf("uint8", [2, 2], 0)),
      sender.send(frameOf("uint8", [2, 2], 0)),
    ]),
    8000,
    "the first sends",
  );
  const receiver = new NetGear({ ...common, port: joined, receiveMode: true });
  const joinedAt = performance.now();
  const receiving = receiver.recv();
  let got = null;
  for (let k = 1; k <= 200 && got === null; k++) {
    await sender.send(frameOf("uint8", [2, 2], k));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = new Promise<null>((resolve) => timer = setTimeout(() => resolve(null), 10));
    got = await Promise.race([receiving, tick]);
    clearTimeout(timer);
  }
  assert.ok(got !== null, "the late receiver got a frame");
  for (let k = 0; k < 3; k++) {
    await sender.send(frameOf("uint8", [2, 2], 300 + k));
    assert.deepEqual(
      (await within(receiver.recv(), 5000, "recv"))?.frame.data,
      frameOf("uint8", [2, 2], 300 + k).data,
    );
  }
  // Waiting for the subscriptions again would hold a frame for 5 s.
  assert.ok(performance.now() - joinedAt < 3000, "frames reach a late receiver without a wait");
  const closing = performance.now();
  await lonely.close();
  assert.ok(
    performance.now() - closing < 2000,
    "no bye is awaited from a receiver that never came",
  );
  const draining = (async () => {
    for (let n = 0; n < 300; n++) if ((await receiver.recv()) === null) return true;
    return false;
  })();
  await sender.close();
  assert.equal(await within(draining, 5000, "the receiver ends"), true);
  await receiver.close();
});

Deno.test("delivery latest keeps each server's newest frame and counts the rest as stale", async () => {
  const ports = [freePort()];
  const client = new NetGear({
    address: "127.0.0.1",
    port: ports,
    pattern: 2,
    receiveMode: true,
    multiserverMode: true,
    delivery: "latest",
  });
  const server = new NetGear({
    address: "127.0.0.1",
    port: ports[0],
    pattern: 2,
    multiserverMode: true,
  });
  const first = client.recv();
  await server.send(frameOf("uint8", [4], 0), { message: 0 });
  assert.equal((await within(first, 5000, "first"))?.message, 0);
  for (let i = 1; i <= 20; i++) await server.send(frameOf("uint8", [4], i), { message: i });
  await server.close();
  const rest: unknown[] = [];
  for (;;) {
    const item = await within(client.recv(), 5000, "recv");
    if (item === null) break;
    rest.push(item.message);
  }
  await client.close();
  assert.ok(rest.length >= 1 && rest.length < 20, `got ${rest.length}`);
  assert.equal(rest.at(-1), 20);
  assert.equal(client.stats.dropped.stale ?? 0, 20 - rest.length);
});

Deno.test("pattern 1 sends a frame without copying it, and is done with it once send() settles", async () => {
  const port = freePort();
  await using client = new NetGear({
    address: "127.0.0.1",
    port: [port],
    pattern: 1,
    receiveMode: true,
    multiserverMode: true,
  });
  await using server = new NetGear({
    address: "127.0.0.1",
    port,
    pattern: 1,
    multiserverMode: true,
  });
  // One buffer, reused for every frame as a camera loop would: each arrives as it was sent.
  const frame = frameOf("uint8", [240, 320, 3], 0);
  const received: Uint8Array[] = [];
  const receiving = (async () => {
    for (let i = 0; i < 5; i++) {
      const item = (await client.recv())!;
      item.keep(); // read after the run, past the next frame
      received.push(item.frame.data);
    }
  })();
  for (let i = 0; i < 5; i++) {
    frame.data.fill(i * 40);
    await server.send(frame);
    assert.equal(frame.data.byteLength, 240 * 320 * 3); // still the caller's
  }
  await within(receiving, 10_000, "frames");
  assert.deepEqual(
    received.map((data) => [data[0], data.at(-1)]),
    [0, 40, 80, 120, 160].map((v) => [v, v]),
  );
});
