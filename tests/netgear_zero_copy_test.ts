import assert from "node:assert/strict";
import { createFrame, type Frame, NetGear, NetGearError, type NetGearItem } from "../mod.ts";
import { freePort, freePorts, within } from "./_endpoints.ts";
import { libzmqInfo } from "../src/zmq/mod.ts";
import { jpegCodec } from "../src/codec/mod.ts";

libzmqInfo(); // libzmq and libjpeg-turbo load once per process, before the sanitizers watch
(await jpegCodec()).close();

const SHAPE = [480, 640, 3];
const FRAME_BYTES = 480 * 640 * 3;

/** A VGA frame (large enough to be leased) whose bytes depend on `seed`. */
function frameOf(seed: number): Frame {
  const data = new Uint8Array(FRAME_BYTES);
  for (let k = 0; k < data.length; k++) data[k] = (seed * 31 + k * 7) % 251;
  return createFrame(data, SHAPE);
}

/** Pixels that JPEG cannot shrink much, so the compressed frame is large too. */
function noisyFrame(seed: number): Frame {
  const data = new Uint8Array(FRAME_BYTES);
  let x = seed * 2654435761 >>> 0 || 1;
  for (let k = 0; k < data.length; k++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[k] = x & 0xff;
  }
  return createFrame(data, SHAPE);
}

function client(ports: number[], options: Record<string, unknown> = {}): NetGear {
  return new NetGear({
    address: "127.0.0.1",
    port: ports,
    pattern: 1,
    receiveMode: true,
    multiserverMode: true,
    zeroCopyReceive: true,
    ...options,
  });
}

/** One server per port, each sending `count` frames of `make(seed)` then closing. */
function serve(
  ports: number[],
  count: number,
  make: (seed: number) => Frame = frameOf,
  options: Record<string, unknown> = {},
): Promise<void> {
  return Promise.all(ports.map(async (port, s) => {
    const server = new NetGear({
      address: "127.0.0.1",
      port,
      pattern: 1,
      multiserverMode: true,
      ...options,
    });
    for (let i = 0; i < count; i++) await server.send(make(s * 100 + i), { message: i });
    await server.close();
  })).then(() => {});
}

Deno.test("zeroCopyReceive: a kept frame is libzmq's memory until its item is released", async () => {
  const ports = freePorts(2);
  const receiver = client(ports);
  const serving = serve(ports, 3);
  const held: NetGearItem[] = [];
  for (;;) {
    const item = await within(receiver.recv(), 10_000, "recv");
    if (item === null) break;
    const s = ports.indexOf(item.port as number);
    assert.deepEqual(item.frame.data, frameOf(s * 100 + (item.message as number)).data);
    item.keep();
    held.push(item);
    assert.equal(receiver.stats.leasedBytes, held.length * FRAME_BYTES);
  }
  await within(serving, 10_000, "servers");
  assert.equal(held.length, 6);
  const [first, second] = held;
  first.release();
  assert.equal(first.frame.data.byteLength, 0); // reads as empty, never as freed memory
  assert.equal(receiver.stats.leasedBytes, 5 * FRAME_BYTES);
  first.release(); // safe to repeat
  const copy = { ...second }; // a spread item still releases its frame
  copy.release();
  assert.equal(second.frame.data.byteLength, 0);
  for (const item of held) item.release();
  assert.equal(receiver.stats.leasedBytes, 0);
  await receiver.close();
});

Deno.test("by default a frame is valid until its server's next frame: superseded ones read as empty, kept ones keep their pixels, other servers' stay", async () => {
  const ports = freePorts(2);
  const receiver = new NetGear({
    address: "127.0.0.1",
    port: ports,
    pattern: 1,
    receiveMode: true,
    multiserverMode: true,
  });
  assert.equal(receiver.options.zeroCopyReceive, true, "the default");
  // One server at a time, so the order of arrival is known.
  const servers = ports.map((port) =>
    new NetGear({ address: "127.0.0.1", port, pattern: 1, multiserverMode: true })
  );
  try {
    const next = async (s: number, i: number) => {
      const sending = servers[s].send(frameOf(s * 100 + i), { message: i });
      const item = (await within(receiver.recv(), 10_000, "recv"))!;
      await sending;
      assert.equal(item.port, ports[s]);
      assert.deepEqual(item.frame.data, frameOf(s * 100 + i).data);
      return item;
    };
    const a0 = await next(0, 0);
    const b0 = await next(1, 0);
    const a1 = await next(0, 1);
    assert.equal(a0.frame.data.byteLength, 0, "superseded by its server's next frame");
    assert.deepEqual(b0.frame.data, frameOf(100).data, "another server's frame is untouched");
    a1.keep();
    const a2 = await next(0, 2);
    assert.deepEqual(a1.frame.data, frameOf(1).data, "a kept frame keeps its pixels");
    const b1 = await next(1, 1);
    assert.equal(b0.frame.data.byteLength, 0);
    // The seed's pattern: the newest frame of each server, for a montage, stays whole.
    const newest = new Map([[a2.port, a2.frame], [b1.port, b1.frame]]);
    for (const [port, frame] of newest) {
      assert.equal(frame.data.byteLength, FRAME_BYTES, `the newest frame of ${port}`);
    }
    a1.release();
    assert.equal(a1.frame.data.byteLength, 0, "a kept frame goes when released");
    assert.equal(receiver.stats.leasedBytes, 2 * FRAME_BYTES, "only the newest of each is held");
  } finally {
    await Promise.all(servers.map((server) => server.close()));
    await receiver.close();
  }
});

