import assert from "node:assert/strict";
import { CaptureError, type PixelFormat, SyntheticSource } from "../src/capture/mod.ts";
import { CELL_HEIGHT, CELL_WIDTH } from "../src/capture/_font.ts";

/** The bytes of a rectangle of a frame, row after row. */
function region(
  data: Uint8Array,
  width: number,
  channels: number,
  x: number,
  y: number,
  w: number,
  h: number,
): Uint8Array {
  const out = new Uint8Array(w * h * channels);
  for (let row = 0; row < h; row++) {
    const start = ((y + row) * width + x) * channels;
    out.set(data.subarray(start, start + w * channels), row * w * channels);
  }
  return out;
}

// At 64×48 the font scale is 1 and the text starts 2 pixels in: the name's box is the first
// text line, the counter ("#000000", 7 characters) the second.
const W = 64;
const H = 48;
const MARGIN = 2;
const COUNTER = { x: MARGIN, y: MARGIN + CELL_HEIGHT, w: 7 * CELL_WIDTH + 1, h: CELL_HEIGHT };

Deno.test("synthetic frames have the shape and dtype of their pixel format", async () => {
  const cases: [PixelFormat, number[]][] = [
    ["bgr24", [H, W, 3]],
    ["rgb24", [H, W, 3]],
    ["gray", [H, W]],
    ["rgba", [H, W, 4]],
    ["bgra", [H, W, 4]],
  ];
  for (const [pixelFormat, shape] of cases) {
    await using source = new SyntheticSource({ width: W, height: H, pixelFormat, realtime: false });
    assert.deepEqual(source.shape, shape);
    const frame = await source.read();
    assert.ok(frame);
    assert.deepEqual(frame.shape, shape, pixelFormat);
    assert.equal(frame.dtype, "uint8");
    assert.equal(frame.data.byteLength, shape.reduce((a, b) => a * b));
  }
});

Deno.test("the default synthetic source is 640×480 bgr24", () => {
  const source = new SyntheticSource();
  assert.deepEqual(source.shape, [480, 640, 3]);
  assert.equal(source.render(0).data.byteLength, 480 * 640 * 3);
});

Deno.test("synthetic frames are the same bytes for the same options and index", async () => {
  const options = { width: W, height: H, name: "cam 7", realtime: false };
  await using a = new SyntheticSource(options);
  await using b = new SyntheticSource(options);
  for (let i = 0; i < 3; i++) {
    const fromA = await a.read();
    const fromB = await b.read();
    assert.ok(fromA && fromB);
    assert.deepEqual(fromA.data, fromB.data);
    assert.deepEqual(fromA.data, a.render(i).data, `read() and render(${i}) agree`);
  }
});

Deno.test("the name drawn on synthetic frames tells sources apart", () => {
  const one = new SyntheticSource({ width: W, height: H, name: "CAM1" }).render(0);
  const two = new SyntheticSource({ width: W, height: H, name: "CAM2" }).render(0);
  assert.notDeepEqual(one.data, two.data);
});

Deno.test("the frame counter changes from frame to frame and the name stays", () => {
  const source = new SyntheticSource({ width: W, height: H, name: "cam" });
  const counter = (index: number): Uint8Array => {
    const { x, y, w, h } = COUNTER;
    return region(source.render(index).data, W, 3, x, y, w, h);
  };
  const name = (index: number): Uint8Array =>
    region(source.render(index).data, W, 3, MARGIN, MARGIN, 3 * CELL_WIDTH + 1, CELL_HEIGHT);

  // The counter is white text on a black box, so changes there come from the digits alone.
  for (const byte of counter(0)) assert.ok(byte === 0 || byte === 255);
  assert.ok(counter(0).some((byte) => byte === 255), "digits are drawn");
  assert.notDeepEqual(counter(0), counter(1));
  assert.notDeepEqual(counter(1), counter(2));
  assert.deepEqual(counter(5), counter(5));
  assert.deepEqual(name(0), name(9));
});

