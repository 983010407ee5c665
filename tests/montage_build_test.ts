import assert from "node:assert/strict";
import { createFrame, type Frame } from "../src/frame.ts";
import { buildMontages, resizeFrame } from "../src/montage/mod.ts";

/** A frame of one colour; `pixel` has one byte per channel (gray frames use shape [h, w]). */
function solid(width: number, height: number, pixel: number[], flatGray = true): Frame {
  const channels = pixel.length;
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = pixel[i % channels];
  const shape = channels === 1 && flatGray ? [height, width] : [height, width, channels];
  return createFrame(data, shape);
}

function pixelAt(frame: Frame, x: number, y: number): number[] {
  const channels = frame.shape[2] ?? 1;
  const at = (y * frame.shape[1] + x) * channels;
  return [...frame.data.subarray(at, at + channels)];
}

const BLUE = [255, 0, 0]; // BGR
const GREEN = [0, 255, 0];
const RED = [0, 0, 255];
const WHITE = [255, 255, 255];
const GRAY = [128, 128, 128];

for (const [cols, rows] of [[2, 1], [2, 2]] as const) {
  for (const count of [0, 1, 2, 3, 5]) {
    Deno.test(`buildMontages() makes ceil(n / tiles) montages of cols·w × rows·h for ${count} frames on a ${cols}×${rows} grid`, () => {
      const frames = Array.from({ length: count }, () => solid(64, 48, GRAY));
      const montages = buildMontages(frames, [32, 24], [cols, rows]);
      assert.equal(montages.length, Math.ceil(count / (cols * rows)));
      for (const montage of montages) {
        assert.deepEqual(montage.shape, [rows * 24, cols * 32, 3]);
        assert.equal(montage.dtype, "uint8");
        assert.equal(montage.data.byteLength, rows * 24 * cols * 32 * 3);
      }
    });
  }
}

Deno.test("buildMontages() places frames left to right, row by row, and pads with black", () => {
  const colours = [BLUE, GREEN, RED, WHITE, GRAY];
  const frames = colours.map((c) => solid(40, 30, c));
  const montages = buildMontages(frames, [20, 10], [2, 2]);
  assert.equal(montages.length, 2);
  const centre = (montage: Frame, col: number, row: number): number[] =>
    pixelAt(montage, col * 20 + 10, row * 10 + 5);
  assert.deepEqual(centre(montages[0], 0, 0), BLUE);
  assert.deepEqual(centre(montages[0], 1, 0), GREEN);
  assert.deepEqual(centre(montages[0], 0, 1), RED);
  assert.deepEqual(centre(montages[0], 1, 1), WHITE);
  assert.deepEqual(centre(montages[1], 0, 0), GRAY);
  assert.deepEqual(centre(montages[1], 1, 0), [0, 0, 0]);
  assert.deepEqual(centre(montages[1], 0, 1), [0, 0, 0]);
  assert.deepEqual(centre(montages[1], 1, 1), [0, 0, 0]);
  // Tile edges: every pixel of a solid tile keeps its colour, the padding is black throughout.
  assert.deepEqual(pixelAt(montages[0], 19, 9), BLUE);
  assert.deepEqual(pixelAt(montages[0], 20, 0), GREEN);
  assert.deepEqual(pixelAt(montages[0], 39, 19), WHITE);
  assert.deepEqual(pixelAt(montages[1], 19, 9), GRAY);
  assert.ok(montages[1].data.subarray(10 * 40 * 3).every((v) => v === 0));
});

Deno.test("buildMontages() accepts any iterable, such as a Map's values, and keeps its order", () => {
  const latest = new Map([[5567, solid(8, 8, RED)], [5566, solid(8, 8, BLUE)]]);
  const [montage] = buildMontages(latest.values(), [8, 8], [2, 1]);
  assert.deepEqual(pixelAt(montage, 4, 4), RED);
  assert.deepEqual(pixelAt(montage, 12, 4), BLUE);
});

