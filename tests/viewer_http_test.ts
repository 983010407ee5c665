// The live viewer over plain HTTP and WebSocket, without a browser: the page, the state, the
// JPEG snapshots, the frame stream and its acknowledgements, bad frames, and closing.
import assert from "node:assert/strict";
import { createFrame, type Frame } from "../src/frame.ts";
import { jpegCodec } from "../src/codec/mod.ts";
import { startViewer, type Viewer } from "../src/viewer/mod.ts";
import { delay, within } from "./_endpoints.ts";

(await jpegCodec()).close(); // the codec's native library loads before the sanitizers watch

/** A `[h, w, 3]` frame of one colour, given as bytes in the frame's own channel order. */
function solid(bytes: [number, number, number], [h, w] = [48, 64]): Frame {
  const data = new Uint8Array(h * w * 3);
  for (let i = 0; i < data.length; i += 3) data.set(bytes, i);
  return createFrame(data, [h, w, 3]);
}

const codec = await jpegCodec();
addEventListener("unload", () => codec.close());

/** The colour at the centre of a JPEG, as `[r, g, b]` (decoded as RGB). */
function centre(jpeg: Uint8Array): number[] {
  const frame = codec.decode(jpeg, { colorspace: "RGB" });
  const [h, w] = frame.shape;
  const at = ((h >> 1) * w + (w >> 1)) * 3;
  return [...frame.data.subarray(at, at + 3)];
}

function near(actual: number[], expected: number[], what: string, tolerance = 12): void {
  assert.ok(
    actual.every((v, i) => Math.abs(v - expected[i]) <= tolerance),
    `${what}: got ${JSON.stringify(actual)}, expected about ${JSON.stringify(expected)}`,
  );
}

interface State {
  tiles: { id: number; key: string; label: string; fps: number; message: string; error?: string }[];
}

async function state(viewer: Viewer): Promise<State> {
  const response = await fetch(new URL("/state.json", viewer.url));
  assert.equal(response.status, 200);
  return await response.json();
}

