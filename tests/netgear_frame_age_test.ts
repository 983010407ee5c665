import assert from "node:assert/strict";
import { createFrame, NetGear } from "../mod.ts";
import { decodeMessage, encodeFrameMessage } from "../src/protocol/mod.ts";
import { SyntheticSource } from "../src/capture/mod.ts";
import { FrameAgeWindow } from "../src/netgear/_frame_age.ts";
import { freePorts, within } from "./_endpoints.ts";
import { libzmqInfo, Socket } from "../src/zmq/mod.ts";

libzmqInfo(); // libzmq loads once per process, before the sanitizers watch

const frame = createFrame(new Uint8Array(4 * 6 * 3).fill(7), [4, 6, 3]);

Deno.test("capture_time: written last, in seconds, read back in milliseconds; absent stays absent", () => {
  for (const headerFormat of ["json", "msgpack"] as const) {
    const parts = encodeFrameMessage({ frame, captureTime: 1_700_000_000_123.5, headerFormat });
    if (headerFormat === "json") {
      assert.match(
        new TextDecoder().decode(parts[0]),
        /"shape":\[4,6,3\],"capture_time":1700000000\.1235\}$/,
      );
    }
    const decoded = decodeMessage(parts);
    assert.equal(decoded.kind, "frame");
    assert.equal(decoded.kind === "frame" && decoded.captureTime, 1_700_000_000_123.5);
    const plain = decodeMessage(encodeFrameMessage({ frame, headerFormat }));
    assert.equal(plain.kind === "frame" && plain.captureTime, undefined);
  }
  const odd = new TextEncoder().encode(
    '{"terminate_flag": false, "compression": false, "dtype": "uint8", "shape": [1], "capture_time": "soon"}',
  );
  const decoded = decodeMessage([odd, new Uint8Array(1)]);
  assert.equal(
    decoded.kind === "frame" && decoded.captureTime,
    undefined,
    "an odd value is ignored",
  );
  assert.throws(() => encodeFrameMessage({ frame, captureTime: NaN }), RangeError);
});

Deno.test("frame ages: p50 and p99 over the 2 s up to the newest frame, which a stopped stream keeps", () => {
  const window = new FrameAgeWindow();
  assert.equal(window.summary(), undefined, "no frame, no figures");
  // Frames 10 ms apart: those of the first second, 1000 ms old, fall out of the window of the
  // 2 s up to the newest (at 2990 ms); the 200 after them are 1 to 100 ms old, twice over.
  for (let t = 0; t < 990; t += 10) window.add(t, 1000);
  for (let t = 1000; t < 3000; t += 10) window.add(t, (t % 1000) / 10 % 100 + 1);
  const age = window.summary();
  assert.ok(age);
  assert.equal(age.frames, 200);
  assert.equal(age.p50, 50);
  assert.equal(age.p99, 99); // nearest rank: the 198th of 200
});

Deno.test("a multi-server client reports each server's frame age from the capture times sent", async () => {
  const ports = freePorts(2);
  const client = new NetGear({
    address: "127.0.0.1",
    port: ports,
    pattern: 1,
    receiveMode: true,
    multiserverMode: true,
  });
  // Server 0 says its frames are 400 ms old when sent; server 1 sends frames of a capture
  // source, which stamps them itself.
  const source = new SyntheticSource({ width: 16, height: 8, maxFrames: 5, realtime: false });
  const serving = ports.map(async (port, s) => {
    const server = new NetGear({ address: "127.0.0.1", port, pattern: 1, multiserverMode: true });
    for (let i = 0; i < 5; i++) {
      if (s === 0) await server.send(frame, { captureTime: Date.now() - 400 });
      else await server.send((await source.read())!);
    }
    await server.close();
  });
  const times: Record<string, number[]> = {};
  for (let n = 0; n < 10; n++) {
    const item = await within(client.recv(), 10_000, "recv");
    assert.ok(item, "10 frames arrive");
    assert.equal(typeof item.captureTime, "number");
    (times[String(item.port)] ??= []).push(item.captureTime!);
  }
  const servers = client.servers;
  await within(Promise.all(serving), 10_000, "servers");
  await client.close();
  await source.stop();
  assert.equal(times[String(ports[0])].length, 5);
  const [zero, one] = ports.map((port) => servers.find((s) => s.port === port)!.frameAge);
  assert.ok(zero && one, "both servers have ages");
  assert.equal(zero.frames, 5);
  assert.ok(
    zero.p50 >= 400 && zero.p50 < 10_000,
    `server 0's age ${zero.p50} ms counts the 400 ms`,
  );
  assert.ok(zero.p99 >= zero.p50);
  assert.ok(one.p50 >= 0 && one.p50 < 10_000, `server 1's age ${one.p50} ms`);
});

Deno.test("frames without capture_time (vidgear servers) have no captureTime and no frame age", async () => {
  const ports = freePorts(1);
  const client = new NetGear({
    address: "127.0.0.1",
    port: ports,
    pattern: 1,
    receiveMode: true,
    multiserverMode: true,
  });
  // A raw REQ speaking as a vidgear server would: no capture_time key.
  const req = new Socket("REQ");
  req.connect(`tcp://127.0.0.1:${ports[0]}`);
  const header = new TextEncoder().encode(
    `{"port": ${
      ports[0]
    }, "terminate_flag": false, "compression": false, "message": null, "pattern": "1", "dtype": "uint8", "shape": [1]}`,
  );
  await req.send([header, new Uint8Array(1)], { timeout: 5000 });
  const item = await within(client.recv(), 10_000, "recv");
  await req.receive({ timeout: 5000 });
  assert.ok(item);
  assert.equal(item.captureTime, undefined);
  assert.equal(client.servers[0].frameAge, undefined);
  req.linger = 0;
  await req.close();
  await client.close();
});