Deno.test("the picture moves between frames outside the text", () => {
  const source = new SyntheticSource({ width: W, height: H });
  const below = (index: number): Uint8Array =>
    region(source.render(index).data, W, 3, 0, 30, W, H - 30);
  assert.notDeepEqual(below(0), below(1));
});

Deno.test("red and blue swap between bgr24 and rgb24", () => {
  const bgr = new SyntheticSource({ width: W, height: H, pixelFormat: "bgr24" }).render(3).data;
  const rgb = new SyntheticSource({ width: W, height: H, pixelFormat: "rgb24" }).render(3).data;
  for (let i = 0; i < bgr.length; i += 3) {
    assert.deepEqual([bgr[i], bgr[i + 1], bgr[i + 2]], [rgb[i + 2], rgb[i + 1], rgb[i]]);
  }
});

Deno.test("rgba frames are opaque", () => {
  const data = new SyntheticSource({ width: W, height: H, pixelFormat: "rgba" }).render(0).data;
  for (let i = 3; i < data.length; i += 4) assert.equal(data[i], 255);
});

Deno.test("a synthetic source ends after maxFrames", async () => {
  await using source = new SyntheticSource({ width: W, height: H, maxFrames: 3, realtime: false });
  let frames = 0;
  for await (const _ of source) frames++;
  assert.equal(frames, 3);
  assert.equal(await source.read(), null);
  assert.equal(source.stats.framesRead, 3);
});

Deno.test("a realtime synthetic source is paced at its fps", async () => {
  await using source = new SyntheticSource({ width: W, height: H, fps: 20, maxFrames: 5 });
  const start = performance.now();
  for await (const _ of source);
  const elapsed = performance.now() - start;
  // Frames 0..4 are due 0, 50, …, 200 ms after the first: a lower bound only.
  assert.ok(elapsed >= 150, `5 frames at 20 fps took ${elapsed} ms`);
  assert.ok(source.stats.fps > 0);
});

Deno.test("stop() resolves a read waiting for its time slot to null", async () => {
  const source = new SyntheticSource({ width: W, height: H, fps: 0.5 });
  assert.ok(await source.read());
  const pending = source.read(); // due two seconds later
  await source.stop();
  await source.stop();
  assert.equal(await pending, null);
  assert.equal(await source.read(), null);
});

Deno.test("a second read while one is pending is refused", async () => {
  await using source = new SyntheticSource({ width: W, height: H, fps: 0.5 });
  assert.ok(await source.read());
  const pending = source.read();
  await assert.rejects(source.read(), (error: unknown) => {
    assert.ok(error instanceof CaptureError);
    assert.equal(error.reason, "busy");
    return true;
  });
  await source.stop();
  assert.equal(await pending, null);
});

Deno.test("aborting the signal ends a synthetic source", async () => {
  const controller = new AbortController();
  await using source = new SyntheticSource({ width: W, height: H, signal: controller.signal });
  controller.abort();
  assert.equal(await source.read(), null);
});

Deno.test("bad synthetic options are refused", () => {
  assert.throws(() => new SyntheticSource({ width: 0 }), RangeError);
  assert.throws(() => new SyntheticSource({ height: 1.5 }), RangeError);
  assert.throws(() => new SyntheticSource({ fps: 0 }), RangeError);
  assert.throws(() => new SyntheticSource({ maxFrames: -1 }), RangeError);
  assert.throws(() => new SyntheticSource({ pixelFormat: "yuv420p" as PixelFormat }), TypeError);
  assert.throws(() => new SyntheticSource().render(-1), RangeError);
});

Deno.test("text longer than the frame is clipped, not an error", () => {
  const source = new SyntheticSource({ width: 8, height: 4, name: "a very long camera name" });
  assert.equal(source.render(123456).data.byteLength, 8 * 4 * 3);
  const tiny = new SyntheticSource({ width: 1, height: 1, pixelFormat: "gray" });
  assert.deepEqual(tiny.render(0).shape, [1, 1]);
});