Deno.test("buildMontages() resizes every frame to exactly the tile size, whatever its aspect", () => {
  const tall = createFrame(new Uint8Array(100 * 10 * 3), [100, 10, 3]);
  // Mark the last column and the last 5 rows (one tile row's worth when shrinking 100 → 20).
  for (let y = 0; y < 100; y++) tall.data.set(GREEN, (y * 10 + 9) * 3);
  for (let y = 95; y < 100; y++) for (let x = 0; x < 9; x++) tall.data.set(RED, (y * 10 + x) * 3);
  const [montage] = buildMontages([tall, solid(7, 3, WHITE)], [50, 20], [2, 1], {
    interpolation: "nearest",
  });
  assert.deepEqual(montage.shape, [20, 100, 3]);
  assert.deepEqual(pixelAt(montage, 49, 5), GREEN);
  assert.deepEqual(pixelAt(montage, 44, 5), [0, 0, 0]);
  assert.deepEqual(pixelAt(montage, 10, 19), RED);
  assert.deepEqual(pixelAt(montage, 10, 18), [0, 0, 0]);
  assert.deepEqual(pixelAt(montage, 50, 0), WHITE);
  assert.deepEqual(pixelAt(montage, 99, 19), WHITE);
});

Deno.test("buildMontages() copies frames that already have the tile size unchanged", () => {
  const noise = createFrame(Uint8Array.from({ length: 6 * 4 * 3 }, (_, i) => (i * 37) % 256), [
    4,
    6,
    3,
  ]);
  const [montage] = buildMontages([noise], [6, 4], [1, 1]);
  assert.deepEqual(montage.data, noise.data);
  assert.notEqual(montage.data, noise.data);
});

Deno.test("buildMontages() does not modify its input frames", () => {
  const frame = solid(16, 16, BLUE);
  const before = frame.data.slice();
  buildMontages([frame, frame], [8, 8], [1, 1]);
  assert.deepEqual(frame.data, before);
});

Deno.test("buildMontages() makes a gray montage [h, w] when the first frame is gray, converting colour by luma", () => {
  const [montage] = buildMontages(
    [solid(4, 4, [200]), solid(4, 4, RED), solid(4, 4, [10, 20, 30, 40])],
    [4, 4],
    [3, 1],
  );
  assert.deepEqual(montage.shape, [4, 12]);
  assert.deepEqual(pixelAt(montage, 1, 1), [200]);
  assert.deepEqual(pixelAt(montage, 5, 1), [76]); // 0.299 · 255, OpenCV's BGR2GRAY of pure red
  // BGRA [10, 20, 30]: r = 30, g = 20, b = 10.
  assert.deepEqual(pixelAt(montage, 9, 1), [Math.round(0.299 * 30 + 0.587 * 20 + 0.114 * 10)]);
});

Deno.test("buildMontages() honours channelOrder when converting RGB frames to gray", () => {
  const [montage] = buildMontages([solid(2, 2, [0]), solid(2, 2, [255, 0, 0])], [2, 2], [2, 1], {
    channelOrder: "rgb",
  });
  assert.deepEqual(pixelAt(montage, 3, 1), [76]); // RGB [255, 0, 0] is red
});

Deno.test("buildMontages() keeps a [h, w, 1] shape when the first frame is written that way", () => {
  const [montage] = buildMontages([solid(4, 4, [9], false)], [2, 2], [2, 1]);
  assert.deepEqual(montage.shape, [2, 4, 1]);
  assert.deepEqual([...montage.data], [9, 9, 0, 0, 9, 9, 0, 0]);
});