/** A WebSocket watcher that collects the viewer's state and frame messages. */
class Watcher {
  readonly socket: WebSocket;
  readonly states: State[] = [];
  readonly frames: { id: number; jpeg: Uint8Array }[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<void>;
  #wake: (() => void) | undefined;

  constructor(viewer: Viewer) {
    this.socket = new WebSocket(new URL("/ws", viewer.url.replace(/^http/, "ws")));
    this.socket.binaryType = "arraybuffer";
    this.opened = new Promise((resolve, reject) => {
      this.socket.onopen = () => resolve();
      this.socket.onerror = () => reject(new Error("the viewer's WebSocket failed"));
    });
    this.closed = new Promise((resolve) => this.socket.onclose = () => resolve());
    this.socket.onmessage = (event) => {
      if (typeof event.data === "string") this.states.push(JSON.parse(event.data));
      else {
        const bytes = new Uint8Array(event.data);
        const id = new DataView(event.data).getUint32(0);
        this.frames.push({ id, jpeg: bytes.subarray(4) });
      }
      this.#wake?.();
    };
  }

  /** Waits (bounded) until `ready()` holds after some message. */
  async until(ready: () => boolean, what: string, ms = 5000): Promise<void> {
    const deadline = performance.now() + ms;
    while (!ready()) {
      if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await within(new Promise<void>((resolve) => this.#wake = resolve), ms, what);
    }
  }

  ack(id: number): void {
    this.socket.send(JSON.stringify({ ack: id }));
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.closed;
  }
}

Deno.test("viewer: serves one self-contained page, with its title escaped", async () => {
  await using viewer = await startViewer({ title: "cams <&> 'here'" });
  assert.match(viewer.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const response = await fetch(viewer.url);
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /^text\/html/);
  assert.match(response.headers.get("content-security-policy") ?? "", /default-src 'none'/);
  const html = await response.text();
  assert.ok(html.includes("<title>cams &#60;&#38;&#62; &#39;here&#39;</title>"));
  assert.ok(!/\b(src|href)=["']?https?:/i.test(html), "the page loads nothing from elsewhere");
  const missing = await fetch(new URL("/nope", viewer.url));
  assert.equal(missing.status, 404);
  await missing.body?.cancel();
});

Deno.test("viewer: the snapshot endpoint gives each tile's newest frame as JPEG, in its colours", async () => {
  await using viewer = await startViewer();
  viewer.update(5566, solid([255, 0, 0])); // BGR: blue
  viewer.update("rgb", solid([255, 0, 0]), { channelOrder: "rgb" }); // red
  const gray = createFrame(new Uint8Array(48 * 64).fill(200), [48, 64]);
  viewer.update("gray", gray);
  viewer.update("bgra", createFrame(new Uint8Array(48 * 64 * 4).fill(0x40), [48, 64, 4]));
  const expected: Record<string, number[]> = {
    "5566": [0, 0, 255],
    rgb: [255, 0, 0],
    gray: [200, 200, 200],
    bgra: [0x40, 0x40, 0x40],
  };
  for (const [key, colour] of Object.entries(expected)) {
    const response = await fetch(new URL(`/tiles/${key}.jpg`, viewer.url));
    assert.equal(response.status, 200, key);
    assert.equal(response.headers.get("content-type"), "image/jpeg");
    const jpeg = new Uint8Array(await response.arrayBuffer());
    assert.deepEqual([...jpeg.subarray(0, 2)], [0xff, 0xd8], `${key}: a JPEG`);
    near(centre(jpeg), colour, key);
  }
  const none = await fetch(new URL("/tiles/5599.jpg", viewer.url));
  assert.equal(none.status, 404);
  await none.body?.cancel();
  const malformed = await fetch(new URL("/tiles/%E0%A4%A.jpg", viewer.url));
  assert.equal(malformed.status, 400);
  await malformed.body?.cancel();
  // Tiles are ordered by port (numeric keys first), then by name, whatever order they came in.
  assert.deepEqual((await state(viewer)).tiles.map((t) => t.key), ["5566", "bgra", "gray", "rgb"]);
});

Deno.test("viewer: frames are encoded only while a page watches, then streamed with acknowledgements", async () => {
  await using viewer = await startViewer({ maxFps: 20 });
  for (let i = 0; i < 30; i++) viewer.update(5566, solid([i, i, i]), { message: `frame ${i}` });
  assert.equal(viewer.stats.encoded, 0, "nothing encoded without a watcher");

  const watcher = new Watcher(viewer);
  await within(watcher.opened, 5000, "the WebSocket opening");
  await watcher.until(() => watcher.states.length > 0, "the first state");
  const [tile] = watcher.states[0].tiles;
  assert.equal(tile.key, "5566");
  assert.equal(tile.message, "frame 29");
  await watcher.until(() => watcher.frames.length > 0, "the first frame");
  assert.equal(watcher.frames[0].id, tile.id);
  near(centre(watcher.frames[0].jpeg), [29, 29, 29], "the newest frame, not a backlog");

  // Without an acknowledgement no next frame of that tile is sent, however many come in.
  for (let i = 0; i < 5; i++) {
    viewer.update(5566, solid([100, 100, 100]));
    await delay(60);
  }
  assert.equal(watcher.frames.length, 1, "one frame in flight per tile");
  watcher.ack(tile.id);
  await watcher.until(() => watcher.frames.length === 2, "the frame after the acknowledgement");
  near(centre(watcher.frames[1].jpeg), [100, 100, 100], "the newer frame");
  assert.equal(viewer.stats.watchers, 1);
  assert.ok(viewer.stats.encoded >= 2 && viewer.stats.sent === 2);

  // A second server joins, then the first leaves: both show up in the state.
  viewer.update(5567, solid([0, 255, 0]), { label: "second", fps: 12.5 });
  await watcher.until(
    () => watcher.states.at(-1)!.tiles.some((t) => t.key === "5567"),
    "the join in the state",
  );
  const second = watcher.states.at(-1)!.tiles.find((t) => t.key === "5567")!;
  assert.equal(second.label, "second");
  assert.equal(second.fps, 12.5);
  viewer.remove(5566);
  await watcher.until(
    () => watcher.states.at(-1)!.tiles.map((t) => t.key).join() === "5567",
    "the leave in the state",
  );
  await watcher.close();
  const encoded = viewer.stats.encoded;
  for (let i = 0; i < 5; i++) {
    viewer.update(5567, solid([i, 0, 0]));
    await delay(60);
  }
  assert.equal(viewer.stats.watchers, 0);
  assert.equal(viewer.stats.encoded, encoded, "encoding stops when the last page leaves");
});

Deno.test("viewer: bad frames are dropped, counted and named on their tile; good ones still show", async () => {
  await using viewer = await startViewer();
  const bad: unknown[] = [
    null,
    "frame",
    createFrame(new Uint8Array(4 * 4 * 3 * 4), [4, 4, 3], "float32"),
    { shape: [4, 4, 3], dtype: "uint8", data: new Uint8Array(5) },
    { shape: [4, 4, 2], dtype: "uint8", data: new Uint8Array(32) },
    { shape: [2, 2, 2, 3], dtype: "uint8", data: new Uint8Array(24) },
    createFrame(new Uint8Array(0), [0, 0, 3]), // valid shape, but no JPEG holds it
  ];
  for (const frame of bad) viewer.update(5566, frame as Frame);
  viewer.update(5567, solid([1, 2, 3]), { channelOrder: "xyz" as "rgb" });
  const snapshot = await fetch(new URL("/tiles/5566.jpg", viewer.url)); // encodes the empty one
  assert.equal(snapshot.status, 404);
  await snapshot.body?.cancel();
  assert.equal(viewer.stats.dropped, bad.length + 1);
  const tiles = (await state(viewer)).tiles;
  assert.match(tiles[0].error ?? "", /^dropped frame: /);
  assert.match(tiles[1].error ?? "", /channel order "xyz"/);

  viewer.update(5566, solid([0, 0, 255])); // BGR red
  const good = await fetch(new URL("/tiles/5566.jpg", viewer.url));
  assert.equal(good.status, 200);
  near(centre(new Uint8Array(await good.arrayBuffer())), [255, 0, 0], "the good frame");
  assert.equal((await state(viewer)).tiles[0].error, undefined);
  assert.throws(() => viewer.update(NaN, solid([0, 0, 0])), TypeError);
});

Deno.test("viewer: messages show as one line of text whatever their type", async () => {
  await using viewer = await startViewer();
  const fail = (): never => {
    throw new Error("no");
  };
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  const cases: [unknown, string | RegExp][] = [
    ["I'm Server-1", "I'm Server-1"],
    [{ n: 1, big: 2n }, '{"n":1,"big":"2"}'],
    ["two\nlines", "two lines"],
    [null, ""],
    [cycle, "[object Object]"],
    [{ toJSON: fail, toString: fail }, /cannot be printed/],
    [createFrame(new Uint8Array(6), [1, 2, 3]), "frame [1,2,3] uint8"],
    ["x".repeat(1000), /^x{299}…$/],
  ];
  for (const [message, shown] of cases) {
    viewer.update(1, solid([0, 0, 0]), { message });
    const { tiles } = await state(viewer);
    if (typeof shown === "string") assert.equal(tiles[0].message, shown);
    else assert.match(tiles[0].message, shown);
  }
});

Deno.test("viewer: refuses cross-site pages and foreign host names", async () => {
  await using viewer = await startViewer();
  const ws = new URL("/ws", viewer.url);
  const crossSite = await fetch(ws, {
    headers: { upgrade: "websocket", origin: "http://evil.example" },
  });
  assert.equal(crossSite.status, 403);
  await crossSite.body?.cancel();
  // fetch() sets Host itself, so a DNS-rebound request is written by hand.
  const { port } = new URL(viewer.url);
  const connection = await Deno.connect({ hostname: "127.0.0.1", port: Number(port) });
  await connection.write(
    new TextEncoder().encode("GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"),
  );
  const reply = new TextDecoder().decode(await new Response(connection.readable).bytes());
  assert.match(reply, /^HTTP\/1\.1 403/);
  const local = await fetch(`http://localhost:${port}/`);
  assert.equal(local.status, 200);
  await local.body?.cancel();
});

Deno.test("viewer: close() disconnects pages, stops serving and is idempotent; a signal closes it", async () => {
  const viewer = await startViewer();
  viewer.update(1, solid([9, 9, 9]));
  const watcher = new Watcher(viewer);
  await within(watcher.opened, 5000, "the WebSocket opening");
  await Promise.all([viewer.close(), viewer.close()]);
  await within(watcher.closed, 5000, "the page's disconnection");
  await assert.rejects(fetch(viewer.url));
  viewer.update(1, solid([9, 9, 9])); // ignored once closed
  assert.equal(viewer.stats.tiles, 1);

  const controller = new AbortController();
  const second = await startViewer({ signal: controller.signal });
  controller.abort();
  await second.close();
  await assert.rejects(fetch(second.url));
});

Deno.test("viewer: invalid options are refused before anything starts", async () => {
  await assert.rejects(startViewer({ port: 70000 }), RangeError);
  await assert.rejects(startViewer({ maxFps: 0 }), RangeError);
  await assert.rejects(startViewer({ quality: 5 }), RangeError);
  await assert.rejects(startViewer({ hostname: "" }), TypeError);
  await assert.rejects(startViewer({ channelOrder: "hsv" as "rgb" }), TypeError);
});
