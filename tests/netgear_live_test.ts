import assert from "node:assert/strict";
import { createFrame, type Frame, NetGear, NetGearError } from "../mod.ts";
import { resolveOptions } from "../src/netgear/options.ts";
import { jpegCodec } from "../src/codec/mod.ts";
import { LiveRateControl } from "../src/netgear/_live.ts";
import { delay, freePort, within } from "./_endpoints.ts";
import { libzmqInfo } from "../src/zmq/mod.ts";

libzmqInfo(); // libzmq loads once per process, before the sanitizers watch
(await jpegCodec()).close(); // and libjpeg-turbo, the JPEG codec, too

/** A 640x480 colour frame with detail, so that its JPEG size follows the quality. */
function cameraFrame(i: number): Frame {
  const data = new Uint8Array(480 * 640 * 3);
  let seed = i * 7919 + 1;
  for (let k = 0; k < data.length; k++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    data[k] = ((k % 1920) >> 2) + (seed >>> 27);
  }
  return createFrame(data, [480, 640, 3]);
}

/** A live multi-server client on a free port and a live server of it. */
function livePair(pattern: 1 | 2): { client: NetGear; server: NetGear } {
  const port = freePort();
  const common = { address: "127.0.0.1", pattern, multiserverMode: true, live: true } as const;
  return {
    client: new NetGear({ ...common, port: [port], receiveMode: true }),
    server: new NetGear({ ...common, port }),
  };
}

/**
 * A slow viewer: takes a frame, then waits `ms`, until stopped or the client ends; `frames()`
 * tells how many it took, `stop()` ends it.
 */
function slowReader(client: NetGear, ms: number): { frames(): number; stop(): Promise<void> } {
  let received = 0;
  let stopped = false;
  const reading = (async () => {
    while (!stopped) {
      const item = await client.recv({ signal: AbortSignal.timeout(5000) }).catch(() => null);
      if (item === null) return;
      received++;
      await delay(ms);
    }
  })();
  return {
    frames: () => received,
    stop: async () => {
      stopped = true;
      await within(reading, 10_000, "reader");
    },
  };
}

Deno.test("live: one option sets latest delivery on a pattern-2 receiver and JPEG on a sender", () => {
  const receiver = resolveOptions({
    port: [5566],
    pattern: 2,
    receiveMode: true,
    multiserverMode: true,
    live: true,
  });
  assert.equal(receiver.delivery, "latest");
  assert.equal(receiver.live, true);
  const sender = resolveOptions({ port: 5566, pattern: 2, live: true });
  assert.equal(sender.jpeg?.colorspace, "BGR");
  assert.equal(sender.jpeg?.quality, 90);
  assert.equal(resolveOptions({ port: 5566, pattern: 2 }).jpeg, undefined, "not live: raw");
  assert.equal(resolveOptions({ port: 5566, pattern: 2, receiveMode: true }).delivery, "lossless");
  assert.throws(
    () =>
      resolveOptions({
        port: 5566,
        pattern: 2,
        receiveMode: true,
        live: true,
        delivery: "lossless",
      }),
    NetGearError,
  );
  assert.throws(
    () => resolveOptions({ port: 5566, live: true, jpegCompression: false }),
    NetGearError,
  );
});

Deno.test("live, pattern 2: a receiver that falls behind makes the sender lower its JPEG quality and drop, never wait", async () => {
  const { client, server } = livePair(2);
  const frames = [0, 1, 2].map(cameraFrame);
  // A slow viewer: it reads a frame every 150 ms while the camera sends 100 a second.
  const reader = slowReader(client, 150);
  const started = performance.now();
  for (let i = 0; i < 300 && performance.now() - started < 8000; i++) {
    const sendStarted = performance.now();
    await within(server.send(frames[i % 3], { message: i }), 2000, `send ${i}`);
    assert.ok(performance.now() - sendStarted < 1000, "a live send never waits on the receiver");
    await delay(10);
  }
  const stats = server.stats;
  await server.close();
  await reader.stop();
  const clientStats = client.stats;
  const age = client.servers[0].frameAge;
  await client.close();
  assert.ok(stats.live, "a live sender reports its rate control");
  assert.ok(stats.live.congestion > 0, `congestion seen: ${JSON.stringify(stats)}`);
  assert.ok(stats.live.quality < 90, `quality lowered: ${JSON.stringify(stats.live)}`);
  assert.ok((stats.dropped.congested ?? 0) > 0, "frames that found the queue full are counted");
  assert.ok(reader.frames() > 5, `the viewer still gets frames (${reader.frames()})`);
  assert.ok((clientStats.dropped.stale ?? 0) > 0, "the client dropped stale frames, counted");
  assert.ok(age && age.p50 >= 0, "the client reports the frames' age");
});

Deno.test("live, pattern 1: slow round trips lower the quality, then the frame rate; stats say so", async () => {
  const { client, server } = livePair(1);
  // Each reply comes up to 60 ms after its frame, while the camera offers one every 20 ms.
  const reader = slowReader(client, 60);
  const frame = cameraFrame(0);
  let next = performance.now();
  const started = next;
  let fewest = 1;
  while (performance.now() - started < 3000) {
    await within(server.send(frame), 5000, "send");
    fewest = Math.max(fewest, server.stats.live?.sendsOneIn ?? 0);
    next += 20;
    const wait = next - performance.now();
    if (wait > 0) await delay(wait);
    else next = performance.now();
  }
  const stats = server.stats;
  await server.close();
  await reader.stop();
  await client.close();
  assert.ok(stats.live);
  assert.ok(stats.live.congestion > 0, JSON.stringify(stats));
  assert.equal(stats.live.quality, 30, `quality down to its floor: ${JSON.stringify(stats.live)}`);
  assert.ok(fewest > 1, `then fewer frames: one in ${fewest}`);
  assert.ok((stats.dropped.skipped ?? 0) > 0, "skipped frames are counted");
  assert.ok(stats.frames > 10);
});

Deno.test("live rate control, patterns 0 and 1: congested when round trips take most of the time between frames, and over 15 ms", () => {
  const run = (gapMs: number, roundTripMs: number) => {
    const control = new LiveRateControl(90);
    for (let t = 0; t < 1000; t += gapMs) control.roundTrip(t, t + roundTripMs);
    return control.rate;
  };
  assert.equal(run(33, 5).congestion, 0, "a camera at 30 fps, quick replies");
  assert.equal(run(6, 5).congestion, 0, "frames as fast as they come, replies under 15 ms");
  const slow = run(33, 30);
  assert.ok(slow.congestion > 0, "a camera at 30 fps, replies that take 30 ms");
  assert.ok(slow.quality < 90, "quality lowered");
  const control = new LiveRateControl(90);
  for (let t = 0; t < 500; t += 33) control.roundTrip(t, t + (t === 198 ? 100 : 5));
  assert.equal(control.rate.congestion, 0, "one late reply among quick ones");
});