Deno.test("buildMontages() expands gray into colour montages and drops or adds alpha", () => {
  const [bgr] = buildMontages([solid(4, 4, BLUE), solid(4, 4, [77]), solid(4, 4, [1, 2, 3, 4])], [
    4,
    4,
  ], [3, 1]);
  assert.deepEqual(bgr.shape, [4, 12, 3]);
  assert.deepEqual(pixelAt(bgr, 5, 1), [77, 77, 77]);
  assert.deepEqual(pixelAt(bgr, 9, 1), [1, 2, 3]);
});

Deno.test("buildMontages() makes 4-channel montages from a 4-channel first frame, with opaque black padding", () => {
  const [bgra] = buildMontages(
    [solid(4, 4, [1, 2, 3, 128]), solid(4, 4, GREEN), solid(4, 4, [50])],
    [4, 4],
    [2, 2],
  );
  assert.deepEqual(bgra.shape, [8, 8, 4]);
  assert.deepEqual(pixelAt(bgra, 1, 1), [1, 2, 3, 128]);
  assert.deepEqual(pixelAt(bgra, 5, 1), [0, 255, 0, 255]);
  assert.deepEqual(pixelAt(bgra, 1, 5), [50, 50, 50, 255]);
  assert.deepEqual(pixelAt(bgra, 5, 5), [0, 0, 0, 255]);
});

Deno.test("buildMontages() rejects bad sizes, grids, options and frames with messages that say what to do", () => {
  const frame = solid(4, 4, GRAY);
  for (const size of [[0, 10], [10, -1], [1.5, 2], [Number.NaN, 2], [10], "10x10"]) {
    assert.throws(
      () => buildMontages([frame], size as unknown as [number, number], [2, 1]),
      { name: "RangeError", message: /size \[width, height\] ".*": use two positive integers/ },
    );
  }
  for (const grid of [[0, 1], [2, 0], [2.5, 1], [1, Infinity], null]) {
    assert.throws(
      () => buildMontages([frame], [4, 4], grid as unknown as [number, number]),
      { name: "RangeError", message: /grid \[cols, rows\] ".*": use two positive integers/ },
    );
  }
  assert.throws(
    () => buildMontages([frame], [4, 4], [2, 1], { interpolation: "cubic" as "nearest" }),
    TypeError,
  );
  assert.throws(
    () => buildMontages([frame], [4, 4], [2, 1], { channelOrder: "grb" as "rgb" }),
    TypeError,
  );
  assert.throws(
    () => buildMontages([frame], [100_000, 100_000], [2, 1]),
    /use a smaller size or grid/,
  );
  assert.throws(
    () => buildMontages(null as unknown as Frame[], [4, 4], [2, 1]),
    /pass an array or iterable of frames/,
  );
  assert.throws(
    () => buildMontages([createFrame(new Float32Array(16), [4, 4], "float32")], [4, 4], [2, 1]),
    {
      name: "TypeError",
      message: 'Cannot build a montage from a frame of dtype "float32": convert it to uint8 first',
    },
  );
  assert.throws(
    () => buildMontages([createFrame(new Uint8Array(32), [4, 4, 2])], [4, 4], [2, 1]),
    { name: "RangeError", message: /shape "\[4,4,2\]".*\[h, w, 3\] for BGR\/RGB/ },
  );
  assert.throws(
    () => buildMontages([createFrame(new Uint8Array(0), [0, 4, 3])], [4, 4], [2, 1]),
    /at least one pixel/,
  );
  assert.throws(
    () =>
      buildMontages([{ shape: [2, 2, 3], dtype: "uint8", data: new Uint8Array(5) }], [4, 4], [
        2,
        1,
      ]),
    /needs 12 bytes, got "5"/,
  );
});

Deno.test("buildMontages() returns no montages for no frames, still checking its arguments", () => {
  assert.deepEqual(buildMontages([], [4, 4], [2, 1]), []);
  assert.throws(() => buildMontages([], [4, 0], [2, 1]), RangeError);
});