Deno.test("zeroCopyReceive: false copies every frame: it stays whole past its server's next", async () => {
  const [port] = freePorts(1);
  const receiver = client([port], { zeroCopyReceive: false });
  const serving = serve([port], 3);
  const frames: Frame[] = [];
  for (let n = 0; n < 3; n++) frames.push((await within(receiver.recv(), 10_000, "recv"))!.frame);
  await within(serving, 10_000, "servers");
  frames.forEach((frame, i) => assert.deepEqual(frame.data, frameOf(i).data));
  assert.equal(receiver.stats.leasedBytes, 0);
  await receiver.close();
});

Deno.test("zeroCopyReceive: for await (using item of client) releases each frame after its turn", async () => {
  const [port] = freePorts(1);
  const receiver = client([port]);
  const serving = serve([port], 4);
  let previous: Frame | undefined;
  let frames = 0;
  for await (using item of receiver) {
    if (previous) assert.equal(previous.data.byteLength, 0);
    assert.equal(item.frame.data.byteLength, FRAME_BYTES);
    assert.equal(receiver.stats.leasedBytes, FRAME_BYTES);
    previous = item.frame;
    frames++;
  }
  await within(serving, 10_000, "servers");
  assert.equal(frames, 4);
  assert.equal(receiver.stats.leasedBytes, 0);
  await receiver.close();
});

Deno.test("without zeroCopyReceive, release() leaves the frame alone", async () => {
  const [port] = freePorts(1);
  const receiver = client([port], { zeroCopyReceive: false });
  const serving = serve([port], 1);
  const item = await within(receiver.recv(), 10_000, "recv");
  assert.ok(item);
  item.release();
  item[Symbol.dispose]();
  assert.deepEqual(item.frame.data, frameOf(0).data);
  assert.equal(receiver.stats.leasedBytes, 0);
  assert.equal(await within(receiver.recv(), 10_000, "recv"), null);
  await within(serving, 10_000, "servers");
  await receiver.close();
});

Deno.test("zeroCopyReceive: a JPEG frame is decoded into memory of its own, and the message is let go", async () => {
  const [port] = freePorts(1);
  const receiver = client([port]);
  const serving = serve([port], 2, noisyFrame, { jpegCompression: true });
  for (let i = 0; i < 2; i++) {
    const item = await within(receiver.recv(), 10_000, "recv");
    assert.ok(item);
    assert.equal(receiver.stats.leasedBytes, 0); // the JPEG bytes went back to libzmq
    item.release();
    assert.equal(item.frame.data.byteLength, FRAME_BYTES); // decoded: not a lease
  }
  assert.equal(await within(receiver.recv(), 10_000, "recv"), null);
  await within(serving, 10_000, "servers");
  await receiver.close();
});

Deno.test("zeroCopyReceive with delivery latest: the frames it drops are released at once", async () => {
  const port = freePort();
  const receiver = client([port], { pattern: 2, delivery: "latest" });
  const receiving = receiver.recv(); // a SUB subscribes while it is being read
  const server = new NetGear({ address: "127.0.0.1", port, pattern: 2, multiserverMode: true });
  await server.send(frameOf(0), { message: 0 });
  (await within(receiving, 10_000, "first frame"))?.release();
  for (let i = 1; i < 6; i++) await server.send(frameOf(i), { message: i });
  await new Promise((resolve) => setTimeout(resolve, 300)); // let them reach the receiver
  const item = await within(receiver.recv(), 10_000, "recv");
  assert.ok(item);
  assert.ok((receiver.stats.dropped.stale ?? 0) >= 1, "older frames were replaced");
  // Only the frame handed over is still held; the replaced ones went back to libzmq.
  assert.equal(receiver.stats.leasedBytes, FRAME_BYTES);
  await server.close();
  await receiver.close(); // releases frames still pending too
  item.release();
  assert.equal(receiver.stats.leasedBytes, 0);
});

Deno.test("zeroCopyReceive on a sender is refused", () => {
  assert.throws(
    () => new NetGear({ port: freePort(), pattern: 1, zeroCopyReceive: true }),
    (error: unknown) =>
      error instanceof NetGearError && /zeroCopyReceive on a sender/.test(error.message),
  );
});