Deno.test("resizeFrame() bilinear shrinks by two as the mean of each 2×2 block, like cv2.resize", () => {
  // 4×2 gray: columns 0 and 1 average to 15, columns 2 and 3 to 200.
  const frame = createFrame(Uint8Array.of(10, 20, 100, 200, 10, 20, 200, 300 % 256), [2, 4]);
  const half = resizeFrame(frame, [2, 1]);
  assert.deepEqual(half.shape, [1, 2]);
  assert.deepEqual([...half.data], [15, Math.round((100 + 200 + 200 + 44) / 4)]);
});

Deno.test("resizeFrame() bilinear keeps a solid colour exactly and blends edges smoothly when enlarging", () => {
  const solidFrame = resizeFrame(solid(640, 480, [12, 34, 56]), [320, 240]);
  assert.deepEqual(solidFrame.shape, [240, 320, 3]);
  assert.ok(solidFrame.data.every((v, i) => v === [12, 34, 56][i % 3]));
  const ramp = resizeFrame(createFrame(Uint8Array.of(0, 200), [1, 2]), [4, 1]);
  assert.deepEqual([...ramp.data], [0, 50, 150, 200]);
});

Deno.test("resizeFrame() nearest picks source pixels without blending", () => {
  const frame = createFrame(Uint8Array.of(1, 2, 3, 4), [1, 4]);
  assert.deepEqual([...resizeFrame(frame, [2, 1], { interpolation: "nearest" }).data], [1, 3]);
  assert.deepEqual([...resizeFrame(frame, [8, 2], { interpolation: "nearest" }).data], [
    1,
    1,
    2,
    2,
    3,
    3,
    4,
    4,
    1,
    1,
    2,
    2,
    3,
    3,
    4,
    4,
  ]);
});

Deno.test("resizeFrame() keeps the channel layout of BGRA and [h, w, 1] frames", () => {
  assert.deepEqual(resizeFrame(solid(10, 10, [1, 2, 3, 4]), [3, 5]).shape, [5, 3, 4]);
  assert.deepEqual(resizeFrame(solid(10, 10, [1], false), [3, 5]).shape, [5, 3, 1]);
  assert.throws(() => resizeFrame(solid(10, 10, [1]), [0, 5]), RangeError);
});

Deno.test("resizeFrame() bilinear halving equals the rounded mean of each 2×2 block for 1, 3 and 4 channels", () => {
  for (const channels of [1, 3, 4]) {
    const [w, h] = [10, 6];
    const data = Uint8Array.from({ length: w * h * channels }, (_, i) => (i * 2654435761) >>> 24);
    const half = resizeFrame(createFrame(data, [h, w, channels]), [w / 2, h / 2]);
    for (let y = 0; y < h / 2; y++) {
      for (let x = 0; x < w / 2; x++) {
        for (let k = 0; k < channels; k++) {
          const at = (sy: number, sx: number): number => data[(sy * w + sx) * channels + k];
          const sum = at(2 * y, 2 * x) + at(2 * y, 2 * x + 1) + at(2 * y + 1, 2 * x) +
            at(2 * y + 1, 2 * x + 1);
          assert.equal(half.data[(y * (w / 2) + x) * channels + k], (sum + 2) >> 2);
        }
      }
    }
  }
});

Deno.test("resizeFrame() bilinear samples pixel centres like cv2.resize for uneven scales", () => {
  // 1×5 → 1×3: centres map to source x = 1/6·5 - 0.5 … : 0.3333, 2, 3.6667.
  const frame = createFrame(Uint8Array.of(0, 30, 60, 90, 120), [1, 5]);
  assert.deepEqual([...resizeFrame(frame, [3, 1]).data], [10, 60, 110]);
  // Edges clamp: enlarging 1×2 → 1×3 maps x = -0.1667 (clamped to 0), 0.5, 1.1667 (clamped).
  const edges = createFrame(Uint8Array.of(0, 90), [1, 2]);
  assert.deepEqual([...resizeFrame(edges, [3, 1]).data], [0, 45, 90]);
});
